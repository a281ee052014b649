"""Every write of notifications: one function per state change (style.md §3).

Callers (submitting, accepting, returning a report) call ``notify`` after their transaction commits
(``transaction.on_commit``), so a rolled-back submission notifies nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

from kstt import clock
from kstt.accounts import selectors as accounts
from kstt.audit import services as audit
from kstt.catalogue import selectors as catalogue
from kstt.notifications import rules, selectors
from kstt.notifications.choices import PARAMS, DeliveryStatus, Kind, RecipientRole, ReminderKind
from kstt.notifications.models import Notification, Reminder, ReminderDelivery, WorkerHeartbeat
from kstt.reports import selectors as reports
from kstt.reports.selectors import Owed
from kstt.reports.timeliness import SENT
from kstt.units import selectors as units

logger = logging.getLogger(__name__)


class NotificationError(ValueError):
    """A notification that cannot be made or changed as asked."""


def notify(
    *, recipients: Iterable[Any], kind: Kind | str, params: Mapping[str, object], url: str, at: datetime
) -> list[Notification]:
    """One unread notification per distinct recipient, all in one INSERT; none when there is no recipient."""
    kind = Kind(kind)
    missing = PARAMS[kind] - set(params)
    if missing:
        raise NotificationError(f"{kind} needs the parameters {sorted(missing)}")
    if not url.startswith("/") or url.startswith("//"):
        raise NotificationError(f"a notification links to a path of this site, not {url!r}")
    if at.tzinfo is None:
        raise NotificationError("a notification's time must be aware")
    users = {user.pk: user for user in recipients if user is not None}
    rows = [
        Notification(recipient=user, kind=kind, params=dict(params), url=url, created_at=at) for user in users.values()
    ]
    return Notification.objects.bulk_create(rows) if rows else []


def mark_read(*, notification: Notification, user: Any, at: datetime) -> bool:
    """Mark the user's own notification read; True if it was unread. Another user's: ``NotificationError``.

    A conditional UPDATE: two tabs opening the same notification keep the first reading time.
    """
    if notification.recipient_id != user.pk:
        raise NotificationError("a user marks only their own notifications")
    changed = Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(read_at=at)
    if changed:
        notification.read_at = at
    return bool(changed)


def mark_all_read(*, user: Any, at: datetime) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=at)


# --- Reminders and escalation (issue 9, point 6) ------------------------------------------------------------
#
# Delivery guarantee. A reminder (unit, report type, period, kind, days) is claimed at most once: the worker
# inserts its row in its own transaction, and the UNIQUE constraint lets exactly one of several concurrent
# workers win; the winner makes the in-app notifications and the audit entry in that same transaction, so a
# reminder recorded is a reminder told in the application. Its e-mails go after the commit, one per person,
# each claimed by a conditional UPDATE (pending|failed → sending) before the SMTP server is called: two
# workers never both send it. A send that raises is marked failed and tried again by later runs (at most
# MAX_ATTEMPTS in all, while the reminder still holds: before the deadline for a reminder before it, before
# the closing time for a reminder after it). A worker killed between its claim and the UPDATE that records
# the outcome leaves the e-mail "being sent": the SMTP server may or may not have taken it, so it is never
# sent again (at most once, never twice). The next run after SENDING_STALE marks it "outcome unknown, not
# sent again" (settle_interrupted), audited, and the office sees it so on the report's reminders. E-mails of
# a reminder claimed but not yet tried when the worker died stay pending: the next run sends them.

#: How many times in all an e-mail is tried.
MAX_ATTEMPTS = 5
#: An e-mail "being sent" for longer than this was being sent by a worker that stopped: no SMTP exchange lasts
#: it (each step of one waits at most EMAIL_TIMEOUT; a longer EMAIL_TIMEOUT lengthens it).
SENDING_STALE = timedelta(minutes=15)
#: Periods whose data window ended this many days ago or fewer are looked at; versions waiting for review
#: are reminded to their reviewers when submitted this many days ago or fewer.
LOOK_BACK_DAYS = 366
#: The statuses of an instance already submitted.
_SUBMITTED = SENT


def _submitted(owed: Owed) -> bool:
    """The instance has a submitted time (rules.md §4) at the instant it was judged: the one place the
    reminders read a status."""
    return owed.status in _SUBMITTED


@dataclass(frozen=True)
class SentReminder:
    """One reminder of a run: what it was about and how many people it told."""

    unit: str
    report: str
    period: str
    kind: str
    days: int
    deadline: datetime
    recipients: tuple[str, ...]  # usernames
    reminder_id: int | None = None  # None in a dry run
    version: int | None = None  # the version waiting for review (kind "review")

    def as_json(self) -> dict[str, Any]:
        data = {
            "unit": self.unit,
            "report": self.report,
            "period": self.period,
            "kind": self.kind,
            "days": self.days,
            "deadline": self.deadline.isoformat(),
            "recipients": list(self.recipients),
        }
        if self.version is not None:
            data["version"] = self.version
        return data


@dataclass
class ReminderRun:
    """What one run of ``send_reminders`` did."""

    now: datetime
    dry_run: bool = False
    quiet: bool = False  # within the quiet hours: nothing was sent, everything waits for the morning
    sent: list[SentReminder] = field(default_factory=list)
    lost: int = 0  # reminders another worker claimed first
    emails_sent: int = 0
    emails_failed: int = 0
    no_address: int = 0
    emails_unknown: int = 0  # e-mails a stopped worker was sending: marked "outcome unknown", not sent again

    def as_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "quiet_hours": self.quiet,
            "reminders": [s.as_json() for s in self.sent],
            "claimed_by_another_worker": self.lost,
            "emails_sent": self.emails_sent,
            "emails_failed": self.emails_failed,
            "no_address": self.no_address,
            "emails_outcome_unknown": self.emails_unknown,
        }


def in_quiet_hours(now: datetime) -> bool:
    """``now`` is within KSTT_QUIET_FROM–KSTT_QUIET_UNTIL, local time: reminders wait."""
    return rules.quiet(
        now=now, zone=clock.province_zone(), start=settings.KSTT_QUIET_FROM, end=settings.KSTT_QUIET_UNTIL
    )


def send_reminders(*, now: datetime, dry_run: bool = False, connection: BaseEmailBackend | None = None) -> ReminderRun:
    """Send every reminder due at ``now`` — every report type, every period whose data window ended within
    LOOK_BACK_DAYS, and to the reviewers every version overdue for review — then try again the e-mails that
    failed. Within the quiet hours nothing at all: the first run after them sends what waited.
    ``dry_run``: say what would be sent, change nothing. ``connection``: the e-mail backend (default:
    settings.EMAIL_BACKEND)."""
    run = ReminderRun(now=now, dry_run=dry_run)
    if not dry_run:
        run.emails_unknown = settle_interrupted(now=now)
    if in_quiet_hours(now):
        run.quiet = True
        return run
    today = clock.local_date(now)
    for report_type in catalogue.report_types():
        for year in (today.year - 1, today.year):
            for period in reports.periods(report_type, year):
                window_end = catalogue.window(report_type, period)[1]
                if not window_end < today <= window_end + timedelta(days=LOOK_BACK_DAYS):
                    continue
                owed = reports.owed_in_period(report_type=report_type, period=period, now=now)
                instances = [(o, _submitted(o)) for o in owed]
                remind(instances=instances, now=now, run=run, connection=connection)
    remind_reviewers(now=now, run=run, connection=connection)
    if not dry_run:
        retry_emails(now=now, run=run, connection=connection)
    return run


def remind(
    *,
    instances: Sequence[tuple[Owed, bool]],
    now: datetime,
    run: ReminderRun,
    connection: BaseEmailBackend | None = None,
) -> ReminderRun:
    """The reminders due at ``now`` for these instances of one report type and period, each with whether
    it is submitted at ``now`` (kstt.notifications.rules.due_reminder), claimed and sent."""
    if not instances:
        return run
    first = instances[0][0]
    report_type, period = first.report_type, first.period
    zone = clock.province_zone()
    already = selectors.sent_reminders(report_type=report_type, period=period.code)
    due = []
    for owed, submitted in instances:
        reminder = rules.due_reminder(
            now=now,
            zone=zone,
            window_end=owed.schedule.window[1],
            deadline=owed.effective_deadline,
            closing=owed.effective_closing,
            submitted=submitted,
            days_before=settings.KSTT_REMINDER_DAYS_BEFORE,
            days_after=settings.KSTT_REMINDER_DAYS_AFTER,
            sent=rules.sent_for(already.get(owed.unit.unit_id, ()), owed.effective_deadline),
        )
        if reminder is not None:
            due.append((owed, reminder))
    if not due:
        return run
    unit_ids = {o.unit.unit_id for o, _ in due} | {o.unit.parent_id for o, r in due if o.unit.parent_id}
    reporters: dict[int | None, list[Any]] = {}
    reviewers: dict[int | None, list[Any]] = {}
    for user in accounts.active_reporters_and_reviewers(unit_ids=unit_ids):
        if user.is_reporter:
            reporters.setdefault(user.unit_id, []).append(user)
        if user.is_reviewer:
            reviewers.setdefault(user.unit_id, []).append(user)
    window_end = first.schedule.window[1]
    parents = {o.unit.parent.code for o, r in due if r.kind == rules.AFTER and o.unit.parent is not None}
    recipient_units = {code: v.name for code, v in units.units_on(parents, window_end).items()} if parents else {}
    for owed, reminder in due:
        people: list[tuple[Any, str]] = [(u, RecipientRole.REPORTER) for u in reporters.get(owed.unit.unit_id, [])]
        if reminder.kind == rules.AFTER and owed.unit.parent_id:
            people += [(u, RecipientRole.REVIEWER) for u in reviewers.get(owed.unit.parent_id, [])]
        people = _once_each(people)
        summary = SentReminder(
            unit=owed.unit.unit.code,
            report=report_type.code,
            period=period.code,
            kind=reminder.kind,
            days=reminder.days,
            deadline=owed.effective_deadline or owed.schedule.deadline,
            recipients=tuple(u.username for u, _ in people),
        )
        if run.dry_run:
            run.sent.append(summary)
            continue
        recipient_unit = recipient_units.get(owed.unit.parent.code, "") if owed.unit.parent is not None else ""
        text = _texts(owed=owed, reminder=reminder, people=people, recipient_unit=recipient_unit)
        made = _claim(owed=owed, reminder=reminder, people=people, text=text, now=now, run=run, connection=connection)
        if made is None:
            run.lost += 1
        else:
            run.sent.append(replace(summary, reminder_id=made.pk))
    return run


def _once_each(people: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Each person once, in the first role found (a reporter who also reviews is told as a reporter)."""
    seen: set[int] = set()
    unique = []
    for user, role in people:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append((user, role))
    return unique


def _claim(
    *,
    owed: Owed,
    reminder: rules.DueReminder,
    people: list[tuple[Any, str]],
    text: dict[str, Any],
    now: datetime,
    run: ReminderRun,
    connection: BaseEmailBackend | None,
) -> Reminder | None:
    """Insert the reminder (the claim), its deliveries, notifications and audit entry in one transaction;
    None when another worker's claim won. The e-mails go after the commit."""
    deadline = owed.effective_deadline
    if deadline is None:
        raise ValueError("no reminder while an incident holds the deadline open")
    key = {"unit": owed.unit.unit, "report_type": owed.report_type, "period": owed.period.code}
    key |= {"kind": reminder.kind, "days": reminder.days, "deadline": deadline}
    return _record(
        key=key,
        closing=owed.effective_closing,
        people=people,
        text=text,
        kind=Kind.REMINDER_BEFORE if reminder.kind == rules.BEFORE else Kind.REMINDER_AFTER,
        now=now,
        run=run,
        connection=connection,
    )


def _record(
    *,
    key: dict[str, Any],
    closing: datetime | None,
    people: list[tuple[Any, str]],
    text: dict[str, Any],
    kind: Kind,
    now: datetime,
    run: ReminderRun,
    connection: BaseEmailBackend | None,
) -> Reminder | None:
    """The claim of one reminder (``key``: its UNIQUE fields) with what it told whom, in one transaction."""
    try:
        with transaction.atomic():
            made = Reminder.objects.create(
                **key,
                closing=closing,
                sent_at=now,
                subject=text["subject"],
                body=text["body"],
                url=text["url"],
            )
            ReminderDelivery.objects.bulk_create(
                [
                    ReminderDelivery(
                        reminder=made,
                        user=user,
                        role=role,
                        name=user.get_full_name() or user.username,
                        email=user.email or "",
                        status=DeliveryStatus.PENDING if user.email else DeliveryStatus.NO_ADDRESS,
                    )
                    for user, role in people
                ]
            )
            notify(recipients=[u for u, _ in people], kind=kind, params=text["params"], url=text["url"], at=now)
            data = {
                "unit": key["unit"].code,
                "report": key["report_type"].code,
                "period": key["period"],
                "kind": key["kind"],
                "days": key["days"],
                "deadline": key["deadline"].isoformat(),
                "recipients": [u.username for u, _ in people],
            }
            if key.get("version") is not None:
                data["version"] = key["version"]
            audit.record(actor=None, event="notifications.reminder_sent", at=now, target=made, data=data)
            transaction.on_commit(lambda: send_emails(made, now=now, run=run, connection=connection), robust=True)
    except IntegrityError:
        if Reminder.objects.filter(**key).exists():
            return None  # another worker claimed it first: it sends, this one does not
        raise
    run.no_address += sum(1 for u, _ in people if not u.email)
    return made


def _texts(
    *, owed: Owed, reminder: rules.DueReminder, people: list[tuple[Any, str]], recipient_unit: str
) -> dict[str, Any]:
    """The e-mail's subject and text and the notification's parameters, in Vietnamese."""
    from kstt.catalogue.labels import period_label

    zone = clock.province_zone()
    url = f"/reports/{owed.unit.unit.code}/{owed.period.code}/"
    deadline = owed.effective_deadline or owed.schedule.deadline  # never None when a reminder is due
    closing = owed.effective_closing
    with translation.override("vi"):
        context = {
            "before": reminder.kind == rules.BEFORE,
            "days": reminder.days,
            "unit": owed.unit.name,
            "recipient_unit": recipient_unit,
            "reviewers": any(role == RecipientRole.REVIEWER for _, role in people),
            "report": owed.report_type.name,
            "period": period_label(owed.period),
            "deadline": f"{deadline.astimezone(zone):%d/%m/%Y %H:%M}",
            "closing": f"{closing.astimezone(zone):%d/%m/%Y %H:%M}" if closing is not None else "",
            "link": settings.KSTT_BASE_URL + url,
        }
        subject = " ".join(render_to_string("notifications/email/reminder_subject.txt", context).split())
        body = render_to_string("notifications/email/reminder_body.txt", context)
    params = {k: context[k] for k in ("unit", "report", "period", "deadline")}
    return {"subject": subject, "body": body, "url": url, "params": params}


# --- The reviewers' own deadline (issue 14, point 6) ---------------------------------------------------------


def remind_reviewers(*, now: datetime, run: ReminderRun, connection: BaseEmailBackend | None = None) -> ReminderRun:
    """Remind the reviewers of the recipient unit of every version overdue for review at ``now``
    (KSTT_REVIEW_DAYS, kstt.reports.review_rules): once per version, in the application and by e-mail,
    kept as evidence like the reminders to the units."""
    from kstt.reports import review_selectors

    waiting = review_selectors.unreviewed_at(as_of=now, submitted_since=now - timedelta(days=LOOK_BACK_DAYS))
    overdue = [v for v in waiting if review_selectors.review_overdue(v, now=now)]
    if not overdue:
        return run
    done = selectors.review_reminders_sent(instances=[v.instance for v in overdue])
    overdue = [
        v for v in overdue if (v.instance.unit_id, v.instance.report_type_id, v.instance.period, v.number) not in done
    ]
    if not overdue:
        return run
    reviewers: dict[int | None, list[Any]] = {}
    for user in accounts.active_reporters_and_reviewers(
        unit_ids={v.instance.recipient_id for v in overdue if v.instance.recipient_id}
    ):
        if user.is_reviewer:
            reviewers.setdefault(user.unit_id, []).append(user)
    for version in overdue:
        instance = version.instance
        people: list[tuple[Any, str]] = [(u, RecipientRole.REVIEWER) for u in reviewers.get(instance.recipient_id, [])]
        due_by = review_selectors.review_deadline(version)
        summary = SentReminder(
            unit=instance.unit.code,
            report=instance.report_type.code,
            period=instance.period,
            kind=ReminderKind.REVIEW,
            days=settings.KSTT_REVIEW_DAYS,
            deadline=due_by,
            recipients=tuple(u.username for u, _ in people),
            version=version.number,
        )
        if run.dry_run:
            run.sent.append(summary)
            continue
        key = {"unit": instance.unit, "report_type": instance.report_type, "period": instance.period}
        key |= {"kind": ReminderKind.REVIEW, "version": version.number, "days": settings.KSTT_REVIEW_DAYS}
        key["deadline"] = due_by
        made = _record(
            key=key,
            closing=None,
            people=people,
            text=_review_texts(version, due_by=due_by),
            kind=Kind.REMINDER_REVIEW,
            now=now,
            run=run,
            connection=connection,
        )
        if made is None:
            run.lost += 1
        else:
            run.sent.append(replace(summary, reminder_id=made.pk))
    return run


def _review_texts(version: Any, *, due_by: datetime) -> dict[str, Any]:
    """The reviewers' e-mail and notification about one version overdue for review, in Vietnamese."""
    from django.urls import reverse

    from kstt.catalogue.labels import period_label

    instance = version.instance
    zone = clock.province_zone()
    url = reverse("review:detail", args=[instance.unit.code, instance.period])
    window_end = catalogue.window(instance.report_type, instance.period)[1]
    found = units.units_on([instance.unit.code, instance.recipient.code], window_end)
    with translation.override("vi"):
        context = {
            "unit": found[instance.unit.code].name if instance.unit.code in found else instance.unit.code,
            "recipient_unit": found[instance.recipient.code].name
            if instance.recipient.code in found
            else instance.recipient.code,
            "report": instance.report_type.name,
            "period": period_label(instance.period),
            "version": version.number,
            "days": settings.KSTT_REVIEW_DAYS,
            "submitted": f"{version.submitted_at.astimezone(zone):%d/%m/%Y %H:%M}",
            "deadline": f"{due_by.astimezone(zone):%d/%m/%Y %H:%M}",
            "link": settings.KSTT_BASE_URL + url,
        }
        subject = " ".join(render_to_string("notifications/email/review_subject.txt", context).split())
        body = render_to_string("notifications/email/review_body.txt", context)
    params = {k: context[k] for k in ("unit", "report", "period", "submitted", "deadline")}
    return {"subject": subject, "body": body, "url": url, "params": params}


# --- E-mails ----------------------------------------------------------------------------------------------------


def send_emails(
    reminder: Reminder, *, now: datetime, run: ReminderRun, connection: BaseEmailBackend | None = None
) -> None:
    """The reminder's e-mails still waiting, one per person: after the claim's commit (each claimed first)."""
    for delivery in ReminderDelivery.objects.filter(reminder=reminder, status=DeliveryStatus.PENDING):
        _send_one(delivery, reminder, now=now, run=run, connection=connection)


def retry_emails(*, now: datetime, run: ReminderRun | None = None, connection: BaseEmailBackend | None = None) -> int:
    """Try again the e-mails that failed (or were left waiting) of the reminders that still hold; how many
    went out now. A retried e-mail names the deadline in force when it is sent: when an incident has moved
    the deadline since the reminder was made, its text is made again for the moved deadline (and kept on
    the delivery), unless the moved deadline already has its own reminder of that kind (which tells them);
    when the report has been submitted meanwhile, or the version reviewed, it is not sent."""
    run = run if run is not None else ReminderRun(now=now)
    before = run.emails_sent
    holding = (
        (Q(reminder__kind=ReminderKind.BEFORE) & Q(reminder__deadline__gte=now))
        | (Q(reminder__kind=ReminderKind.AFTER) & (Q(reminder__closing__isnull=True) | Q(reminder__closing__gte=now)))
        | Q(reminder__kind=ReminderKind.REVIEW)
    )
    earlier = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.FAILED, attempted_at__lt=now)  # not this run
    waiting = list(
        ReminderDelivery.objects.filter(holding, earlier)
        .filter(attempts__lt=MAX_ATTEMPTS, reminder__sent_at__lte=now)
        .select_related("reminder", "reminder__report_type", "reminder__unit")
        .order_by("pk")
    )
    texts = _texts_in_force({d.reminder_id: d.reminder for d in waiting}, now=now, deliveries=waiting)
    for delivery in waiting:
        text = texts.get(delivery.reminder_id)
        if text is None:
            continue  # the reminder no longer holds: nothing to tell now
        _send_one(delivery, delivery.reminder, now=now, run=run, connection=connection, text=text)
    return run.emails_sent - before


def stale_sending() -> timedelta:
    """How long an e-mail may be "being sent" before its worker is taken for stopped (SENDING_STALE, or ten
    times EMAIL_TIMEOUT when that is longer)."""
    return max(SENDING_STALE, timedelta(seconds=10 * settings.EMAIL_TIMEOUT))


def settle_interrupted(*, now: datetime) -> int:
    """Mark "outcome unknown, not sent again" the e-mails a worker claimed (sending) more than
    ``stale_sending`` ago and never recorded the outcome of: it stopped while the SMTP server may or may not
    have taken them. Each is audited (``notifications.email_outcome_unknown``); how many."""
    cutoff = now - stale_sending()
    stuck = list(
        ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING, attempted_at__lt=cutoff)
        .select_related("reminder")
        .order_by("pk")
    )
    settled = 0
    for delivery in stuck:
        with transaction.atomic():
            changed = ReminderDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.UNKNOWN,
                error="the worker stopped while sending this e-mail; it may or may not have gone out: not sent again",
            )
            if not changed:
                continue  # its worker recorded the outcome after all, or another run settled it
            audit.record(
                actor=None,
                event="notifications.email_outcome_unknown",
                at=now,
                target=delivery.reminder,
                data={
                    "user": delivery.user_id,
                    "email": delivery.email,
                    "attempted_at": delivery.attempted_at.isoformat() if delivery.attempted_at else "",
                },
            )
        logger.warning(
            "reminder %s: the e-mail to %s was being sent since %s by a worker that stopped: outcome unknown, "
            "not sent again",
            delivery.reminder_id,
            delivery.email,
            delivery.attempted_at,
        )
        settled += 1
    return settled


def _texts_in_force(
    reminders: Mapping[int, Reminder], *, now: datetime, deliveries: Sequence[ReminderDelivery]
) -> dict[int, tuple[str, str]]:
    """reminder id → the (subject, body) to e-mail now, for the reminders that still hold at ``now``."""
    from kstt.catalogue.rules.periods import Period
    from kstt.reports import review_selectors

    texts: dict[int, tuple[str, str]] = {}
    zone = clock.province_zone()
    today = clock.local_date(now)
    with_reviewers = {d.reminder_id for d in deliveries if d.role == RecipientRole.REVIEWER}
    review = [r for r in reminders.values() if r.kind == ReminderKind.REVIEW]
    if review:
        waiting = {
            (v.instance.unit_id, v.instance.report_type_id, v.instance.period, v.number)
            for v in review_selectors.unreviewed_at(as_of=now, unit_ids={r.unit_id for r in review})
        }
        for r in review:
            if (r.unit_id, r.report_type_id, r.period, r.version) in waiting:
                texts[r.pk] = (r.subject, r.body)
    groups: dict[tuple[int, str], list[Reminder]] = {}
    for r in reminders.values():
        if r.kind != ReminderKind.REVIEW:
            groups.setdefault((r.report_type_id, r.period), []).append(r)
    for group in groups.values():
        report_type, period = group[0].report_type, Period.parse(group[0].period)
        owed = {o.unit.unit_id: o for o in reports.owed_in_period(report_type=report_type, period=period, now=now)}
        for r in group:
            current = owed.get(r.unit_id)
            if current is None or _submitted(current) or current.effective_deadline is None:
                continue
            deadline = current.effective_deadline
            if deadline == r.deadline:
                texts[r.pk] = (r.subject, r.body)
                continue
            superseded = Reminder.objects.filter(
                unit_id=r.unit_id, report_type_id=r.report_type_id, period=r.period, kind=r.kind, deadline=deadline
            )
            if superseded.exists():
                continue  # the moved deadline has its own reminder of this kind: that one tells them
            deadline_day = deadline.astimezone(zone).date()
            if r.kind == ReminderKind.BEFORE:
                if now > deadline:
                    continue
                moved = rules.DueReminder(rules.BEFORE, (deadline_day - today).days)
            else:
                closing = current.effective_closing
                if now <= deadline or (closing is not None and now > closing):
                    continue
                moved = rules.DueReminder(rules.AFTER, max(1, (today - deadline_day).days))
            recipient_unit = ""
            if r.pk in with_reviewers and current.unit.parent is not None:
                parent = units.unit_on(current.unit.parent.code, current.schedule.window[1])
                recipient_unit = parent.name if parent is not None else ""
            told: list[tuple[Any, str]] = (
                [(None, RecipientRole.REVIEWER)] if r.pk in with_reviewers else []
            )  # roles only
            text = _texts(owed=current, reminder=moved, people=told, recipient_unit=recipient_unit)
            texts[r.pk] = (text["subject"], text["body"])
    return texts


def _send_one(
    delivery: ReminderDelivery,
    reminder: Reminder,
    *,
    now: datetime,
    run: ReminderRun,
    connection: BaseEmailBackend | None,
    text: tuple[str, str] | None = None,
) -> bool:
    """Claim the e-mail (pending|failed → sending), send it (``text``: its subject and body when they are
    not the reminder's), record the outcome; False when another worker holds it or the send failed."""
    subject, body = text if text is not None else (reminder.subject, reminder.body)
    claimed = ReminderDelivery.objects.filter(
        pk=delivery.pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], attempts=delivery.attempts
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, attempted_at=now)
    if not claimed:
        return False
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        connection=connection,
    )
    try:
        message.send()
    except Exception as exc:  # every failure of the SMTP exchange is recorded, and tried again later
        error = f"{type(exc).__name__}: {exc}"[:2000]
        ReminderDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=error)
        logger.warning("reminder %s: the e-mail to %s failed: %s", reminder.pk, delivery.email, error)
        run.emails_failed += 1
        return False
    differs = (subject, body) != (reminder.subject, reminder.body)
    ReminderDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        emailed_at=now,
        error="",
        subject=subject if differs else "",
        body=body if differs else "",
    )
    run.emails_sent += 1
    return True


# --- Urging (đôn đốc, issue 14 point 2) -----------------------------------------------------------------------
#
# The office picks the reports that are overdue, not sent (past the effective deadline, before the closing
# time, nothing submitted) and urges their units in one action: each unit's reporters are told in the
# application and by e-mail, kept as a Reminder of kind "urge" (the same evidence as the automatic reminders,
# shown on the line's evidence page) and audited with who urged. One urge per report per day late: the
# UNIQUE constraint of Reminder is the claim, so pressing twice (or two officers at once) urges once. The
# e-mails go after the commit, each claimed like a reminder's (at most once).


@dataclass
class UrgeRun:
    """What one ``urge`` did."""

    at: datetime
    urged: list[SentReminder] = field(default_factory=list)
    already: int = 0  # urged already today (the same day late)
    skipped: int = 0  # no longer overdue, not sent at ``at``
    emails: ReminderRun | None = None


def urge(
    *, owed: Sequence[Owed], actor: Any, at: datetime, office: str, connection: BaseEmailBackend | None = None
) -> UrgeRun:
    """Urge the units of these reports, each still overdue, not sent at ``at`` (``timeliness.Status.OVERDUE``):
    an in-app notification and an e-mail to each active reporter of the unit, a Reminder of kind "urge", an
    audit entry naming ``actor``. ``office``: the name the message signs with."""
    from kstt.reports.timeliness import Status

    run = UrgeRun(at=at, emails=ReminderRun(now=at))
    chosen: list[tuple[Owed, datetime]] = []
    for item in owed:
        if item.status is Status.OVERDUE and item.effective_deadline is not None:
            chosen.append((item, item.effective_deadline))
        else:
            run.skipped += 1
    if not chosen:
        return run
    reporters: dict[int | None, list[Any]] = {}
    for user in accounts.active_reporters_and_reviewers(unit_ids={o.unit.unit_id for o, _ in chosen}):
        if user.is_reporter:
            reporters.setdefault(user.unit_id, []).append(user)
    zone = clock.province_zone()
    today = clock.local_date(at)
    for item, deadline in chosen:
        days = max((today - deadline.astimezone(zone).date()).days, 1)
        people: list[tuple[Any, str]] = [(u, RecipientRole.REPORTER) for u in reporters.get(item.unit.unit_id, [])]
        made = _urge_one(item=item, deadline=deadline, days=days, people=people, actor=actor, at=at,
                         office=office, run=run, connection=connection)  # fmt: skip
        if made is None:
            run.already += 1
            continue
        run.urged.append(
            SentReminder(
                unit=item.unit.unit.code,
                report=item.report_type.code,
                period=item.period.code,
                kind=ReminderKind.URGE,
                days=days,
                deadline=deadline,
                recipients=tuple(u.username for u, _ in people),
                reminder_id=made.pk,
            )
        )
    return run


def _urge_one(
    *,
    item: Owed,
    deadline: datetime,
    days: int,
    people: list[tuple[Any, str]],
    actor: Any,
    at: datetime,
    office: str,
    run: UrgeRun,
    connection: BaseEmailBackend | None,
) -> Reminder | None:
    """Claim, record and tell one urge in one transaction; None when this report was urged already today."""
    from kstt.reports.templatetags.kstt_labels import period_label

    zone = clock.province_zone()
    url = f"/reports/{item.unit.unit.code}/{item.period.code}/"
    with translation.override("vi"):
        context = {
            "office": office,
            "unit": item.unit.name,
            "report": item.report_type.name,
            "period": period_label(item.period),
            "deadline": f"{deadline.astimezone(zone):%d/%m/%Y %H:%M}",
            "closing": f"{item.effective_closing.astimezone(zone):%d/%m/%Y %H:%M}" if item.effective_closing else "",
            "days": days,
            "link": settings.KSTT_BASE_URL + url,
        }
        subject = " ".join(render_to_string("notifications/email/urge_subject.txt", context).split())
        body = render_to_string("notifications/email/urge_body.txt", context)
    key = {"unit": item.unit.unit, "report_type": item.report_type, "period": item.period.code}
    key |= {"kind": ReminderKind.URGE, "days": days}
    emails = run.emails if run.emails is not None else ReminderRun(now=at)
    try:
        with transaction.atomic():
            made = Reminder.objects.create(
                **key,
                deadline=deadline,
                closing=item.effective_closing,
                sent_at=at,
                subject=subject,
                body=body,
                url=url,
            )
            ReminderDelivery.objects.bulk_create(
                [
                    ReminderDelivery(
                        reminder=made,
                        user=user,
                        role=role,
                        name=user.get_full_name() or user.username,
                        email=user.email or "",
                        status=DeliveryStatus.PENDING if user.email else DeliveryStatus.NO_ADDRESS,
                    )
                    for user, role in people
                ]
            )
            params = {k: context[k] for k in ("office", "unit", "report", "period", "deadline")}
            notify(recipients=[u for u, _ in people], kind=Kind.URGED, params=params, url=url, at=at)
            audit.record(
                actor=actor,
                event="notifications.urged",
                at=at,
                target=made,
                data={
                    "unit": item.unit.unit.code,
                    "report": item.report_type.code,
                    "period": item.period.code,
                    "days": days,
                    "deadline": deadline.isoformat(),
                    "recipients": [u.username for u, _ in people],
                },
            )
            transaction.on_commit(lambda: send_emails(made, now=at, run=emails, connection=connection), robust=True)
    except IntegrityError:
        if Reminder.objects.filter(**key).exists():
            return None
        raise
    return made


@transaction.atomic
def record_heartbeat(worker_id: str) -> None:
    """Record that the worker ``worker_id`` is alive now (one row per worker, updated in place).

    No audit entry: a heartbeat changes nothing anybody did; it only feeds the health endpoint.
    """
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": clock.now()})
