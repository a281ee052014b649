"""The catalogue as data: loading it, and an administrator changing the deadline settings."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors, services
from kstt.catalogue.models import DeadlineRule, FormDefinition, OutlineDefinition, ReportType
from kstt.tests.cast import AT

pytestmark = pytest.mark.django_db


def load(*args):
    out = StringIO()
    call_command("load_catalogue", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def empty_catalogue(db):
    """A database whose catalogue was removed (``migrate`` loads the shipped one)."""
    OutlineDefinition.objects.all().delete()
    FormDefinition.objects.all().delete()
    ReportType.objects.all().delete()


def test_migrate_loads_the_shipped_catalogue_with_the_defaults_of_the_rules():
    """No load-catalogue: the test database is migrated, and migrate loads what is shipped."""
    kstt = ReportType.objects.get(code="kstt")
    assert (kstt.periods, kstt.also, kstt.cutoff_day, kstt.closing_days, kstt.roll_forward) == (
        ["Q1", "Q2", "Q3", "Q4"],
        {"Q2": "H1", "Q4": "Y"},
        15,
        30,
        True,
    )
    assert {r.level: (r.offset_days, r.cap_day) for r in DeadlineRule.objects.all()} == {
        "commune": (2, None),
        "department": (4, None),
        "district": (5, None),
        "province": (6, 25),
    }
    assert sorted(FormDefinition.objects.values_list("code", "version")) == [
        ("06/VPCP/KSTT", 1),
        ("II.07b/VPCP/KSTT", 1),
    ]


def test_load_catalogue_loads_the_shipped_catalogue_into_an_empty_one(empty_catalogue):
    assert "report types: 1 new, 0 kept as set; forms: 2 new" in load()
    assert ReportType.objects.get(code="kstt").cutoff_day == 15
    assert FormDefinition.objects.count() == 2


def test_the_forms_say_which_levels_fill_them(kstt_report):
    from datetime import date

    on = date(2021, 9, 1)
    assert [f.code for f in selectors.forms_in_force(report_type=kstt_report, level="commune", on=on)] == [
        "06/VPCP/KSTT"
    ]
    assert [f.code for f in selectors.forms_in_force(report_type=kstt_report, level="province", on=on)] == [
        "II.07b/VPCP/KSTT"
    ]


def test_loading_twice_changes_nothing_and_keeps_the_administrators_settings(kstt_report, quan):
    services.change_deadline_settings(
        report_type=kstt_report,
        settings=services.DeadlineSettings(15, 30, True, {"commune": (3, None)}),
        at=AT,
        actor=quan,
    )
    audits = AuditEntry.objects.count()
    assert "1 kept as set" in load()
    assert "0 new" in load()
    assert DeadlineRule.objects.get(level="commune").offset_days == 3
    assert FormDefinition.objects.count() == 2
    assert AuditEntry.objects.count() == audits


def test_a_new_version_of_form_06_is_a_data_change(tmp_path, kstt_report):
    """A modified copy of form 06, published as version 2 from 2026, loads beside version 1."""
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    source = (definitions / "forms" / "06-VPCP-KSTT.v1.toml").read_text(encoding="utf-8")
    changed = source.replace("version = 1", "version = 2", 1).replace(
        "valid_from = 2021-01-01", "valid_from = 2026-02-15", 1
    )
    assert changed != source
    (definitions / "forms" / "06-VPCP-KSTT.v2.toml").write_text(changed, encoding="utf-8")
    assert "forms: 1 new (06/VPCP/KSTT v2)" in load("--dir", definitions)
    from datetime import date

    in_2021 = selectors.forms_in_force(report_type=kstt_report, level="district", on=date(2021, 9, 1))
    in_2026 = selectors.forms_in_force(report_type=kstt_report, level="district", on=date(2026, 9, 1))
    assert [(f.code, f.version) for f in in_2021] == [("06/VPCP/KSTT", 1)]
    assert [(f.code, f.version) for f in in_2026] == [("06/VPCP/KSTT", 2)]


def test_a_changed_form_under_the_same_version_is_refused(tmp_path, kstt_report):
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    path = definitions / "forms" / "06-VPCP-KSTT.v1.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Tổng số", "Tổng cộng", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"already loaded with different content; a changed form must be published"):
        load("--dir", definitions)


def test_a_broken_form_file_is_refused_with_its_name(tmp_path, empty_catalogue):
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    path = definitions / "forms" / "II-07b-VPCP-KSTT.v1.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\nsurprise = 1\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"II-07b-VPCP-KSTT\.v1\.toml: .*surprise.*nothing was loaded"):
        load("--dir", definitions)
    assert ReportType.objects.count() == 0


def test_a_report_type_with_an_unknown_level_is_refused(tmp_path, db):
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    path = definitions / "report_types" / "kstt.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("commune = {", "hamlet = {"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"deadlines\.hamlet: unknown level"):
        load("--dir", definitions)


def test_changing_the_settings_bumps_the_version_and_is_audited(kstt_report, quan):
    services.change_deadline_settings(
        report_type=kstt_report,
        settings=services.DeadlineSettings(15, 30, True, {"commune": (3, None)}),
        at=AT,
        actor=quan,
    )
    kstt_report.refresh_from_db()
    assert kstt_report.settings_version == 2
    entry = AuditEntry.objects.get(event="catalogue.deadlines_changed")
    assert entry.data["before"]["levels"]["commune"] == [2, None]
    assert entry.data["after"]["levels"]["commune"] == [3, None]


def test_saving_the_same_settings_changes_nothing(kstt_report, quan):
    services.change_deadline_settings(
        report_type=kstt_report,
        settings=services.DeadlineSettings(15, 30, True, {"commune": (2, None)}),
        at=AT,
        actor=quan,
    )
    kstt_report.refresh_from_db()
    assert kstt_report.settings_version == 1
    assert not AuditEntry.objects.filter(event="catalogue.deadlines_changed").exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        pytest.param((0, 30, True, {}), "cutoff_day", "Ngày chốt số liệu phải từ ngày 1 đến ngày 28.", id="cutoff-0"),
        pytest.param((29, 30, True, {}), "cutoff_day", "Ngày chốt số liệu phải từ ngày 1 đến ngày 28.", id="cutoff-29"),
        pytest.param(
            (15, 0, True, {}), "closing_days", "Thời điểm khóa sổ phải sau hạn gửi từ 1 đến 365 ngày.", id="closing-0"
        ),
        pytest.param(
            (15, 366, True, {}),
            "closing_days",
            "Thời điểm khóa sổ phải sau hạn gửi từ 1 đến 365 ngày.",
            id="closing-366",
        ),
        pytest.param(
            (15, 30, True, {"commune": (0, None)}),
            "offset_commune",
            "Cấp xã: hạn gửi phải sau ngày cuối của kỳ chốt từ 1 đến 60 ngày.",
            id="offset-0",
        ),
        pytest.param(
            (15, 30, True, {"commune": (61, None)}),
            "offset_commune",
            "Cấp xã: hạn gửi phải sau ngày cuối của kỳ chốt từ 1 đến 60 ngày.",
            id="offset-61",
        ),
        pytest.param(
            (15, 30, True, {"province": (6, 32)}),
            "cap_province",
            "Cấp tỉnh: ngày “không muộn hơn” phải là một ngày trong tháng (1–31).",
            id="cap-32",
        ),
        pytest.param(
            (15, 30, True, {"province": (6, 14)}),
            "cap_province",
            "Cấp tỉnh: ngày “không muộn hơn” phải từ ngày chốt số liệu (ngày 15) trở đi",
            id="cap-before-the-cut-off-day",
        ),
        pytest.param(
            (26, 30, True, {}),
            "cap_province",
            "Cấp tỉnh: ngày “không muộn hơn” phải từ ngày chốt số liệu (ngày 26) trở đi",
            id="cut-off-day-after-the-stored-cap-of-25",
        ),
        pytest.param(
            (1, 30, True, {}),
            "cap_province",
            "Cấp tỉnh: với ngày chốt số liệu là ngày 1, kỳ chốt kết thúc vào ngày cuối cùng của tháng cuối kỳ",
            id="calendar-months-with-the-stored-cap",
        ),
        pytest.param((15, 30, True, {"hamlet": (2, None)}), None, "unknown level", id="unknown-level"),
    ],
)
def test_nonsense_settings_are_refused_in_vietnamese(kstt_report, quan, values, field, message):
    with pytest.raises(services.CatalogueError) as refused:
        services.change_deadline_settings(
            report_type=kstt_report, settings=services.DeadlineSettings(*values), at=AT, actor=quan
        )
    assert message in str(refused.value)
    assert refused.value.field == field
    kstt_report.refresh_from_db()
    assert (kstt_report.cutoff_day, kstt_report.closing_days, kstt_report.settings_version) == (15, 30, 1)
    assert DeadlineRule.objects.get(level="commune").offset_days == 2
    assert DeadlineRule.objects.get(level="province").cap_day == 25


@pytest.mark.parametrize(
    ("values", "levels"),
    [
        pytest.param((1, 30, True, {"province": (6, None)}), {"province": (6, None)}, id="calendar-months-no-cap"),
        pytest.param((28, 30, True, {"province": (6, 28)}), {"province": (6, 28)}, id="cutoff-28-cap-28"),
        pytest.param((15, 30, True, {"province": (6, 31)}), {"province": (6, 31)}, id="cap-31"),
        pytest.param((15, 365, True, {"commune": (60, None)}), {"commune": (60, None)}, id="the-longest-accepted"),
        pytest.param((15, 1, True, {"commune": (1, None)}), {"commune": (1, None)}, id="the-shortest-accepted"),
    ],
)
def test_every_edge_the_page_accepts_is_saved(kstt_report, quan, values, levels):
    services.change_deadline_settings(
        report_type=kstt_report, settings=services.DeadlineSettings(*values), at=AT, actor=quan
    )
    kstt_report.refresh_from_db()
    assert (kstt_report.cutoff_day, kstt_report.closing_days) == values[:2]
    for level, (offset, cap) in levels.items():
        assert (DeadlineRule.objects.get(level=level).offset_days, DeadlineRule.objects.get(level=level).cap_day) == (
            offset,
            cap,
        )


def test_a_report_type_file_whose_cap_falls_before_its_window_end_is_refused(tmp_path, empty_catalogue):
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    path = definitions / "report_types" / "kstt.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("cap_day = 25", "cap_day = 10"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"kstt\.toml: .*(ngày chốt số liệu|cut-off day)"):
        load("--dir", definitions)
    assert ReportType.objects.count() == 0


def test_a_declared_make_up_day_must_be_a_weekend_day(quan, db):
    from datetime import date

    with pytest.raises(services.CatalogueError, match="already a working day"):
        services.declare_day(day=date(2021, 9, 15), kind="working_day", name="Làm bù", at=AT, actor=quan)
    services.declare_day(day=date(2021, 9, 18), kind="working_day", name="Làm bù", at=AT, actor=quan)
    assert selectors.work_calendar([2021]).is_working_day(date(2021, 9, 18))


def test_a_database_that_loaded_form_06_before_r7_was_data_still_loads_the_shipped_catalogue(kstt_report):
    """Migration 0004 adds the [[carry]] table to a form 06 v1 stored without it, so the file matches again."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kstt.catalogue.migrations.0004_form_06_v1_carries_pending_over")
    form = FormDefinition.objects.get(code="06/VPCP/KSTT", version=1)
    shipped = (dict(form.definition), form.digest)
    migration.remove_carry(apps, None)  # as it was stored before R7 became data
    form.refresh_from_db()
    assert "carry" not in form.definition and form.digest != shipped[1]
    with pytest.raises(CommandError, match="06/VPCP/KSTT v1 is already loaded with different content"):
        load()
    migration.add_carry(apps, None)
    form.refresh_from_db()
    assert (form.definition, form.digest) == shipped
    assert "forms: 0 new (-), 2 unchanged" in load()
    migration.add_carry(apps, None)  # twice: unchanged
    form.refresh_from_db()
    assert (form.definition, form.digest) == shipped
