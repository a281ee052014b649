"""Sơn opens Lạc Sơn's own report: its form 06 starts from the reports its communes sent (one row per unit,
the district's own row from its dossiers), the communes that have not reported are listed and left out,
a draft already typed is never overwritten but can be filled again on request, and R8 compares each row
with the compilation. The province (in a catalogue where it fills form 06) compiles its departments and
districts, a district's communes once, and in the two-level shape its departments and communes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.catalogue.models import FormDefinition
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.reports import prefill, services
from kstt.reports.models import Draft
from kstt.reports.tests.test_compiled_from_reports import PHU_THO_2025, row, send
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units

FORM = "06/VPCP/KSTT"
T1 = datetime(2021, 10, 4, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def reporter_of(unit: Unit, username: str):
    return save_user(username=username, full_name="Hoàng Văn Sơn", unit=unit, roles={Role.REPORTER},
                     password="correct horse 2021", at=AT)  # fmt: skip


@pytest.fixture
def son(district_lac_son):
    return reporter_of(district_lac_son, "son")


def open_report(unit: Unit, actor, report_type, period: str = "2021Q3", at: datetime = T1):
    report = services.open_instance(unit=unit, report_type=report_type, period=period, at=at, actor=actor)
    report.refresh_from_db()
    return report


def test_the_district_starts_from_its_communes_reports(cast, kstt_report, son, minh):
    services.accept(version=send(cast["W05344"], kstt_report, "2021Q3", 4), at=T1, actor=minh)
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    report = open_report(cast["D157"], son, kstt_report)
    assert report.draft.values == {FORM: {"W05341": row(1), "W05344": row(4), "total": row(5)}}
    opened = AuditEntry.objects.get(event="reports.opened", target_id=str(report.pk))
    assert (opened.data["prefilled"], opened.data["prefilled_from"]) == ([FORM], "reports")


def test_the_districts_own_row_comes_from_its_dossiers(cast, kstt_report, son):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    report = open_report(cast["D157"], son, kstt_report)
    values = report.draft.values[FORM]
    own = prefill.computed_form06(report)
    assert own is not None and values["D157"] == dict(own.total) and values["D157"]["settled_on_time"] == 1
    assert values["W05341"] == row(1)  # the commune's report, not its dossiers
    assert "W05344" not in values  # Ân Nghĩa has not reported: no row, not a row of zeros
    assert values["total"] == {c: own.total[c] + row(1)[c] for c in row(1)}
    found = prefill.from_compilation(report)
    assert found is not None and found.prefill.own_from_dossiers and found.prefill.reports == 1
    assert [line.member.code for line in found.prefill.missing] == ["W05344"]


def test_nothing_received_and_no_dossiers_starts_empty(cast, kstt_report, son):
    report = open_report(cast["D157"], son, kstt_report)
    assert report.draft.values == {}
    assert prefill.compiled_mode(report, {}) is not None  # the empty form is by unit: the rows are the units


def test_a_typed_draft_is_never_overwritten_but_is_filled_again_on_request(cast, kstt_report, son):
    report = open_report(cast["D157"], son, kstt_report)
    typed = {FORM: {"W05341": row(9), "total": row(9)}}
    services.save_draft(instance=report, values=typed, narrative=NARRATIVE, reasons={}, expected_revision=0,
                        at=T1, actor=son)  # fmt: skip
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    send(cast["W05344"], kstt_report, "2021Q3", 2)
    again = open_report(cast["D157"], son, kstt_report)  # opening it again changes nothing
    assert again.draft.values == typed and again.draft.revision == 1
    with pytest.raises(services.DraftConflict):  # a page from before the last save
        services.refill_form06(instance=again, expected_revision=0, at=T1, actor=son)
    assert Draft.objects.get(instance=report).values == typed
    draft = services.refill_form06(instance=again, expected_revision=1, at=T1, actor=son)
    assert draft.values == {FORM: {"W05341": row(1), "W05344": row(2), "total": row(3)}}
    assert (draft.revision, draft.narrative) == (2, NARRATIVE)
    saved = AuditEntry.objects.filter(event="reports.draft_saved", target_id=str(report.pk)).latest("pk")
    assert saved.data["revision"] == 2 and saved.data["cells"]


def test_only_a_reporter_of_the_unit_fills_it_again(cast, kstt_report, son, lan):
    report = open_report(cast["D157"], son, kstt_report)
    with pytest.raises(services.NotAllowed):
        services.refill_form06(instance=report, expected_revision=0, at=T1, actor=lan)


def submit(report, values, reasons, actor):
    draft = Draft.objects.get(instance=report)
    services.save_draft(instance=report, values=values, narrative=NARRATIVE, reasons=reasons,
                        expected_revision=draft.revision, at=T1, actor=actor)  # fmt: skip
    services.attach_document(instance=report, name="bc.pdf", content=b"%PDF-1.7", verification={"signed": True},
                             at=T1, actor=actor)  # fmt: skip
    return services.submit(instance=report, at=T1, actor=actor)


def test_a_row_changed_from_the_compilation_is_r8_with_both_figures(cast, kstt_report, son):
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    report = open_report(cast["D157"], son, kstt_report)
    changed = row(1) | {"received_total": 4, "received_direct": 2}
    by_hand = row(2)  # Ân Nghĩa has not reported: typed from its phone call, nothing to compare with
    values = {FORM: {"W05341": changed, "W05344": by_hand, "total": {c: changed[c] + by_hand[c] for c in changed}}}
    version = submit(report, values, {FORM: {"W05341": {"received_direct": "Xã gửi bổ sung 1 hồ sơ"}}}, son)
    r8 = [f for f in version.findings if f["rule"] == "R8"]
    assert {(f["row"], f["column"]) for f in r8} == {("W05341", "received_total"), ("W05341", "received_direct")}
    assert all(f["source"] == "reports" for f in r8)
    total = next(f for f in r8 if f["column"] == "received_total" and "missing" not in f)
    assert total["message"] == "Cột 3: số nhập 4 khác số tổng hợp từ báo cáo của đơn vị 3"
    assert total["link"] == "/units/D157/form06/reports/?period=2021Q3"
    assert [f.get("missing") for f in r8 if f["column"] == "received_direct"] == [None]  # a reason was given
    assert "inaccurate" in version.flags


def test_a_clean_compiled_report_submits_without_r8(cast, kstt_report, son):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    report = open_report(cast["D157"], son, kstt_report)
    version = submit(report, report.draft.values, {}, son)
    assert [f for f in version.findings if f["rule"] == "R8"] == []


def test_a_draft_by_procedure_field_stays_checked_against_the_dossiers(cast, kstt_report, son):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    report = open_report(cast["D157"], son, kstt_report)
    own = prefill.computed_values(report)
    typed = {"DD": own["DD"] | {"settled_on_time": 5}, "total": own["total"] | {"settled_on_time": 5}}
    assert prefill.compiled_mode(report, {FORM: typed}) is None
    findings = prefill.reconciliation_findings(report, {FORM: typed}, {})
    assert {(f["row"], f["source"]) for f in findings} == {("DD", "dossiers"), ("total", "dossiers")}


# --- The province, in a catalogue where it fills form 06 as well ----------------------------------------------


@pytest.fixture
def province_fills_06(kstt_report):
    """Form 06 version 2: the same form, filled by the province too (a catalogue change, no code change)."""
    v1 = FormDefinition.objects.get(code=FORM, version=1)
    levels = [*v1.levels, "province"]
    v2 = FormDefinition.objects.create(
        code=FORM, version=2, title=v1.title, valid_from=v1.valid_from, valid_until=v1.valid_until, levels=levels,
        definition=v1.definition | {"version": 2, "levels": levels}, digest="test",
    )  # fmt: skip
    v2.report_types.set(v1.report_types.all())


def test_the_province_counts_a_districts_communes_once(cast, kstt_report, province_fills_06):
    send(cast["P17-STP"], kstt_report, "2021Q3", 3, field="TP")
    send(cast["W05341"], kstt_report, "2021Q3", 50)  # also in Lạc Sơn's compiled report: not counted again
    send(cast["W05200"], kstt_report, "2021Q3", 6)  # Mai Châu has not reported: its commune's own report
    lac_son = reporter_of(cast["D157"], "son")
    district = open_report(cast["D157"], lac_son, kstt_report)
    rows = {"D157": row(1), "W05341": row(2), "W05344": row(4), "total": row(7)}
    submit(district, {FORM: rows}, {FORM: {"W05341": dict.fromkeys(row(1), "Số xã báo cáo lại")}}, lac_son)
    report = open_report(cast["P17"], reporter_of(cast["P17"], "thao"), kstt_report)
    assert report.draft.values[FORM] == {
        "P17-STP": row(3), "D157": row(1), "W05200": row(6), "W05341": row(2), "W05344": row(4),
        "total": row(3 + 1 + 6 + 2 + 4),
    }  # fmt: skip
    found = prefill.from_compilation(report)
    assert found is not None and found.prefill.reports == 3  # the department's, Lạc Sơn's and W05200's
    assert [line.member.code for line in found.prefill.missing] == ["D156"]


def test_the_two_level_province_compiles_its_departments_and_communes(cast, kstt_report, province_fills_06):
    load_units(data=PHU_THO_2025.encode(), effective_from=date(2025, 7, 1), at=AT, source="test")
    units = {u.code: u for u in Unit.objects.filter(code__in=["P25", "P25-STP", "W09001"])}
    at = datetime(2026, 1, 3, 2, 0, tzinfo=UTC)
    send(units["P25-STP"], kstt_report, "2025Q4", 5, field="TP", at=at)
    send(units["W09001"], kstt_report, "2025Q4", 6, at=at)
    report = open_report(units["P25"], reporter_of(units["P25"], "thao"), kstt_report, period="2025Q4", at=at)
    assert report.draft.values[FORM] == {"P25-STP": row(5), "W09001": row(6), "total": row(11)}
    found = prefill.from_compilation(report)
    assert found is not None and [line.member.code for line in found.prefill.missing] == ["W09002"]


# --- The report page ---------------------------------------------------------------------------------------

URL = "/reports/D157/2021Q3/"


@pytest.fixture
def son_client(client, settings, cast, kstt_report, son):
    settings.KSTT_CLOCK = T1
    send(cast["W05341"], kstt_report, "2021Q3", 1)
    client.force_login(son)
    return client


def test_the_page_says_where_the_figures_come_from_and_who_is_missing(son_client):
    html = son_client.get(URL).content.decode()
    block = html.split('data-testid="compiled-from"')[1].split('data-testid="refill-form"')[0]
    assert "Biểu 06 của đơn vị được lập từ các báo cáo đơn vị nhận được" in block
    assert "tổng hợp từ 1 báo cáo" in block and "/units/D157/form06/reports/?period=2021Q3" in block
    missing = block.split('data-testid="compiled-missing"')[1]
    assert "1 đơn vị chưa báo cáo: dòng của đơn vị để trống, không tính là số 0" in missing
    assert 'data-testid="compiled-missing-W05344"' in missing and "W05341" not in missing
    # One row per unit, named; the received commune's cells carry the compiled figure for the browser.
    grid = html.split('data-testid="grid-06"')[1]
    assert 'data-row="D157"' in grid and 'data-row="W05344"' in grid and 'data-row="DD"' not in grid
    assert 'data-recon-label="tổng hợp"' in grid
    cell = grid.split('data-testid="cell-06-W05341-received_total"')[0].rsplit("<input", 1)[1]
    assert 'value="3"' in cell and 'data-computed="3"' in cell
    missing_cell = grid.split('data-testid="cell-06-W05344-received_total"')[0].rsplit("<input", 1)[1]
    assert "data-computed" not in missing_cell  # nothing compiled for Ân Nghĩa: nothing to compare with


def test_a_changed_row_shows_the_compiled_figure_and_the_reason_asked(son_client):
    son_client.get(URL)
    fields = {f"v|{FORM}|W05341|{c}": str(v) for c, v in (row(1) | {"received_total": 4}).items()}
    answer = son_client.post(URL, {"revision": "0", "action": "save", **fields})
    assert answer.status_code == 302
    html = son_client.get(URL).content.decode()
    recon = html.split('data-testid="recon-06-W05341-received_total"')[1].split("</div>")[0]
    assert "tổng hợp: 3" in recon and "/units/D157/form06/reports/?period=2021Q3" in recon
    differences = html.split('data-testid="differences"')[1].split("</div>")[0]
    assert "tổng hợp" in differences and "chưa ghi lý do" in differences


def test_the_page_fills_form_06_again_on_request(son_client, cast, kstt_report):
    son_client.get(URL)
    send(cast["W05344"], kstt_report, "2021Q3", 2)
    answer = son_client.post(URL, {"revision": "0", "action": "refill"}, follow=True)
    assert "Biểu 06 đã được điền lại từ các báo cáo đã nhận." in answer.content.decode()
    assert Draft.objects.get(instance__unit__code="D157").values[FORM]["total"] == row(3)
    stale = son_client.post(URL, {"revision": "0", "action": "refill"}, follow=True)
    assert "Bản nháp đã được lưu sau khi trang này được mở: không có gì thay đổi." in stale.content.decode()
    assert Draft.objects.get(instance__unit__code="D157").revision == 1


def test_a_reader_sees_no_prefill_block_and_a_commune_none(son_client, client, hoa, lan):
    son_client.get(URL)
    client.force_login(hoa)
    assert 'data-testid="compiled-from"' not in client.get(URL).content.decode()
    client.force_login(lan)
    assert 'data-testid="compiled-from"' not in client.get("/reports/W05341/2021Q3/").content.decode()
    assert client.post(URL, {"revision": "0", "action": "refill"}).status_code == 404


def test_the_district_page_reads_its_compilation_in_a_fixed_number_of_queries(
    son_client, cast, kstt_report, django_assert_max_num_queries
):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    send(cast["W05344"], kstt_report, "2021Q3", 2)
    son_client.get(URL)
    # 36 today: the commune page's reads and the compilation's (a fixed number whatever the number of
    # communes), the compilation read once for the grid and the checks.
    with django_assert_max_num_queries(40):
        assert son_client.get(URL).status_code == 200
