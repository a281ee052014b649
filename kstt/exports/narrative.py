"""The narrative report (báo cáo thuyết minh) drafted by KSTT (issue 15 point 2): a pure renderer over ``Narrative``.

A receiving unit (the province; a district in the 2021 shape) writes one narrative report for a period from
what its units sent. ``render_narrative(narrative)`` fills the catalogue's docx template
(``NARRATIVE_TEMPLATE``, Jinja tags in a Word document filled by docxtpl) and returns the bytes of a draft in
the administrative format of Decree 30/2020/NĐ-CP: the issuing body beside the national emblem line and its
motto, the number ("Số: …/BC-UBND") and the place-and-date line, the title ("BÁO CÁO" over "Tình hình, kết quả
thực hiện công tác kiểm soát thủ tục hành chính … quý III năm 2021"), the outline's sections in order, a last
section on the reporting regime, "Nơi nhận:" and the signature block.

In each section of the outline the draft gathers, for the writer to condense: the compiled figures in words
and a table (the sections about form 06's figures, ``FIGURE_SECTIONS``), then each unit's own text for that
section under the unit's name, then the units that wrote nothing there, named briefly. The reporting regime
section says who sent on time, on time thanks to an incident, late and not at all, from the ledger's
verdicts, each said by the regulation's word as every page says it. The writer edits it in Word or
LibreOffice, signs the PDF and attaches it to the unit's report.

It never queries and never reads settings or the clock: kstt.compliance.narrative_selectors gathers the
value. The template is catalogue data, built by ``python -m kstt.exports.narrative_template``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docxtpl import DocxTemplate

from kstt.exports.urging_letter import CATALOGUE_DATA, date_line

NARRATIVE_TEMPLATE = CATALOGUE_DATA / "narrative.docx"

#: The outline's sections about the figures of form 06: (section key → form code). There the draft puts
#: the compiled figures in words and in a table before the units' texts.
FIGURE_SECTIONS: Mapping[str, str] = {"settlement": "06/VPCP/KSTT"}

#: A name's administrative prefix, left out of the place the date line names.
_PLACE_PREFIX = re.compile(
    r"^(?:ủy ban nhân dân|ubnd)\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+", re.IGNORECASE
)
_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

#: The statuses the summary counts, in the order it says them (kstt.reports.timeliness.Status values).
SUMMARY_ORDER = ("on_time", "excused", "late", "not_sent", "overdue", "incident_open", "not_yet_due")


@dataclass(frozen=True)
class UnitText:
    """One unit's own text for one section of the outline, from its standing report."""

    unit: str
    text: str


@dataclass(frozen=True)
class FigureRow:
    """One row of a figures table: a group of units (or the total) and its form 06 figures."""

    label: str
    counts: Mapping[str, int]  # every key of kstt.catalogue.rules.form06.FORM06_COLUMNS
    total: bool = False


@dataclass(frozen=True)
class Figures:
    """Form 06 compiled from the units' standing reports: the total, a row per group, who is not in it."""

    total: Mapping[str, int]
    rows: Sequence[FigureRow]
    received: int  # units whose figures are in the total
    expected: int  # units that should be
    missing: Sequence[str] = ()  # the names of the units whose figures are not in it


@dataclass(frozen=True)
class NarrativeSection:
    """A section of the outline in force: its number as printed ("I", "I.1"), its title, and what the
    units wrote in it (``text`` False: a heading over its sub-sections)."""

    key: str
    number: str
    title: str
    text: bool = True
    texts: Sequence[UnitText] = ()
    silent: Sequence[str] = ()  # the units (names) that sent a report without text in this section
    unsent: Sequence[str] = ()  # the units (names) that owe the report and have sent none
    figures: Figures | None = None

    @property
    def depth(self) -> int:
        return self.number.count(".")


@dataclass(frozen=True)
class RegimeLine:
    """One unit that owes the receiving unit this period's report, and the ledger's verdict on it."""

    unit: str
    status: str  # a kstt.reports.timeliness.Status value
    label: str  # the regulation's word for it, as every page says it (kstt.reports.choices.timeliness_label)
    submitted_at: datetime | None  # local time, as the document prints it
    deduction: Decimal | None = None  # None: not scored, or the verdict is not final yet


@dataclass(frozen=True)
class Narrative:
    """Everything the draft says. ``unit``: the receiving unit's name ("Ủy ban nhân dân tỉnh Hòa Bình");
    ``period``: the period's code kind and year; ``on``: the draft's date."""

    unit: str
    year: int
    kind: str  # "Q1".."Q4", "H1", "M9", "Y"
    on: date
    legal_basis: str
    sections: Sequence[NarrativeSection]
    regime: Sequence[RegimeLine]
    recipient: str = "Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)"


def place_of(name: str) -> str:
    """The place the date line names: "Ủy ban nhân dân tỉnh Hòa Bình" → "Hòa Bình", "… huyện Lạc Sơn" → "Lạc Sơn"."""
    return _PLACE_PREFIX.sub("", name.strip()).strip()


def period_words(year: int, kind: str) -> str:
    """The period inside the title: "quý III năm 2021", "6 tháng đầu năm 2021", "9 tháng năm 2021", "năm 2021"."""
    if kind.startswith("Q"):
        return f"quý {_ROMAN[int(kind[1:])]} năm {year}"
    return {"H1": "6 tháng đầu năm", "M9": "9 tháng năm", "Y": "năm"}[kind] + f" {year}"


def number(n: int) -> str:
    """A count as Vietnamese prints it: a dot between thousands ("12.345")."""
    return f"{n:,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    """A share in per cent with two decimals at most, a comma for the decimal point: "93,75%"; "—" of nothing."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{value:f}".replace(".", ",")
    return f"{text}%"


def figures_in_words(figures: Figures) -> list[str]:
    """Form 06's compiled figures said in sentences (the writer keeps or rewrites them)."""
    t = figures.total
    in_time = t["settled_early"] + t["settled_on_time"]
    said = [
        f"Trong kỳ, tổng số hồ sơ tiếp nhận là {number(t['received_total'])} hồ sơ (trực tuyến: "
        f"{number(t['received_online'])}; trực tiếp, dịch vụ bưu chính: {number(t['received_direct'])}; "
        f"từ kỳ trước chuyển sang: {number(t['carried_over'])}).",
        f"Số hồ sơ đã giải quyết là {number(t['settled_total'])} hồ sơ (trước hạn: {number(t['settled_early'])}; "
        f"đúng hạn: {number(t['settled_on_time'])}; quá hạn: {number(t['settled_late'])}); tỷ lệ giải quyết "
        f"trước hạn, đúng hạn đạt {percent(in_time, t['settled_total'])}.",
        f"Số hồ sơ đang giải quyết là {number(t['pending_total'])} hồ sơ (trong hạn: "
        f"{number(t['pending_in_time'])}; quá hạn: {number(t['pending_overdue'])}).",
    ]
    source = f"Số liệu tổng hợp từ báo cáo của {figures.received}/{figures.expected} đơn vị"
    if figures.missing:
        source += f"; chưa có số liệu của: {', '.join(figures.missing)}"
    said.append(source + ".")
    return said


def regime_summary(year: int, kind: str, regime: Sequence[RegimeLine]) -> str:
    """The reporting regime in one sentence: how many units owed the report and how many have each status,
    each said by its label: "…; trong đó đúng hạn: 2 đơn vị; chậm: 1 đơn vị."."""
    labels = {line.status: line.label for line in regime}
    counts = {status: sum(1 for line in regime if line.status == status) for status in labels}
    order = [*SUMMARY_ORDER, *sorted(set(labels) - set(SUMMARY_ORDER))]
    parts = [
        f"{labels[status][:1].lower()}{labels[status][1:]}: {counts[status]} đơn vị"
        for status in order
        if status in labels
    ]
    head = f"Kỳ báo cáo {period_words(year, kind)} có {len(regime)} đơn vị phải gửi báo cáo qua Hệ thống"
    return f"{head}; trong đó {'; '.join(parts)}." if parts else f"{head}."


def next_part(sections: Sequence[NarrativeSection]) -> str:
    """The Roman number of the part after the outline's last one (the reporting regime section's)."""
    parts = [s.number for s in sections if s.depth == 0]
    last = _ROMAN.index(parts[-1]) if parts and parts[-1] in _ROMAN else 0
    return _ROMAN[last + 1] if last + 1 < len(_ROMAN) else str(last + 1)


def heading(section: NarrativeSection) -> str:
    """A section's heading as printed: a part in capitals ("I. KẾT QUẢ ĐẠT ĐƯỢC"), a sub-section by its
    own number ("1. Công tác chỉ đạo, điều hành")."""
    if section.depth == 0:
        return f"{section.number}. {section.title.upper()}"
    return f"{section.number.rsplit('.', 1)[1]}. {section.title}"


def paragraphs(text: str) -> list[str]:
    """A unit's text as the paragraphs it wrote (blank lines and trailing spaces left out)."""
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def _when(at: datetime | None) -> str:
    return f"{at:%H:%M %d/%m/%Y}" if at is not None else ""


def _points(deduction: Decimal | None) -> str:
    if deduction is None:
        return ""
    return f"{deduction.normalize():f}".replace(".", ",")


def _figure_cells(counts: Mapping[str, int]) -> dict[str, str]:
    return {
        "received": number(counts["received_total"]),
        "online": number(counts["received_online"]),
        "settled": number(counts["settled_total"]),
        "in_time": number(counts["settled_early"] + counts["settled_on_time"]),
        "late": number(counts["settled_late"]),
        "pending": number(counts["pending_total"]),
        "overdue": number(counts["pending_overdue"]),
    }


def _section(section: NarrativeSection) -> dict[str, object]:
    figures = section.figures
    return {
        "heading": heading(section),
        "part": section.depth == 0,
        "text": section.text,
        "words": figures_in_words(figures) if figures is not None else [],
        "table": bool(figures is not None and figures.rows),
        "rows": [
            {"label": row.label, "total": row.total, **_figure_cells(row.counts)}
            for row in (figures.rows if figures is not None else ())
        ],
        "units": [{"name": t.unit, "paragraphs": paragraphs(t.text)} for t in section.texts],
        "silent": ", ".join([*section.silent, *(f"{name} (chưa gửi báo cáo)" for name in section.unsent)]),
        "empty": section.text and not section.texts,
    }


def context(narrative: Narrative) -> dict[str, object]:
    """The template's variables (what every tag in the template reads)."""
    place = place_of(narrative.unit)
    return {
        "issuing_body": narrative.unit.strip().upper(),
        "number_line": "Số:        /BC-UBND",
        "date_line": date_line(place, narrative.on),
        "period": period_words(narrative.year, narrative.kind),
        "unit": narrative.unit,
        "legal_basis": narrative.legal_basis,
        "recipient": narrative.recipient,
        "sections": [_section(s) for s in narrative.sections],
        "regime_heading": f"{next_part(narrative.sections)}. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO",
        "regime_summary": regime_summary(narrative.year, narrative.kind, narrative.regime),
        "regime": [
            {
                "number": n,
                "unit": line.unit,
                "status": line.label,
                "at": _when(line.submitted_at),
                "points": _points(line.deduction),
            }
            for n, line in enumerate(narrative.regime, start=1)
        ],
    }


def render_narrative(narrative: Narrative, *, template: Path = NARRATIVE_TEMPLATE) -> bytes:
    """The draft narrative report as the bytes of a .docx, for the writer to edit, sign and attach."""
    document = DocxTemplate(str(template))
    document.render(context(narrative), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
