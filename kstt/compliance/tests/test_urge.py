"""Đôn đốc (issue 14 point 2): Hoa filters the reports overdue, not sent, and urges their units in one
action; Tuấn (Sở Tư pháp, Q3/2021 due by Monday 20/09/2021, nothing sent on Saturday 25/09) is told in the
application and by e-mail, the urge is kept as evidence on the line's page and audited with Hoa's name."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from kstt.audit.models import AuditEntry
from kstt.notifications.models import Notification, Reminder

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = datetime(2021, 9, 25, 9, 0, tzinfo=HN)


@pytest.fixture
def overdue(settings, kstt_report, cast, tuan, lan):
    settings.KSTT_CLOCK = SATURDAY
    tuan.email = "tuan@stp.example.vn"
    tuan.save(update_fields=["email"])


def test_hoa_urges_the_overdue_units_in_one_action(client, hoa, tuan, lan, overdue, django_capture_on_commit_callbacks):
    client.force_login(hoa)
    page = client.get("/compliance/", {"year": 2021, "status": "overdue", "level": "department"}).content.decode()
    assert 'data-testid="urge"' in page and "Quá hạn, chưa gửi" in page and "Đôn đốc" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compliance/urge/", {"year": 2021, "level": "department"})
    assert response.status_code == 302 and "status=overdue" in response["Location"]
    urged = Reminder.objects.get(kind="urge", unit__code="P17-STP", period="2021Q3")
    assert urged.days == 5 and urged.deliveries.get().user == tuan
    assert Notification.objects.filter(recipient=tuan, kind="urged").count() == 1
    assert not Notification.objects.filter(recipient=lan, kind="urged").exists()  # the departments only, as filtered
    [email] = [m for m in mail.outbox if m.to == ["tuan@stp.example.vn"]]
    assert "Sở Tư pháp" in email.body and "20/09/2021" in email.body
    entry = AuditEntry.objects.get(event="notifications.urged", target_id=str(urged.pk))
    assert entry.actor == hoa and entry.data["period"] == "2021Q3"
    evidence = client.get("/compliance/lines/P17-STP/2021Q3/").content.decode()
    assert 'data-testid="reminder-urge-5"' in evidence
    # Pressing again the same day urges nobody twice.
    client.post("/compliance/urge/", {"year": 2021, "level": "department"})
    assert Reminder.objects.filter(kind="urge", unit__code="P17-STP").count() == 1
    # Without the level filter, every overdue report Hoa follows: Lan's commune too.
    client.post("/compliance/urge/", {"year": 2021})
    assert Notification.objects.filter(recipient=lan, kind="urged").count() == 1


def test_a_reporter_cannot_urge(client, tuan, overdue):
    client.force_login(tuan)
    assert client.post("/compliance/urge/", {"year": 2021}).status_code == 403
    assert not Reminder.objects.exists()
