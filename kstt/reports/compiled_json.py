"""Form 06 compiled from the units' reports as JSON (``kstt form06-reports``, ``/api/form06/reports/``), for
a district, a province or the country. A renderer: it never queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kstt.catalogue.rules.form06 import FORM06_COLUMNS
from kstt.compilation.rules import Block, Line
from kstt.reports.compiled_selectors import CountryFromReports, FromReports, NationalForm


def _counts(counts: Mapping[str, int] | None) -> dict[str, int] | None:
    return None if counts is None else {key: int(counts[key]) for key in FORM06_COLUMNS}


def _line(line: Line) -> dict[str, Any]:
    return {
        "unit": line.member.code,
        "name": line.member.name,
        "level": line.member.level,
        "status": line.status,  # received | missing | no_figures
        "version": line.standing.number if line.standing else None,
        "standing": line.standing.basis if line.standing else None,  # accepted | latest
        "via": line.via or None,  # the unit whose compiled report carried the line (its district), else null
        "reported": _counts(line.reported),
        "computed": _counts(line.computed),  # from the unit's dossiers; null without any
        "differences": list(line.differences),
    }


def _subtotal(block: Block) -> dict[str, Any]:
    return {"received": block.received, "missing": block.missing, **(_counts(block.subtotal) or {})}


def render_from_reports_json(compiled: FromReports) -> dict[str, Any]:
    """Every unit's line in the printed order, the subtotals per level (and per parent where the form
    groups them), the grand total of the reports received, and the units missing."""
    start, end = compiled.window
    c = compiled.compilation
    return {
        "unit": compiled.unit_code,
        "period": compiled.period,
        "window": [start.isoformat(), end.isoformat()],
        "source": "reports",
        "rows": [_line(line) for line in c.lines],
        "subtotals": {
            **{block.key: _subtotal(block) for block in c.blocks},
            **{sub.key: _subtotal(sub) for block in c.blocks for sub in block.subblocks},
        },
        "total": _counts(c.total),
        "computed_total": _counts(compiled.computed_total),
        "reports_total": _counts(compiled.reports_total),
        "received": len(c.received),
        "missing": [
            {"unit": line.member.code, "name": line.member.name, "status": line.status, "via": line.via or None}
            for line in c.missing
        ],
    }


def render_country_json(national: NationalForm) -> dict[str, Any]:
    """The country's form 06 as the national level prints it: one line per province in code order (its
    grand total compiled from its units' standing reports, its units received and missing), and the
    country's grand total (the sum of the provinces')."""
    start, end = national.window
    return {
        "unit": None,
        "country": True,
        "period": national.period,
        "window": [start.isoformat(), end.isoformat()],
        "source": "reports",
        "provinces": [
            {"unit": p.code, "name": p.name, "total": _counts(p.total), "received": p.received, "missing": p.missing}
            for p in national.provinces
        ],
        "total": _counts(national.total),
        "received": national.received,
        "missing": national.missing,
    }


def render_country_detail_json(country: CountryFromReports) -> dict[str, Any]:
    """The country in detail (``--country --detail``): each province's whole compilation as
    ``render_from_reports_json`` gives it, in code order, the country's grand total (the sum of the
    provinces'), and how many lines were received or missing."""
    start, end = country.window
    provinces = [render_from_reports_json(p) for p in country.provinces]
    return {
        "unit": None,
        "country": True,
        "detail": True,
        "period": country.period,
        "window": [start.isoformat(), end.isoformat()],
        "source": "reports",
        "provinces": provinces,
        "total": _counts(country.total),
        "computed_total": _counts(country.computed_total),
        "reports_total": _counts(country.reports_total),
        "received": sum(p["received"] for p in provinces),
        "missing": sum(len(p["missing"]) for p in provinces),
    }
