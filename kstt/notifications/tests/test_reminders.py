"""Reminders reach the people of a unit before its deadline, and its reviewer once it is late: once each.

The third quarter of 2021 in Hòa Bình in miniature: the window ends on Tuesday 14/09. Xã Yên Nghiệp (Lan)
owes its report by Thursday 16/09 (E + 2), the Department of Justice (Tuấn) by Monday 20/09 (E + 4 is a
Saturday), huyện Lạc Sơn (Minh reviews its communes) by Monday 20/09 (E + 5 is a Sunday).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from kstt.accounts.choices import Role
from kstt.accounts.models import User
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.incidents.services import record_incident
from kstt.notifications import selectors, services
from kstt.notifications.choices import DeliveryStatus, Kind
from kstt.notifications.models import Notification, Reminder, ReminderDelivery
from kstt.reports import services as reports
from kstt.tests.cast import AT

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day, month=9, hour=8, minute=0):
    return datetime(2021, month, day, hour, minute, tzinfo=HCM)


@pytest.fixture
def people(lan, minh, hoa, tuan):
    """Lan, Minh, Hoa and Tuấn with their work addresses."""
    for user in (lan, minh, hoa, tuan):
        user.email = f"{user.username}@hoabinh.gov.vn"
        user.save(update_fields=["email"])
    return {"lan": lan, "minh": minh, "hoa": hoa, "tuan": tuan}


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    """These tests judge the local days' boundaries (a run at 00:05): no quiet hours here. The quiet hours
    and the runs they hold back are test_quiet_hours.py's."""
    settings.KSTT_QUIET_FROM = settings.KSTT_QUIET_UNTIL = time(0, 0)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One run of the worker at an instant, its e-mails sent after each claim's commit."""

    def go(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_reminders(now=now, **kwargs)

    return go


def sent(unit_code):
    return sorted(Reminder.objects.filter(unit__code=unit_code).values_list("period", "kind", "days"))


def outbox():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_lan_is_reminded_the_day_before_her_communes_deadline(people, kstt_report, run):
    result = run(local(15))
    reminder = Reminder.objects.get(unit__code="W05341")
    assert (reminder.period, reminder.kind, reminder.days) == ("2021Q3", "before", 1)
    assert reminder.deadline == datetime(2021, 9, 16, 23, 59, 59, 999999, tzinfo=HCM)
    assert reminder.sent_at == local(15)
    (delivery,) = reminder.deliveries.all()
    assert (delivery.user, delivery.email, delivery.status, delivery.emailed_at) == (
        people["lan"], "lan@hoabinh.gov.vn", DeliveryStatus.SENT, local(15)
    )  # fmt: skip
    (message,) = [m for m in mail.outbox if m.to == ["lan@hoabinh.gov.vn"]]
    assert message.subject == "[KSTT] Ủy ban nhân dân xã Yên Nghiệp: còn 1 ngày đến hạn gửi báo cáo Quý III/2021"
    assert "Kính gửi: những người báo cáo của Ủy ban nhân dân xã Yên Nghiệp," in message.body
    assert "hạn gửi là 16/09/2021 23:59" in message.body
    assert "http://127.0.0.1:8000/reports/W05341/2021Q3/" in message.body
    assert (message.subject, message.body) == (reminder.subject, reminder.body)  # kept word for word
    notification = Notification.objects.get(recipient=people["lan"])
    assert (notification.kind, notification.url, notification.created_at) == (
        Kind.REMINDER_BEFORE, "/reports/W05341/2021Q3/", local(15)
    )  # fmt: skip
    with translation.override("vi"):
        assert "16/09/2021 23:59" in notification.text and "Quý III/2021" in notification.text
    entry = AuditEntry.objects.get(event="notifications.reminder_sent", target_id=str(reminder.pk))
    assert entry.data["recipients"] == ["lan"] and entry.data["kind"] == "before"
    assert ("W05341", "before", 1) in {(s.unit, s.kind, s.days) for s in result.sent}
    assert result.emails_sent == len(mail.outbox)


def test_on_the_day_after_the_window_the_department_hears_of_its_deadline_once(people, kstt_report, run):
    """20/09 less 7 days is 13/09, inside the window: on 15/09 it is the reminder whose day has come."""
    run(local(15))
    assert sent("P17-STP") == [("2021Q3", "before", 7)]
    run(local(15, hour=14))
    run(local(16))
    assert sent("P17-STP") == [("2021Q3", "before", 7)]
    run(local(17))
    run(local(19))
    assert sent("P17-STP") == [("2021Q3", "before", 1), ("2021Q3", "before", 3), ("2021Q3", "before", 7)]
    assert [m.subject for m in mail.outbox if m.to == ["tuan@hoabinh.gov.vn"]] == [
        "[KSTT] Sở Tư pháp: còn 7 ngày đến hạn gửi báo cáo Quý III/2021",
        "[KSTT] Sở Tư pháp: còn 3 ngày đến hạn gửi báo cáo Quý III/2021",
        "[KSTT] Sở Tư pháp: còn 1 ngày đến hạn gửi báo cáo Quý III/2021",
    ]


def test_running_again_sends_nothing_more(people, kstt_report, run):
    first = run(local(15))
    before = (Reminder.objects.count(), Notification.objects.count(), len(mail.outbox))
    again = run(local(15, hour=8, minute=10))
    assert (Reminder.objects.count(), Notification.objects.count(), len(mail.outbox)) == before
    assert first.sent and again.sent == [] and again.emails_sent == 0


def test_a_late_commune_tells_lan_and_her_districts_reviewer_not_the_province(people, kstt_report, run):
    run(local(17, hour=0, minute=5))
    reminder = Reminder.objects.get(unit__code="W05341")
    assert (reminder.kind, reminder.days) == ("after", 1)
    assert sorted(reminder.deliveries.values_list("user__username", "role")) == [
        ("lan", "reporter"),
        ("minh", "reviewer"),
    ]
    assert sorted(to for to, _ in outbox() if "Yên Nghiệp" in _) == ["lan@hoabinh.gov.vn", "minh@hoabinh.gov.vn"]
    message = next(m for m in mail.outbox if m.to == ["minh@hoabinh.gov.vn"])
    assert message.subject == "[KSTT] Ủy ban nhân dân xã Yên Nghiệp: báo cáo Quý III/2021 đã quá hạn 1 ngày"
    assert "và những người thẩm định của Ủy ban nhân dân huyện Lạc Sơn" in message.body
    assert "Gửi bây giờ là gửi chậm; nếu đến 18/10/2021 23:59 vẫn chưa gửi" in message.body  # the closing time
    told = Notification.objects.filter(recipient=people["minh"], kind=Kind.REMINDER_AFTER)
    assert sorted(n.params["unit"] for n in told) == ["Ủy ban nhân dân xã Yên Nghiệp", "Ủy ban nhân dân xã Ân Nghĩa"]
    assert not Notification.objects.filter(recipient=people["hoa"]).exists()


def test_a_late_department_tells_the_provincial_office(people, kstt_report, run):
    run(local(21))
    assert sorted(
        ReminderDelivery.objects.filter(reminder__unit__code="P17-STP").values_list("user__username", "role")
    ) == [("hoa", "reviewer"), ("tuan", "reporter")]


def test_a_submitted_report_is_not_reminded(people, kstt_report, run):
    reports.load_submissions(
        data=b"unit_code,report,period,event,at,reasons\nW05341,kstt,2021Q3,submitted,2021-09-15T07:00:00+07:00,\n",
        at=local(15, hour=7),
        source="test",
    )
    run(local(15))
    run(local(17))
    assert sent("W05341") == []
    assert not mail.outbox or all(m.to != ["lan@hoabinh.gov.vn"] for m in mail.outbox)


def test_the_provinces_own_late_report_tells_its_reporters_only(people, province, kstt_report, run):
    """Nobody in KSTT reviews the province's report (it goes to the Government Office)."""
    thu = save_user(username="thu", full_name="Vũ Thị Thu", unit=province, roles={Role.REPORTER}, password=None, at=AT)
    run(local(21))
    assert sorted(
        ReminderDelivery.objects.filter(reminder__unit__code="P17").values_list("user__username", "role", "status")
    ) == [("thu", "reporter", "no_address")]
    assert Notification.objects.filter(recipient=thu, kind=Kind.REMINDER_AFTER).count() == 1


def test_someone_without_an_address_is_told_in_the_application_and_it_is_recorded(lan, kstt_report, run):
    result = run(local(15))
    delivery = ReminderDelivery.objects.get(reminder__unit__code="W05341")
    assert (delivery.status, delivery.email, delivery.attempts) == (DeliveryStatus.NO_ADDRESS, "", 0)
    assert mail.outbox == [] and result.no_address == 1
    assert Notification.objects.filter(recipient=lan).count() == 1


def test_people_who_left_are_not_reminded(people, kstt_report, run):
    User.objects.filter(username="lan").update(is_active=False)
    run(local(15))
    assert Reminder.objects.get(unit__code="W05341").deliveries.count() == 0
    assert "lan@hoabinh.gov.vn" not in {m.to[0] for m in mail.outbox}


def test_a_unit_with_nobody_is_still_on_record(cast, kstt_report, run):
    """Xã Ân Nghĩa has no account: the reminder is recorded with no one told (the evidence says so)."""
    run(local(15))
    assert sent("W05344") == [("2021Q3", "before", 1)]
    assert not Reminder.objects.get(unit__code="W05344").deliveries.exists()


def test_an_incident_still_open_at_the_deadline_holds_the_reminders(people, commune_yen_nghiep, kstt_report, run):
    record_incident(
        start=local(16, hour=9), end=None, all_units=False, units=[commune_yen_nghiep],
        description="Mất kết nối", at=local(16, hour=9), actor=people["hoa"],
    )  # fmt: skip
    run(local(17))
    run(local(18))
    assert sent("W05341") == []


def test_an_incident_that_ended_moves_the_late_reminder(people, commune_yen_nghiep, kstt_report, run):
    """Down on 16/09 from 14:00 to 18:00: the deadline moves to the end of Friday 17/09; late from 18/09."""
    record_incident(
        start=local(16, hour=14), end=local(16, hour=18), all_units=False, units=[commune_yen_nghiep],
        description="Mất kết nối", at=local(16, hour=19), actor=people["hoa"],
    )  # fmt: skip
    run(local(17, hour=9))
    assert sent("W05341") == [("2021Q3", "before", 1)]  # the day before the moved deadline
    run(local(18, hour=0, minute=5))
    reminder = Reminder.objects.get(unit__code="W05341", kind="after")
    assert reminder.deadline == datetime(2021, 9, 17, 23, 59, 59, 999999, tzinfo=HCM)
    assert "17/09/2021 23:59" in reminder.body


def test_the_configured_days_are_used(people, kstt_report, run, settings):
    settings.KSTT_REMINDER_DAYS_BEFORE = (2,)
    settings.KSTT_REMINDER_DAYS_AFTER = (3,)
    run(local(15))
    assert sent("W05341") == [("2021Q3", "before", 2)]  # its day was 14/09, the window's last day
    assert sent("P17-STP") == []  # 20/09 less 2 days is 18/09
    run(local(18))
    assert sent("P17-STP") == [("2021Q3", "before", 2)]
    run(local(19))
    assert sent("W05341") == [("2021Q3", "after", 3), ("2021Q3", "before", 2)]


def test_a_dry_run_says_what_is_due_and_changes_nothing(people, kstt_report, run):
    result = run(local(15), dry_run=True)
    assert ("W05341", "before", 1, ("lan",)) in {(s.unit, s.kind, s.days, s.recipients) for s in result.sent}
    assert not Reminder.objects.exists() and not Notification.objects.exists() and mail.outbox == []


def test_a_failed_email_is_tried_again_by_a_later_run_and_nobody_gets_it_twice(people, kstt_report, run):
    class FlakySMTP:
        """Refuses Minh's e-mail about Yên Nghiệp once (the server was away), takes everything else."""

        def __init__(self):
            self.refused = False
            self.accepted = []

        def send_messages(self, messages):
            for message in messages:
                about = "W05341" if "Yên Nghiệp" in message.subject else "other"
                if (message.to[0], about) == ("minh@hoabinh.gov.vn", "W05341") and not self.refused:
                    self.refused = True
                    raise ConnectionRefusedError("the SMTP server did not answer")
                self.accepted.append((message.to[0], about))
            return len(messages)

    smtp = FlakySMTP()
    first = run(local(17, hour=0, minute=5), connection=smtp)
    failed = ReminderDelivery.objects.get(user=people["minh"], reminder__unit__code="W05341")
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 1)
    assert "ConnectionRefusedError: the SMTP server did not answer" in failed.error
    assert first.emails_failed == 1
    second = run(local(17, hour=0, minute=15), connection=smtp)
    assert second.sent == [] and second.emails_sent == 1
    retried = ReminderDelivery.objects.get(user=people["minh"], reminder__unit__code="W05341")
    assert (retried.status, retried.attempts, retried.error) == (DeliveryStatus.SENT, 2, "")
    assert retried.emailed_at == local(17, hour=0, minute=15)
    assert smtp.accepted.count(("minh@hoabinh.gov.vn", "W05341")) == 1
    assert smtp.accepted.count(("lan@hoabinh.gov.vn", "W05341")) == 1
    run(local(17, hour=0, minute=25), connection=smtp)
    assert smtp.accepted.count(("minh@hoabinh.gov.vn", "W05341")) == 1
    assert len(smtp.accepted) == len(set(smtp.accepted))


def test_a_failed_reminder_before_the_deadline_is_not_sent_after_it(people, kstt_report, run):
    class DownSMTP:
        def send_messages(self, messages):
            raise ConnectionRefusedError("down")

    run(local(15), connection=DownSMTP())
    assert ReminderDelivery.objects.get(user=people["lan"]).status == DeliveryStatus.FAILED
    run(local(17), connection=mail.get_connection())
    assert ReminderDelivery.objects.get(reminder__kind="before", user=people["lan"]).status == DeliveryStatus.FAILED
    assert [m.subject for m in mail.outbox if m.to == ["lan@hoabinh.gov.vn"]] == [
        "[KSTT] Ủy ban nhân dân xã Yên Nghiệp: báo cáo Quý III/2021 đã quá hạn 1 ngày"
    ]


def test_a_failed_email_is_tried_five_times_at_most(people, kstt_report, run):
    class DownSMTP:
        def send_messages(self, messages):
            raise ConnectionRefusedError("down")

    for minutes in range(0, 80, 10):
        run(local(20, hour=0) + timedelta(minutes=minutes), connection=DownSMTP())
    assert ReminderDelivery.objects.get(user=people["tuan"]).attempts == services.MAX_ATTEMPTS


def test_reminders_for_gives_the_evidence_of_one_report(
    people, commune_yen_nghiep, kstt_report, run, django_assert_num_queries
):
    run(local(15))
    run(local(17))
    with django_assert_num_queries(2):
        found = selectors.reminders_for(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3")
        rows = [(r.kind, r.days, [(d.name, d.role, d.status) for d in r.deliveries.all()]) for r in found]
    assert rows == [
        ("before", 1, [("Nguyễn Thị Lan", "reporter", "sent")]),
        ("after", 1, [("Nguyễn Thị Lan", "reporter", "sent"), ("Trần Văn Minh", "reviewer", "sent")]),
    ]


def test_a_run_asks_a_fixed_number_of_queries_whatever_the_units(
    people, kstt_report, run, django_assert_max_num_queries
):
    """Nothing due (16/09 afternoon after 15/09's run): the work is reading, a few queries per period."""
    run(local(15))
    with django_assert_max_num_queries(36):  # 7 a period (5 within a year), whatever the number of units
        result = run(local(15, hour=16))
    assert result.sent == []


def test_the_command_prints_what_it_sent(people, kstt_report, settings, capsys):
    settings.KSTT_CLOCK = local(15)
    call_command("send_reminders", "--dry-run")
    dry = capsys.readouterr().out
    assert "W05341" in dry and "Reminders due at 15/09/2021 08:00" in dry
    assert not Reminder.objects.exists()
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "W05341     kstt 2021Q3  1 day(s) before deadline 16/09/2021 23:59  → lan" in out
    assert "E-mails:" in out and Reminder.objects.filter(unit__code="W05341").exists()


def test_the_window_end_day_is_judged_in_hanoi(people, kstt_report, run):
    """14/09 22:00 in Hà Nội is 15:00 UTC the same day; 15/09 00:30 in Hà Nội is 14/09 17:30 UTC."""
    run(local(14, hour=22))
    assert not Reminder.objects.exists()
    run(datetime(2021, 9, 14, 17, 30, tzinfo=ZoneInfo("UTC")))
    assert sent("W05341") == [("2021Q3", "before", 1)]


def test_periods_long_closed_are_not_looked_at(people, kstt_report, run):
    run(local(15, month=9) + timedelta(days=400))
    assert not Reminder.objects.filter(period="2021Q3").exists()
    assert date(2021, 9, 14) + timedelta(days=366) < date(2022, 10, 20)
