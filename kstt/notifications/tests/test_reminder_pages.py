"""The report page shows the reminders the unit was sent: the evidence that it was told."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kstt.notifications import services
from kstt.notifications.models import ReminderDelivery

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/reports/W05341/2021Q3/"


@pytest.fixture
def reminded(lan, minh, kstt_report, django_capture_on_commit_callbacks):
    """Lan (with an address) was reminded the day before; Lan and Minh (without one) once it was late."""
    lan.email = "lan@hoabinh.gov.vn"
    lan.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(now=datetime(2021, 9, 15, 8, 0, tzinfo=HCM))
        services.send_reminders(now=datetime(2021, 9, 17, 8, 10, tzinfo=HCM))


def test_lan_sees_on_her_report_when_and_how_she_was_reminded(client, lan, reminded, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 9, 0, tzinfo=HCM)
    client.force_login(lan)
    page = client.get(URL).content.decode()
    assert 'data-testid="reminders"' in page and "Nhắc hạn đã gửi về báo cáo này" in page
    assert "1 ngày trước hạn" in page and "quá hạn 1 ngày" in page
    assert "08:00 15/09/2021" in page and "08:10 17/09/2021" in page  # local times
    assert "lan@hoabinh.gov.vn" in page and "thư điện tử: đã gửi" in page
    assert "Trần Văn Minh" in page and "chỉ trên hệ thống" in page  # Minh has no address


def test_minh_sees_them_before_lan_has_opened_her_report(client, minh, reminded, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 9, 0, tzinfo=HCM)
    client.force_login(minh)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="report-missing"' in page
    assert (
        page.count('data-testid="delivery"')
        == ReminderDelivery.objects.filter(reminder__unit__code="W05341").count()
        == 3
    )


def test_a_failed_email_shows_its_error(client, lan, reminded, settings):
    ReminderDelivery.objects.filter(user=lan).update(status="failed", error="SMTPServerDisconnected: gone")
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 9, 0, tzinfo=HCM)
    client.force_login(lan)
    page = client.get(URL).content.decode()
    assert "gửi không thành công" in page and "SMTPServerDisconnected: gone" in page


def test_another_communes_reporter_does_not_see_them(client, reminded, commune_mai_chau, settings):
    from kstt.accounts.choices import Role
    from kstt.accounts.services import save_user
    from kstt.tests.cast import AT

    other = save_user(
        username="hai", full_name="Hà Văn Hải", unit=commune_mai_chau, roles={Role.REPORTER}, password=None, at=AT
    )
    settings.KSTT_CLOCK = datetime(2021, 9, 20, 9, 0, tzinfo=HCM)
    client.force_login(other)
    assert client.get(URL).status_code == 404
