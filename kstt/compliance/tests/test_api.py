"""GET /api/deductions/: the JSON of `kstt deductions`, for the provincial office and for a unit."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from kstt.reports.services import load_submissions
from kstt.tests.cast import *  # noqa: F403

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def history(kstt_report, cast, settings):
    settings.KSTT_CLOCK = datetime(2021, 11, 1, tzinfo=HN)
    load_submissions(
        data=(
            b"unit_code,report,period,event,at,reasons\n"
            b"P17-STP,kstt,2021Q3,submitted,2021-09-21T10:00:00+07:00,\n"
            b"D157,kstt,2021Q3,submitted,2021-09-20T10:00:00+07:00,\n"
        ),
        at=datetime(2021, 11, 1, tzinfo=HN),
    )


def get(user, **params):
    api = APIClient()
    api.force_authenticate(user)
    return api.get("/api/deductions/", params)


def test_the_office_sees_every_scored_unit(history, hoa) -> None:
    response = get(hoa, year=2021)
    assert response.status_code == 200
    body = response.json()
    q3 = {(line["unit"], line["status"], line["deduction"]) for line in body["lines"] if line["period"] == "2021Q3"}
    assert q3 == {("P17-STP", "late", "0.25"), ("D157", "on_time", "0.00"), ("D156", "not_sent", "0.50")}
    assert body["totals"] == {"D156": "1.50", "D157": "1.00", "P17-STP": "1.25"}


def test_a_unit_sees_its_own_lines_only(history, tuan, lan) -> None:
    body = get(tuan, year=2021).json()
    assert {line["unit"] for line in body["lines"]} == {"P17-STP"}
    # A commune is not scored in 2021: no line.
    assert get(lan, year=2021).json()["lines"] == []


def test_as_of(history, hoa) -> None:
    body = get(hoa, year=2021, as_of="2021-10-20T23:59:59+07:00").json()
    assert {line["period"] for line in body["lines"]} == {"2021Q1", "2021Q2"}


@pytest.mark.parametrize(
    "params", [{}, {"year": "x"}, {"year": 2019}, {"year": 2022}, {"year": 2021, "as_of": "2021-10-20"}]
)
def test_bad_queries_are_400_in_vietnamese(history, hoa, params) -> None:
    response = get(hoa, **params)
    assert response.status_code == 400
    assert "năm" in str(response.json()).lower() or "thời điểm" in str(response.json()).lower()


def test_anonymous_is_refused(history) -> None:
    assert APIClient().get("/api/deductions/", {"year": 2021}).status_code in (401, 403)
