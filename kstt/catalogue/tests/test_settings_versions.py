"""Settings with validity dates (issue 9, point 2): which version judges a period, the selectors, the
shipped history of kstt.toml, and a database of the old schema migrated to versions."""

import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kstt.catalogue import selectors, services
from kstt.catalogue.models import SettingsVersion
from kstt.catalogue.rules import settings as rules
from kstt.catalogue.rules.periods import Period
from kstt.tests.cast import AT

# --- The rule: the version in force on the period's first day (no database) ------------------------------------


@dataclass(frozen=True)
class V:
    number: int
    valid_from: date | None


START = V(1, None)
FROM_2022 = V(2, date(2022, 1, 1))
FROM_MID_2025 = V(3, date(2025, 7, 1))
ALSO_FROM_2022 = V(4, date(2022, 1, 1))  # a later word on the same date
FROM_15_DEC_2021 = V(5, date(2021, 12, 15))  # the day 2022Q1's window starts, not its first day: 2021Q4's last month


@pytest.mark.parametrize(
    ("versions", "period", "expected"),
    [
        pytest.param([START], "2021Q3", START, id="only-the-first-version"),
        pytest.param([START, FROM_2022], "2021Q4", START, id="a-change-from-2022-leaves-2021q4"),
        pytest.param([START, FROM_2022], "2022Q1", FROM_2022, id="a-change-from-2022-judges-2022q1"),
        pytest.param([START, FROM_2022], "2021Y", START, id="the-year-2021-by-its-first-day"),
        pytest.param([START, FROM_2022], "2022H1", FROM_2022, id="the-six-months-by-their-first-day"),
        pytest.param([START, FROM_2022, FROM_MID_2025], "2025Q2", FROM_2022, id="the-day-before-mid-2025"),
        pytest.param([START, FROM_2022, FROM_MID_2025], "2025Q3", FROM_MID_2025, id="two-level-from-2025q3"),
        pytest.param([START, FROM_2022, FROM_MID_2025], "2025Y", FROM_2022, id="the-year-2025-by-its-first-day"),
        pytest.param([FROM_MID_2025, START, FROM_2022], "2030Q1", FROM_MID_2025, id="in-any-order"),
        pytest.param([START, FROM_2022, ALSO_FROM_2022], "2022Q2", ALSO_FROM_2022, id="same-date-highest-number"),
        pytest.param([START, FROM_15_DEC_2021], "2021Q4", START, id="valid-from-inside-2021q4-leaves-it"),
        pytest.param([START, FROM_15_DEC_2021], "2022Q1", FROM_15_DEC_2021, id="valid-from-15-dec-judges-2022q1"),
        pytest.param([START, V(2, None)], "2021Q1", V(2, None), id="two-since-the-start-highest-number"),
    ],
)
def test_the_version_in_force_for_a_period(versions, period, expected):
    assert rules.in_force(versions, Period.parse(period)) == expected


@pytest.mark.parametrize(
    ("period", "day"),
    [
        pytest.param("2021Q1", date(2021, 1, 1), id="q1"),
        pytest.param("2021Q3", date(2021, 7, 1), id="q3"),
        pytest.param("2021Q4", date(2021, 10, 1), id="q4"),
        pytest.param("2021H1", date(2021, 1, 1), id="h1"),
        pytest.param("2021M9", date(2021, 1, 1), id="m9"),
        pytest.param("2021Y", date(2021, 1, 1), id="y"),
    ],
)
def test_a_periods_first_day_is_the_first_of_its_first_month(period, day):
    assert rules.first_day(Period.parse(period)) == day


def test_no_version_before_the_first_is_an_error():
    with pytest.raises(rules.NoSettingsError, match="2021Q4"):
        rules.in_force([FROM_2022], Period(2021, "Q4"))


SHIPPED = {
    "cutoff_day": 15,
    "closing_days": 30,
    "roll_forward": True,
    "returned_on_time": True,
    "deadlines": {
        "commune": {"offset_days": 2},
        "department": {"offset_days": 4},
        "province": {"offset_days": 6, "cap_day": 25},
    },
    "scored_levels": ["department"],
    "not_sent_points": "0.50",
    "late_points": "0.25",
    "digital_signature_required": False,
}
LEVELS = ("province", "department", "district", "commune")


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        pytest.param({}, [], id="as-shipped"),
        pytest.param({"scored_levels": ["commune"]}, [], id="score-communes"),
        pytest.param({"scored_levels": ["district"]}, [("scored_levels", "scored_without_deadline")], id="no-deadline"),
        pytest.param({"scored_levels": ["hamlet"]}, [("scored_levels", "unknown_level")], id="unknown-scored"),
        pytest.param({"scored_levels": ["commune", "commune"]}, [("scored_levels", "scored_twice")], id="twice"),
        pytest.param({"scored_levels": "commune"}, [("scored_levels", "not_levels")], id="not-a-list"),
        pytest.param({"late_points": "10.00"}, [], id="late-10-accepted"),
        pytest.param({"late_points": "10.01"}, [("late_points", "points_range")], id="late-over-10"),
        pytest.param({"late_points": 0}, [], id="late-0-accepted"),
        pytest.param({"late_points": "-0.01"}, [("late_points", "points_range")], id="late-negative"),
        pytest.param({"late_points": "0.125"}, [("late_points", "points_hundredths")], id="late-thousandths"),
        pytest.param({"late_points": 0.25}, [], id="late-as-a-toml-float"),
        pytest.param({"late_points": True}, [("late_points", "points_not_a_number")], id="late-yes"),
        pytest.param({"not_sent_points": "NaN"}, [("not_sent_points", "points_not_a_number")], id="not-sent-nan"),
        pytest.param({"deadlines": {"hamlet": {"offset_days": 2}}}, [("deadlines", "unknown_level")], id="hamlet"),
        pytest.param(
            {"deadlines": {"commune": {"offset_days": "2"}}}, [("offset_commune", "offset_not_whole")], id="text-days"
        ),
        pytest.param(
            {"deadlines": {"commune": {"offset_days": 2, "by": 3}}}, [("offset_commune", "not_a_deadline")], id="key"
        ),
        pytest.param(
            {"cutoff_day": 29},
            [("cutoff_day", "cutoff_range"), ("cap_province", "cap_before_window_end")],
            id="the-deadline-rules-too",
        ),
        pytest.param({"roll_forward": "yes"}, [("roll_forward", "not_yes_no")], id="roll-forward-text"),
        pytest.param({"digital_signature_required": True}, [], id="a-digital-signature-required"),
        pytest.param(
            {"digital_signature_required": "yes"}, [("digital_signature_required", "not_yes_no")], id="signature-text"
        ),
        pytest.param({"colour": "red"}, [("colour", "unknown_key")], id="unknown-setting"),
    ],
)
def test_what_a_version_may_hold(change, problems):
    values = rules.merge(SHIPPED, change)
    assert [(field, code) for field, code, _ in rules.problems(values, levels=LEVELS)] == problems


def test_a_change_replaces_the_deadlines_it_names_level_by_level():
    merged = rules.merge(SHIPPED, {"deadlines": {"commune": {"offset_days": 3}}, "closing_days": 20})
    assert merged["deadlines"] == {**SHIPPED["deadlines"], "commune": {"offset_days": 3}}
    assert merged["closing_days"] == 20
    assert SHIPPED["deadlines"]["commune"] == {"offset_days": 2}  # the base is left as it was


def test_the_same_settings_in_another_form_are_the_same():
    assert rules.same(SHIPPED, {**SHIPPED, "late_points": Decimal("0.250"), "scored_levels": ["department"]})
    assert not rules.same(SHIPPED, {**SHIPPED, "late_points": "0.30"})
    assert not rules.same(SHIPPED, {**SHIPPED, "digital_signature_required": True})


# --- The selectors ---------------------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def change(report_type, actor, valid_from, note="Quyết định số 1/QĐ-UBND", **values):
    return services.change_settings(
        report_type=report_type, values=values, valid_from=valid_from, note=note, at=AT, actor=actor
    )


@pytestmark_db
def test_each_period_gets_the_settings_in_force_for_it_in_one_query(kstt_report, quan, django_assert_num_queries):
    change(kstt_report, quan, Period(2022, "Q1"), closing_days=20)
    periods = [Period(year, kind) for year in range(2021, 2027) for kind in ("Q1", "Q2", "Q3", "Q4", "Y")]
    with django_assert_num_queries(1):
        found = selectors.settings_by_period(kstt_report, [*periods, "2021H1"])
    numbers = {code: version.number for code, version in found.items()}
    assert numbers["2021Q4"] == numbers["2021Y"] == numbers["2021H1"] == 1
    assert numbers["2022Q1"] == numbers["2025Q2"] == numbers["2025Y"] == 3
    assert numbers["2025Q3"] == numbers["2026Q4"] == 2  # the shipped two-level change, recorded before
    assert selectors.settings_for(kstt_report, "2022Q1").closing_days == 20
    assert selectors.settings_for(kstt_report, Period(2021, "Q4")).closing_days == 30
    assert selectors.settings_on(kstt_report, date(2026, 1, 1)).number == 2
    assert selectors.settings_by_period(kstt_report, []) == {}


@pytestmark_db
def test_the_window_of_a_period_follows_its_cut_off_day(kstt_report, quan):
    change(kstt_report, quan, Period(2022, "Q1"), cutoff_day=1, deadlines={"province": {"offset_days": 6}})
    assert selectors.window(kstt_report, "2021Q4") == (date(2021, 9, 15), date(2021, 12, 14))
    assert selectors.window(kstt_report, "2022Q1") == (date(2022, 1, 1), date(2022, 3, 31))


@pytestmark_db
def test_a_version_as_ledger_evidence(kstt_report):
    version = selectors.settings_for(kstt_report, "2021Q3")
    assert version.as_evidence() == {
        "report_type": "kstt",
        "number": 1,
        "valid_from": None,
        "cutoff_day": 15,
        "closing_days": 30,
        "roll_forward": True,
        "returned_on_time": True,
        "deadlines": {
            "commune": {"offset_days": 2, "cap_day": None},
            "department": {"offset_days": 4, "cap_day": None},
            "district": {"offset_days": 5, "cap_day": None},
            "province": {"offset_days": 6, "cap_day": 25},
        },
        "scored_levels": ["department", "district"],
        "not_sent_points": "0.50",
        "late_points": "0.25",
        "digital_signature_required": False,  # version 1: an unsigned PDF is accepted, flagged (rules.md §4)
    }
    assert version.policy.levels["province"].cap_day == 25
    assert selectors.settings_for(kstt_report, "2025Q3").as_evidence()["valid_from"] == "2025-07-01"


@pytestmark_db
def test_dossier_counting_follows_the_version_of_the_period(kstt_report, quan, cast):
    from kstt.compilation.selectors import scope

    change(kstt_report, quan, Period(2022, "Q1"), returned_on_time=False)
    unit = cast["W05341"]
    assert scope(unit=unit, period=Period(2021, "Q4"), report_type=kstt_report).returned_on_time is True
    assert scope(unit=unit, period=Period(2022, "Q1"), report_type=kstt_report).returned_on_time is False


# --- The shipped file, and loading it again ----------------------------------------------------------------------


def load(*args):
    out = StringIO()
    call_command("load_catalogue", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def shipped_copy(tmp_path, old: str = "", new: str = ""):
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    path = definitions / "report_types" / "kstt.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return definitions


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "valid_from = 2025-07-01", 'valid_from = "2025-07-01"', r"changes\[1\]: valid_from must be a date"
        ),
        pytest.param(
            'note = "Chính quyền',
            'reason = "Chính quyền',
            r"changes\[1\] \(valid_from 2025-07-01\): unknown key\(s\) reason",
        ),
        pytest.param(
            'note = "Chính quyền địa phương hai cấp từ 01/7/2025: cấp xã báo cáo trực tiếp UBND tỉnh"',
            'note = ""',
            r"changes\[1\] \(valid_from 2025-07-01\): note",
        ),
        pytest.param(
            'scored_levels = ["department", "commune"]',
            'scored_levels = ["department", "hamlet"]',
            r"changes\[1\] \(valid_from 2025-07-01\): scored_levels: .*hamlet",
        ),
        pytest.param('late_points = "0.25"', 'late_points = "0.255"', r"kstt\.toml: late_points: "),
        pytest.param(
            'scored_levels = ["department", "commune"]\n',
            'scored_levels = ["department", "commune"]\n\n'
            '[[changes]]\nvalid_from = 2024-01-01\nnote = "x"\nclosing_days = 20\n',
            r"changes\[2\] \(valid_from 2024-01-01\): the changes must be in order of their dates",
        ),
        pytest.param(
            'scored_levels = ["department", "commune"]\n',
            'scored_levels = ["department", "commune"]\n\n[[changes]]\nvalid_from = 2026-01-01\nnote = "x"\n',
            r"changes\[2\] \(valid_from 2026-01-01\): names no setting to change",
        ),
    ],
)
def test_a_broken_settings_history_is_refused_with_where_it_is(tmp_path, db, old, new, message):
    before = SettingsVersion.objects.count()
    with pytest.raises(CommandError, match=message):
        load("--dir", shipped_copy(tmp_path, old, new))
    assert SettingsVersion.objects.count() == before


def test_an_existing_report_type_gains_a_shipped_change_once_on_top_of_the_administrators_settings(
    tmp_path, kstt_report, quan
):
    admin = change(kstt_report, quan, Period(2022, "Q1"), closing_days=20)
    definitions = shipped_copy(
        tmp_path,
        'scored_levels = ["department", "commune"]\n',
        'scored_levels = ["department", "commune"]\n\n[[changes]]\nvalid_from = 2027-01-01\n'
        'note = "Quyết định 2027"\nlate_points = "0.30"\n',
    )
    out = load("--dir", definitions)
    assert "kstt settings v4 (2027-01-01)" in out
    added = SettingsVersion.objects.get(report_type=kstt_report, number=4)
    assert (added.valid_from, added.late_points, added.note) == (date(2027, 1, 1), Decimal("0.30"), "Quyết định 2027")
    # On top of the version in force just before (2025-07-01's, which the administrator's 2022 change does not
    # reach): its scored levels and closing time, the late deduction changed.
    assert added.scored_levels == ["department", "commune"]
    assert added.closing_days == 30
    assert SettingsVersion.objects.get(pk=admin.pk).closing_days == 20  # never altered
    assert "settings v" not in load("--dir", definitions)  # once
    assert SettingsVersion.objects.filter(report_type=kstt_report).count() == 4


def test_a_shipped_change_takes_what_the_administrator_set_before_its_date(tmp_path, kstt_report, quan):
    """A database where the 2025 change is missing (migrated from the old schema) and the administrator set
    20 closing days from 2022: the 2025 change keeps those 20 days and only scores communes."""
    SettingsVersion._base_manager.filter(valid_from=date(2025, 7, 1)).delete()  # past the immutability guard
    change(kstt_report, quan, Period(2022, "Q1"), closing_days=20)
    assert "kstt settings v3 (2025-07-01)" in load()
    two_level = SettingsVersion.objects.get(valid_from=date(2025, 7, 1))
    assert (two_level.number, two_level.closing_days, two_level.scored_levels) == (3, 20, ["department", "commune"])
    assert selectors.settings_for(kstt_report, "2025Q2").number == 2


# --- A database of the old schema --------------------------------------------------------------------------------

BEFORE = [("catalogue", "0004_form_06_v1_carries_pending_over")]


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_schema_keeps_its_settings_as_version_1_and_gains_the_2025_change():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        report_type = old.get_model("catalogue", "ReportType").objects.get(code="kstt")
        report_type.closing_days, report_type.settings_version = 20, 4
        report_type.save()
        old.get_model("catalogue", "DeadlineRule").objects.filter(level="commune").update(offset_days=3)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    [first] = SettingsVersion.objects.all()
    assert (first.number, first.valid_from, first.closing_days, first.deadlines["commune"]) == (
        1,
        None,
        20,
        {"offset_days": 3, "cap_day": None},
    )
    assert first.scored_levels == ["department", "district"]
    assert (first.not_sent_points, first.late_points) == (Decimal("0.50"), Decimal("0.25"))
    assert "phiên bản 4" in first.note
    # The end of `migrate` loads the shipped catalogue: the 2025 change, on top of version 1.
    services.load_catalogue(at=AT)
    two_level = SettingsVersion.objects.get(number=2)
    assert (two_level.valid_from, two_level.closing_days, two_level.scored_levels) == (
        date(2025, 7, 1),
        20,
        ["department", "commune"],
    )


@pytestmark_db
def test_each_process_reads_the_versions_once_and_again_after_one_is_added(
    kstt_report, quan, django_assert_num_queries
):
    """The versions a process keeps (selectors.report_type): one query per request while none is added; a version
    added by another process (its own ReportType object, forgotten there only) is read on the next request."""
    selectors.report_type()  # this process reads them
    with django_assert_num_queries(1):  # the report type only: the versions are this process's
        again = selectors.report_type()
        assert selectors.settings_for(again, "2022Q1").number == 1
        assert selectors.window(again, "2026Q4") == (date(2026, 9, 15), date(2026, 12, 14))
    elsewhere = type(kstt_report).objects.get(pk=kstt_report.pk)  # another worker, an administrator's request
    change(elsewhere, quan, Period(2022, "Q1"), closing_days=20)
    with django_assert_num_queries(2):  # the count differs: the versions are read again
        after = selectors.report_type()
        assert selectors.settings_for(after, "2022Q1").number == 3
        assert selectors.settings_for(after, "2022Q1").closing_days == 20
    assert selectors.settings_for(again, "2022Q1").number == 1  # a request's own object keeps what it read
    with django_assert_num_queries(1):
        assert selectors.settings_for(selectors.report_type(), "2022Q1").closing_days == 20
    # each request gets its own copies: what one request sets on a version never reaches another
    selectors.settings_for(after, "2022Q1").note = "changed in memory"
    assert selectors.settings_for(selectors.report_type(), "2022Q1").note == "Quyết định số 1/QĐ-UBND"
    assert selectors.settings_for(selectors.report_type(), "2022Q1").report_type is not after


@pytestmark_db
def test_each_process_reads_the_forms_once_and_again_after_one_is_loaded(kstt_report, django_assert_num_queries):
    """The forms and the outline in force (read through selectors.report_type) are kept per process while none is
    added: a new form version, loaded by another process, is in force on the next request."""
    from kstt.catalogue.models import FormDefinition

    on = date(2026, 12, 14)
    first = selectors.forms_in_force(report_type=selectors.report_type(), level="commune", on=on)
    selectors.outline_in_force(selectors.report_type(), on=on)
    with django_assert_num_queries(1):  # the report type only
        again = selectors.report_type()
        assert selectors.forms_in_force(report_type=again, level="commune", on=on) == first
        assert selectors.outline_in_force(again, on=on) is not None
    form06 = next(form for form in first if form.code == "06/VPCP/KSTT")
    newer = FormDefinition.objects.create(
        code=form06.code, version=form06.version + 1, title=form06.title, valid_from=form06.valid_from,
        levels=form06.levels, definition=form06.definition, digest=form06.digest,
    )  # fmt: skip
    newer.report_types.set([kstt_report])
    with django_assert_num_queries(2):  # the count differs: the forms are read again
        after = selectors.forms_in_force(report_type=selectors.report_type(), level="commune", on=on)
    assert [f.pk for f in after if f.code == form06.code] == [newer.pk]
    with django_assert_num_queries(1):
        assert selectors.forms_in_force(report_type=selectors.report_type(), level="commune", on=on) == after
