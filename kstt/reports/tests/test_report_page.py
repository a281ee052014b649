"""Lan fills her commune's report on its page: the grid, the narrative, the signed PDF, submit.

Minh (her district) and Hoa (the province) may read it; Tuấn (another unit), a reviewer of another
district, the dossier feed and anonymous visitors never see it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.forms import parse_form_spec
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import change_settings
from kstt.reports import services
from kstt.reports.forms import build_grid, parse_values, row_sources
from kstt.reports.models import Draft, RefusedSubmission, ReportInstance, ReportVersion
from kstt.reports.tests.test_documents import Identity, make_pdf, sign
from kstt.tests.cast import NOW
from kstt.units import selectors as units
from kstt.units.services import load_units

FORM = "06/VPCP/KSTT"
URL = "/reports/W05341/2021Q3/"
LATER = datetime(2021, 9, 15, 4, 0, tzinfo=UTC)

ROW = {
    "received_total": 5, "received_online": 2, "received_direct": 2, "carried_over": 1,
    "settled_total": 3, "settled_early": 1, "settled_on_time": 1, "settled_late": 1,
    "pending_total": 2, "pending_in_time": 1, "pending_overdue": 1,
}  # fmt: skip
SECTIONS = {
    "direction": "Ban hành kế hoạch KSTT năm 2021.",
    "regulation_control": "Không có dự thảo.",
    "publication": "Niêm yết đủ TTHC.",
    "review": "Rà soát 3 TTHC.",
    "feedback": "Không có phản ánh.",
    "settlement": "Giải quyết đúng hạn.",
    "one_stop": "Bộ phận một cửa hoạt động tốt.",
    "e_procedures": "Tiếp nhận trực tuyến.",
    "communication": "Tuyên truyền trên loa xã.",
    "shortcomings": "Thiếu cán bộ.",
    "next_tasks": "Tiếp tục rà soát.",
    "proposals": "Không.",
}
PDF = make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao KSTT quy III) Tj ET")


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def signed_pdf() -> bytes:
    ca = Identity("CA thử nghiệm KSTT", "Kiểm thử")
    chairman = Identity("Bùi Văn Hùng", "UBND xã Yên Nghiệp", issuer=ca, valid_until=datetime(2030, 1, 1, tzinfo=UTC))
    return sign(PDF, chairman)


@pytest.fixture
def lan_client(client, lan, kstt_report):
    client.force_login(lan)
    return client


def cells(row: str, values: dict[str, object], form: str = FORM) -> dict[str, str]:
    return {f"v|{form}|{row}|{column}": str(value) for column, value in values.items()}


def page_fields(client) -> dict[str, str]:
    html = client.get(URL).content.decode()
    return {
        "revision": re.search(r'name="revision" value="(\d+)"', html).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1),
    }


def post(client, data: dict[str, object], *, action: str = "save", document: bytes | None = None, name="bao-cao.pdf"):
    payload = {**page_fields(client), "action": action, **data}
    if document is not None:
        payload["document"] = SimpleUploadedFile(name, document, content_type="application/pdf")
    return client.post(URL, payload)


def narrative() -> dict[str, str]:
    return {f"s|{key}": text for key, text in SECTIONS.items()}


def report_of(period: str) -> ReportInstance:
    return ReportInstance.objects.get(unit__code="W05341", period=period)


def report() -> ReportInstance:
    return report_of("2021Q3")


# --- Opening -----------------------------------------------------------------------------------------------


def test_lan_opens_her_report_and_sees_form_06_as_printed(lan_client):
    response = lan_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert report().status == "draft"
    assert "Số hồ sơ nhận giải quyết" in html and "Số lượng hồ sơ đang giải quyết" in html  # group headings
    for code in ("HT", "CT", "DD"):  # her level's procedure fields, one row each
        assert f'data-testid="row-06-{code}"' in html
    assert 'data-testid="row-06-total"' in html
    numbers = html[html.index('class="small fst-italic col-numbers"') :].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>(\d+)</td>", numbers) == [str(n) for n in range(1, 14)]  # the column numbers
    assert 'name="v|06/VPCP/KSTT|HT|received_total"' in html
    assert "Công tác chỉ đạo, điều hành" in html  # an outline section, required
    assert 'name="s|direction"' in html
    assert "II.07b" not in html  # the province's form is not hers


def test_the_page_opens_on_the_first_day_of_the_window(lan_client):
    assert lan_client.get("/reports/W05341/2021Q4/").status_code == 200  # Q4 starts 15/09, today


def test_the_home_page_links_each_period_to_its_report(lan_client):
    html = lan_client.get(reverse("home") + "?year=2021").content.decode()
    assert 'href="/reports/W05341/2021Q3/"' in html


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("/reports/W05341/2021Q5/", "not-a-period"),
        ("/reports/W05341/2022Q2/", "window-not-started"),
        ("/reports/W05341/2021H1/", "not-in-the-schedule"),
        ("/reports/W09999/2021Q3/", "no-such-unit"),
    ],
)
def test_a_period_the_unit_does_not_owe_is_404(lan_client, url, why):
    assert lan_client.get(url).status_code == 404
    assert not ReportInstance.objects.exists()


def test_form_07b_has_a_row_per_unit_below_the_province_and_a_computed_total(province, kstt_report):
    # The province's own page cannot open yet: a report instance needs a recipient unit, and the
    # province reports to the Government Office, which is not a unit of the tree (left to the lead).
    (form,) = catalogue.forms_in_force(report_type=kstt_report, level="province", on=NOW.date())
    children = list(units.children_on(province, NOW.date()))
    spec = parse_form_spec(form.definition)
    grid = build_grid(
        form,
        sources=row_sources(spec, level="province", children=children),
        values=parse_values(cells("D157", {"tthc_total": 10}, form.code) | cells("D156", {"tthc_total": 4}, form.code),
                            {form.code: spec})[form.code],
        findings=[],
    )  # fmt: skip
    assert sorted(row.key for row in grid.rows) == ["D156", "D157", "P17-STP"]
    assert grid.total is not None and grid.total.cells[0].value == 14


# --- Saving ------------------------------------------------------------------------------------------------


def test_saving_keeps_the_figures_computes_the_total_and_shows_the_broken_rule_on_its_cell(lan_client):
    empty = cells("DD", dict.fromkeys(ROW, " "))
    response = post(lan_client, cells("HT", ROW | {"received_total": 6}) | cells("CT", ROW) | empty)
    assert response.status_code == 302
    draft = Draft.objects.get(instance=report())
    assert draft.revision == 1
    assert draft.values[FORM]["HT"]["received_total"] == 6
    assert draft.values[FORM]["total"]["received_total"] == 11  # computed, never typed
    assert "DD" not in draft.values[FORM]  # a row left empty is not part of the form
    html = lan_client.get(URL).content.decode()
    message = html[html.index('data-testid="msg-06-HT-received_total"') :]
    assert "Tổng số hồ sơ nhận giải quyết phải bằng" in message[:400]  # R1, in Vietnamese, on the cell
    assert 'data-testid="msg-06-CT-received_total"' not in html
    assert AuditEntry.objects.filter(event="reports.draft_saved").count() == 1


def textareas(client) -> dict[str, str]:
    """The narrative as Lan's browser sends it back: each textarea's text, read as HTML is (any line break as
    \\n), sent as a form is (every line break as \\r\\n)."""
    html = client.get(URL).content.decode()
    found = re.findall(r'<textarea[^>]* name="(s\|[^"]+)"[^>]*>(.*?)</textarea>', html, flags=re.DOTALL)
    return {name: re.sub(r"\r\n|\r|\n", "\r\n", unescape(text)) for name, text in found}


def sections_saved(client) -> list[str]:
    return AuditEntry.objects.filter(event="reports.draft_saved").latest("pk").data["sections"]


def test_a_save_lists_only_the_section_that_was_edited(lan_client, lan):
    """Lan's draft was saved through the API with lines ending in \\n and spaces, and an empty section;
    her browser posts the textareas back with \\r\\n. Only the section she edited is listed as changed."""
    api = APIClient()
    api.force_authenticate(lan)
    lan_client.get(URL)  # opens the report
    narrative = SECTIONS | {"review": "Rà soát 3 TTHC:  \n- hộ tịch;\n- chứng thực.\n", "proposals": ""}
    saved = api.put("/api/reports/W05341/2021Q3/draft/", {"revision": 0, "values": {}, "narrative": narrative,
                    "reasons": {}}, format="json")  # fmt: skip
    assert saved.status_code == 200, saved.content
    draft = Draft.objects.get(instance=report())
    assert (
        draft.narrative["review"] == "Rà soát 3 TTHC:\n- hộ tịch;\n- chứng thực." and "proposals" not in draft.narrative
    )

    posted = textareas(lan_client)
    assert posted["s|review"] == "Rà soát 3 TTHC:\r\n- hộ tịch;\r\n- chứng thực."
    response = post(lan_client, posted | {"s|shortcomings": "Thiếu cán bộ một cửa.\r\n"})
    assert response.status_code == 302
    assert sections_saved(lan_client) == ["shortcomings"]
    assert Draft.objects.get(instance=report()).narrative["shortcomings"] == "Thiếu cán bộ một cửa."


def test_saving_the_page_unchanged_saves_nothing(lan_client):
    post(lan_client, narrative())
    revision = Draft.objects.get(instance=report()).revision
    post(lan_client, textareas(lan_client))  # the same text, with the browser's \r\n
    assert Draft.objects.get(instance=report()).revision == revision
    assert AuditEntry.objects.filter(event="reports.draft_saved").count() == 1


def test_a_draft_kept_before_the_text_was_normalised_is_not_changed_by_the_same_text(lan_client):
    """A draft saved before (an empty section kept as "", \\r\\n kept as typed) is read as the same text."""
    lan_client.get(URL)
    legacy = SECTIONS | {"review": "Rà soát:\r\n- hộ tịch ", "proposals": ""}
    Draft.objects.filter(instance=report()).update(narrative=legacy, revision=1)
    post(lan_client, textareas(lan_client))  # saved as it was: nothing to save
    assert Draft.objects.get(instance=report()).revision == 1
    assert not AuditEntry.objects.filter(event="reports.draft_saved").exists()
    post(lan_client, textareas(lan_client) | {"s|direction": "Ban hành kế hoạch."})
    assert sections_saved(lan_client) == ["direction"]


def test_text_in_a_cell_is_kept_and_named_as_not_a_figure(lan_client):
    post(lan_client, cells("HT", ROW | {"settled_late": "1,5"}))
    assert Draft.objects.get(instance=report()).values[FORM]["HT"]["settled_late"] == "1,5"
    html = lan_client.get(URL).content.decode()
    message = html[html.index('data-testid="msg-06-HT-settled_late"') :][:400]
    assert "Cột 10: “1,5” không phải là số liệu; chỉ nhận số nguyên từ 0 đến 999.999.999" in message


def test_a_second_save_from_an_old_page_is_refused_and_keeps_what_was_typed(lan_client, lan):
    stale = page_fields(lan_client)
    post(lan_client, cells("HT", ROW))  # someone (here Lan in another tab) saves first
    response = lan_client.post(URL, {**stale, "action": "save", **cells("HT", ROW | {"carried_over": 7})})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nguyễn Thị Lan" in html and 'data-testid="problem-conflict"' in html
    assert 'name="v|06/VPCP/KSTT|HT|carried_over" value="7"' in html  # nothing typed is lost
    assert Draft.objects.get(instance=report()).values[FORM]["HT"]["carried_over"] == 1  # nothing overwritten
    assert 'name="revision" value="1"' in html  # saving again now replaces theirs, knowingly


# --- The signed document ----------------------------------------------------------------------------------


def test_a_signed_pdf_is_attached_with_its_signer_and_intact(lan_client, signed_pdf):
    response = post(lan_client, {}, action="upload", document=signed_pdf)
    assert response.status_code == 302
    draft = Draft.objects.get(instance=report())
    assert draft.document is not None and draft.document.verification["signed"] is True
    html = lan_client.get(URL).content.decode()
    assert "Bùi Văn Hùng" in html and 'data-testid="signature"' in html
    assert 'data-testid="document-unsigned"' not in html


def test_an_unsigned_pdf_is_accepted_and_visibly_flagged(lan_client):
    post(lan_client, {}, action="upload", document=PDF)
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="document-unsigned"' in html


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 a spreadsheet renamed .pdf", b"%PDF-1.7\n garbage with no structure", b""],
    ids=["not-a-pdf", "damaged", "empty"],
)
def test_a_file_that_is_not_a_readable_pdf_gets_its_message_and_changes_nothing(lan_client, content):
    response = post(lan_client, cells("HT", ROW), action="upload", document=content)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="problem-document"' in html
    draft = Draft.objects.get(instance=report())
    assert draft.document is None and draft.revision == 0  # not even the figures were saved
    assert 'name="v|06/VPCP/KSTT|HT|received_total" value="5"' in html  # but they are still on the page


def test_a_file_over_the_limit_is_refused(lan_client, settings):
    settings.KSTT_MAX_DOCUMENT_BYTES = 100
    response = post(lan_client, {}, action="upload", document=PDF)
    assert response.status_code == 400 and Draft.objects.get(instance=report()).document is None


# --- Submitting -------------------------------------------------------------------------------------------


def test_a_clean_report_is_submitted_once_even_when_the_button_is_pressed_twice(lan_client, signed_pdf):
    post(lan_client, {}, action="upload", document=signed_pdf)
    fields = page_fields(lan_client)
    data = {**fields, "action": "submit", **cells("HT", ROW), **narrative()}
    first = lan_client.post(URL, data)
    lan_client.get(first.url)  # shows (and consumes) the first click's message
    second = lan_client.post(URL, data, follow=True)  # the double click, same page, same key
    assert first.status_code == 302 and second.status_code == 200
    assert "Đã gửi phiên bản 1." in second.content.decode()  # what the second click shows: it worked
    assert ReportVersion.objects.count() == 1
    instance = report()
    assert instance.status == "submitted" and instance.first_submitted_at == NOW
    version = ReportVersion.objects.get()
    assert version.flags == [] and version.idempotency_key == fields["idempotency_key"]
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="submitted"' in html
    assert 'name="v|' not in html and 'data-testid="submit"' not in html  # read-only now


def test_the_checks_are_shown_before_submitting_and_one_press_submits_the_flagged_report(lan_client, signed_pdf):
    """rules.md §5: the unit may explain, never must."""
    post(lan_client, {}, action="upload", document=signed_pdf)
    broken = cells("HT", ROW | {"received_total": 6}) | narrative()
    post(lan_client, broken)  # saved: the page now shows what the checks find
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="checks-flags"' in html and 'data-testid="explanation-field"' in html
    assert "Tổng số hồ sơ nhận giải quyết phải bằng" in html
    response = post(lan_client, broken, action="submit")  # no explanation: submitted all the same
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.flags == ["inaccurate"] and version.explanation == ""
    assert "Đã gửi phiên bản 1, có gắn cờ (Số liệu không chính xác)" in lan_client.get(response.url).content.decode()


def test_an_explanation_goes_with_the_flagged_report_when_the_unit_gives_one(lan_client, signed_pdf):
    post(lan_client, {}, action="upload", document=signed_pdf)
    broken = cells("HT", ROW | {"received_total": 6}) | narrative()
    response = post(lan_client, broken | {"explanation": "Số liệu lấy từ sổ, đang đối chiếu."}, action="submit")
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.flags == ["inaccurate"] and version.explanation == "Số liệu lấy từ sổ, đang đối chiếu."


def test_a_clean_draft_says_every_check_passed(lan_client, signed_pdf):
    post(lan_client, cells("HT", ROW) | narrative(), action="upload", document=signed_pdf)
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="checks-passed"' in html and 'data-testid="checks-flags"' not in html


def test_pressing_submit_without_the_document_is_not_a_submission(lan_client):
    response = post(lan_client, cells("HT", ROW) | narrative(), action="submit")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="problem-not_ready"' in html
    assert "signed report (PDF) is not attached" in html or "chưa được đính kèm" in html
    instance = report()
    assert instance.status == "draft" and instance.first_submitted_at is None
    assert Draft.objects.get(instance=instance).values[FORM]["HT"] == ROW  # the figures were saved
    assert 'data-testid="refusal-recorded"' in html


def test_a_refused_press_is_recorded_and_shown_on_the_report_and_its_history(lan_client, lan, minh):
    """rules.md §4: a press of submit without the signed document is not a submission, never silent."""
    post(lan_client, cells("HT", ROW) | narrative(), action="submit")
    refused = RefusedSubmission.objects.get()
    assert (refused.instance, refused.by, refused.at, refused.codes) == (report(), lan, NOW, ["document"])
    html = lan_client.get(URL).content.decode()
    shown = html[html.index('data-testid="refused-submissions"') :]
    assert 'data-testid="refused-submission"' in shown and "Báo cáo đã ký số (PDF) chưa được đính kèm" in shown
    lan_client.force_login(minh)
    history = lan_client.get(reverse("review:history", args=["W05341", "2021Q3"])).content.decode()
    row = history[history.index('data-testid="entry-reports.submit_refused"') :][:800]
    assert "Báo cáo đã ký số (PDF) chưa được đính kèm" in row and "Nguyễn Thị Lan" in row


def test_an_unsigned_pdf_is_submitted_flagged_unless_the_settings_require_a_signature(lan_client, quan, kstt_report):
    """rules.md §4: a scan of the signed paper is accepted, flagged; a settings version may refuse it."""
    change_settings(report_type=kstt_report, values={"digital_signature_required": True},
                    valid_from=Period.parse("2021Q3"), note="Quyết định số 12/QĐ-UBND", at=NOW, actor=quan)  # fmt: skip
    post(lan_client, cells("HT", ROW) | narrative(), action="upload", document=PDF)  # PDF: no digital signature
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="document-unsigned-refused"' in html and 'data-testid="checks-missing"' in html
    response = post(lan_client, cells("HT", ROW) | narrative(), action="submit")
    assert response.status_code == 400
    said = response.content.decode()
    assert 'data-testid="problem-not_ready"' in said and "bắt buộc chữ ký số" in said
    assert not ReportVersion.objects.exists() and RefusedSubmission.objects.get().codes == ["signature"]


def test_a_returned_report_is_edited_again_and_submitted_as_version_2(lan_client, lan, minh, signed_pdf):
    post(lan_client, {}, action="upload", document=signed_pdf)
    post(lan_client, cells("HT", ROW) | narrative(), action="submit")
    version = ReportVersion.objects.get()
    services.return_report(version=version, reasons=["incomplete"], text="Thiếu lĩnh vực đất đai", at=LATER,
                           actor=minh)  # fmt: skip
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="returned"' in html and "Thiếu lĩnh vực đất đai" in html
    assert 'name="v|06/VPCP/KSTT|DD|received_total"' in html  # editable again
    response = post(lan_client, cells("HT", ROW) | cells("DD", ROW) | narrative(), action="submit")
    assert response.status_code == 302
    assert list(ReportVersion.objects.values_list("number", flat=True)) == [1, 2]
    assert report().status == "submitted" and report().first_submitted_at == NOW


def test_a_submitted_report_cannot_be_changed_by_a_late_post(lan_client, signed_pdf):
    post(lan_client, {}, action="upload", document=signed_pdf)
    post(lan_client, cells("HT", ROW) | narrative(), action="submit")
    fields = page_fields(lan_client)
    response = lan_client.post(URL, {**fields, "action": "save", **cells("HT", ROW | {"carried_over": 9})})
    assert response.status_code == 302
    assert Draft.objects.get(instance=report()).values[FORM]["HT"]["carried_over"] == 1


def test_the_page_reads_the_report_in_a_fixed_number_of_queries(lan_client, django_assert_max_num_queries):
    post(lan_client, cells("HT", ROW) | cells("CT", ROW) | cells("DD", ROW) | narrative())
    with django_assert_max_num_queries(
        35
    ):  # a fixed budget: the checks (R7, R8, outline) and the computed values the grid carries for R8 read
        # the catalogue and one dossier aggregate each; the presses of submit that were not a submission one
        assert lan_client.get(URL).status_code == 200


TWO_LEVELS = "code,name,level,kind,parent_code\nW05341,Ủy ban nhân dân xã Yên Nghiệp,commune,xã,P17\n"


def test_in_the_two_level_shape_the_page_sends_the_report_to_the_province(
    client, settings, lan, minh, hoa, kstt_report, cast
):
    load_units(data=TWO_LEVELS.encode(), effective_from=date(2025, 7, 1), at=NOW, source="reform")
    settings.KSTT_CLOCK = datetime(2025, 9, 15, 3, 0, tzinfo=UTC)
    client.force_login(lan)
    html = client.get("/reports/W05341/2025Q3/").content.decode()
    assert "Ủy ban nhân dân tỉnh Hòa Bình" in html and 'name="v|06/VPCP/KSTT|HT|received_total"' in html
    assert report_of("2025Q3").recipient.code == "P17"
    client.force_login(hoa)
    assert client.get("/reports/W05341/2025Q3/").status_code == 200
    client.force_login(minh)  # Lạc Sơn no longer stands above Yên Nghiệp
    assert client.get("/reports/W05341/2025Q3/").status_code == 404


# --- Who may see it ---------------------------------------------------------------------------------------


@pytest.fixture
def submitted(lan, commune_yen_nghiep, kstt_report):
    instance = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=NOW,
                                      actor=lan)  # fmt: skip
    services.save_draft(instance=instance, values={FORM: {"HT": ROW, "total": ROW}}, narrative={}, reasons={},
                        expected_revision=0, at=NOW, actor=lan)  # fmt: skip
    return instance


def test_minh_of_her_district_reads_the_report_without_any_field_to_change(client, minh, submitted):
    client.force_login(minh)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="cell-06-HT-received_total"' in html and 'name="v|' not in html
    before = Draft.objects.get(instance=submitted).revision
    assert client.post(URL, {"revision": before, "action": "save", **cells("HT", ROW)}).status_code == 404
    assert Draft.objects.get(instance=submitted).revision == before


def test_an_admin_reads_it_too(client, quan, submitted):
    client.force_login(quan)
    assert client.get(URL).status_code == 200


def test_a_reviewer_sees_that_a_report_was_not_started_without_opening_it(client, minh, kstt_report, cast):
    client.force_login(minh)
    response = client.get(URL)
    assert response.status_code == 200 and 'data-testid="report-missing"' in response.content.decode()
    assert not ReportInstance.objects.exists()


@pytest.fixture
def reviewer_of_mai_chau(district_mai_chau):
    return save_user(username="son", full_name="Hà Văn Sơn", unit=district_mai_chau, roles={Role.REVIEWER},
                     password="x", at=NOW)  # fmt: skip


@pytest.fixture
def feed(db):
    return save_user(username="motcua", full_name="Hệ thống một cửa", unit=None, roles={Role.FEED}, password="x",
                     at=NOW)  # fmt: skip


@pytest.mark.parametrize("who", ["tuan", "reviewer_of_mai_chau", "feed"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_else_sees_the_report(client, submitted, request, who, method):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(URL, {"revision": 1, "action": "submit"} if method == "post" else None)
    assert response.status_code == 404
    assert "Yên Nghiệp" not in response.content.decode()
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, submitted, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_lans_page_offers_the_excel_round_trip_outside_the_report_form(lan_client):
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="excel-download"' in html and "/reports/W05341/2021Q3/excel/upload/" in html
    report_form = html.split('id="report-form"')[1].split("</form>")[0]
    assert "excel" not in report_form  # no form inside the report's own form
