from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kstt.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # django-tasks' database backend puts its task results in the administration site, in English only.
        # They are the worker's plumbing, not the province's records (a reminder's evidence is on the report
        # page; the worker logs each run): the administration site stays Vietnamese without them.
        from django.contrib import admin
        from django_tasks.backends.database.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)

        from kstt.audit.describe import register_name

        register_name("notifications.reminder", lambda reminder: f"“{reminder.subject}”")  # its own words

        from kstt.notifications.report_events import notify_people
        from kstt.reports.signals import version_changed

        version_changed.connect(notify_people, dispatch_uid="kstt.notifications.report_events")
