"""`kstt send-reminders [--dry-run]`: send the reminders due now, once each, and say which."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kstt import clock
from kstt.notifications import services


class Command(BaseCommand):
    help = (
        "Send the reminders due now (in the application and by e-mail) to the units' reporters and, once a "
        "report is late, to the reviewers of the unit it goes to, and to the reviewers of a report overdue for "
        "review; each once, even with workers running. Nothing within the quiet hours (KSTT_QUIET_FROM–_UNTIL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say which reminders are due; send nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        now = clock.now()
        zone = clock.province_zone()
        run = services.send_reminders(now=now, dry_run=dry_run)
        if run.quiet:
            self.stdout.write(
                f"Quiet hours ({settings.KSTT_QUIET_FROM:%H:%M}–{settings.KSTT_QUIET_UNTIL:%H:%M}) at "
                f"{now.astimezone(zone):%d/%m/%Y %H:%M}: no reminder is sent now; they wait for "
                f"{settings.KSTT_QUIET_UNTIL:%H:%M}."
            )
            return
        verb = "due" if dry_run else "sent"
        for sent in run.sent:
            when = {"before": "before", "after": "late"}.get(sent.kind, "unreviewed")
            self.stdout.write(
                f"{sent.unit:<10} {sent.report} {sent.period:<7} {sent.days} day(s) {when:<6} "
                f"deadline {sent.deadline.astimezone(zone):%d/%m/%Y %H:%M}  → {', '.join(sent.recipients) or 'nobody'}"
            )
        self.stdout.write(
            f"Reminders {verb} at {now.astimezone(zone):%d/%m/%Y %H:%M}: {len(run.sent)}"
            + ("" if dry_run else f" ({run.lost} already claimed by another worker)")
        )
        if not dry_run:
            self.stdout.write(
                f"E-mails: {run.emails_sent} sent, {run.emails_failed} failed (tried again later), "
                f"{run.no_address} to people without an address (told in the application only)."
            )
            if run.emails_unknown:
                self.stdout.write(
                    f"{run.emails_unknown} e-mail(s) were being sent by a worker that stopped: they may or may not "
                    "have gone out, and are not sent again (shown as 'outcome unknown' on the report)."
                )
