"""The pages of the unit tree, as each person may see it (templates in kstt/units/templates/units/).

They live with accounts, not in kstt.units: every page asks the access helper (kstt.accounts.access),
which itself stands on the unit tree, so the tree's pages sit above both.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.accounts import access
from kstt.formats.widgets import parse_day
from kstt.units import selectors
from kstt.units.models import UnitVersion


def _on(request: HttpRequest) -> date:
    """The ``on`` date: typed dd/mm/yyyy in the page's form, ISO in links; today when absent or malformed."""
    return parse_day(request.GET.get("on") or "") or clock.today()


def _history(version: UnitVersion) -> list[tuple[UnitVersion, str]]:
    """The unit's versions, each with its parent's name as it was while the version stood."""
    rows = []
    for h in selectors.history(version.unit):
        name = ""
        if h.parent is not None:
            during = h.valid_from or (h.valid_until - timedelta(days=1) if h.valid_until else clock.today())
            parent = selectors.unit_on(h.parent.code, during)
            name = parent.name if parent is not None else ""
        rows.append((h, name))
    return rows


@require_GET
@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The unit tree as on a date, from the user's own unit (the whole tree for admins), with search."""
    access.require_browse(request.user)
    on = _on(request)
    root = access.tree_root(request.user)
    if root is None:
        roots = list(selectors.roots_on(on))
    else:
        version = selectors.unit_on(root.code, on)
        roots = [version] if version is not None else []
    branches = [(version, list(selectors.children_on(version.unit, on))) for version in roots]
    return render(request, "units/tree.html", {"on": on, "branches": branches, "query": request.GET.get("q", "")})


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search results (an htmx fragment, or the tree page when asked directly)."""
    access.require_browse(request.user)
    on = _on(request)
    query = request.GET.get("q", "").strip()
    results = list(access.search_units(user=request.user, query=query, on=on)) if query else []
    context = {"on": on, "query": query, "results": results}
    if request.headers.get("HX-Request"):
        return render(request, "units/_results.html", context)
    return render(request, "units/tree.html", {**context, "branches": []})


@require_GET
@login_required
def children(request: HttpRequest, code: str) -> HttpResponse:
    """The units directly below one unit (an htmx fragment of the tree)."""
    access.require_browse(request.user)
    on = _on(request)
    version, _ = access.unit_for_user(user=request.user, code=code, on=on)
    return render(request, "units/_children.html", {"on": on, "children": selectors.children_on(version.unit, on)})


@require_GET
@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    on = _on(request)
    version, unit_access = access.unit_for_user(user=request.user, code=code, on=on)
    parent = None
    if version.parent is not None:
        parent_access = access.unit_access(user=request.user, unit=version.parent, on=on)
        parent = selectors.unit_on(version.parent.code, on) if parent_access.view else None
    return render(
        request,
        "units/detail.html",
        {
            "on": on,
            "version": version,
            "access": unit_access,
            "parent": parent,
            "children": selectors.children_on(version.unit, on),
            "history": _history(version),
        },
    )
