"""One clock: the real time, or an instant fixed by KSTT_CLOCK for training and demos (never in production)."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models as django_models

from kstt import clock, conf
from kstt.checks import fixed_clock_refused_in_production
from kstt.tests.test_settings import REAL_KEY

ROOT = Path(__file__).resolve().parents[2]
DEMO_INSTANT = datetime(2021, 12, 20, 9, 0, tzinfo=timezone(timedelta(hours=7)))


def test_without_a_fixed_instant_the_clock_is_the_real_time(settings):
    settings.KSTT_CLOCK = None
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    assert not clock.is_fixed()


def test_a_fixed_clock_gives_its_instant_to_now_and_today(settings):
    settings.KSTT_CLOCK = DEMO_INSTANT
    assert clock.now() == DEMO_INSTANT
    assert clock.is_fixed()
    assert clock.today() == date(2021, 12, 20)


def test_today_is_the_province_date_not_the_utc_date(settings):
    settings.KSTT_CLOCK = datetime(2021, 12, 19, 17, 30, tzinfo=UTC)  # 00:30 on 20/12 in Hà Nội
    assert clock.today() == date(2021, 12, 20)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("", None, id="unset"),
        pytest.param("2021-12-20T09:00:00+07:00", DEMO_INSTANT, id="with-offset"),
        pytest.param("2021-12-20T02:00:00Z", DEMO_INSTANT, id="utc"),
    ],
)
def test_the_clock_setting_reads_an_instant_with_its_offset(raw, expected):
    assert conf.env_instant("KSTT_CLOCK", environ={"KSTT_CLOCK": raw}) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("2021-12-20T09:00:00", "UTC offset", id="naive"),
        pytest.param("20/12/2021", "ISO 8601", id="not-iso"),
    ],
)
def test_the_clock_setting_refuses_a_naive_or_malformed_instant(raw, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        conf.env_instant("KSTT_CLOCK", environ={"KSTT_CLOCK": raw})


def test_production_refuses_a_fixed_clock(settings):
    settings.PRODUCTION, settings.KSTT_CLOCK = True, DEMO_INSTANT
    assert [m.id for m in fixed_clock_refused_in_production()] == ["kstt.E001"]
    settings.KSTT_CLOCK = None
    assert fixed_clock_refused_in_production() == []
    settings.PRODUCTION, settings.KSTT_CLOCK = False, DEMO_INSTANT
    assert fixed_clock_refused_in_production() == []


def test_check_deploy_fails_on_a_fixed_clock_under_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "DJANGO_SETTINGS_MODULE": "kstt.settings",
        "KSTT_ENV": "production",
        "SECRET_KEY": REAL_KEY,
        "ALLOWED_HOSTS": "kstt.example",
        "KSTT_CLOCK": "2021-12-20T09:00:00+07:00",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-m", "django", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "kstt.E001" in result.stderr


def test_no_code_reads_the_time_behind_the_clock():
    """Every service, page and command asks kstt.clock; timezone.now() appears only inside the clock."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "kstt").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
        if "/tests/" not in str(path)
        and "/migrations/" not in str(path)
        and path.name != "clock.py"
        and any(token in path.read_text() for token in ("timezone.now(", "datetime.now(", "date.today("))
    ]
    assert offenders == []


def stamp_problem(field: django_models.Field) -> str | None:
    """How a date or time field stamps a row with the machine's time rather than the caller's ``at``: an
    ``auto_now``/``auto_now_add``, or a default that is not the KSTT clock (e.g. Django's timezone.now)."""
    if not isinstance(field, django_models.DateField):  # DateTimeField is a DateField
        return None
    if field.auto_now or field.auto_now_add:
        return "auto_now"
    default = field.default
    if field.has_default() and callable(default) and default not in (clock.now, clock.today):
        module = getattr(default, "__module__", None) or getattr(default.__self__, "__module__", "")
        return f"default={module}.{default.__qualname__}"
    return None


def stamps_behind_the_clock(models_to_check) -> list[str]:
    return [
        f"{model._meta.label}.{field.name} ({problem})"
        for model in models_to_check
        for field in model._meta.get_fields()
        for problem in [stamp_problem(field)]
        if problem
    ]


def test_no_model_stamps_a_row_with_the_time_behind_the_clock():
    """A ``default=timezone.now`` or ``auto_now_add`` escapes the search above, and shows the real time beside
    a fixed clock (issue 13). Every KSTT model, its inherited fields too (the user's date_joined), takes the
    caller's ``at`` or the clock. Django's and the dependencies' own models (the admin's log, the worker's
    queue, the login lockouts) keep the machine's time: they record what happened to the machine."""
    ours = [model for model in apps.get_models() if model.__module__.startswith("kstt.")]
    assert len(ours) > 20
    assert stamps_behind_the_clock(ours) == []


def test_the_search_for_stamps_finds_them():
    """What the test above would say of Django's own user model, and of fields stamped by the machine."""
    from django.contrib.auth.models import User as DjangoUser  # not installed: AUTH_USER_MODEL is ours

    assert stamps_behind_the_clock([DjangoUser]) == ["auth.User.date_joined (default=django.utils.timezone.now)"]
    assert [
        stamp_problem(field)
        for field in (
            django_models.DateTimeField(auto_now_add=True),
            django_models.DateField(auto_now=True),
            django_models.DateField(default=date.today),
            django_models.DateTimeField(default=clock.now),
            django_models.DateField(default=clock.today),
            django_models.DateTimeField(null=True),
        )
    ] == ["auto_now", "auto_now", "default=datetime.date.today", None, None, None]
