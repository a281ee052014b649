"""The figures of every version submitted before ReportFigure existed (issue 15), from its values.

Versions that already have figures are left as they are, so running it again adds nothing.
"""

from django.db import migrations

from kstt.reports.rules import figure_cells

BATCH = 2000


def backfill(apps, schema_editor):
    ReportVersion = apps.get_model("reports", "ReportVersion")
    ReportFigure = apps.get_model("reports", "ReportFigure")
    done = set(ReportFigure.objects.values_list("version_id", flat=True).distinct())
    pending = []
    for version_id, values in ReportVersion.objects.order_by("pk").values_list("pk", "values").iterator(BATCH):
        if version_id in done:
            continue
        pending += [
            ReportFigure(version_id=version_id, form=form, row=row, column=column, value=value)
            for form, row, column, value in figure_cells(values or {})
        ]
        if len(pending) >= BATCH:
            ReportFigure.objects.bulk_create(pending)
            pending = []
    ReportFigure.objects.bulk_create(pending)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_report_figures")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
