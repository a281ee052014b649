"""Hòa Bình's 2021 in miniature, for the ledger's and the appeals' tests.

The cast (kstt/tests/cast.py) with a submission history loaded through `load-submissions`:

| unit | Q1 | Q2 | Q3 |
|---|---|---|---|
| Sở Tư pháp (P17-STP, tuan) | never sent: −0.50 | on time, accepted: 0 | late (22/09, due 20/09): −0.25 |
| huyện Lạc Sơn (D157, thu) | on time, returned for a missing form: −0.25 | never sent: −0.50 | on time, accepted: 0 |
| huyện Mai Châu (D156) | never sent: −0.50 | never sent: −0.50 | never sent: −0.50 |
| xã Yên Nghiệp (W05341, lan) | late: not scored | — | — |

Departments are due E + 4 days, districts E + 5, moved off weekends; closing 30 days later. On
1/11/2021 (``AS_OF``) Q1–Q3 are final, Q4 is not. ``thu`` reports for Lạc Sơn; ``minh`` reviews it.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.reports.services import load_submissions
from kstt.reports.tests.test_documents import make_pdf
from kstt.tests.cast import AT

HN = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2021, 11, 1, 10, 0, tzinfo=HN)
FILED = datetime(2021, 11, 2, 9, 0, tzinfo=HN)
DECIDED = datetime(2021, 11, 5, 15, 30, tzinfo=HN)
NOW = datetime(2021, 11, 10, 9, 0, tzinfo=HN)  # the clock of the page tests

HISTORY = """unit_code,report,period,event,at,reasons
P17-STP,kstt,2021Q2,submitted,2021-06-17T09:00:00+07:00,
P17-STP,kstt,2021Q2,accepted,2021-06-21T09:00:00+07:00,
P17-STP,kstt,2021Q3,submitted,2021-09-22T10:00:00+07:00,
P17-STP,kstt,2021Q3,accepted,2021-09-24T10:00:00+07:00,
D157,kstt,2021Q1,submitted,2021-03-17T09:00:00+07:00,
D157,kstt,2021Q1,returned,2021-03-22T09:00:00+07:00,forms
D157,kstt,2021Q1,submitted,2021-03-24T09:00:00+07:00,
D157,kstt,2021Q1,accepted,2021-03-25T09:00:00+07:00,
D157,kstt,2021Q3,submitted,2021-09-16T09:00:00+07:00,
D157,kstt,2021Q3,accepted,2021-09-17T09:00:00+07:00,
W05341,kstt,2021Q1,submitted,2021-03-20T09:00:00+07:00,
"""


@pytest.fixture
def history(cast, kstt_report, settings, tmp_path):
    """The cast and its 2021 history (use it with ``pytest.mark.usefixtures("history")``)."""
    settings.MEDIA_ROOT = tmp_path
    load_submissions(data=HISTORY.encode(), at=AS_OF, source="test")
    return cast


def make_thu(district_lac_son):
    """Vũ Thị Thu, reporter of huyện Lạc Sơn."""
    return save_user(
        username="thu",
        full_name="Vũ Thị Thu",
        unit=district_lac_son,
        roles={Role.REPORTER},
        password="correct horse 2021",
        at=AT,
    )


def image(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    """A real image of that kind (PNG, JPEG), as a camera or a scanner makes one."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


#: Evidence as a unit sends it: a one-page PDF (the minutes of an outage) and a photograph.
PDF = make_pdf(b"BT /F1 12 Tf 72 720 Td (Bien ban mat dien ngay 18/3/2021) Tj ET")
PNG = image("PNG")


ANOTHER_PROVINCE = "code,name,level,kind,parent_code\nP90,Ủy ban nhân dân tỉnh Thử Nghiệm,province,tỉnh,\n"


def make_another_provinces_office():
    """Lê Thị Vy, KSTT officer of another province (P90): a provincial office, not Hòa Bình's."""
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    load_units(data=ANOTHER_PROVINCE.encode(), effective_from=None, at=AT, source="another province")
    return save_user(
        username="vy",
        full_name="Lê Thị Vy",
        unit=Unit.objects.get(code="P90"),
        roles={Role.REVIEWER},
        password="correct horse 2021",
        at=AT,
    )
