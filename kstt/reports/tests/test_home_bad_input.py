"""The home page answers a bad ``?year=`` or ``?period=`` with a Vietnamese message (400), never another period."""

from datetime import datetime, timedelta, timezone

import pytest
from django.urls import reverse

IN_THE_DEMO_YEAR = datetime(2021, 12, 20, 9, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = IN_THE_DEMO_YEAR


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("?period=2021Q5", "không phải là kỳ báo cáo", id="not-a-period"),
        pytest.param("?period=banana", "không phải là kỳ báo cáo", id="nonsense"),
        pytest.param("?period=2031Q1", "chưa bắt đầu", id="years-ahead"),
        pytest.param("?period=2022Q2", "chưa bắt đầu", id="next-quarter-not-started"),
        pytest.param("?period=2019Q3", "2021", id="before-the-first-form"),
    ],
)
def test_minh_gets_a_vietnamese_message_for_a_period_he_cannot_see(client, minh, kstt_report, query, message):
    client.force_login(minh)
    response = client.get(reverse("home") + query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("?year=abc", id="not-a-number"),
        pytest.param("?year=2031", id="years-ahead"),
        pytest.param("?year=1999", id="long-before"),
    ],
)
def test_lan_gets_a_vietnamese_message_for_a_year_she_cannot_see(client, lan, kstt_report, query):
    client.force_login(lan)
    response = client.get(reverse("home") + query)
    assert response.status_code == 400
    assert "không phải năm" in response.content.decode()


def test_good_addresses_still_open(client, lan, minh, kstt_report):
    client.force_login(minh)
    assert client.get(reverse("home") + "?period=2021Q3").status_code == 200
    assert client.get(reverse("home") + "?period=2022Q1").status_code == 200  # its window opened on 15/12/2021
    assert client.get(reverse("home")).status_code == 200
    client.force_login(lan)
    assert client.get(reverse("home") + "?year=2021").status_code == 200
    assert client.get(reverse("home") + "?year=2022").status_code == 200


def test_the_period_menu_offers_only_periods_that_have_started(client, minh, kstt_report):
    client.force_login(minh)
    html = client.get(reverse("home") + "?period=2021Q4").content.decode()
    assert 'value="2022Q1"' in html
    assert 'value="2022Q2"' not in html
    assert 'value="2020Q4"' not in html
