"""Each report type's settings, as they stand, become its settings version 1, valid since the start of
the records (``valid_from`` empty), so an existing database judges every period as it did before.

The scored levels and the deduction amounts were not settings before: version 1 takes rules.md §6's
defaults (departments and districts; −0.50 not sent, −0.25 late or faulty). The change from 1 July 2025
(two-level local government) is not made here: the shipped catalogue adds it at the end of ``migrate``
(catalogue.services.load_catalogue adds a shipped change whose date no version has yet).

Backwards, each report type takes the values of its latest version (the old schema had one set of
settings for every period) and ``settings_version`` that version's number.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

SCORED_LEVELS = ["department", "district"]
NOT_SENT_POINTS, LATE_POINTS = Decimal("0.50"), Decimal("0.25")
NOTE = "Cài đặt trước khi có ngày hiệu lực (phiên bản %(version)s của cài đặt cũ)"


def _recorded_at(AuditEntry, report_type):
    """When the settings were last set: the last change of them, else the catalogue's load, else now."""
    changed = (
        AuditEntry.objects.filter(
            event="catalogue.deadlines_changed",
            target_type="catalogue.reporttype",
            target_id=str(report_type.pk),
        )
        .order_by("-at")
        .first()
    )
    loaded = AuditEntry.objects.filter(event="catalogue.loaded").order_by("at").first()
    entry = changed or loaded
    return entry.at if entry is not None else timezone.now()


def to_versions(apps, schema_editor):
    ReportType = apps.get_model("catalogue", "ReportType")
    DeadlineRule = apps.get_model("catalogue", "DeadlineRule")
    SettingsVersion = apps.get_model("catalogue", "SettingsVersion")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for report_type in ReportType.objects.order_by("pk"):
        if SettingsVersion.objects.filter(report_type=report_type).exists():
            continue
        SettingsVersion.objects.create(
            report_type=report_type,
            number=1,
            valid_from=None,
            cutoff_day=report_type.cutoff_day,
            closing_days=report_type.closing_days,
            roll_forward=report_type.roll_forward,
            returned_on_time=report_type.returned_on_time,
            deadlines={
                rule.level: {"offset_days": rule.offset_days, "cap_day": rule.cap_day}
                for rule in DeadlineRule.objects.filter(report_type=report_type).order_by("level")
            },
            scored_levels=SCORED_LEVELS,
            not_sent_points=NOT_SENT_POINTS,
            late_points=LATE_POINTS,
            note=NOTE % {"version": report_type.settings_version},
            recorded_at=_recorded_at(AuditEntry, report_type),
            recorded_by=None,
        )


def to_report_types(apps, schema_editor):
    ReportType = apps.get_model("catalogue", "ReportType")
    DeadlineRule = apps.get_model("catalogue", "DeadlineRule")
    SettingsVersion = apps.get_model("catalogue", "SettingsVersion")
    for report_type in ReportType.objects.order_by("pk"):
        latest = SettingsVersion.objects.filter(report_type=report_type).order_by("-number").first()
        if latest is None:
            continue
        report_type.cutoff_day = latest.cutoff_day
        report_type.closing_days = latest.closing_days
        report_type.roll_forward = latest.roll_forward
        report_type.returned_on_time = latest.returned_on_time
        report_type.settings_version = latest.number
        report_type.save(
            update_fields=["cutoff_day", "closing_days", "roll_forward", "returned_on_time", "settings_version"]
        )
        DeadlineRule.objects.filter(report_type=report_type).delete()
        DeadlineRule.objects.bulk_create(
            DeadlineRule(report_type=report_type, level=level, offset_days=rule["offset_days"], cap_day=rule.get("cap_day"))
            for level, rule in latest.deadlines.items()
        )
    # The historical model has the plain manager: the versions go with the table (0005 backwards).


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0005_settings_versions"),
        ("audit", "0002_audit_names_for_people"),
    ]

    operations = [migrations.RunPython(to_versions, to_report_types)]
