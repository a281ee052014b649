"""Configuration: typed environment helpers; production refuses a missing or placeholder key."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kstt import conf

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "q8W3nV0pZr5Lk2Yt7Hb1Mx4Sd9Fg6Jc0Pv2Qe8Ru3Ty5Ui7Oa1Sd4Fg6Hj8Kl0Zx"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({}, "SECRET_KEY must be set", id="missing"),
        pytest.param({"SECRET_KEY": "   "}, "SECRET_KEY must be set", id="blank"),
        pytest.param({"SECRET_KEY": "change-me"}, "placeholder", id="change-me"),
        pytest.param({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "placeholder", id="django-insecure"),
        pytest.param({"SECRET_KEY": "short-but-random-9f8e7d"}, "placeholder", id="too-short"),
        pytest.param({"SECRET_KEY": "a" * 60}, "placeholder", id="one-character"),
    ],
)
def test_production_refuses_a_missing_or_placeholder_secret_key(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        conf.secret_key(production=True, environ=environ)


def test_production_accepts_a_real_secret_key():
    assert conf.secret_key(production=True, environ={"SECRET_KEY": REAL_KEY}) == REAL_KEY


def test_development_falls_back_to_a_development_key():
    assert conf.secret_key(production=False, environ={}) == conf.DEVELOPMENT_SECRET_KEY


@pytest.mark.parametrize(
    ("reader", "raw", "expected"),
    [
        (conf.env_bool, "yes", True),
        (conf.env_bool, "0", False),
        (conf.env_int, "42", 42),
        (conf.env_list, "a.example, b.example ,", ["a.example", "b.example"]),
    ],
)
def test_typed_readers(reader, raw, expected):
    default = {conf.env_bool: False, conf.env_int: 0, conf.env_list: []}[reader]
    assert reader("X", default, environ={"X": raw}) == expected


@pytest.mark.parametrize(("reader", "raw"), [(conf.env_bool, "maybe"), (conf.env_int, "ten")])
def test_typed_readers_refuse_nonsense(reader, raw):
    with pytest.raises(ImproperlyConfigured, match="X must be"):
        reader("X", None, environ={"X": raw})


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="KSTT_ENV must be one of development, production"):
        conf.env_choice("KSTT_ENV", ("development", "production"), "development", environ={"KSTT_ENV": "prod"})


def _django_setup(extra_env, then=""):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | extra_env
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", "import django; django.setup()\n" + then],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "kstt.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_production_settings_refuse_to_start_with_a_placeholder_key():
    result = _django_setup({"KSTT_ENV": "production", "SECRET_KEY": "change-me"})
    assert result.returncode != 0
    assert "SECRET_KEY looks like a placeholder" in result.stderr


def test_the_production_settings_start_with_a_real_key():
    result = _django_setup({"KSTT_ENV": "production", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "kstt.example"})
    assert result.returncode == 0, result.stderr


def test_the_suggested_random_key_is_never_taken_for_a_placeholder():
    """Makefile and the error message suggest secrets.token_hex(40): no placeholder word can appear in hex."""
    import secrets

    assert not any(conf.is_placeholder_secret(secrets.token_hex(40)) for _ in range(2000))
    assert conf.is_placeholder_secret("a1b2" * 10 + "xxx" + "c3d4" * 10)  # why token_urlsafe could fail now and then


COOKIE_SETTINGS = [
    f"{cookie}_COOKIE_{attribute}"
    for cookie in ("SESSION", "CSRF", "LANGUAGE")
    for attribute in ("NAME", "SECURE", "SAMESITE", "HTTPONLY")
]
PRINT_COOKIE_SETTINGS = (
    "import json; from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {COOKIE_SETTINGS!r}}}))"
)


def test_in_production_every_cookie_kstt_sets_is_secure_and_samesite(client, lan, settings):
    """The session, csrftoken and django_language cookies, set by real responses under production's settings."""
    production = _django_setup(
        {"KSTT_ENV": "production", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "kstt.example"}, PRINT_COOKIE_SETTINGS
    )
    assert production.returncode == 0, production.stderr
    for name, value in json.loads(production.stdout.splitlines()[-1]).items():
        setattr(settings, name, value)
    responses = [
        client.get(reverse("login")),
        client.post(reverse("login"), {"username": "lan", "password": "correct horse 2021"}),
        client.post(reverse("set_language"), {"language": "en", "next": "/"}),
    ]
    cookies = {name: morsel for response in responses for name, morsel in response.cookies.items()}
    names = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    assert names == {"sessionid", "csrftoken", "django_language"}
    assert names <= set(cookies)
    for name, morsel in cookies.items():
        assert morsel["secure"] is True, f"{name} is not Secure"
        assert morsel["samesite"] == "Lax", f"{name} is not SameSite=Lax"
    assert cookies["sessionid"]["httponly"] is True
    assert cookies["django_language"]["httponly"] is True
