"""Typed readers for the environment: the only place settings touch os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, time

from django.core.exceptions import ImproperlyConfigured

#: Prefixes and words that mark a secret key as a placeholder, never a real secret.
PLACEHOLDER_MARKERS = ("django-insecure", "change", "placeholder", "secret-key", "dev-only", "xxx")
MIN_SECRET_KEY_LENGTH = 50


def env_str(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str, environ: Mapping[str, str] = os.environ) -> str:
    value = env_str(name, default, environ)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_instant(name: str, environ: Mapping[str, str] = os.environ) -> datetime | None:
    """An ISO 8601 instant with its UTC offset (``2021-12-20T09:00:00+07:00``), or None when unset."""
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be an ISO 8601 instant such as 2021-12-20T09:00:00+07:00, not {raw!r}"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ImproperlyConfigured(f"{name} must give its UTC offset (2021-12-20T09:00:00+07:00), not {raw!r}")
    return value


def env_days(
    name: str, default: tuple[int, ...], *, low: int, high: int, environ: Mapping[str, str] = os.environ
) -> tuple[int, ...]:
    """Whole numbers of days, comma-separated (``7,3,1``), each within [low, high], largest first;
    ``none`` (or ``off``) for none at all."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() in {"none", "off"}:
        return ()
    days: set[int] = set()
    for item in raw.split(","):
        part = item.strip()
        if not part.isdigit() or not low <= int(part) <= high:
            raise ImproperlyConfigured(
                f"{name} must be whole numbers of days from {low} to {high} separated by commas "
                f"(e.g. 7,3,1), or none; {part!r} is not"
            )
        days.add(int(part))
    return tuple(sorted(days, reverse=True))


def env_clock_time(name: str, default: time, environ: Mapping[str, str] = os.environ) -> time:
    """A local time of day, ``HH:MM`` on the 24-hour clock (``17:30``)."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    hours, colon, minutes = raw.partition(":")
    if not (colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and 1 <= len(hours) <= 2):
        raise ImproperlyConfigured(f"{name} must be a time of day such as 17:30 (HH:MM, 24-hour clock), not {raw!r}")
    if not (int(hours) <= 23 and int(minutes) <= 59):
        raise ImproperlyConfigured(f"{name} must be a time of day from 00:00 to 23:59, not {raw!r}")
    return time(int(hours), int(minutes))


def env_positive(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    """A whole number of at least 1: a count, a size in bytes, a limit."""
    value = env_int(name, default, environ)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, not {value}")
    return value


def env_int_between(name: str, default: int, *, low: int, high: int, environ: Mapping[str, str] = os.environ) -> int:
    """A whole number within [low, high] (a number of days)."""
    value = env_int(name, default, environ)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be a whole number from {low} to {high}, not {value}")
    return value


def env_port(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    value = env_int(name, default, environ)
    if not 1 <= value <= 65535:
        raise ImproperlyConfigured(f"{name} must be a port number from 1 to 65535, not {value}")
    return value


def env_seconds(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    value = env_int(name, default, environ)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1 second, not {value}")
    return value


def env_url(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    """An absolute http(s) address without a trailing slash (``https://kstt.hoabinh.gov.vn``)."""
    value = env_str(name, default, environ).rstrip("/")
    scheme, _, rest = value.partition("://")
    if scheme not in {"http", "https"} or not rest or any(c.isspace() for c in value):
        raise ImproperlyConfigured(f"{name} must be an absolute http:// or https:// address, not {value!r}")
    return value


def env_email(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    """An e-mail address, bare (``kstt@hoabinh.gov.vn``) or with a name (``KSTT <kstt@hoabinh.gov.vn>``)."""
    value = env_str(name, default, environ)
    address = value.rpartition("<")[2].rstrip(">").strip() if "<" in value else value
    local, at, domain = address.partition("@")
    if not (local and at and domain) or any(c.isspace() for c in address) or ("<" in value) != value.endswith(">"):
        raise ImproperlyConfigured(f"{name} must be an e-mail address such as KSTT <kstt@example.vn>, not {value!r}")
    return value


#: KSTT_EMAIL_BACKEND's short names.
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_backend(*, production: bool, environ: Mapping[str, str] = os.environ) -> str:
    """Where e-mails go. ``KSTT_EMAIL_BACKEND`` (smtp, console, file, locmem, dummy) when given; else SMTP
    in production or when ``EMAIL_HOST`` is set, and the console in development: a developer's machine
    never sends a real e-mail by accident."""
    chosen = env_str("KSTT_EMAIL_BACKEND", "", environ).lower()
    if chosen and chosen not in EMAIL_BACKENDS:
        raise ImproperlyConfigured(f"KSTT_EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, not {chosen!r}")
    if not chosen:
        chosen = "smtp" if production or env_str("EMAIL_HOST", "", environ) else "console"
    if env_bool("EMAIL_USE_TLS", False, environ) and env_bool("EMAIL_USE_SSL", False, environ):
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true: choose one")
    return EMAIL_BACKENDS[chosen]


def is_placeholder_secret(value: str) -> bool:
    lowered = value.lower()
    return (
        len(value) < MIN_SECRET_KEY_LENGTH
        or len(set(value)) < 5
        or any(marker in lowered for marker in PLACEHOLDER_MARKERS)
    )


# Development only: refused in production by is_placeholder_secret().
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105


def secret_key(*, production: bool, environ: Mapping[str, str] = os.environ) -> str:
    """SECRET_KEY from the environment; production refuses a missing or placeholder one."""
    value = environ.get("SECRET_KEY", "").strip()
    if production:
        if not value:
            raise ImproperlyConfigured("SECRET_KEY must be set when KSTT_ENV=production.")
        if is_placeholder_secret(value):
            raise ImproperlyConfigured(
                f"SECRET_KEY looks like a placeholder: use at least {MIN_SECRET_KEY_LENGTH} random characters "
                "(python -c 'import secrets; print(secrets.token_hex(40))')."
            )
        return value
    return value or DEVELOPMENT_SECRET_KEY
