"""The reviewers' own deadline (issue 14 point 6): a version not reviewed within KSTT_REVIEW_DAYS calendar days
is reminded to the reviewers of its recipient (in the application and by e-mail, once per version, kept as
evidence), listed first on their review list, and counted on the dashboard.

Xã Yên Nghiệp submits its third-quarter 2021 report on Wednesday 15/09 at 10:00; Minh reviews it at huyện Lạc
Sơn. With the default 10 days it is to be reviewed by the end of Saturday 25/09; from 26/09 it is overdue.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from kstt.audit.models import AuditEntry
from kstt.notifications import services
from kstt.notifications.choices import DeliveryStatus, Kind
from kstt.notifications.models import Notification, Reminder
from kstt.reports import services as reports

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2021, 9, 25, 23, 59, 59, 999999, tzinfo=HCM)


def local(day, hour=8, minute=0, month=9):
    return datetime(2021, month, day, hour, minute, tzinfo=HCM)


@pytest.fixture
def people(lan, minh, hoa):
    for user in (lan, minh, hoa):
        user.email = f"{user.username}@hoabinh.gov.vn"
        user.save(update_fields=["email"])
    return {"lan": lan, "minh": minh, "hoa": hoa}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_reminders(now=now, **kwargs)

    return go


def history(*lines):
    """Load Yên Nghiệp's events of 2021Q3: (event, local instant, reasons)."""
    body = "".join(f"W05341,kstt,2021Q3,{event},{at.isoformat()},{reasons}\n" for event, at, reasons in lines)
    last = max(at for _, at, _ in lines)
    reports.load_submissions(data=b"unit_code,report,period,event,at,reasons\n" + body.encode(), at=last, source="t")


def review_reminders():
    return list(Reminder.objects.filter(kind="review").values_list("unit__code", "version", "days", "deadline"))


@pytest.fixture
def submitted(people, kstt_report):
    history(("submitted", local(15, 10), ""))


def test_on_the_last_day_nothing_and_the_next_day_minh_is_reminded_once(people, submitted, run):
    run(local(25, 17))
    assert review_reminders() == []
    run(local(26, 8))
    assert review_reminders() == [("W05341", 1, 10, DUE)]
    reminder = Reminder.objects.get(kind="review")
    (delivery,) = reminder.deliveries.all()
    assert (delivery.user, delivery.role, delivery.status) == (people["minh"], "reviewer", DeliveryStatus.SENT)
    (message,) = [m for m in mail.outbox if m.to == ["minh@hoabinh.gov.vn"] and "chờ xem xét" in m.subject]
    assert message.subject == ("[KSTT] Ủy ban nhân dân xã Yên Nghiệp: báo cáo Quý III/2021 đã chờ xem xét quá 10 ngày")
    assert "Kính gửi: cán bộ xem xét báo cáo của Ủy ban nhân dân huyện Lạc Sơn," in message.body
    assert "phiên bản 1, gửi lúc 15/09/2021 10:00" in message.body and "25/09/2021 23:59" in message.body
    assert "http://127.0.0.1:8000/review/W05341/2021Q3/" in message.body
    assert (message.subject, message.body) == (reminder.subject, reminder.body)
    notification = Notification.objects.get(recipient=people["minh"], kind=Kind.REMINDER_REVIEW)
    assert notification.url == "/review/W05341/2021Q3/"
    with translation.override("vi"):
        assert "15/09/2021 10:00" in notification.text and "25/09/2021 23:59" in notification.text
    entry = AuditEntry.objects.get(event="notifications.reminder_sent", target_id=str(reminder.pk))
    assert (entry.data["kind"], entry.data["version"], entry.data["recipients"]) == ("review", 1, ["minh"])
    assert not Notification.objects.filter(recipient=people["lan"], kind=Kind.REMINDER_REVIEW).exists()
    again = run(local(27, 9))
    assert again.lost == 0 and not [s for s in again.sent if s.kind == "review"]  # known as sent: not even tried
    run(local(5, 9, month=10))
    assert len(review_reminders()) == 1  # once per version


def test_a_version_reviewed_in_time_is_not_reminded(people, kstt_report, run):
    history(("submitted", local(15, 10), ""), ("accepted", local(25, 16), ""))
    run(local(26, 8))
    assert review_reminders() == []


def test_a_version_reviewed_late_is_reminded_before_the_review_and_not_after(people, kstt_report, run):
    history(("submitted", local(15, 10), ""))
    run(local(26, 8))
    history(("submitted", local(15, 10), ""), ("accepted", local(27, 9), ""))
    run(local(28, 8))
    assert len(review_reminders()) == 1


def test_each_version_has_its_own_deadline_and_reminder(people, kstt_report, run):
    """Version 1 returned on 20/09, version 2 sent on 21/09 at 10:00: due by the end of 01/10."""
    history(("submitted", local(15, 10), ""), ("returned", local(20, 9), "forms"), ("submitted", local(21, 10), ""))
    run(local(26, 8))
    assert review_reminders() == []  # version 1 was reviewed in time; version 2's days are not over
    run(local(2, 8, month=10))
    assert review_reminders() == [("W05341", 2, 10, datetime(2021, 10, 1, 23, 59, 59, 999999, tzinfo=HCM))]


def test_the_configured_days_are_used(people, submitted, run, settings):
    settings.KSTT_REVIEW_DAYS = 3
    run(local(18, 20))  # within the quiet hours: it waits
    assert review_reminders() == []
    run(local(19, 7, 30))
    assert review_reminders() == [("W05341", 1, 3, datetime(2021, 9, 18, 23, 59, 59, 999999, tzinfo=HCM))]


def test_a_dry_run_names_the_version_and_records_nothing(people, submitted, run):
    result = run(local(26, 8), dry_run=True)
    (found,) = [s for s in result.sent if s.kind == "review"]
    assert (found.unit, found.version, found.recipients, found.deadline) == ("W05341", 1, ("minh",), DUE)
    assert found.as_json()["version"] == 1
    assert not Reminder.objects.exists()


def test_the_evidence_page_of_the_report_shows_the_reminder_to_the_reviewers(client, people, submitted, run, settings):
    run(local(26, 8))
    settings.KSTT_CLOCK = local(27, 9)
    client.force_login(people["minh"])
    page = client.get("/reports/W05341/2021Q3/").content.decode()
    assert 'data-testid="reminder-review-10"' in page and "phiên bản 1 quá 10 ngày chưa được xem xét" in page


# --- Listed first, counted on the dashboard ---------------------------------------------------------------------


@pytest.fixture
def two_waiting(people, kstt_report, cast):
    """Yên Nghiệp (W05341) sent on 15/09, Ân Nghĩa (W05344) on 24/09: on 26/09 only Yên Nghiệp is overdue."""
    history(("submitted", local(15, 10), ""))
    line = f"W05344,kstt,2021Q3,submitted,{local(24, 10).isoformat()},\n"
    reports.load_submissions(
        data=b"unit_code,report,period,event,at,reasons\n" + line.encode(), at=local(24, 10), source="t"
    )


def rows_of(page):
    import re

    return re.findall(r'data-testid="review-row-(\w+)"', page)


def test_the_review_list_puts_the_overdue_version_first_and_marks_it(client, people, two_waiting, settings):
    settings.KSTT_CLOCK = local(25, 9)
    client.force_login(people["minh"])
    page = client.get("/review/?period=2021Q3").content.decode()
    assert rows_of(page)[:2] == ["W05341", "W05344"] and 'data-testid="overdue-review"' not in page
    settings.KSTT_CLOCK = local(26, 9)
    page = client.get("/review/?period=2021Q3").content.decode()
    assert rows_of(page)[0] == "W05341" and page.count('data-testid="overdue-review"') == 1
    assert "quá 10 ngày chưa xem xét" in page
    filtered = client.get("/review/?period=2021Q3&status=overdue_review").content.decode()
    assert rows_of(filtered) == ["W05341"]


def test_a_later_overdue_version_goes_before_an_earlier_unit_code(client, people, kstt_report, cast, settings):
    """Ân Nghĩa (W05344) overdue, Yên Nghiệp (W05341) waiting within its days: Ân Nghĩa is listed first."""
    line = f"W05344,kstt,2021Q3,submitted,{local(15, 10).isoformat()},\n"
    reports.load_submissions(
        data=b"unit_code,report,period,event,at,reasons\n" + line.encode(), at=local(15, 10), source="t"
    )
    history(("submitted", local(24, 10), ""))
    settings.KSTT_CLOCK = local(26, 9)
    client.force_login(people["minh"])
    assert rows_of(client.get("/review/?period=2021Q3").content.decode())[:2] == ["W05344", "W05341"]


def test_the_dashboard_counts_the_reports_overdue_for_review(client, people, two_waiting, settings):
    settings.KSTT_CLOCK = local(26, 9)
    client.force_login(people["minh"])
    page = client.get("/compliance/?year=2021").content.decode()
    assert 'data-testid="count-overdue-review"' in page
    assert "1 báo cáo quá 10 ngày kể từ khi gửi chưa được xem xét" in page
    settings.KSTT_CLOCK = local(5, 9, month=10)
    page = client.get("/compliance/?year=2021").content.decode()
    assert "2 báo cáo quá 10 ngày kể từ khi gửi chưa được xem xét" in page


def test_the_dashboard_count_follows_the_level_filter(client, people, two_waiting, settings):
    settings.KSTT_CLOCK = local(5, 9, month=10)
    client.force_login(people["hoa"])
    assert "2 báo cáo quá 10 ngày" in client.get("/compliance/?year=2021&level=commune").content.decode()
    assert "0 báo cáo quá 10 ngày" in client.get("/compliance/?year=2021&level=district").content.decode()


def test_no_quiet_hours_setting_means_no_wait(people, submitted, run, settings):
    settings.KSTT_QUIET_FROM = settings.KSTT_QUIET_UNTIL = time(0, 0)
    run(local(26, 0, 5))
    assert len(review_reminders()) == 1
