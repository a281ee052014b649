"""The catalogue as data: loading it, and an administrator recording new settings versions."""

import shutil
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors, services
from kstt.catalogue.models import FormDefinition, OutlineDefinition, ReportType, SettingsVersion
from kstt.catalogue.rules.periods import Period
from kstt.tests.cast import AT

Q1_2021 = Period(2021, "Q1")


def change(report_type, actor, valid_from=Q1_2021, note="Quyết định số 1/QĐ-UBND", **values):
    return services.change_settings(
        report_type=report_type,
        values=values,
        valid_from=valid_from,
        note=note,
        at=AT,
        actor=actor,
        reason="Quyết định áp dụng cho các kỳ đã qua",
    )


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
    first, two_level = selectors.settings_versions(kstt)
    assert (kstt.periods, kstt.also) == (["Q1", "Q2", "Q3", "Q4"], {"Q2": "H1", "Q4": "Y"})
    assert (first.number, first.valid_from, first.cutoff_day, first.closing_days, first.roll_forward) == (
        1,
        None,
        15,
        30,
        True,
    )
    assert first.deadlines == {
        "commune": {"offset_days": 2, "cap_day": None},
        "department": {"offset_days": 4, "cap_day": None},
        "district": {"offset_days": 5, "cap_day": None},
        "province": {"offset_days": 6, "cap_day": 25},
    }
    assert first.scored_levels == ["department", "district"]
    assert (first.not_sent_points, first.late_points) == (Decimal("0.50"), Decimal("0.25"))
    # From 1 July 2025 (two-level local government) communes are scored instead of districts; nothing else.
    assert (two_level.number, two_level.valid_from) == (2, date(2025, 7, 1))
    assert two_level.scored_levels == ["department", "commune"]
    assert {**two_level.values(), "scored_levels": first.scored_levels} == first.values()
    assert sorted(FormDefinition.objects.values_list("code", "version")) == [
        ("06/VPCP/KSTT", 1),
        ("II.07b/VPCP/KSTT", 1),
    ]


def test_load_catalogue_loads_the_shipped_catalogue_into_an_empty_one(empty_catalogue):
    assert "report types: 1 new, 0 kept as set; forms: 2 new" in load()
    kstt = ReportType.objects.get(code="kstt")
    assert [(v.number, v.valid_from) for v in selectors.settings_versions(kstt)] == [(1, None), (2, date(2025, 7, 1))]
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
    change(kstt_report, quan, deadlines={"commune": {"offset_days": 3}})
    audits = AuditEntry.objects.count()
    assert "1 kept as set" in load()
    assert "0 new" in load()
    assert selectors.settings_for(kstt_report, "2021Q3").deadlines["commune"]["offset_days"] == 3
    assert SettingsVersion.objects.count() == 3
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
    with pytest.raises(CommandError, match=r"kstt\.toml: deadlines: .*hamlet"):
        load("--dir", definitions)


def test_a_change_is_a_new_version_valid_from_its_period_and_is_audited(kstt_report, quan):
    version = change(kstt_report, quan, valid_from=Period(2022, "Q1"), deadlines={"commune": {"offset_days": 3}})
    assert (version.number, version.valid_from, version.recorded_by, version.recorded_at) == (
        3,
        date(2022, 1, 1),
        quan,
        AT,
    )
    assert version.deadlines["commune"] == {"offset_days": 3, "cap_day": None}
    assert version.deadlines["province"] == {"offset_days": 6, "cap_day": 25}  # the levels it does not name stay
    entry = AuditEntry.objects.get(event="catalogue.settings_changed")
    assert (entry.target_type, entry.target_id, entry.actor) == ("catalogue.settingsversion", str(version.pk), quan)
    assert entry.data["before"]["number"] == 1
    assert entry.data["before"]["deadlines"]["commune"]["offset_days"] == 2
    assert entry.data["after"]["deadlines"]["commune"]["offset_days"] == 3
    assert (entry.data["valid_from"], entry.data["note"]) == ("2022-01-01", "Quyết định số 1/QĐ-UBND")


def test_the_settings_in_force_on_a_date_are_refused_as_a_new_version(kstt_report, quan):
    with pytest.raises(services.CatalogueError, match="phiên bản 1"):
        change(kstt_report, quan, deadlines={"commune": {"offset_days": 2}})
    with pytest.raises(services.CatalogueError, match="phiên bản 2"):
        change(kstt_report, quan, valid_from=Period(2026, "Q1"), scored_levels=["commune", "department"])
    assert SettingsVersion.objects.count() == 2
    assert not AuditEntry.objects.filter(event="catalogue.settings_changed").exists()


def test_a_change_needs_a_reason(kstt_report, quan):
    with pytest.raises(services.CatalogueError) as refused:
        change(kstt_report, quan, note="  ", closing_days=20)
    assert refused.value.field == "note"
    assert "Nêu lý do" in str(refused.value)


def test_a_settings_version_is_never_changed_nor_deleted(kstt_report):
    from kstt.records import ImmutableError

    version = selectors.settings_for(kstt_report, "2021Q3")
    version.closing_days = 10
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.delete()
    with pytest.raises(ImmutableError):
        SettingsVersion.objects.filter(pk=version.pk).update(closing_days=10)
    with pytest.raises(ImmutableError):
        SettingsVersion.objects.filter(pk=version.pk).delete()
    assert SettingsVersion.objects.get(pk=version.pk).closing_days == 30


def test_the_database_refuses_a_settings_version_out_of_range(kstt_report):
    from django.db import IntegrityError, transaction

    values = {"report_type": kstt_report, "recorded_at": AT, "deadlines": {}}
    for wrong in ({"number": 9, "cutoff_day": 29}, {"number": 9, "not_sent_points": Decimal("-0.5")}, {"number": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            SettingsVersion.objects.create(**values, **wrong)


DEDUCTIONS = "Một mức trừ điểm phải từ 0 đến 10 điểm."


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        pytest.param({"cutoff_day": 0}, "cutoff_day", "Ngày chốt số liệu phải từ ngày 1 đến ngày 28.", id="cutoff-0"),
        pytest.param({"cutoff_day": 29}, "cutoff_day", "Ngày chốt số liệu phải từ ngày 1 đến ngày 28.", id="cutoff-29"),
        pytest.param(
            {"closing_days": 0}, "closing_days", "Thời điểm khóa sổ phải sau hạn gửi từ 1 đến 365 ngày.", id="closing-0"
        ),
        pytest.param(
            {"closing_days": 366},
            "closing_days",
            "Thời điểm khóa sổ phải sau hạn gửi từ 1 đến 365 ngày.",
            id="closing-366",
        ),
        pytest.param(
            {"deadlines": {"commune": {"offset_days": 0}}},
            "offset_commune",
            "Cấp xã: hạn gửi phải sau ngày cuối của kỳ chốt từ 1 đến 60 ngày.",
            id="offset-0",
        ),
        pytest.param(
            {"deadlines": {"commune": {"offset_days": 61}}},
            "offset_commune",
            "Cấp xã: hạn gửi phải sau ngày cuối của kỳ chốt từ 1 đến 60 ngày.",
            id="offset-61",
        ),
        pytest.param(
            {"deadlines": {"province": {"offset_days": 6, "cap_day": 32}}},
            "cap_province",
            "Cấp tỉnh: ngày “chậm nhất” phải là một ngày trong tháng (1–31).",
            id="cap-32",
        ),
        pytest.param(
            {"deadlines": {"province": {"offset_days": 6, "cap_day": 14}}},
            "cap_province",
            "Cấp tỉnh: ngày “chậm nhất” phải từ ngày chốt số liệu (ngày 15) trở đi",
            id="cap-before-the-cut-off-day",
        ),
        pytest.param(
            {"cutoff_day": 26},
            "cap_province",
            "Cấp tỉnh: ngày “chậm nhất” phải từ ngày chốt số liệu (ngày 26) trở đi",
            id="cut-off-day-after-the-stored-cap-of-25",
        ),
        pytest.param(
            {"cutoff_day": 1},
            "cap_province",
            "Cấp tỉnh: với ngày chốt số liệu là ngày 1, kỳ chốt kết thúc vào ngày cuối cùng của tháng cuối kỳ",
            id="calendar-months-with-the-stored-cap",
        ),
        pytest.param({"deadlines": {"hamlet": {"offset_days": 2}}}, "deadlines", "“hamlet”", id="unknown-level"),
        pytest.param({"scored_levels": ["hamlet"]}, "scored_levels", "“hamlet”", id="unknown-scored-level"),
        pytest.param({"not_sent_points": Decimal("-0.01")}, "not_sent_points", DEDUCTIONS, id="not-sent-negative"),
        pytest.param({"late_points": Decimal("10.01")}, "late_points", DEDUCTIONS, id="late-over-10"),
        pytest.param(
            {"late_points": Decimal("0.255")}, "late_points", "tối đa hai chữ số thập phân", id="late-thousandths"
        ),
        pytest.param({"late_points": "a quarter"}, "late_points", "số điểm", id="late-not-a-number"),
        pytest.param({"closing_days": "30"}, "closing_days", "số nguyên", id="closing-days-as-text"),
    ],
)
def test_nonsense_settings_are_refused_in_vietnamese(kstt_report, quan, values, field, message):
    with pytest.raises(services.CatalogueError) as refused:
        change(kstt_report, quan, **values)
    assert message in str(refused.value)
    assert refused.value.field == field
    assert SettingsVersion.objects.count() == 2


def test_a_scored_level_needs_a_deadline(tmp_path, db, quan):
    """A report type whose file sets no commune deadline cannot score communes."""
    definitions = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, definitions)
    path = definitions / "report_types" / "kstt.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("commune = { offset_days = 2 }\n", ""), "utf-8")
    with pytest.raises(CommandError, match=r"changes\[1\] \(valid_from 2025-07-01\): scored_levels: .*Cấp xã"):
        load("--dir", definitions)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param({"cutoff_day": 1, "deadlines": {"province": {"offset_days": 6}}}, {}, id="calendar-months-no-cap"),
        pytest.param(
            {"cutoff_day": 28, "deadlines": {"province": {"offset_days": 6, "cap_day": 28}}}, {}, id="cutoff-28-cap-28"
        ),
        pytest.param({"deadlines": {"province": {"offset_days": 6, "cap_day": 31}}}, {}, id="cap-31"),
        pytest.param(
            {"closing_days": 365, "deadlines": {"commune": {"offset_days": 60}}}, {}, id="the-longest-accepted"
        ),
        pytest.param({"closing_days": 1, "deadlines": {"commune": {"offset_days": 1}}}, {}, id="the-shortest-accepted"),
        pytest.param({"not_sent_points": 0, "late_points": "10"}, {}, id="deductions-0-and-10"),
        pytest.param({"scored_levels": []}, {}, id="no-level-scored"),
        pytest.param(
            {"late_points": "0.3"}, {"late_points": Decimal("0.30")}, id="deduction-in-tenths-held-in-hundredths"
        ),
    ],
)
def test_every_edge_the_page_accepts_is_saved(kstt_report, quan, values, expected):
    version = change(kstt_report, quan, **values)
    stored = SettingsVersion.objects.get(pk=version.pk)
    for key, value in values.items():
        if key == "deadlines":
            for level, rule in value.items():
                assert stored.deadlines[level] == {"offset_days": rule["offset_days"], "cap_day": rule.get("cap_day")}
        elif key in expected:
            assert getattr(stored, key) == expected[key]
        elif key.endswith("_points"):
            assert stored.values()[key] == f"{Decimal(value):.2f}"
        else:
            assert getattr(stored, key) == value


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
