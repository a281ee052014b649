"""Reminders at office hours, a moved deadline reminded afresh, the deadline in force in a retried e-mail, the
report named once, and the "days late" reminders counted on local days (issue 14 point 7 and "Done when").

Xã Yên Nghiệp (Lan) owes its third-quarter 2021 report by the end of Thursday 16/09/2021 (local time); its
closing time is the end of Monday 18/10. Minh reviews it at huyện Lạc Sơn.
"""

from datetime import UTC, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from kstt.incidents.services import record_incident
from kstt.notifications import services
from kstt.notifications.choices import DeliveryStatus
from kstt.notifications.models import Notification, Reminder, ReminderDelivery
from kstt.reports import services as reports

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
YEN_NGHIEP = "W05341"


def local(day, hour=8, minute=0, second=0, month=9):
    return datetime(2021, month, day, hour, minute, second, tzinfo=HCM)


@pytest.fixture
def people(lan, minh, hoa, tuan):
    for user in (lan, minh, hoa, tuan):
        user.email = f"{user.username}@hoabinh.gov.vn"
        user.save(update_fields=["email"])
    return {"lan": lan, "minh": minh, "hoa": hoa, "tuan": tuan}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_reminders(now=now, **kwargs)

    return go


def sent(unit_code=YEN_NGHIEP):
    """The reminders to the unit (those to reviewers of a version waiting for review are not counted here)."""
    reminders = Reminder.objects.filter(unit__code=unit_code).exclude(kind="review")
    return sorted(reminders.values_list("kind", "days"))


def submit(at):
    """Yên Nghiệp's report, submitted at ``at`` (a loaded line: the same core as the submit button)."""
    line = f"{YEN_NGHIEP},kstt,2021Q3,submitted,{at.isoformat()},\n"
    reports.load_submissions(data=b"unit_code,report,period,event,at,reasons\n" + line.encode(), at=at, source="t")


# --- Quiet hours -----------------------------------------------------------------------------------------------


def test_nothing_goes_out_in_the_quiet_hours_and_the_morning_run_sends_what_waited(people, kstt_report, run):
    """The defaults, 17:30–07:30: the "1 day late" reminder, due from 00:00 on 17/09, waits for 07:30."""
    for at in (local(16, 17, 30), local(16, 23, 59), local(17, 0, 0), local(17, 7, 29, 59)):
        result = run(at)
        assert result.quiet and result.sent == [] and result.as_json()["quiet_hours"] is True
    assert not Reminder.objects.exists() and not Notification.objects.exists() and mail.outbox == []
    morning = run(local(17, 7, 30))
    assert not morning.quiet
    reminder = Reminder.objects.get(unit__code=YEN_NGHIEP)
    assert (reminder.kind, reminder.days, reminder.sent_at) == ("after", 1, local(17, 7, 30))
    assert "lan@hoabinh.gov.vn" in {m.to[0] for m in mail.outbox}


def test_the_last_minute_before_the_quiet_hours_still_sends(people, kstt_report, run):
    assert run(local(15, 17, 29)).sent  # the reminders of 15/09 (1 day before for Yên Nghiệp) go out
    assert sent() == [("before", 1)]


def test_failed_emails_are_not_tried_again_in_the_quiet_hours(people, kstt_report, run):
    class DownSMTP:
        def send_messages(self, messages):
            raise ConnectionRefusedError("down")

    run(local(15, 9), connection=DownSMTP())
    delivery = ReminderDelivery.objects.get(user=people["lan"])
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    run(local(15, 20), connection=mail.get_connection())
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    run(local(16, 7, 30), connection=mail.get_connection())
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_a_quiet_window_within_the_day_works_too(people, kstt_report, run, settings):
    settings.KSTT_QUIET_FROM, settings.KSTT_QUIET_UNTIL = time(12, 0), time(13, 0)
    assert run(local(15, 12, 30)).quiet
    assert not run(local(15, 20, 0)).quiet and sent() == [("before", 1)]


def test_the_command_says_the_reminders_wait(people, kstt_report, settings):
    settings.KSTT_CLOCK = local(15, 22, 0)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Quiet hours (17:30–07:30)" in out.getvalue() and "wait for 07:30" in out.getvalue()
    assert not Reminder.objects.exists()


# --- "n days late", counted on local days (Done when) -------------------------------------------------------


@pytest.fixture
def seven_and_one(settings):
    settings.KSTT_REMINDER_DAYS_AFTER = (7, 1)


def test_seven_days_late_not_on_day_six_and_once_on_day_seven_around_local_midnight(
    people, kstt_report, run, settings, seven_and_one
):
    """Due by 16/09: day 6 late is 22/09, day 7 is 23/09 (local). 16:59:59 UTC on 22/09 is 23:59:59 on day 6;
    17:00 UTC is 00:00 on day 7. No quiet hours here: the instants are the local days' edges."""
    settings.KSTT_QUIET_FROM = settings.KSTT_QUIET_UNTIL = time(0, 0)
    run(local(17, 9))
    assert sent() == [("after", 1)]
    run(datetime(2021, 9, 22, 16, 59, 59, tzinfo=UTC))
    assert sent() == [("after", 1)]
    run(datetime(2021, 9, 22, 17, 0, 0, tzinfo=UTC))
    assert sent() == [("after", 1), ("after", 7)]
    run(datetime(2021, 9, 23, 4, 0, tzinfo=UTC))
    assert sent() == [("after", 1), ("after", 7)]
    assert [m.subject for m in mail.outbox if m.to == ["lan@hoabinh.gov.vn"]][-1] == (
        "[KSTT] Ủy ban nhân dân xã Yên Nghiệp: báo cáo Quý III/2021 đã quá hạn 7 ngày"
    )


def test_with_the_quiet_hours_day_sevens_reminder_goes_at_07_30(people, kstt_report, run, seven_and_one):
    run(local(17, 9))
    run(local(22, 17, 0))
    run(local(23, 0, 0))
    assert sent() == [("after", 1)]
    run(local(23, 7, 30))
    assert sent() == [("after", 1), ("after", 7)]


def test_a_report_first_sent_after_its_deadline_gets_no_further_days_late_reminder(
    people, kstt_report, run, seven_and_one
):
    run(local(17, 9))
    assert sent() == [("after", 1)]
    submit(local(18, 10))  # late, but sent
    for day in (20, 23, 24, 30):
        run(local(day, 9))
    run(local(10, 9, month=10))
    assert sent() == [("after", 1)]


def test_a_report_sent_late_before_any_late_reminder_gets_none(people, kstt_report, run, seven_and_one):
    run(local(15, 9))
    submit(local(17, 0, 30))
    run(local(17, 9))
    run(local(23, 9))
    assert sent() == [("before", 1)]


# --- A deadline moved by an incident ---------------------------------------------------------------------------


def test_a_moved_deadline_gets_its_before_reminders_again(people, commune_yen_nghiep, kstt_report, run):
    """Reminded on 15/09 of the deadline of 16/09; down from 15/09 22:00 to 20/09 10:00 (recorded then): the
    deadline becomes the end of Tuesday 21/09, and Lan is reminded of it the day before."""
    run(local(15, 9))
    assert sent() == [("before", 1)]
    record_incident(
        start=local(15, 22), end=local(20, 10), all_units=False, units=[commune_yen_nghiep],
        description="Mất kết nối", at=local(20, 10, 5), actor=people["hoa"],
    )  # fmt: skip
    run(local(20, 11))
    reminders = list(Reminder.objects.filter(unit__code=YEN_NGHIEP).order_by("sent_at"))
    assert [(r.kind, r.days, r.deadline) for r in reminders] == [
        ("before", 1, datetime(2021, 9, 16, 23, 59, 59, 999999, tzinfo=HCM)),
        ("before", 1, datetime(2021, 9, 21, 23, 59, 59, 999999, tzinfo=HCM)),
    ]
    assert "21/09/2021 23:59" in reminders[1].body
    run(local(20, 15))
    assert Reminder.objects.filter(unit__code=YEN_NGHIEP).count() == 2  # once per deadline
    run(local(22, 9))
    assert sent() == [("after", 1), ("before", 1), ("before", 1)]


def test_a_retried_email_names_the_deadline_in_force_when_it_is_sent(
    people, commune_yen_nghiep, kstt_report, run, settings
):
    """Reminded on the deadline day (16/09) at 08:00, Lan's e-mail fails; an incident (15/09 22:00 to 16/09
    09:00) moves the deadline to the end of Friday 17/09. Retried at 10:00, the e-mail names 17/09, and
    the delivery keeps what it said; the reminder keeps what was first written."""
    settings.KSTT_REMINDER_DAYS_BEFORE = (0,)

    class LanAway:
        def __init__(self):
            self.down = True

        def send_messages(self, messages):
            if self.down and any(m.to == ["lan@hoabinh.gov.vn"] for m in messages):
                raise ConnectionRefusedError("down")
            mail.outbox.extend(messages)
            return len(messages)

    smtp = LanAway()
    run(local(16, 8), connection=smtp)
    reminder = Reminder.objects.get(unit__code=YEN_NGHIEP)
    assert "16/09/2021 23:59" in reminder.body
    assert ReminderDelivery.objects.get(user=people["lan"]).status == DeliveryStatus.FAILED
    record_incident(
        start=local(15, 22), end=local(16, 9), all_units=False, units=[commune_yen_nghiep],
        description="Mất điện", at=local(16, 9, 30), actor=people["hoa"],
    )  # fmt: skip
    smtp.down = False
    result = run(local(16, 10), connection=smtp)
    assert result.sent == [] and result.emails_sent == 1
    (message,) = [m for m in mail.outbox if m.to == ["lan@hoabinh.gov.vn"]]
    assert "17/09/2021 23:59" in message.body and "16/09/2021 23:59" not in message.body
    assert message.subject == "[KSTT] Ủy ban nhân dân xã Yên Nghiệp: còn 1 ngày đến hạn gửi báo cáo Quý III/2021"
    delivery = ReminderDelivery.objects.get(user=people["lan"])
    assert (delivery.status, delivery.subject, delivery.body) == (DeliveryStatus.SENT, message.subject, message.body)
    reminder.refresh_from_db()
    assert "16/09/2021 23:59" in reminder.body  # the record of what was first written stays


def test_a_retry_is_dropped_once_the_report_is_submitted(people, kstt_report, run):
    class DownSMTP:
        def send_messages(self, messages):
            raise ConnectionRefusedError("down")

    run(local(15, 9), connection=DownSMTP())
    submit(local(15, 10))
    run(local(15, 11), connection=mail.get_connection())
    assert ReminderDelivery.objects.get(user=people["lan"]).status == DeliveryStatus.FAILED
    assert not [m for m in mail.outbox if m.to == ["lan@hoabinh.gov.vn"]]
    assert [m.to for m in mail.outbox] == [["tuan@hoabinh.gov.vn"]]  # the department still owes its report


# --- The text names the report once ---------------------------------------------------------------------------


def test_the_text_names_the_report_once(people, kstt_report, run):
    run(local(15, 9))
    run(local(17, 9))
    name = kstt_report.name  # "Báo cáo định kỳ về tình hình, …"
    assert name.startswith("Báo cáo ")
    for reminder in Reminder.objects.filter(unit__code=YEN_NGHIEP):
        assert "Báo cáo Báo cáo" not in reminder.body and "báo cáo Báo cáo" not in reminder.body
        assert reminder.body.count(name) == 1
    for notification in Notification.objects.filter(recipient=people["lan"]):
        text = notification.text
        assert "áo cáo Báo cáo" not in text and text.count(name) == 1 and text.startswith(name)
