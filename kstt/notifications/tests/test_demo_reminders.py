"""The demo shows reminders sent: the worker's 2021, replayed up to the demo's clock (20/12/2021 09:00)."""

import re
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from kstt.demo.reminders import load_reminders
from kstt.notifications import services
from kstt.notifications.models import Reminder, ReminderDelivery
from kstt.reports.models import ReportInstance

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_INSTANT = datetime(2021, 12, 20, 9, 0, tzinfo=HCM)


@pytest.fixture
def demo(settings, db, tmp_path):
    settings.KSTT_CLOCK = DEMO_INSTANT
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_shows_the_reminders_the_worker_sent_in_2021(demo, client):
    found = re.search(r"Reminders of 2021: (\d+) reminders sent", demo)
    assert found and int(found[1]) == Reminder.objects.count() > 500
    # Lan's commune never sent its fourth quarter: told the day before, then once it was late, with Minh.
    lan = [
        (r.kind, r.days, r.sent_at, sorted(r.deliveries.values_list("user__username", "status")))
        for r in Reminder.objects.filter(unit__code="W05341", period="2021Q4").order_by("sent_at")
    ]
    assert lan == [
        ("before", 1, datetime(2021, 12, 15, 7, 30, tzinfo=HCM), [("lan", "sent")]),
        ("after", 1, datetime(2021, 12, 17, 7, 30, tzinfo=HCM), [("lan", "sent"), ("minh", "sent")]),
    ]
    # Nothing after the clock, nothing about a report already submitted when the reminder went out.
    assert not Reminder.objects.filter(sent_at__gt=DEMO_INSTANT).exists()
    rows = ReportInstance.objects.filter(first_submitted_at__isnull=False)
    submitted = {(unit, period): at for unit, period, at in rows.values_list("unit_id", "period", "first_submitted_at")}
    early = [r for r in Reminder.objects.all() if (s := submitted.get((r.unit_id, r.period))) and s <= r.sent_at]
    assert early == []
    # The demo's e-mails reach no one: the in-memory outbox, reserved addresses.
    assert mail.outbox and all(m.to[0].endswith("@kstt-demo.invalid") for m in mail.outbox)
    assert ReminderDelivery.objects.filter(status="no_address").exists()
    # The worker, run at the clock, and the demo loaded again, find nothing more to send.
    assert services.send_reminders(now=DEMO_INSTANT, dry_run=True).sent == []
    assert load_reminders(now=DEMO_INSTANT).reminders == 0
    # Lan sees them on her report.
    from kstt.accounts.models import User

    client.force_login(User.objects.get(username="lan"))
    page = client.get("/reports/W05341/2021Q4/").content.decode()
    assert "Nhắc hạn đã gửi về báo cáo này" in page and "lan@kstt-demo.invalid" in page
