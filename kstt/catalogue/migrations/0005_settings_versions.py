"""Settings with validity dates: a report type's settings become a history of immutable versions (schema)."""

import django.db.models.deletion
import kstt.catalogue.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0004_form_06_v1_carries_pending_over'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SettingsVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('cutoff_day', models.PositiveSmallIntegerField(default=15, verbose_name='cut-off day')),
                ('closing_days', models.PositiveSmallIntegerField(default=30, verbose_name='days to the closing time')),
                ('roll_forward', models.BooleanField(default=True, verbose_name='move deadlines off weekends and holidays')),
                ('returned_on_time', models.BooleanField(default=True, verbose_name='count returned dossiers as settled on time')),
                ('deadlines', models.JSONField(default=dict, verbose_name='deadlines')),
                ('scored_levels', models.JSONField(default=kstt.catalogue.models._default_scored_levels, verbose_name='scored levels')),
                ('not_sent_points', models.DecimalField(decimal_places=2, default=Decimal('0.50'), max_digits=4, verbose_name='deduction for a report not sent')),
                ('late_points', models.DecimalField(decimal_places=2, default=Decimal('0.25'), max_digits=4, verbose_name='deduction for a late or faulty report')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
            ],
            options={
                'verbose_name': 'settings version',
                'verbose_name_plural': 'settings versions',
                'ordering': ['report_type', 'number'],
            },
        ),
        migrations.AddField(
            model_name='settingsversion',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='settingsversion',
            name='report_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='settings_versions', to='catalogue.reporttype', verbose_name='report type'),
        ),
        migrations.AddConstraint(
            model_name='settingsversion',
            constraint=models.UniqueConstraint(fields=('report_type', 'number'), name='settings_version_number_once', violation_error_message='This settings version number is already taken.'),
        ),
        migrations.AddConstraint(
            model_name='settingsversion',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='settings_version_number_from_one', violation_error_message='Settings versions are numbered from 1.'),
        ),
        migrations.AddConstraint(
            model_name='settingsversion',
            constraint=models.CheckConstraint(condition=models.Q(('cutoff_day__gte', 1), ('cutoff_day__lte', 28)), name='settings_version_cutoff_day', violation_error_message='The cut-off day must be between 1 and 28.'),
        ),
        migrations.AddConstraint(
            model_name='settingsversion',
            constraint=models.CheckConstraint(condition=models.Q(('closing_days__gte', 1)), name='settings_version_closing_days', violation_error_message='The closing time must be at least one day after the deadline.'),
        ),
        migrations.AddConstraint(
            model_name='settingsversion',
            constraint=models.CheckConstraint(condition=models.Q(('late_points__gte', 0), ('not_sent_points__gte', 0)), name='settings_version_points_not_negative', violation_error_message='A deduction amount cannot be negative.'),
        ),
    ]
