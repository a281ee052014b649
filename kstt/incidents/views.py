from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kstt import clock, confirmation, ledger_impact
from kstt.accounts import access
from kstt.incidents import selectors, services
from kstt.incidents.forms import CloseForm, IncidentForm
from kstt.incidents.models import Incident
from kstt.units import selectors as units
from kstt.units.choices import Level


def _unit_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The units in force today, grouped by level, for the scope of an incident."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for version in units.versions_on(clock.today()).order_by("unit__code"):
        grouped.setdefault(version.level, []).append((version.unit_id, f"{version.name} ({version.unit.code})"))
    return [(str(Level(level).label), grouped[level]) for level in Level.values if level in grouped]


def _fields(form: IncidentForm) -> dict:
    """What the incident form says, as the services take it."""
    data = form.cleaned_data
    return {
        "start": data["start"],
        "end": data["end"],
        "all_units": data["all_units"],
        "units": form.selected_units(),
        "description": data["description"],
        "evidence": data["evidence"],
    }


def _cost(request: HttpRequest) -> dict:
    """The reason and the ledger lines confirmed on the preview of the change's cost (none at first)."""
    return {"reason": confirmation.cost_reason(request), "seen": confirmation.seen_cost(request)}


def _ask(
    request: HttpRequest, error: ledger_impact.CostError, *, title: str, back: str, button: str | None = None
) -> HttpResponse:
    """The preview of the lines the change moves; a file sent with the form is asked for again."""
    return confirmation.ask_cost(
        request,
        error,
        title=title,
        button=button or _("Save the incident and change these lines"),
        back=back,
        file_field=("evidence", str(IncidentForm.base_fields["evidence"].label))
        if request.FILES.get("evidence")
        else None,
    )


def _incident_for(request: HttpRequest, pk: int) -> Incident:
    incident = selectors.incident(pk)
    if incident is None:
        raise Http404("No such incident.")
    allowed = access.may_view_incident(
        request.user,
        unit_ids={u.pk for u in incident.units.all()},
        all_units=incident.all_units,
        on=clock.today(),
    )
    access.require(allowed)
    return incident


@login_required
@require_GET
def unit_matches(request: HttpRequest) -> JsonResponse:
    """GET /incidents/units/?q=: the ids of the units in force today whose name or code holds every word of
    ``q``, diacritics ignored (the unit tree's search, kstt.units.selectors.search), for the incident
    form's unit picker; ``{"units": [...]}``, empty for an empty ``q``."""
    today = clock.today()
    access.require(access.may_manage_incidents(request.user, on=today))
    query = request.GET.get("q", "").strip()[:200]
    found = units.search(query, on=today, limit=units.count_on(today)) if query else []
    return JsonResponse({"units": [version.unit_id for version in found]})


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    access.require(access.may_manage_incidents(request.user, on=clock.today()))
    return render(request, "incidents/list.html", {"incidents": selectors.incidents()})


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    access.require(access.may_manage_incidents(request.user, on=clock.today()))
    form = IncidentForm(request.POST or None, request.FILES or None, unit_choices=_unit_choices())
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.record_incident(**_fields(form), at=clock.now(), actor=request.user, **_cost(request))
        except ledger_impact.CostError as exc:
            return _ask(request, exc, title=_("This incident changes the ledger"), back=reverse("incidents:new"))
        messages.success(request, _("Incident #%(id)s was recorded.") % {"id": incident.pk})
        return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/form.html", {"form": form, "incident": None})


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.may_manage_incidents(request.user, on=clock.today()))
    incident = _incident_for(request, pk)
    initial = {
        "start": incident.start,
        "end": incident.end,
        "all_units": incident.all_units,
        "units": [u.pk for u in incident.units.all()],
        "description": incident.description,
    }
    form = IncidentForm(request.POST or None, request.FILES or None, initial=initial, unit_choices=_unit_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incident(
                incident=incident, **_fields(form), at=clock.now(), actor=request.user, **_cost(request)
            )
        except ledger_impact.CostError as exc:
            return _ask(
                request,
                exc,
                title=_("Editing incident #%(id)s changes the ledger") % {"id": incident.pk},
                back=reverse("incidents:edit", args=[incident.pk]),
            )
        messages.success(request, _("Incident #%(id)s was saved.") % {"id": incident.pk})
        return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/form.html", {"form": form, "incident": incident})


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_for(request, pk)
    manage = access.may_manage_incidents(request.user, on=clock.today())
    return render(
        request,
        "incidents/detail.html",
        {"incident": incident, "manage": manage, "close_form": CloseForm(initial={"end": clock.now()})},
    )


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.may_manage_incidents(request.user, on=clock.today()))
    incident = _incident_for(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_incident(
                incident=incident, end=form.cleaned_data["end"], at=clock.now(), actor=request.user, **_cost(request)
            )
        except ledger_impact.CostError as exc:
            return _ask(
                request,
                exc,
                title=_("Closing incident #%(id)s changes the ledger") % {"id": incident.pk},
                back=reverse("incidents:detail", args=[incident.pk]),
                button=_("Close the incident and change these lines"),
            )
        except services.IncidentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Incident #%(id)s was closed.") % {"id": incident.pk})
    elif form.has_error("end", "future"):
        messages.error(request, form.errors["end"][0])
    else:
        messages.error(request, _("Give the time the incident ended."))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_GET
def incident_evidence(request: HttpRequest, pk: int) -> FileResponse:
    incident = _incident_for(request, pk)
    if not incident.evidence:
        raise Http404("No evidence attached.")
    return FileResponse(
        incident.evidence.open("rb"), as_attachment=True, filename=incident.evidence.name.rsplit("/", 1)[-1]
    )
