"""GET /api/compliance/ (the dashboard as JSON), the points the dashboard shows (the ledger's), and a
judgement never asked as of the future (issue 14 points 2, 5, 9)."""

# ruff: noqa: F811 - the fixtures of test_dashboard, imported, are the arguments of these tests

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from kstt.catalogue.rules.periods import Period
from kstt.compliance.services import decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import DECIDED, FILED, NOW, history  # noqa: F401 (a fixture)
from kstt.compliance.tests.test_dashboard import binh, cells, count, hang, khoa, p90  # noqa: F401 (fixtures)
from kstt.reports.timeliness import STATUSES

pytestmark = pytest.mark.django_db
API = "/api/compliance/"


def api_get(user, url=API, **params):
    api = APIClient()
    api.force_authenticate(user)
    return api.get(url, params)


def test_the_json_tells_what_the_dashboard_shows(client, hang):
    body = api_get(hang, year=2021).json()
    client.force_login(hang)
    html = client.get("/compliance/", {"year": 2021}).content.decode()
    shown = cells(html)
    given = {f"{u['unit']}-{r['period']}": r["status"] for u in body["units"] for r in u["reports"]}
    assert given == shown and len(given) == 20
    assert body["counts"] == {status.value: count(html, status.value) for status in STATUSES}
    assert body["periods"] == ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]
    late = next(r for u in body["units"] if u["unit"] == "D901" for r in u["reports"] if r["period"] == "2021Q1")
    assert late["status"] == "late" and late["deduction"] == "0.25" and late["submitted_at"].endswith("+07:00")
    assert late["deadline"] == late["effective_deadline"]


def test_the_json_follows_the_filters_and_the_pages_access(hang, khoa, binh):
    districts = api_get(hang, year=2021, level="district").json()
    assert {u["unit"] for u in districts["units"]} == {"D901", "D902"}
    assert {u["unit"] for u in api_get(khoa, year=2021).json()["units"]} == {"W90101"}
    refused = api_get(binh, year=2021)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert api_get(hang, year=2021, district="NOPE").json()["code"] == "bad_district"
    assert api_get(hang, year=2021, level="planet").status_code == 400


def test_a_future_instant_is_refused_everywhere(client, hang, settings):
    tomorrow = (settings.KSTT_CLOCK + timedelta(days=1)).isoformat()
    for url in (API, "/api/deductions/"):
        response = api_get(hang, url, year=2021, as_of=tomorrow)
        assert response.status_code == 400, url
        assert response.json()["code"] == "future_as_of" and response.json()["detail"]
    client.force_login(hang)
    for url in ("/compliance/", "/compliance/deductions/2021/"):
        page = client.get(url, {"year": 2021, "as_of": tomorrow})
        assert page.status_code == 400, url
        assert "tương lai" in page.content.decode()
    with pytest.raises(CommandError, match="in the future"):
        call_command("deductions", "--year", "2021", "--as-of", tomorrow, stdout=io.StringIO())
    # The past is fine, on the pages too.
    past = (settings.KSTT_CLOCK - timedelta(days=400)).isoformat()
    assert client.get("/compliance/", {"year": 2021, "as_of": past}).status_code == 200


@pytest.mark.usefixtures("history")
def test_an_overturned_appeal_shows_no_points_on_the_dashboard_as_in_the_ledger(
    client, settings, kstt_report, dept_justice, tuan, hoa
):
    settings.KSTT_CLOCK = NOW
    appeal = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"),
                         reason="Mất điện cả ngày.", at=FILED, actor=tuan)  # fmt: skip
    decide_appeal(appeal=appeal, decision="overturned", reason="Có biên bản.", at=DECIDED, actor=hoa)
    client.force_login(hoa)
    html = client.get("/compliance/", {"year": 2021}).content.decode()
    cell = re.search(r'data-testid="cell-P17-STP-2021Q1">(.*?)</td>', html, re.S)[1]
    assert re.search(r'data-testid="points">0<', cell), cell  # not −0,50
    q3 = re.search(r'data-testid="cell-P17-STP-2021Q3">(.*?)</td>', html, re.S)[1]
    assert "−0,25" in q3  # a counted line: the points with a decimal comma
    [line] = [
        r for u in api_get(hoa, year=2021).json()["units"] if u["unit"] == "P17-STP" for r in u["reports"]
        if r["period"] == "2021Q1"
    ]  # fmt: skip
    assert (line["deduction"], line["appeal"]) == ("0.00", "overturned")
    ledger = api_get(hoa, "/api/deductions/", year=2021).json()
    assert ledger["totals"]["P17-STP"] == "0.25"
