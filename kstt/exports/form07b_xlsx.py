"""Form II.07b/VPCP/KSTT as an xlsx workbook: a pure renderer over ``CompiledForm07b`` (forms.md "Layout
fidelity", the layout of ``kstt.exports.printed``).

``render_form07b_xlsx(form)`` returns the bytes of a workbook: the printed header (form code and legal
basis top left, the units top right, title and period centred, the three merged column groups, the
column-number row 1 … 14), one row per unit (1 … n) with its counts as numbers (a cell left empty stays
empty), the total row "Tổng cộng" as ``=SUM(…)`` formulas over the unit rows, and the signature block.
The hidden ``_kstt`` sheet says where the data is, with the keys of form 06's (``sheet``, ``form_key``,
``form_code``, ``form_version``, ``unit_code``, ``period``, ``first_data_row``, ``total_row``,
``column:<key>``, ``row:<unit code>``); ``compiled`` is "no": the province types these figures itself, so
a filled-in copy reads back through ``form06_import.read_form06_workbook`` given form 07b's definition.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from kstt.catalogue.rules.form07b import CompiledForm07b
from kstt.exports.printed import Heading, PrintedForm


def render_form07b_xlsx(form: CompiledForm07b) -> bytes:
    spec = form.spec
    printed = PrintedForm.open(spec, Heading(form.unit_name, form.recipient_name, form.period_label, form.window))
    body = printed.body
    at = [body.line(number, row.label, row.counts) for number, row in enumerate(form.rows, start=1)]
    total_row = body.total(spec.layout.get("total_label", ""), form.total, at)
    meta: list[tuple[str, object]] = [
        ("sheet", printed.ws.title),
        ("form_key", spec.key),
        ("form_code", spec.code),
        ("form_version", spec.version),
        ("unit_code", form.unit_code),
        ("period", form.period),
        ("compiled", "no"),  # the province's own figures, one row per unit: readable by the importer
        ("first_data_row", printed.first_data_row),
        ("total_row", total_row),
        *((f"column:{c.key}", get_column_letter(c.number)) for c in body.columns),
        *((f"row:{row.key}", line) for row, line in zip(form.rows, at, strict=True)),
    ]
    return printed.close(total_row, meta)
