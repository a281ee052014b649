"""Form 06 as the JSON of interchange.md ("Computed form 06"). A renderer: it never queries."""

from __future__ import annotations

from typing import Any

from kstt.catalogue.rules.form06 import FORM06_COLUMNS, CompiledForm06


def _counts(counts) -> dict[str, int]:
    return {key: counts[key] for key in FORM06_COLUMNS}


def render_form06_json(compiled: CompiledForm06) -> dict[str, Any]:
    """``rows`` per procedure field for one unit; for a district or the province, rows per unit
    (with their level, in the printed order), ``subtotals`` per level, and the ``total``."""
    start, end = compiled.window
    data: dict[str, Any] = {
        "unit": compiled.unit_code,
        "period": compiled.period,
        "window": [start.isoformat(), end.isoformat()],
    }
    if compiled.compiled:
        data["compiled"] = True
        data["rows"] = [
            {"unit": row.key, "name": row.label, "level": group.level, **_counts(row.counts)}
            for group in compiled.groups
            for row in group.rows
        ]
        data["subtotals"] = {group.level: _counts(group.subtotal) for group in compiled.groups}
    else:
        data["rows"] = [{"field": row.key, **_counts(row.counts)} for row in compiled.rows]
    data["total"] = _counts(compiled.total)
    return data
