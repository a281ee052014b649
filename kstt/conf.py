"""Typed readers for the environment: the only place settings touch os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime

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
