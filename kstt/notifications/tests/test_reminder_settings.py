"""The reminder and e-mail settings are read from the environment and refused with a clear error."""

from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from kstt import conf


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("", (7, 3, 1), id="unset-the-default"),
        pytest.param("1,3,7", (7, 3, 1), id="any-order-largest-first"),
        pytest.param(" 14, 7 ,7,0", (14, 7, 0), id="spaces-and-repeats"),
        pytest.param("none", (), id="none-turns-them-off"),
        pytest.param("OFF", (), id="off-too"),
    ],
)
def test_reminder_days(raw, expected):
    assert conf.env_days("D", (7, 3, 1), low=0, high=60, environ={"D": raw}) == expected


@pytest.mark.parametrize("raw", ["7;3", "7,,1", "-1", "61", "one", "7,3.5"])
def test_reminder_days_that_mean_nothing_are_refused(raw):
    with pytest.raises(ImproperlyConfigured, match=r"D must be whole numbers of days from 0 to 60 .*e\.g\. 7,3,1"):
        conf.env_days("D", (7, 3, 1), low=0, high=60, environ={"D": raw})


def test_late_reminders_start_the_day_after():
    with pytest.raises(ImproperlyConfigured, match="from 1 to 365"):
        conf.env_days("A", (1,), low=1, high=365, environ={"A": "0"})


@pytest.mark.parametrize(
    ("environ", "production", "backend"),
    [
        pytest.param({}, False, "console", id="development-prints-them"),
        pytest.param({"EMAIL_HOST": "mail.hoabinh.gov.vn"}, False, "smtp", id="development-with-a-server-sends"),
        pytest.param({}, True, "smtp", id="production-sends"),
        pytest.param({"KSTT_EMAIL_BACKEND": "file"}, True, "filebased", id="chosen-by-name"),
        pytest.param({"KSTT_EMAIL_BACKEND": "Console", "EMAIL_HOST": "x"}, False, "console", id="the-choice-wins"),
    ],
)
def test_where_emails_go(environ, production, backend):
    assert f".{backend}." in conf.email_backend(production=production, environ=environ)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"KSTT_EMAIL_BACKEND": "sendmail"}, "KSTT_EMAIL_BACKEND must be one of smtp, console, file, locmem, dummy"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "cannot both be true"),
        ({"EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS must be true or false"),
    ],
)
def test_email_settings_that_cannot_work_are_refused(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        conf.email_backend(production=False, environ=environ)


@pytest.mark.parametrize("raw", ["0", "65536", "smtp"])
def test_a_port_must_be_a_port(raw):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        conf.env_port("EMAIL_PORT", 25, environ={"EMAIL_PORT": raw})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", "http://127.0.0.1:8000"), ("https://kstt.hoabinh.gov.vn/", "https://kstt.hoabinh.gov.vn")],
)
def test_the_base_url(raw, expected):
    assert conf.env_url("U", "http://127.0.0.1:8000", environ={"U": raw}) == expected


@pytest.mark.parametrize("raw", ["kstt.hoabinh.gov.vn", "ftp://kstt", "https://", "https://kstt hoabinh"])
def test_a_base_url_must_be_an_http_address(raw):
    with pytest.raises(ImproperlyConfigured, match="U must be an absolute http:// or https:// address"):
        conf.env_url("U", "http://127.0.0.1:8000", environ={"U": raw})


@pytest.mark.parametrize("raw", ["kstt@hoabinh.gov.vn", "KSTT Hòa Bình <kstt@hoabinh.gov.vn>"])
def test_a_sender_address(raw):
    assert conf.env_email("F", "kstt@localhost", environ={"F": raw}) == raw


@pytest.mark.parametrize("raw", ["kstt", "KSTT <kstt>", "kstt@", "KSTT <kstt@hoabinh.gov.vn", "a b@c.vn"])
def test_a_sender_that_is_no_address_is_refused(raw):
    with pytest.raises(ImproperlyConfigured, match="F must be an e-mail address"):
        conf.env_email("F", "kstt@localhost", environ={"F": raw})


def test_an_interval_of_no_time_is_refused():
    with pytest.raises(ImproperlyConfigured, match="KSTT_REMINDER_INTERVAL must be at least 1 second"):
        conf.env_seconds("KSTT_REMINDER_INTERVAL", 600, environ={"KSTT_REMINDER_INTERVAL": "0"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("", time(17, 30), id="unset-the-default"),
        pytest.param("07:30", time(7, 30), id="hh-mm"),
        pytest.param("7:30", time(7, 30), id="one-digit-hour"),
        pytest.param(" 23:59 ", time(23, 59), id="spaces-and-the-last-minute"),
        pytest.param("00:00", time(0, 0), id="midnight"),
    ],
)
def test_quiet_hours_times(raw, expected):
    assert conf.env_clock_time("KSTT_QUIET_FROM", time(17, 30), environ={"KSTT_QUIET_FROM": raw}) == expected


@pytest.mark.parametrize("raw", ["17h30", "1730", "24:00", "17:60", "17:3", "-1:00", "5 pm", "17:30:00"])
def test_quiet_hours_times_that_mean_nothing_are_refused(raw):
    with pytest.raises(ImproperlyConfigured, match="KSTT_QUIET_FROM must be a time of day"):
        conf.env_clock_time("KSTT_QUIET_FROM", time(17, 30), environ={"KSTT_QUIET_FROM": raw})


@pytest.mark.parametrize(("raw", "expected"), [("", 10), ("1", 1), ("365", 365), (" 14 ", 14)])
def test_review_days(raw, expected):
    assert conf.env_int_between("KSTT_REVIEW_DAYS", 10, low=1, high=365, environ={"KSTT_REVIEW_DAYS": raw}) == expected


@pytest.mark.parametrize("raw", ["0", "366", "-3", "ten"])
def test_review_days_out_of_range_are_refused(raw):
    with pytest.raises(ImproperlyConfigured, match="KSTT_REVIEW_DAYS must be a whole number"):
        conf.env_int_between("KSTT_REVIEW_DAYS", 10, low=1, high=365, environ={"KSTT_REVIEW_DAYS": raw})
