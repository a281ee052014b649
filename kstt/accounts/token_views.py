"""A person's own API tokens (their account menu): listed, and revoked one by one (a POST with its CSRF token).
Someone else's token does not exist here (404); an administrator sees every user's in the administration site."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kstt import clock
from kstt.accounts import selectors, services


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    tokens = [(token, token.is_live(now)) for token in selectors.tokens_of(request.user)]  # type: ignore[arg-type]
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(request.user, pk)  # type: ignore[arg-type]
    if token is None:
        raise Http404("Not found.")
    if services.revoke_token(token=token, at=clock.now(), actor=request.user):
        messages.success(request, _("The API token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens")
