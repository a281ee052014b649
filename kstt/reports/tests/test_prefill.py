"""Lan opens her commune's report: form 06 starts from the figures computed from Yên Nghiệp's dossiers."""

from datetime import UTC, datetime

import pytest

from kstt.audit.models import AuditEntry
from kstt.catalogue.rules.form06 import FORM06_COLUMNS
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import compile_form06
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.reports import prefill, services
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT

FORM = "06/VPCP/KSTT"
T1 = datetime(2021, 10, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
def dossiers(cast, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)


def test_the_draft_starts_from_the_computed_form(dossiers, lan, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=lan)
    computed = compile_form06(unit=commune_yen_nghiep, period=Period.parse("2021Q3"), report_type=kstt_report)
    expected = {row.key: dict(row.counts) for row in computed.rows} | {"total": dict(computed.total)}
    assert report.draft.values == {FORM: expected}
    assert set(expected) == {"HT", "CT", "total"} and expected["HT"]["received_total"] == 3
    assert report.draft.revision == 0
    opened = AuditEntry.objects.get(event="reports.opened", target_id=str(report.pk))
    assert opened.data["prefilled"] == [FORM]


def test_without_dossiers_the_draft_starts_empty(lan, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=lan)
    assert report.draft.values == {}
    assert prefill.computed_values(report) == {}


def test_a_period_without_dossiers_in_play_starts_empty(dossiers, lan, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2020Q3", at=T1, actor=lan)
    assert report.draft.values == {}


def test_another_units_dossiers_do_not_prefill(dossiers, commune_mai_chau, kstt_report, lan):
    from kstt.accounts.choices import Role
    from kstt.accounts.services import save_user

    thu = save_user(username="thu", full_name="Vũ Thị Thu", unit=commune_mai_chau, roles={Role.REPORTER},
                    password="correct horse 2021", at=AT)  # fmt: skip
    report = services.open_instance(unit=commune_mai_chau, report_type=kstt_report, period="2021Q3", at=T1, actor=thu)
    assert set(report.draft.values[FORM]) == {"HT", "total"}
    assert report.draft.values[FORM]["HT"]["received_online"] == 1


def test_a_district_prefills_its_own_row_from_its_dossiers_by_unit(dossiers, district_lac_son, kstt_report):
    """Its communes come from their reports (test_compiled_prefill): none has reported, its own row is all."""
    from kstt.accounts.choices import Role
    from kstt.accounts.services import save_user

    son = save_user(username="son", full_name="Hoàng Văn Sơn", unit=district_lac_son, roles={Role.REPORTER},
                    password="correct horse 2021", at=AT)  # fmt: skip
    report = services.open_instance(unit=district_lac_son, report_type=kstt_report, period="2021Q3", at=T1, actor=son)
    assert set(report.draft.values[FORM]) == {"D157", "total"}
    assert report.draft.values[FORM]["total"]["settled_on_time"] == 1
    assert set(report.draft.values[FORM]["D157"]) == set(FORM06_COLUMNS)


def test_the_history_loader_does_not_prefill(dossiers, commune_yen_nghiep, kstt_report):
    csv = "unit_code,report,period,event,at,reasons\nW05341,kstt,2021Q3,submitted,2021-10-04T10:00:00+07:00,\n"
    services.load_submissions(data=csv.encode(), at=T1)
    version = commune_yen_nghiep.reports.get().versions.get()
    assert version.values == {}


def test_a_clean_prefilled_report_submits_without_r8(
    dossiers, lan, commune_yen_nghiep, kstt_report, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=lan)
    services.save_draft(instance=report, values=report.draft.values, narrative=NARRATIVE, reasons={},
                        expected_revision=0, at=T1, actor=lan)  # fmt: skip
    services.attach_document(
        instance=report, name="bc.pdf", content=b"%PDF-1.7", verification={"signed": True}, at=T1, actor=lan
    )
    version = services.submit(instance=report, at=T1, actor=lan)
    assert (version.flags, version.findings) == ([], [])
