"""Hoa, the province's reviewer, takes the Q3/2021 package for the national system (issue 15, point 5): one zip
with Vân's signed narrative PDF, the narrative KSTT drafted (docx), form 06 compiled from the units' reports
(xlsx and JSON), the province's form 07b, and manifest.json naming each file's SHA-256, the units included
with the version used and the units missing. Minh takes Lạc Sơn's. The zip is reopened with zipfile, every
document with openpyxl, python-docx and LibreOffice, never compared as bytes (but the signed PDF, which must
be the very file Vân signed).

The members' story is ``sent`` of test_compiled_from_reports: the department (3), Lạc Sơn (2, accepted),
Ân Nghĩa (4, accepted), Yên Nghiệp (version 2 of 7, waiting); Mai Châu and its commune sent nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.form07b import FORM07B_COLUMNS
from kstt.catalogue.rules.periods import Period
from kstt.compliance.package import PARTS, build_package, package_sources
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import numbers, recalculated
from kstt.reports import services
from kstt.reports.compiled_selectors import compile_from_reports
from kstt.reports.models import NarrativeDocument
from kstt.reports.services.history import load_submissions
from kstt.reports.tests import test_compiled_from_reports as story
from kstt.reports.tests.test_compiled_from_reports import Q3, row
from kstt.reports.tests.test_province_report import ROW, SECTIONS
from kstt.tests.cast import AT

sent, _media = story.sent, story._media  # the story's fixtures

FORM07B = "II.07b/VPCP/KSTT"
SIGNED = b"%PDF-1.7\n% the province's report, signed by its chairman\n%%EOF\n"
PARTS_IN_ORDER = ["narrative.pdf", "narrative.docx", "form06.xlsx", "form07b.xlsx", "form06.json"]


@pytest.fixture
def van(cast):
    """The province's reporter: she fills and submits the province's own report."""
    return save_user(username="van", full_name="Đinh Thị Vân", unit=cast["P17"], roles={Role.REPORTER},
                     password="correct horse 2021", at=AT)  # fmt: skip


@pytest.fixture
def province_sent(sent, kstt_report, van):
    """Vân submits the province's report: form 07b for its three units and the signed PDF."""
    report = services.open_instance(unit=sent["P17"], report_type=kstt_report, period="2021Q3", at=Q3, actor=van)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values={FORM07B: {"P17-STP": ROW, "D157": ROW, "D156": ROW}}, narrative=SECTIONS,
        reasons={}, expected_revision=report.draft.revision, at=Q3, actor=van,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao-tinh.pdf", content=SIGNED, verification={"signed": True}, at=Q3, actor=van
    )
    return services.submit(instance=report, at=Q3, actor=van)


def package(tmp_path, unit="P17") -> zipfile.ZipFile:
    out = tmp_path / f"{unit}.zip"
    call_command("package", unit=unit, period="2021Q3", output=out)
    return zipfile.ZipFile(io.BytesIO(out.read_bytes()))


def manifest_of(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("manifest.json").decode("utf-8"))


def book(archive: zipfile.ZipFile, name: str):
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read(name)))
    return workbook.worksheets[0], dict(workbook["_kstt"].iter_rows(min_row=2, values_only=True))


# --- The province's package ---------------------------------------------------------------------------------


def test_the_zip_holds_each_part_then_the_manifest(province_sent, tmp_path):
    archive = package(tmp_path)
    assert archive.namelist() == [*PARTS_IN_ORDER, "manifest.json"]
    assert archive.testzip() is None


def test_the_manifest_gives_each_files_sha256(province_sent, tmp_path):
    archive = package(tmp_path)
    files = manifest_of(archive)["files"]
    assert [f["name"] for f in files] == PARTS_IN_ORDER
    for entry in files:
        assert entry["sha256"] == hashlib.sha256(archive.read(entry["name"])).hexdigest(), entry["name"]


def test_the_manifest_names_the_units_included_with_their_version_and_the_missing(province_sent, tmp_path):
    manifest = manifest_of(package(tmp_path))
    assert (manifest["unit"], manifest["period"]) == ("P17", "2021Q3")
    assert manifest["report"] == {"unit": "P17", "version": 1, "standing": "latest"}
    assert manifest["included"] == [
        {"unit": "P17-STP", "version": 1, "standing": "latest", "via": None},
        {"unit": "D157", "version": 1, "standing": "accepted", "via": None},
        {"unit": "W05341", "version": 2, "standing": "latest", "via": None},
        {"unit": "W05344", "version": 1, "standing": "accepted", "via": None},
    ]
    assert manifest["missing"] == ["D156", "W05200"]


def test_the_narrative_is_the_signed_pdf_vân_uploaded(province_sent, tmp_path):
    archive = package(tmp_path)
    assert archive.read("narrative.pdf") == SIGNED
    stored = NarrativeDocument.objects.get(pk=province_sent.document_id)
    assert manifest_of(archive)["files"][0] == {"name": "narrative.pdf", "sha256": stored.sha256}


def test_form_06_reopens_with_the_missing_units_and_its_totals_as_formulas(province_sent, tmp_path):
    ws, where = book(package(tmp_path), "form06.xlsx")
    assert ws["A4"].value.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC")
    assert ws[f"C{where['row:D156']}"].value == "Chưa báo cáo"
    assert ws[f"C{where['row:W05341']}"].value == row(7)["received_total"]
    assert ws[f"C{where['total_row']}"].value.startswith("=SUM(")


def test_form_07b_reopens_with_the_provinces_own_figures(province_sent, tmp_path):
    ws, where = book(package(tmp_path), "form07b.xlsx")
    assert ws.title == "Biểu 07b" and where["unit_code"] == "P17"
    assert ws[f"C{where['row:P17-STP']}"].value == ROW["tthc_total"]
    first, last = where["row:P17-STP"], max(where[f"row:{code}"] for code in ("P17-STP", "D157", "D156"))
    assert ws[f"C{where['total_row']}"].value == f"=SUM(C{first}:C{last})"


def test_the_figures_json_is_the_compiled_form_06(province_sent, tmp_path):
    figures = json.loads(package(tmp_path).read("form06.json"))
    assert (figures["unit"], figures["period"], figures["source"]) == ("P17", "2021Q3", "reports")
    assert figures["total"] == row(16)
    assert [m["unit"] for m in figures["missing"]] == ["D156", "W05200"]


def test_libreoffice_recalculates_each_workbook_to_the_compiled_numbers(province_sent, tmp_path, soffice):  # noqa: F811
    archive = package(tmp_path)
    form06 = recalculated(archive.read("form06.xlsx"))
    assert numbers(form06["", "Tổng cộng"], 11) == list(row(16).values())
    form07b = recalculated(archive.read("form07b.xlsx"))
    assert numbers(form07b["", "Tổng cộng"], 12) == [3 * ROW[c] for c in FORM07B_COLUMNS]


def test_the_narrative_docx_is_the_draft_kstt_writes_for_the_province(province_sent, tmp_path):
    archive = package(tmp_path)
    document = docx.Document(io.BytesIO(archive.read("narrative.docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "quý III năm 2021" in text
    assert "CHẾ ĐỘ BÁO CÁO" in text  # the reporting regime, from the ledger
    name = "narrative.docx"
    digest = hashlib.sha256(archive.read(name)).hexdigest()
    assert {"name": name, "sha256": digest} in manifest_of(archive)["files"]


def test_the_package_holds_the_reports_as_they_stood_when_the_province_sent_its_own(
    province_sent, sent, kstt_report, minh, tmp_path
):
    """Mai Châu sends its report the day after the province sent its own, and Hoa accepts Yên Nghiệp's: the
    package still shows what the province compiled then (Mai Châu missing, Yên Nghiệp not yet accepted), the
    live compilation what is there now."""
    later = datetime(2021, 10, 3, 2, 0, tzinfo=UTC)
    story.send(sent["D156"], kstt_report, "2021Q3", 5, at=later)
    yen_nghiep = sent["W05341"].reports.get().versions.get(number=2)
    services.accept(version=yen_nghiep, at=later, actor=minh)
    manifest = manifest_of(package(tmp_path))
    assert manifest["missing"] == ["D156", "W05200"]
    assert {"unit": "W05341", "version": 2, "standing": "latest", "via": None} in manifest["included"]
    figures = json.loads(package(tmp_path).read("form06.json"))
    assert figures["total"] == row(16)
    live = compile_from_reports(unit=sent["P17"], period=Period(2021, "Q3"), report_type=kstt_report)
    assert [line.member.code for line in live.compilation.missing] == ["W05200"]  # and Mai Châu is in now


def test_another_part_is_one_more_line_of_the_list(province_sent, kstt_report, sent):
    sources = package_sources(unit=sent["P17"], period=Period(2021, "Q3"), report_type=kstt_report)
    extra = (*PARTS, ("notes.txt", lambda s: s.version.narrative["direction"].encode()))
    archive = zipfile.ZipFile(io.BytesIO(build_package(sources, at=Q3, parts=extra)))
    assert archive.namelist() == [*PARTS_IN_ORDER, "notes.txt", "manifest.json"]
    assert manifest_of(archive)["files"][-1]["name"] == "notes.txt"
    assert archive.getinfo("manifest.json").date_time == (2021, 10, 2, 9, 0, 0)  # Q3, in Hà Nội


# --- A district's package (the 2021 shape) ------------------------------------------------------------------


def test_lạc_sơns_package_has_its_communes_and_no_form_07b(sent, tmp_path):
    archive = package(tmp_path, "D157")
    assert archive.namelist() == ["narrative.pdf", "narrative.docx", "form06.xlsx", "form06.json", "manifest.json"]
    manifest = manifest_of(archive)
    assert manifest["report"] == {"unit": "D157", "version": 1, "standing": "accepted"}
    assert [(i["unit"], i["version"], i["standing"]) for i in manifest["included"]] == [
        ("D157", 1, "accepted"),
        ("W05341", 2, "latest"),
        ("W05344", 1, "accepted"),
    ]
    assert manifest["missing"] == []
    assert archive.read("narrative.pdf") == b"%PDF-1.7 signed"  # what Lạc Sơn's reporter attached


# --- What the command refuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        pytest.param("X999", "2021Q3", "unknown unit X999", id="unknown-unit"),
        pytest.param("P17", "2021Q9", "2021Q9", id="unknown-period"),
        pytest.param("W05341", "2021Q3", "W05341 receives no reports", id="a-commune-receives-nothing"),
        pytest.param("P17-STP", "2021Q3", "P17-STP receives no reports", id="a-department-receives-nothing"),
        pytest.param("P17", "2021Q3", "P17 has not submitted it yet", id="the-provinces-own-report-not-submitted"),
        pytest.param("D156", "2021Q3", "D156 has not submitted it yet", id="a-district-that-sent-nothing"),
    ],
)
def test_the_command_says_why_there_is_no_package(sent, tmp_path, unit, period, message):
    out = tmp_path / "package.zip"
    with pytest.raises(CommandError, match=message):
        call_command("package", unit=unit, period=period, output=out)
    assert not out.exists()  # nothing half-done


def test_a_version_without_its_signed_pdf_makes_no_package(sent, tmp_path):
    """A submission moved from an earlier system has no document: the package needs one."""
    history = b"unit_code,report,period,event,at,reasons\nP17,kstt,2021Q3,submitted,2021-09-20T10:00:00+07:00,\n"
    load_submissions(data=history, at=datetime(2021, 10, 1, tzinfo=UTC))
    with pytest.raises(CommandError, match="version 1 of P17 for 2021Q3 has none"):
        call_command("package", unit="P17", period="2021Q3", output=tmp_path / "p.zip")


def test_a_signed_pdf_changed_on_disk_makes_no_package(province_sent, tmp_path):
    stored = NarrativeDocument.objects.get(pk=province_sent.document_id)
    with stored.file.open("wb") as file:
        file.write(SIGNED.replace(b"chairman", b"somebody"))
    with pytest.raises(CommandError, match="SHA-256 differs"):
        call_command("package", unit="P17", period="2021Q3", output=tmp_path / "p.zip")


# --- The button on the report page ----------------------------------------------------------------------------


def report_url(code: str) -> str:
    return reverse("reports:report", args=[code, "2021Q3"])


def package_url(code: str) -> str:
    return reverse("package:package", args=[code, "2021Q3"])


def test_the_provinces_reviewer_downloads_the_package_from_the_report_page(client, province_sent, hoa):
    client.force_login(hoa)
    html = client.get(report_url("P17")).content.decode()
    assert f'href="{package_url("P17")}"' in html and "Tải gói báo cáo gửi hệ thống quốc gia (zip)" in html
    answer = client.get(package_url("P17"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert answer["Content-Disposition"] == 'attachment; filename="goi-bao-cao-P17-2021Q3.zip"'
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert manifest_of(archive)["missing"] == ["D156", "W05200"]


def test_the_districts_reviewer_downloads_lạc_sơns(client, sent, minh):
    client.force_login(minh)
    assert f'href="{package_url("D157")}"' in client.get(report_url("D157")).content.decode()
    assert client.get(package_url("D157")).status_code == 200


def test_before_the_report_is_submitted_the_page_says_when_the_package_comes(client, sent, hoa):
    client.force_login(hoa)
    html = client.get(report_url("D156")).content.decode()
    assert 'data-testid="package-download"' not in html
    answer = client.get(package_url("D156"))
    assert answer.status_code == 409
    assert "cần báo cáo của chính đơn vị" in answer.content.decode()


@pytest.mark.parametrize(
    ("person", "code"),
    [
        pytest.param("minh", "P17", id="a-districts-reviewer-not-the-province"),
        pytest.param("lan", "D157", id="a-communes-reporter"),
        pytest.param("tuan", "P17", id="a-departments-reporter"),
        pytest.param("van", "P17", id="the-provinces-reporter-is-no-reviewer"),
    ],
)
def test_the_package_is_for_the_receiving_units_reviewers(request, client, province_sent, person, code):
    client.force_login(request.getfixturevalue(person))
    assert client.get(package_url(code)).status_code == 404
    page = client.get(report_url(code))
    assert 'data-testid="package"' not in page.content.decode()


def test_a_commune_has_no_package_button(client, sent, minh):
    client.force_login(minh)
    assert 'data-testid="package"' not in client.get(report_url("W05341")).content.decode()
    assert client.get(package_url("W05341")).status_code == 409  # it receives nothing: said, not a zip


# --- Through the API (scripts of the national system) ---------------------------------------------------------


def test_the_api_gives_the_same_zip_to_the_units_reviewers(province_sent, hoa, lan):
    api = APIClient()
    api.force_authenticate(hoa)
    answer = api.get("/api/package/", {"unit": "P17", "period": "2021Q3"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert answer["Content-Disposition"] == 'attachment; filename="goi-bao-cao-P17-2021Q3.zip"'
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.namelist() == [*PARTS_IN_ORDER, "manifest.json"]
    assert manifest_of(archive)["missing"] == ["D156", "W05200"]
    api.force_authenticate(lan)  # a commune's reporter: not hers to see
    assert api.get("/api/package/", {"unit": "P17", "period": "2021Q3"}).status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [
        pytest.param({"unit": "D156", "period": "2021Q3"}, 409, id="its-own-report-not-submitted"),
        pytest.param({"unit": "W05341", "period": "2021Q3"}, 409, id="a-commune-receives-nothing"),
        pytest.param({"unit": "P17", "period": "2021Q9"}, 400, id="not-a-period"),
        pytest.param({"unit": "P99", "period": "2021Q3"}, 404, id="no-such-unit"),
        pytest.param({"unit": "P17"}, 400, id="no-period"),
    ],
)
def test_the_api_says_why_there_is_no_package(sent, hoa, query, status):
    api = APIClient()
    api.force_authenticate(hoa)
    answer = api.get("/api/package/", query)
    assert answer.status_code == status
    assert answer.json()  # an error body, never a zip
