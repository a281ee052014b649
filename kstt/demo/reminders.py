"""The demo's reminders of 2021: what the worker would have sent up to the demo's clock.

The worker (`kstt worker`) looks for reminders every few minutes; the demo replays one of its runs each
morning at 07:00 in Hà Nội, from the day after each period's data window to its last closing time (or
the clock), through the worker's own service (``kstt.notifications.services.remind``) with each report
submitted or not as it stood that morning. E-mails go to the in-memory backend while loading (nothing is
printed, nothing leaves the machine). Incidents are known as of the clock, with hindsight: a deadline an
incident later moved is reminded against the moved one.

Loading again changes nothing: a reminder already on record is never due again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.notifications import services
from kstt.notifications.models import Reminder
from kstt.reports import selectors as reports

#: When the demo's worker runs each day (local time) when there are no quiet hours; with them, the instant
#: they end (KSTT_QUIET_UNTIL, 07:30 by default): the first run that may send (issue 14 point 7).
RUN_AT = time(7, 30)


def run_at() -> time:
    """The local time of the demo's daily run: the end of the quiet hours, or RUN_AT without them."""
    if settings.KSTT_QUIET_FROM == settings.KSTT_QUIET_UNTIL:
        return RUN_AT
    return settings.KSTT_QUIET_UNTIL


@dataclass
class ReminderLoad:
    reminders: int = 0
    emails: int = 0
    no_address: int = 0


def load_reminders(*, now: datetime, year: int = 2021) -> ReminderLoad:
    """Replay the worker's daily runs of ``year`` up to ``now``: all or nothing."""
    result = ReminderLoad()
    report_type = catalogue.report_type("kstt")
    if report_type is None:
        return result
    zone = clock.province_zone()
    today = clock.local_date(now)
    outbox = mail.get_connection("django.core.mail.backends.locmem.EmailBackend")
    runs = []
    with transaction.atomic():
        for period in reports.periods(report_type, year):
            window_end = catalogue.window(report_type, period)[1]
            if window_end >= today:
                continue
            owed = reports.owed_in_period(report_type=report_type, period=period, now=now)
            submitted = reports.submitted_times(
                report_type=report_type, period=period, unit_ids=[o.unit.unit_id for o in owed]
            )
            closings = [o.effective_closing or now for o in owed]
            last = min(max(clock.local_date(c) for c in closings), today) if closings else window_end
            day = window_end + timedelta(days=1)
            while day <= last:
                at = datetime.combine(day, run_at(), tzinfo=zone)
                if at > now:
                    break
                instances = [(o, (s := submitted.get(o.unit.unit_id)) is not None and s <= at) for o in owed]
                run = services.ReminderRun(now=at)
                services.remind(instances=instances, now=at, run=run, connection=outbox)
                runs.append(run)
                day += timedelta(days=1)
    # The e-mails go after each claim's commit; inside a caller's transaction (a test's) they wait for its
    # end: send the ones still waiting now, each at its reminder's instant (a sent one is never sent again).
    for run in runs:
        for reminder in Reminder.objects.filter(pk__in=[s.reminder_id for s in run.sent if s.reminder_id]):
            services.send_emails(reminder, now=reminder.sent_at, run=run, connection=outbox)
    for run in runs:
        result.reminders += len(run.sent)
        result.emails += run.emails_sent
        result.no_address += run.no_address
    return result
