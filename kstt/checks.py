"""Project-wide system checks (registered by kstt.accounts' AppConfig)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def fixed_clock_refused_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A production site runs on the real time: a fixed clock (KSTT_CLOCK) is for training and demos."""
    if getattr(settings, "PRODUCTION", False) and getattr(settings, "KSTT_CLOCK", None) is not None:
        return [
            Error(
                "KSTT_CLOCK fixes the clock to one instant; production must run on the real time.",
                hint="Unset KSTT_CLOCK (it is for training and demos).",
                id="kstt.E001",
            )
        ]
    return []
