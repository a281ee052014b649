"""The settings now live in settings versions (0006 copied them): report types lose theirs, and
``DeadlineRule`` goes (its rows are each version's ``deadlines``)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0006_settings_from_report_types'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reporttype',
            name='report_type_cutoff_day',
        ),
        migrations.RemoveField(
            model_name='reporttype',
            name='closing_days',
        ),
        migrations.RemoveField(
            model_name='reporttype',
            name='cutoff_day',
        ),
        migrations.RemoveField(
            model_name='reporttype',
            name='returned_on_time',
        ),
        migrations.RemoveField(
            model_name='reporttype',
            name='roll_forward',
        ),
        migrations.RemoveField(
            model_name='reporttype',
            name='settings_version',
        ),
        migrations.DeleteModel(
            name='DeadlineRule',
        ),
    ]
