"""Notifications are made, read and counted: Minh hears of Lan's submission, Lan of his decision."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from kstt.notifications import selectors, services
from kstt.notifications.choices import Kind
from kstt.notifications.models import Notification
from kstt.tests.cast import NOW

SUBMITTED = {"unit": "Ủy ban nhân dân xã Yên Nghiệp", "report": "Báo cáo định kỳ KSTT", "period": "Quý III/2021"}
RETURNED = {"reviewer": "Minh", "report": "Báo cáo định kỳ KSTT", "period": "Quý III/2021", "reasons": "Sai biểu mẫu"}
REPORT_URL = "/reports/7/"


def tell(*users, kind=Kind.SUBMITTED, params=SUBMITTED, at=NOW):
    return services.notify(recipients=users, kind=kind, params=params, url=REPORT_URL, at=at)


def test_a_submission_notifies_every_reviewer_once_in_one_insert(minh, hoa, django_assert_num_queries):
    with django_assert_num_queries(1):
        made = tell(minh, hoa, minh)
    assert sorted(n.recipient.username for n in made) == ["hoa", "minh"]
    assert all(n.pk is not None for n in made)
    row = Notification.objects.get(recipient=minh)
    assert (row.kind, row.params, row.url, row.created_at, row.read_at) == (
        "submitted", SUBMITTED, REPORT_URL, NOW, None
    )  # fmt: skip


def test_nobody_to_tell_is_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert tell() == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        pytest.param({"url": "https://example.com/x"}, "path of this site", id="a-link-to-another-site"),
        pytest.param({"url": "//example.com/x"}, "path of this site", id="a-protocol-relative-link"),
        pytest.param({"params": {"unit": "Yên Nghiệp"}}, "needs the parameters", id="a-parameter-missing"),
        pytest.param({"at": datetime(2021, 9, 15, 10, 0)}, "aware", id="a-naive-time"),
        pytest.param({"kind": "deleted"}, "not a valid Kind", id="an-unknown-kind"),
    ],
)
def test_a_notification_that_could_mislead_is_refused(lan, changes, problem):
    arguments = {"recipients": [lan], "kind": Kind.SUBMITTED, "params": SUBMITTED, "url": REPORT_URL, "at": NOW}
    with pytest.raises(ValueError, match=problem):
        services.notify(**(arguments | changes))
    assert not Notification.objects.exists()


def test_lan_reads_her_notification_once_and_keeps_the_first_reading_time(lan):
    (notification,) = tell(lan, kind=Kind.RETURNED, params=RETURNED)
    assert services.mark_read(notification=notification, user=lan, at=NOW + timedelta(hours=1)) is True
    again = Notification.objects.get(pk=notification.pk)
    assert services.mark_read(notification=again, user=lan, at=NOW + timedelta(hours=2)) is False
    assert Notification.objects.get(pk=notification.pk).read_at == NOW + timedelta(hours=1)


def test_minh_cannot_mark_lans_notification_read(lan, minh):
    (notification,) = tell(lan, kind=Kind.RETURNED, params=RETURNED)
    with pytest.raises(services.NotificationError):
        services.mark_read(notification=notification, user=minh, at=NOW)
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_touches_only_the_users_unread_notifications(lan, minh):
    earlier = NOW - timedelta(days=1)
    (read_before,) = tell(lan, kind=Kind.RETURNED, params=RETURNED, at=earlier)
    services.mark_read(notification=read_before, user=lan, at=earlier)
    tell(lan, kind=Kind.RETURNED, params=RETURNED)
    tell(lan, minh)
    assert services.mark_all_read(user=lan, at=NOW) == 2
    assert selectors.unread_count(lan) == 0
    assert selectors.unread_count(minh) == 1
    assert Notification.objects.get(pk=read_before.pk).read_at == earlier


def test_unread_count_is_one_query_and_zero_for_anonymous(lan, django_assert_num_queries):
    tell(lan)
    tell(lan)
    with django_assert_num_queries(1):
        assert selectors.unread_count(lan) == 2
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert selectors.unread_count(AnonymousUser()) == 0


def test_latest_is_newest_first(lan):
    for hour in (1, 3, 2):
        tell(lan, at=datetime(2021, 9, 15, hour, 0, tzinfo=UTC))
    assert [n.created_at.hour for n in selectors.latest(lan, limit=2)] == [3, 2]


def test_the_text_is_rendered_in_the_readers_language(lan):
    (notification,) = tell(lan, kind=Kind.RETURNED, params=RETURNED)
    with translation.override("vi"):
        assert notification.title == "Báo cáo bị trả lại"
        assert notification.text == "Minh đã trả lại Báo cáo định kỳ KSTT kỳ Quý III/2021: Sai biểu mẫu"
    with translation.override("en"):
        assert notification.title == "Report returned"
        assert notification.text == "Minh returned Báo cáo định kỳ KSTT for Quý III/2021: Sai biểu mẫu"


def test_a_link_outside_the_site_is_refused_by_the_database_too(lan):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=lan, kind=Kind.SUBMITTED, url="https://example.com/", created_at=NOW)
