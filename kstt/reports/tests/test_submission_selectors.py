"""The facts of the home pages: what Lan's report stands at, and what Minh has to review."""

from datetime import UTC, datetime

import pytest

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.periods import Period
from kstt.reports import selectors, services
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units

T = datetime(2021, 9, 16, 2, 0, tzinfo=UTC)
Q2, Q3 = Period(2021, "Q2"), Period(2021, "Q3")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def reporter(unit, name):
    return save_user(
        username=name, full_name=name, unit=unit, roles={Role.REPORTER}, password="correct horse 2021", at=AT
    )


def submitted(unit, kstt_report, period, who):
    """A report with its forms (here: one empty row) and its signed document, submitted."""
    report = services.open_instance(unit=unit, report_type=kstt_report, period=period, at=T, actor=who)
    services.save_draft(
        instance=report, values={"06/VPCP/KSTT": {"HT": {}}}, narrative={}, reasons={},
        expected_revision=report.draft.revision, at=T, actor=who,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7", verification={"signed": False}, at=T, actor=who
    )
    return services.submit(instance=report, explanation="Nạp thử", at=T, actor=who)


def test_lan_sees_where_each_of_her_reports_stands(lan, minh, commune_yen_nghiep, kstt_report):
    v1 = submitted(commune_yen_nghiep, kstt_report, "2021Q2", lan)
    services.return_report(version=v1, reasons=["outline"], at=T, actor=minh)
    services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T, actor=lan)
    statuses = selectors.report_statuses(
        unit=commune_yen_nghiep, report_type=kstt_report, periods=["2021Q1", "2021Q2", Q3]
    )
    assert statuses == {"2021Q1": "not_started", "2021Q2": "returned", "2021Q3": "draft"}


def test_minh_counts_the_communes_of_lac_son_per_period(lan, minh, hoa, cast, commune_yen_nghiep, kstt_report):
    an_nghia = reporter(cast["W05344"], "an")
    submitted(commune_yen_nghiep, kstt_report, "2021Q3", lan)
    returned = submitted(cast["W05344"], kstt_report, "2021Q3", an_nghia)
    services.return_report(version=returned, reasons=["forms"], at=T, actor=minh)
    accepted = submitted(commune_yen_nghiep, kstt_report, "2021Q2", lan)
    services.accept(version=accepted, at=T, actor=minh)
    submitted(cast["W05200"], kstt_report, "2021Q3", reporter(cast["W05200"], "mc"))  # Mai Châu: not Minh's
    q2, q3 = selectors.review_counts(recipient=cast["D157"], report_type=kstt_report, periods=[Q2, Q3])
    assert (q3.period, q3.expected, q3.submitted, q3.waiting, q3.returned, q3.accepted, q3.not_sent) == (
        "2021Q3", 2, 2, 1, 1, 0, 0
    )  # fmt: skip
    assert (q2.expected, q2.submitted, q2.accepted, q2.not_sent) == (2, 1, 1, 1)
    waiting = selectors.instances_below(recipient=cast["D157"], report_type=kstt_report, period=Q3, status="submitted")
    assert [r.unit.code for r in waiting] == ["W05341"]
    province = selectors.review_counts(recipient=cast["P17"], report_type=kstt_report, periods=[Q3])[0]
    assert (province.expected, province.submitted) == (3, 0)  # the department and the two districts


def test_a_commune_that_did_not_exist_yet_is_not_expected(minh, cast, kstt_report):
    load_units(data=b"code,name,level,kind,parent_code\nW09999,X\xc3\xa3 M\xe1\xbb\x9bi,commune,x\xc3\xa3,D157\n",
               effective_from=datetime(2021, 8, 1, tzinfo=UTC).date(), at=AT, source="new")  # fmt: skip
    q2, q3 = selectors.review_counts(recipient=cast["D157"], report_type=kstt_report, periods=[Q2, Q3])
    assert (q2.expected, q3.expected) == (2, 3)


@pytest.mark.parametrize("extra", [0, 12])
def test_the_counts_take_two_queries_whatever_the_number_of_units(
    cast, kstt_report, extra, django_assert_max_num_queries
):
    if extra:
        rows = "".join(f"W1{i:04},Xã {i},commune,xã,D157\n" for i in range(extra))
        load_units(data=("code,name,level,kind,parent_code\n" + rows).encode(), effective_from=None, at=AT, source="x")
        for i in range(extra):
            unit = Unit.objects.get(code=f"W1{i:04}")
            submitted(unit, kstt_report, "2021Q3", reporter(unit, f"r{unit.code}"))
    periods = [Period(2021, kind) for kind in ("Q1", "Q2", "Q3", "Q4")]
    # The settings versions (read once per ReportType object: at most one), the expected units, the reports.
    with django_assert_max_num_queries(3):
        counts = selectors.review_counts(recipient=cast["D157"], report_type=kstt_report, periods=periods)
    assert counts[2].expected == 2 + extra and counts[2].submitted == extra
