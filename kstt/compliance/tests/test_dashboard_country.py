"""The dashboard over the whole country's 2021 unit list (shared/data/vn_units_2021.csv, 11,366 units):
the page makes the same number of queries as for a province of three units. The time it takes is
measured by bench/dashboard.py, never here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.compliance.rules import Status
from kstt.reports.services import load_submissions
from kstt.tests.cast import AT
from kstt.units.services import load_units

pytestmark = pytest.mark.django_db

HN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_DAY = datetime(2021, 12, 20, 9, 0, tzinfo=HN)
TINY = """code,name,level,kind,parent_code
P90,Ủy ban nhân dân tỉnh Thử Nghiệm,province,tỉnh,
D901,Ủy ban nhân dân huyện Một,district,huyện,P90
W90101,Ủy ban nhân dân xã Một Một,commune,xã,D901
"""
TINY_HISTORY = """unit_code,report,period,event,at,reasons
D901,kstt,2021Q1,submitted,2021-03-18T09:00:00+07:00,
D901,kstt,2021Q1,returned,2021-03-19T09:00:00+07:00,forms
W90101,kstt,2021Q2,submitted,2021-06-30T09:00:00+07:00,
"""
#: Reports of the country's units: on time, late, returned; Hà Nội's districts and a commune.
COUNTRY_HISTORY = """unit_code,report,period,event,at,reasons
D001,kstt,2021Q1,submitted,2021-03-18T09:00:00+07:00,
D001,kstt,2021Q1,accepted,2021-03-20T09:00:00+07:00,
D002,kstt,2021Q2,submitted,2021-06-30T09:00:00+07:00,
D003,kstt,2021Q3,submitted,2021-09-17T09:00:00+07:00,
D003,kstt,2021Q3,returned,2021-09-18T09:00:00+07:00,incomplete;inaccurate
W00001,kstt,2021Q1,submitted,2021-03-15T09:00:00+07:00,
W00001,kstt,2021Q4,submitted,2021-12-15T09:00:00+07:00,
"""


def test_the_whole_country_needs_the_same_queries_as_a_province_of_three_units(client, kstt_report, settings):
    settings.KSTT_CLOCK = DEMO_DAY
    load_units(data=TINY.encode(), effective_from=None, at=AT)
    load_submissions(data=TINY_HISTORY.encode(), at=DEMO_DAY)
    admin = save_user(username="quan", full_name="Đỗ Quản Trị", unit=None, roles={Role.ADMIN}, password=None, at=AT)
    client.force_login(admin)
    client.get("/compliance/", {"year": 2021})  # warm the session and the caches a first page fills
    with CaptureQueriesContext(connection) as tiny:
        page = client.get("/compliance/", {"year": 2021})
    assert page.status_code == 200 and page.context["board"].total == 3 * 4

    country = (django_settings.KSTT_SHARED_DATA / "vn_units_2021.csv").read_bytes()
    load_units(data=country, effective_from=None, at=AT)
    load_submissions(data=COUNTRY_HISTORY.encode(), at=DEMO_DAY)
    with CaptureQueriesContext(connection) as whole:
        page = client.get("/compliance/", {"year": 2021})
    assert page.status_code == 200
    assert len(whole.captured_queries) == len(tiny.captured_queries), [q["sql"][:120] for q in whole]
    board = page.context["board"]
    assert len(board.rows) == 11_366 + 3 and board.total == (11_366 + 3) * 4
    assert page.context["page"].paginator.num_pages == 114  # 100 rows a page
    assert page.content.decode().count('data-testid="row-') == 100
    assert board.counts[Status.LATE] >= 2 and board.counts[Status.ON_TIME] >= 2

    with CaptureQueriesContext(connection) as filtered:
        page = client.get("/compliance/", {"year": 2021, "district": "D001", "page": 1})
    assert len(filtered.captured_queries) == len(tiny.captured_queries)
    assert {row.code for row in page.context["board"].rows} >= {"D001", "W00001"}
