"""Lan downloads her commune's form 06 as the official workbook, fills it in with a spreadsheet and
uploads it into her draft; broken, foreign and tampered workbooks are refused and change nothing."""

import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import compile_form06
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.exports.form06_xlsx import render_form06_xlsx
from kstt.reports import services
from kstt.reports.models import Draft, ReportInstance
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT

FORM = "06/VPCP/KSTT"
NOW = datetime(2021, 10, 4, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def dossiers(cast, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)


def url(name, unit="W05341", period="2021Q3"):
    return reverse(f"reports_excel:{name}", args=[unit, period])


def download(client, **kwargs):
    response = client.get(url("download", **kwargs.pop("at", {})), kwargs)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def book(data):
    return load_workbook(io.BytesIO(data))


def where(workbook):
    """The _kstt map: row key -> sheet row, column key -> letter, and the data sheet."""
    meta = {row[0]: row[1] for row in workbook["_kstt"].iter_rows(min_row=2, values_only=True)}
    return meta, workbook[meta["sheet"]]


def cell(workbook, row, column):
    meta, sheet = where(workbook)
    number = meta["total_row"] if row == "total" else meta[f"row:{row}"]
    return sheet[f"{meta[f'column:{column}']}{number}"]


def saved(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data, revision, **kwargs):
    workbook = SimpleUploadedFile("bieu-06.xlsx", data, content_type="application/octet-stream")
    return client.post(url("upload", **kwargs), {"workbook": workbook, "revision": revision})


def draft_of(unit="W05341", period="2021Q3"):
    return Draft.objects.get(instance__unit__code=unit, instance__period=period)


def test_the_download_is_the_prefilled_form(client, lan, dossiers, commune_yen_nghiep, kstt_report):
    client.force_login(lan)
    workbook = book(download(client))
    computed = compile_form06(unit=commune_yen_nghiep, period=Period.parse("2021Q3"), report_type=kstt_report)
    ht = next(r for r in computed.rows if r.key == "HT")
    assert cell(workbook, "HT", "received_total").value == ht.counts["received_total"] == 3
    meta, _ = where(workbook)
    first, last = min(meta[f"row:{r}"] for r in ("HT", "CT", "DD")), max(meta[f"row:{r}"] for r in ("HT", "CT", "DD"))
    assert cell(workbook, "total", "settled_total").value == f"=SUM(G{first}:G{last})"  # computed, never typed
    assert cell(workbook, "DD", "received_total").value is None  # a field of the level without dossiers
    meta, _ = where(workbook)
    assert (meta["unit_code"], meta["period"], meta["compiled"]) == ("W05341", "2021Q3", "no")


def test_a_draft_cell_that_is_not_a_figure_downloads_empty(client, lan, dossiers):
    """The workbook holds figures only: what the draft keeps beyond them stays on the report page."""
    client.force_login(lan)
    download(client)
    draft = draft_of()
    values = {
        FORM: draft.values[FORM]
        | {"HT": draft.values[FORM]["HT"] | {"received_total": 1_000_000_000, "carried_over": -5, "settled_late": "7"}}
    }
    services.save_draft(instance=draft.instance, values=values, narrative={}, reasons={},
                        expected_revision=draft.revision, at=NOW, actor=lan)  # fmt: skip
    workbook = book(download(client))
    assert cell(workbook, "HT", "received_total").value is None  # over the ceiling
    assert cell(workbook, "HT", "carried_over").value is None  # negative
    assert cell(workbook, "HT", "settled_late").value == 7  # a whole number typed as text: read as one


def test_the_blank_download_has_empty_cells(client, lan, dossiers):
    client.force_login(lan)
    workbook = book(download(client, fill="blank"))
    assert cell(workbook, "HT", "received_total").value is None
    assert cell(workbook, "total", "pending_total").data_type == "f"  # the sum of the (empty) rows


def test_round_trip_download_edit_upload_into_the_draft(client, lan, dossiers):
    client.force_login(lan)
    workbook = book(download(client))
    for column in ("received_total", "received_online", "pending_total", "pending_in_time"):
        target = cell(workbook, "DD", column)  # one more dossier received online in Đất đai, pending in time
        target.value = (target.value or 0) + 1  # the total row follows: it is a formula
    for column in ("received_direct", "carried_over", "settled_total", "settled_early", "settled_on_time",
                   "settled_late", "pending_overdue"):  # fmt: skip
        cell(workbook, "DD", column).value = 0
    before = draft_of()
    response = upload(client, saved(workbook), before.revision)
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert 'data-testid="excel-saved"' in html and 'data-testid="excel-findings"' not in html
    after = draft_of()
    assert after.revision == before.revision + 1
    assert after.values[FORM]["DD"]["received_online"] == 1
    assert after.values[FORM]["total"]["received_total"] == before.values[FORM]["total"]["received_total"] + 1
    assert after.values[FORM]["HT"] == before.values[FORM]["HT"]
    assert after.narrative == before.narrative
    # The cells that now differ from the dossiers are listed, with the dossiers behind them.
    # Each named in words (issue 13 point 12): its cell in the workbook, its row, its column, both figures.
    differences = html[html.index('data-testid="excel-differences"') :]
    ref = cell(workbook, "DD", "received_online").coordinate
    assert f"Ô {ref} — Đất đai · Cột 4 — Trực tuyến: nhập 1, tính từ hồ sơ 0" in differences
    assert "/form06/cell/" in differences  # the dossiers behind it


def test_a_rule_broken_in_the_workbook_is_reported_at_its_cell_and_saved(client, lan, dossiers):
    client.force_login(lan)
    workbook = book(download(client))
    target = cell(workbook, "HT", "received_total")
    target.value = 9
    response = upload(client, saved(workbook), draft_of().revision)
    html = response.content.decode()
    assert response.status_code == 200
    findings = html[html.index('data-testid="excel-findings"') :]
    assert f"Ô {target.coordinate} — Hộ tịch · Cột 3 — Tổng số: Tổng số hồ sơ nhận giải quyết phải bằng" in findings
    assert draft_of().values[FORM]["HT"]["received_total"] == 9


def test_an_empty_draft_round_trips_without_dossiers(client, lan, cast, kstt_report):
    client.force_login(lan)
    workbook = book(download(client))
    for row in ("HT", "total"):
        for column in ("received_total", "received_online", "settled_total", "settled_on_time"):
            cell(workbook, row, column).value = 2
    response = upload(client, saved(workbook), draft_of().revision)
    assert response.status_code == 200
    values = draft_of().values[FORM]
    assert values["HT"]["received_total"] == 2 and values["HT"]["carried_over"] is None
    assert set(values) == {"HT", "CT", "DD", "total"}


def unchanged(response, before, status=400, text=""):
    html = response.content.decode()
    assert response.status_code == status, html[:2000]
    assert 'data-testid="excel-problems"' in html
    assert text in html
    after = draft_of()
    assert (after.revision, after.values) == (before.revision, before.values)


def test_a_broken_file_is_refused_and_changes_nothing(client, lan, dossiers):
    client.force_login(lan)
    download(client)
    before = draft_of()
    unchanged(upload(client, b"%PDF-1.7 not a workbook", before.revision), before, text="không phải là bảng tính")
    truncated = download(client)[:2000]
    unchanged(upload(client, truncated, before.revision), before, text="bị hỏng")


def sheet_rewritten(data, change):
    """The downloaded workbook with its data sheet's XML passed through ``change``."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item.filename)
            new.writestr(item, change(content) if item.filename == "xl/worksheets/sheet1.xml" else content)
    return target.getvalue()


def number_cell(coordinate, text):
    def change(xml):
        changed, count = re.subn(rf'(<c r="{coordinate}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{text}</v>", xml.decode())
        assert count == 1
        return changed.encode()

    return change


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(number_cell("C12", "INF"), id="INF"),
        pytest.param(number_cell("C12", "NaN"), id="NaN"),
        pytest.param(number_cell("C12", "1E+309"), id="a-number-beyond-any-float"),
        pytest.param(lambda xml: xml.replace(b"</t>", b"\x02</t>", 1), id="a-character-xml-forbids"),
        pytest.param(lambda xml: xml[: len(xml) * 2 // 3], id="the-sheet-cut-short"),
    ],
)
def test_a_damaged_workbook_is_400_and_changes_nothing(client, lan, dossiers, change):
    """Built from the workbook Lan downloaded, damaged in one place: "Tệp Excel bị hỏng…", the draft as it was."""
    client.force_login(lan)
    data = download(client)
    before = draft_of()
    unchanged(upload(client, sheet_rewritten(data, change), before.revision), before, text="Tệp Excel bị hỏng")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("1E+308", "vượt quá giới hạn của biểu (tối đa 999.999.999)", id="1E+308"),
        pytest.param("1000000000", "Số 1.000.000.000 vượt quá giới hạn", id="one-over-the-ceiling"),
    ],
)
def test_a_count_over_the_forms_ceiling_is_refused_at_its_cell(client, lan, dossiers, value, text):
    client.force_login(lan)
    data = download(client)
    before = draft_of()
    workbook = book(data)
    coordinate = cell(workbook, "HT", "received_total").coordinate
    response = upload(client, sheet_rewritten(data, number_cell(coordinate, value)), before.revision)
    unchanged(response, before, text=f"{coordinate}: ")
    assert text in response.content.decode()


def test_the_downloaded_workbook_uploads_back_unchanged_with_its_total_computed(client, lan, dossiers):
    """Saved by no spreadsheet, the total row's formulas have no result: the import adds the rows up."""
    client.force_login(lan)
    data = download(client)
    before = draft_of()
    response = upload(client, data, before.revision)
    assert response.status_code == 200
    after = draft_of()
    assert after.values[FORM]["total"] == before.values[FORM]["total"]  # the prefilled total, computed again
    assert (after.values[FORM]["HT"], after.values[FORM]["CT"]) == (
        before.values[FORM]["HT"],
        before.values[FORM]["CT"],
    )


def test_another_periods_workbook_is_refused(client, lan, dossiers):
    client.force_login(lan)
    other = download(client, at={"period": "2021Q2"})
    download(client)
    before = draft_of()
    unchanged(upload(client, other, before.revision), before, text="của Quý II/2021, không phải của Quý III/2021")


def test_another_units_workbook_is_refused(client, lan, dossiers, commune_mai_chau):
    thu = save_user(username="thu", full_name="Vũ Thị Thu", unit=commune_mai_chau, roles={Role.REPORTER},
                    password="correct horse 2021", at=AT)  # fmt: skip
    client.force_login(thu)
    foreign = download(client, at={"unit": "W05200"})
    client.force_login(lan)
    download(client)
    before = draft_of()
    unchanged(upload(client, foreign, before.revision), before, text="đơn vị W05200, không phải của đơn vị W05341")


def test_the_compiled_district_form_is_refused(client, lan, dossiers, district_lac_son, kstt_report):
    compiled = compile_form06(unit=district_lac_son, period=Period.parse("2021Q3"), report_type=kstt_report)
    client.force_login(lan)
    download(client)
    before = draft_of()
    unchanged(upload(client, render_form06_xlsx(compiled), before.revision), before, text="không phải của đơn vị")


@pytest.mark.parametrize(
    ("tamper", "text"),
    [
        pytest.param(lambda wb: wb.remove(wb["_kstt"]), "không có trang _kstt", id="map-sheet-removed"),
        pytest.param(lambda wb: wb["_kstt"].append(["row:XX", 14]), "lĩnh vực mà đơn vị không có", id="row-added"),
        pytest.param(lambda wb: where(wb)[1].insert_cols(4), "các cột của biểu đã bị xê dịch", id="column-inserted"),
        pytest.param(
            lambda wb: setattr(cell(wb, "HT", "settled_late"), "value", "năm"),
            "cần nhập số hồ sơ bằng số",
            id="text-in-a-count",
        ),
        pytest.param(lambda wb: setattr(cell(wb, "HT", "settled_late"), "value", -1), "không được âm", id="negative"),
    ],
)
def test_a_tampered_workbook_is_refused_and_changes_nothing(client, lan, dossiers, tamper, text):
    client.force_login(lan)
    workbook = book(download(client))
    tamper(workbook)
    before = draft_of()
    unchanged(upload(client, saved(workbook), before.revision), before, text=text)


def test_an_upload_from_an_old_page_is_refused(client, lan, dossiers):
    client.force_login(lan)
    data = download(client)
    stale = draft_of().revision
    draft = draft_of()
    services.save_draft(instance=draft.instance, values=draft.values, narrative={"direction": "Lan"}, reasons={},
                        expected_revision=stale, at=NOW, actor=lan)  # fmt: skip
    before = draft_of()
    unchanged(upload(client, data, stale), before, status=409, text="Đã có người lưu báo cáo này")


def test_a_submitted_report_takes_no_upload(client, lan, dossiers):
    client.force_login(lan)
    data = download(client)
    draft = draft_of()
    services.save_draft(instance=draft.instance, values=draft.values, narrative=NARRATIVE, reasons={},
                        expected_revision=draft.revision, at=NOW, actor=lan)  # fmt: skip
    services.attach_document(instance=draft.instance, name="bc.pdf", content=b"%PDF-1.7", verification={}, at=NOW,
                             actor=lan)  # fmt: skip
    services.submit(instance=draft.instance, at=NOW, actor=lan)
    before = draft_of()
    unchanged(upload(client, data, before.revision), before, status=409, text="chỉ sửa được khi báo cáo bị trả lại")


def test_the_upload_page_shows_the_buttons_in_vietnamese(client, lan, dossiers):
    client.force_login(lan)
    html = client.get(url("upload"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'data-testid="excel-download"' in html and 'name="revision"' in html
    assert "Tải biểu 06 (Excel)" in html


# --- Who may use them ----------------------------------------------------------------------------------------


@pytest.fixture
def people(lan, minh, hoa, tuan, commune_mai_chau, district_mai_chau):
    def person(username, name, unit, role):
        return save_user(username=username, full_name=name, unit=unit, roles={role}, password=None, at=AT)

    return {
        "lan": lan, "minh": minh, "hoa": hoa, "tuan": tuan,
        "thu": person("thu", "Vũ Thị Thu", commune_mai_chau, Role.REPORTER),
        "mai": person("mai", "Lò Thị Mai", district_mai_chau, Role.REVIEWER),
        "feed": person("motcua", "Hệ thống một cửa", None, Role.FEED),
    }  # fmt: skip


@pytest.mark.parametrize("name", ["download", "upload"])
@pytest.mark.parametrize(
    "person",
    [
        pytest.param("thu", id="reporter-of-another-commune"),
        pytest.param("tuan", id="reporter-of-a-department"),
        pytest.param("minh", id="reviewer-of-the-district-above"),
        pytest.param("mai", id="reviewer-of-another-district"),
        pytest.param("hoa", id="provincial-reviewer"),
        pytest.param("feed", id="feed-account"),
    ],
)
def test_only_the_units_reporters_may_use_the_excel_pages(client, dossiers, people, name, person):
    client.force_login(people[person])
    assert client.get(url(name)).status_code == 404
    if name == "upload":
        response = upload(client, b"PK", 0)
        assert response.status_code == 404
    assert not ReportInstance.objects.exists()


@pytest.mark.parametrize("name", ["download", "upload"])
def test_anonymous_visitors_are_sent_to_log_in(client, dossiers, name):
    response = client.get(url(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert upload(client, b"PK", 0).status_code == 302
    assert not ReportInstance.objects.exists()


@pytest.mark.parametrize(
    ("unit", "period"),
    [
        pytest.param("NOPE", "2021Q3", id="unknown-unit"),
        pytest.param("W05341", "2021X9", id="bad-period"),
        pytest.param("W05341", "2021M9", id="a-period-not-in-the-schedule"),
        pytest.param("W05341", "2022Q1", id="a-period-not-started"),
    ],
)
def test_a_report_that_is_not_owed_is_not_found(client, lan, dossiers, unit, period):
    client.force_login(lan)
    assert client.get(url("download", unit=unit, period=period)).status_code == 404
    assert client.get(url("upload", unit=unit, period=period)).status_code == 404
    assert not ReportInstance.objects.exists()


def test_the_total_row_is_computed_from_the_uploaded_rows_like_typed_figures(client, lan, dossiers):
    """Issue 13 point 13: a workbook whose total row was not brought up to date (fixed numbers) no longer
    leaves the old totals in red on the report page until the draft is saved again."""
    client.force_login(lan)
    workbook = book(download(client))
    before = draft_of().values[FORM]["total"]["received_total"]
    for column in ("received_total", "received_online"):  # one more in Hộ tịch; the total row typed over with
        cell(workbook, "HT", column).value += 1  # the old numbers in place of its formulas (=SUM), as a stale copy
        cell(workbook, "total", column).value = draft_of().values[FORM]["total"][column]
    response = upload(client, saved(workbook), draft_of().revision)
    assert response.status_code == 200
    total = draft_of().values[FORM]["total"]
    assert total["received_total"] == before + 1  # the column's sum, not the workbook's stale number
    rows = [cells for key, cells in draft_of().values[FORM].items() if key != "total"]
    assert all(total[c] == sum(row.get(c) or 0 for row in rows) for c in total)
    html = response.content.decode()
    assert "Dòng Tổng cộng phải bằng" not in html
    assert (
        "Dòng Tổng cộng phải bằng"
        not in client.get(reverse("reports:report", args=["W05341", "2021Q3"])).content.decode()
    )


def test_the_upload_page_names_the_unit_and_leads_back_to_the_report(client, lan, dossiers):
    client.force_login(lan)
    html = client.get(url("upload")).content.decode()
    heading = html[html.index("<h1") :].split("</h1>")[0]
    assert "Ủy ban nhân dân xã Yên Nghiệp" in heading
    assert f'href="{reverse("reports:report", args=["W05341", "2021Q3"])}" data-testid="back-to-report"' in html
    assert "Quý III/2021" in html[html.index('data-testid="upload-subtitle"') :].split("</p>")[0]
