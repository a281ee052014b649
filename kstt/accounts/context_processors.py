from typing import Any

from django.http import HttpRequest

from kstt import clock
from kstt.accounts import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout's navigation offers this user."""
    user = getattr(request, "user", None)
    return {
        "nav_units": access.may_browse_units(user),
        "nav_admin": bool(user is not None and user.is_authenticated and user.is_kstt_admin),
        "nav_catalogue": access.may_manage_catalogue(user),
        "nav_incidents": bool(user is not None and user.is_authenticated)
        and access.may_manage_incidents(user, on=clock.today()),
        "nav_dashboard": bool(user is not None and user.is_authenticated)
        and access.may_view_dashboard(user, on=clock.today()),
        "fixed_clock": fixed_clock(),
    }


def fixed_clock() -> str | None:
    """The fixed instant of the clock (KSTT_CLOCK) as the province reads it, dd/mm/yyyy HH:MM; None when real."""
    if not clock.is_fixed():
        return None
    return f"{clock.now().astimezone(clock.province_zone()):%d/%m/%Y %H:%M}"
