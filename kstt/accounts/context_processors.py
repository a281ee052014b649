from typing import Any

from django.http import HttpRequest

from kstt.accounts import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout's navigation offers this user."""
    user = getattr(request, "user", None)
    return {
        "nav_units": access.may_browse_units(user),
        "nav_admin": bool(user is not None and user.is_authenticated and user.is_kstt_admin),
    }
