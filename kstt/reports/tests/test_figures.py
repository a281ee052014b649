"""Figures that are not figures (rules.md §5, issue 13 point 7): a hostile tester fills Lan's form 06.

A draft may hold what was typed — "abc", −5, 1.5, true, 1e308 —, but a submitted version holds only whole
numbers from 0 to the form's ceiling (999,999,999 for form 06 v1): anything else is not a submission, the
cells named (the API's ``problems``, the page's messages on the cells), and nothing is stored as a version.
Through the real paths: the API, the report page, the history loader; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from kstt.reports import rules, services
from kstt.reports.models import Draft, ReportInstance, ReportVersion
from kstt.reports.tests.test_api import as_, put_draft, upload, url
from kstt.reports.tests.test_documents import Identity, make_pdf, sign
from kstt.reports.tests.test_report_page import URL, cells, narrative, post
from kstt.reports.tests.test_submission_services import FORM, NARRATIVE, ROW, T1
from kstt.tests.cast import NOW

CEILING = 999_999_999
#: Hộ tịch's row, consistent with R1-R4, and the figures at the ceiling: received = settled + pending.
AT_CEILING = ROW | {
    "received_total": CEILING, "received_online": CEILING - 2, "received_direct": 1, "carried_over": 1,
    "settled_total": CEILING - 2, "settled_early": CEILING - 4, "pending_total": 2,
}  # fmt: skip


def with_cell(value, *, row="HT", column="settled_late"):
    """Lan's good values with one cell replaced (its total row as good as before)."""
    return {
        FORM: {
            "HT": ROW | ({column: value} if row == "HT" else {}),
            "total": ROW | ({column: value} if row == "total" else {}),
        }
    }


@pytest.fixture
def lan_api(lan, kstt_report, settings, tmp_path, signed_pdf):
    settings.MEDIA_ROOT = tmp_path
    client = as_(lan)
    assert put_draft(client, 0).status_code == 200
    assert upload(client, signed_pdf).status_code == 201
    return client


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    return sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao) Tj ET"), Identity("Bùi Văn Hùng", "UBND xã Yên Nghiệp"))


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = T1


# --- The API ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("abc", "abc", id="text"),
        pytest.param("1", "1", id="digits-as-text"),
        pytest.param("", "", id="an-empty-text"),
        pytest.param(-5, "-5", id="negative"),
        pytest.param(1.5, "1.5", id="a-fraction"),
        pytest.param(1.0, "1.0", id="a-float-even-whole"),
        pytest.param(True, "true", id="true-is-not-1"),
        pytest.param(False, "false", id="false-is-not-0"),
        pytest.param(1e308, None, id="1e308"),
        pytest.param(CEILING + 1, "1000000000", id="one-over-the-ceiling"),
        pytest.param(99999999999999999999, "99999999999999999999", id="twenty-nines"),
    ],
)
def test_a_draft_may_hold_it_but_submitting_it_is_not_a_submission_and_names_the_cell(lan_api, value, shown):
    assert put_draft(lan_api, 1, values=with_cell(value)).status_code == 200  # a draft holds what was typed
    assert lan_api.get(url("api-report")).json()["draft"]["values"][FORM]["HT"]["settled_late"] is not None

    response = lan_api.post(url("api-report-submit"), {"explanation": "Gửi luôn"}, format="json")

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "not_ready"
    assert body["problems"] == [{"code": "figures", "form": FORM, "detail": "HT.settled_late"}]
    assert body["detail"] == "Chưa gửi được: mọi ô phải là số nguyên từ 0 đến mức trần của biểu (xem problems)."
    assert not ReportVersion.objects.exists()
    instance = ReportInstance.objects.get()
    assert instance.status == "draft" and instance.first_submitted_at is None
    findings = services.checks(instance, Draft.objects.get(instance=instance))[0]
    (figure,) = [f for f in findings if f["rule"] == "figure"]
    assert (figure["row"], figure["column"]) == ("HT", "settled_late")
    assert "chỉ nhận số nguyên từ 0 đến 999.999.999" in figure["message"]
    if shown is not None:
        assert f"“{shown}”" in figure["message"]


def test_the_ceiling_itself_is_a_figure(lan_api):
    values = {FORM: {"HT": AT_CEILING, "total": AT_CEILING}}
    assert put_draft(lan_api, 1, values=values).status_code == 200
    response = lan_api.post(url("api-report-submit"), {}, format="json")
    assert response.status_code == 201, response.json()
    assert ReportVersion.objects.get().values[FORM]["HT"]["received_total"] == CEILING


def test_the_total_row_may_hold_the_sum_of_its_rows_at_the_ceiling_and_no_more(lan_api, minh):
    two = {FORM: {"HT": AT_CEILING, "CT": AT_CEILING, "total": {k: 2 * v for k, v in AT_CEILING.items()}}}
    assert put_draft(lan_api, 1, values=two).status_code == 200
    assert lan_api.post(url("api-report-submit"), {}, format="json").status_code == 201
    services.return_report(version=ReportVersion.objects.get(), reasons=["inaccurate"], at=T1, actor=minh)

    more = {FORM: {"HT": ROW, "total": ROW | {"settled_late": CEILING + 1}}}  # one field row: at most the ceiling
    assert put_draft(lan_api, 2, values=more).status_code == 200
    response = lan_api.post(url("api-report-submit"), {"explanation": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["problems"] == [{"code": "figures", "form": FORM, "detail": "total.settled_late"}]
    assert ReportVersion.objects.count() == 1


def test_every_cell_that_is_not_a_figure_is_named_in_one_answer(lan_api):
    values = {FORM: {"HT": ROW | {"carried_over": "một", "settled_late": -1}, "CT": ROW | {"pending_total": 2.5},
                     "total": ROW | {"received_total": True}}}  # fmt: skip
    assert put_draft(lan_api, 1, values=values).status_code == 200
    response = lan_api.post(url("api-report-submit"), {"explanation": "x"}, format="json")
    assert response.status_code == 400
    (problem,) = response.json()["problems"]
    assert (problem["code"], problem["form"]) == ("figures", FORM)
    named = problem["detail"].split(", ")  # the rows in the order the database keeps them, the total row last
    assert sorted(named[:-1]) == ["CT.pending_total", "HT.carried_over", "HT.settled_late"]
    assert named[-1] == "total.received_total"


def test_a_value_under_a_key_that_is_no_column_never_reaches_a_version(lan_api):
    values = {FORM: {"HT": ROW | {"bogus": 3}, "total": ROW}}
    assert put_draft(lan_api, 1, values=values).status_code == 200
    response = lan_api.post(url("api-report-submit"), {"explanation": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["problems"] == [{"code": "figures", "form": FORM, "detail": "HT.bogus"}]
    assert not ReportVersion.objects.exists()


def test_an_empty_required_cell_is_not_a_figure_problem_but_the_required_flag(lan_api):
    """null where a figure is required is "required": the report is submitted on the first press, flagged."""
    assert put_draft(lan_api, 1, values=with_cell(None)).status_code == 200
    accepted = lan_api.post(url("api-report-submit"), {}, format="json")
    assert accepted.status_code == 201 and "incomplete" in accepted.json()["flags"]
    assert ReportVersion.objects.get().values[FORM]["HT"]["settled_late"] is None


@pytest.mark.parametrize("number", ["1e999", "-1e999"])
def test_a_number_no_database_can_store_is_a_malformed_draft(lan_api, lan, number):
    body = '{"revision": 1, "values": {"%s": {"HT": {"settled_late": %s}}}, "narrative": {}, "reasons": {}}'
    response = lan_api.put(url("api-report-draft"), body % (FORM, number), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "number_out_of_range"  # the API's JSON parser
    draft = Draft.objects.get()
    with pytest.raises(services.SubmissionError, match="not a finite number"):  # nor does the service take it
        services.save_draft(instance=draft.instance, values={FORM: {"HT": {"settled_late": float(number)}}},
                            narrative={}, reasons={}, expected_revision=1, at=T1, actor=lan)  # fmt: skip
    assert Draft.objects.get().revision == 1


# --- The report page ----------------------------------------------------------------------------------------


@pytest.fixture
def lan_page(client, lan, kstt_report, settings, tmp_path, signed_pdf):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW
    client.force_login(lan)
    post(client, {}, action="upload", document=signed_pdf)
    return client


def test_twenty_nines_typed_on_the_page_are_kept_exactly_the_total_left_out_and_the_submission_refused(lan_page):
    typed = cells("HT", ROW | {"received_total": "99999999999999999999"}) | cells("CT", ROW) | narrative()
    response = post(lan_page, typed, action="submit")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="problem-not_ready"' in html
    message = html[html.index('data-testid="msg-06-HT-received_total"') :][:400]
    assert "“99999999999999999999” không phải là số liệu" in message  # on its cell
    assert not ReportVersion.objects.exists()
    values = Draft.objects.get().values[FORM]
    assert values["HT"]["received_total"] == 99999999999999999999  # exactly what was typed, never a float
    assert "received_total" not in values["total"]  # no total over a cell that is not a figure
    assert values["total"]["received_online"] == 2 * ROW["received_online"]  # the other columns add up


def test_a_number_of_thousands_of_digits_is_kept_as_text_not_a_crash(lan_page):
    response = post(lan_page, cells("HT", ROW | {"received_total": "9" * 5000}))
    assert response.status_code == 302
    assert Draft.objects.get().values[FORM]["HT"]["received_total"] == "9" * 40


def test_the_page_submits_figures_at_the_ceiling(lan_page):
    response = post(lan_page, cells("HT", AT_CEILING) | narrative(), action="submit")
    assert response.status_code == 302
    assert ReportVersion.objects.get().values[FORM]["total"]["received_total"] == CEILING


def test_the_grid_carries_the_ceiling_for_the_browser(lan_page):
    html = lan_page.get(URL).content.decode()
    assert 'data-ceiling="999999999"' in html and "999.999.999" in html


# --- The history loader -------------------------------------------------------------------------------------


def test_the_history_loader_never_makes_a_version_of_a_draft_holding_a_non_figure(lan, kstt_report):
    instance = services.open_instance(unit=lan.unit, report_type=kstt_report, period="2021Q3", at=NOW, actor=lan)
    services.save_draft(instance=instance, values=with_cell("abc"), narrative=NARRATIVE, reasons={},
                        expected_revision=0, at=NOW, actor=lan)  # fmt: skip
    data = "unit_code,report,period,event,at,reasons\nW05341,kstt,2021Q3,submitted,2021-09-15T10:00:00+07:00,\n"
    with pytest.raises(rules.SubmissionFileError, match=r"line 2: .*not figures: 06/VPCP/KSTT: HT.settled_late"):
        services.load_submissions(data=data.encode(), at=NOW)
    assert not ReportVersion.objects.exists()
