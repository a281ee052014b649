from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.units import selectors


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's start page: their unit and what their roles let them do."""
    on = clock.today()
    user = request.user
    unit = selectors.unit_on(user.unit.code, on) if user.unit_id else None
    return render(request, "accounts/home.html", {"on": on, "unit": unit})
