"""The bell and the notifications page: Lan sees her own notifications, nobody else's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kstt.notifications import services
from kstt.notifications.choices import Kind
from kstt.notifications.models import Notification
from kstt.tests.cast import NOW

RETURNED = {"reviewer": "Minh", "report": "Báo cáo định kỳ KSTT", "period": "Quý III/2021", "reasons": "Sai biểu mẫu"}
LIST = reverse("notifications:list")


@pytest.fixture(autouse=True)
def _fixed_clock(settings):
    settings.KSTT_CLOCK = NOW + timedelta(days=1)


def tell(user, *, at=NOW, url="/reports/7/"):
    (notification,) = services.notify(recipients=[user], kind=Kind.RETURNED, params=RETURNED, url=url, at=at)
    return notification


def open_url(notification):
    return reverse("notifications:open", args=[notification.pk])


def test_the_bell_shows_lans_unread_count(client, lan, minh):
    tell(lan)
    tell(lan)
    services.mark_read(notification=tell(lan), user=lan, at=NOW)
    tell(minh)
    client.force_login(lan)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell"' in page
    assert 'data-testid="bell-count">2<' in page


def test_the_bell_has_no_badge_when_all_is_read(client, lan):
    client.force_login(lan)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell"' in page and "bell-count" not in page


def test_the_bell_costs_one_query_per_page(client, lan):
    for _ in range(3):
        tell(lan)
    client.force_login(lan)
    for url in (reverse("home"), LIST):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        unread = [
            q["sql"] for q in queries if "notifications_notification" in q["sql"] and 'read_at" IS NULL' in q["sql"]
        ]
        assert len(unread) == 1, url


def test_the_home_page_costs_at_most_one_query_more_with_the_bell(client, lan, settings):
    tell(lan)
    client.force_login(lan)
    client.get(reverse("home"))  # warm caches (sessions, translations)
    with CaptureQueriesContext(connection) as with_bell:
        client.get(reverse("home"))
    templates = [dict(t) for t in settings.TEMPLATES]
    options = dict(templates[0]["OPTIONS"])
    options["context_processors"] = [p for p in options["context_processors"] if "notifications" not in p]
    templates[0]["OPTIONS"] = options
    settings.TEMPLATES = templates  # the template engines are rebuilt on this change
    with CaptureQueriesContext(connection) as without_bell:
        page = client.get(reverse("home"))
    assert page.status_code == 200 and 'data-testid="bell-count"' not in page.content.decode()
    assert len(with_bell) - len(without_bell) == 1


def test_the_list_is_lans_own_newest_first_unread_marked(client, lan, minh):
    services.mark_read(notification=tell(lan, at=NOW - timedelta(days=2)), user=lan, at=NOW)
    tell(lan, at=NOW - timedelta(days=1))
    tell(minh)
    client.force_login(lan)
    page = client.get(LIST).content.decode()
    assert page.count('data-testid="notification"') == 2
    assert page.index('data-read="no"') < page.index('data-read="yes"')
    assert "Minh đã trả lại Báo cáo định kỳ KSTT kỳ Quý III/2021: Sai biểu mẫu" in page
    assert "Báo cáo bị trả lại" in page and "chưa đọc" in page
    assert "Đánh dấu tất cả là đã đọc" in page


def test_the_list_is_paginated_twenty_to_a_page(client, lan, django_assert_max_num_queries):
    for minutes in range(25):
        tell(lan, at=NOW + timedelta(minutes=minutes))
    client.force_login(lan)
    with django_assert_max_num_queries(8):
        first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert first.count('data-testid="notification"') == 20
    assert second.count('data-testid="notification"') == 5
    assert "Trang 1/2" in first and "Cũ hơn" in first and "Mới hơn" in second


def test_an_empty_list_says_so(client, lan):
    client.force_login(lan)
    assert "Bạn chưa có thông báo nào." in client.get(LIST).content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, lan):
    notification = tell(lan, url="/reports/7/?tab=versions")
    client.force_login(lan)
    response = client.post(open_url(notification))
    assert (response.status_code, response["Location"]) == (302, "/reports/7/?tab=versions")
    assert Notification.objects.get(pk=notification.pk).read_at == NOW + timedelta(days=1)


def test_opening_is_a_post(client, lan):
    notification = tell(lan)
    client.force_login(lan)
    assert client.get(open_url(notification)).status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_opening_needs_the_csrf_token(lan):
    from django.test import Client

    notification = tell(lan)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lan)
    assert client.post(open_url(notification)).status_code == 403
    assert Notification.objects.get(pk=notification.pk).read_at is None


@pytest.mark.parametrize("intruder", ["minh", "hoa", "tuan"])
def test_someone_elses_notification_does_not_exist_for_them(client, lan, intruder, request):
    notification = tell(lan)
    client.force_login(request.getfixturevalue(intruder))
    assert client.post(open_url(notification)).status_code == 404
    assert "Sai biểu mẫu" not in client.get(LIST).content.decode()
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_a_missing_notification_is_404(client, lan):
    client.force_login(lan)
    assert client.post(reverse("notifications:open", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        pytest.param("get", LIST, id="the-list"),
        pytest.param("post", reverse("notifications:read_all"), id="mark-all-read"),
        pytest.param("post", reverse("notifications:open", args=[1]), id="open"),
    ],
)
def test_anonymous_is_sent_to_log_in(client, method, url, db):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_mark_all_read_marks_only_lans(client, lan, minh):
    tell(lan)
    tell(lan)
    tell(minh)
    client.force_login(lan)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(recipient=lan, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=minh, read_at__isnull=True).count() == 1
