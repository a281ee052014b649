"""The province's own report in the demo: compiled from the reports it receives, then sent (issue 15).

On the instant the scenario gives (the province's deadline day), with the history loaded up to that instant,
the provincial officer (a reporter of the province) opens the province's report of the period, attaches the
narrative PDF, fills form 07b (one row per unit below the province: the numbers of procedures, one-stop
procedures and internal workflows each settles, seeded) and the narrative, whose figures are form 06 compiled
from the units' reports as they stand then (``compile_from_reports``), and submits it with the checks of the
data-entry page. Form 06 is not the province's to fill (catalogue): its compiled form is computed, as of the
report's submission, wherever it is shown (the package, the narrative draft). The province
reports to the Government Office, outside KSTT: nobody here reviews it.

Loading again changes nothing: a report already submitted is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from kstt.accounts.models import User
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.form07b import column_sums
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import TOTAL
from kstt.demo import content
from kstt.demo.submissions import attach_narrative
from kstt.reports import services
from kstt.reports.compiled_selectors import compile_from_reports
from kstt.reports.form07b_export import FORM07B
from kstt.reports.models import Draft, ReportInstance
from kstt.units import selectors as units
from kstt.units.models import Unit

#: The province's narrative: the outline's sections in a few words each (the provincial office's summary).
SUMMARY = (
    "UBND tỉnh tổng hợp báo cáo của các sở, ban, ngành và UBND cấp xã (chính quyền địa phương hai cấp).",
    "Tổng số hồ sơ tiếp nhận trong kỳ {received_total}, đã giải quyết {settled_total}, trong đó quá hạn "
    "{settled_late}; đang giải quyết {pending_total}.",
    "Còn {missing} đơn vị chưa gửi báo cáo tại thời điểm tổng hợp; Văn phòng UBND tỉnh đã đôn đốc.",
)


@dataclass
class ProvinceReport:
    submitted: int = 0
    unchanged: int = 0
    lines: int = 0  # units whose reports the compiled form 06 counts
    missing: int = 0


def form07b_rows(children: list[tuple[str, str]], *, seed: int) -> dict[str, dict[str, int]]:
    """Form 07b of the province: per unit below it (code, level), its procedures by level, seeded; the total row
    the sum of the unit rows."""
    rows: dict[str, dict[str, int]] = {}
    for code, level in children:
        rng = random.Random(f"{seed}:07b:{code}")  # noqa: S311 (demo data)
        where = "province" if level == "department" else "commune"
        tthc = rng.randint(40, 180) if where == "province" else rng.randint(95, 125)
        onestop = tthc - rng.randint(0, 6)
        workflow = onestop - rng.randint(0, 4)
        row = {}
        for group, value in (("tthc", tthc), ("onestop", onestop), ("workflow", workflow)):
            for column in ("province", "district", "commune"):
                row[f"{group}_{column}"] = value if column == where else 0
            row[f"{group}_total"] = value
        rows[code] = row
    rows[TOTAL] = column_sums(list(rows.values()))
    return rows


def load_province_report(*, unit_code: str, period: str, at: datetime, seed: int) -> ProvinceReport:
    """Compile and send the province's report of ``period`` at ``at``; all or nothing, safe to run again."""
    result = ProvinceReport()
    report_type = catalogue.report_type("kstt")
    unit = Unit.objects.filter(code=unit_code).first()
    reporter = User.objects.filter(unit=unit, is_reporter=True, is_active=True).order_by("pk").first()
    if report_type is None or unit is None or reporter is None:
        return result
    the_period = Period.parse(period)
    instance = ReportInstance.objects.filter(unit=unit, report_type=report_type, period=period).first()
    if instance is not None and instance.versions.exists():
        result.unchanged = 1
        return result
    with transaction.atomic():
        compiled = compile_from_reports(unit=unit, period=the_period, report_type=report_type)
        lines = [line for line in compiled.compilation.lines if line.reported is not None]
        result.lines, result.missing = len(lines), len(compiled.compilation.lines) - len(lines)
        end = catalogue.window(report_type, the_period)[1]
        children = sorted(
            (v.unit.code, v.level) for v in units.versions_on(end).filter(parent_id=unit.pk).select_related("unit")
        )
        values = {FORM07B: form07b_rows(children, seed=seed)}
        figures = {**compiled.compilation.total, "missing": result.missing}
        opened = at - timedelta(hours=2)
        instance = instance or services.open_instance(
            unit=unit, report_type=report_type, period=the_period, at=opened, actor=reporter
        )
        outline = catalogue.outline_in_force(report_type, on=end)
        sections = [s.key for s in outline.spec.fields] if outline is not None else []
        narrative = content.narrative(sections, figures, random.Random(f"{seed}:{unit_code}:{period}:text"))  # noqa: S311
        if sections:
            narrative[sections[0]] = SUMMARY[0]
            narrative[sections[-1]] = SUMMARY[2].format(**figures)
        attach_narrative(instance, [line.format(**figures) for line in SUMMARY], on=end, at=opened, actor=reporter)
        services.save_draft(
            instance=instance,
            values=values,
            narrative=narrative,
            reasons={},
            expected_revision=Draft.objects.get(instance=instance).revision,
            at=opened + timedelta(minutes=30),
            actor=reporter,
        )
        services.submit(instance=instance, at=at, actor=reporter)
        result.submitted = 1
    return result
