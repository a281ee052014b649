"""The urging letter (công văn đôn đốc, issue 15 point 3): a pure renderer over ``UrgingLetter`` (style.md §8).

``render_urging_letter(letter)`` fills the catalogue's docx template (``URGING_LETTER_TEMPLATE``, Jinja tags
in a Word document filled by docxtpl) and returns the bytes of a letter in the administrative format of
Decree 30/2020/NĐ-CP: the issuing body and the national emblem line with its motto, the number and the
place-and-date line, the subject ("V/v đôn đốc gửi …"), "Kính gửi:", the body naming the report, the
periods and the deadlines, the list of units, "Nơi nhận:" and the signature block. It never queries and
never reads settings or the clock: the view gathers the value (kstt.compliance.dashboard_views.urging_letter).

The template is catalogue data: ``kstt/catalogue/catalogue_data/urging_letter.docx``, built by
``python -m kstt.exports.urging_letter_template`` (that module says how to change it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docxtpl import DocxTemplate

import kstt.catalogue

#: Where the catalogue's shipped documents live (packaged as ``catalogue_data/**/*``).
CATALOGUE_DATA = Path(kstt.catalogue.__file__).resolve().parent / "catalogue_data"
URGING_LETTER_TEMPLATE = CATALOGUE_DATA / "urging_letter.docx"

#: Up to this many units are named one by one under "Kính gửi:"; more are sent to "the units listed below".
RECIPIENTS_NAMED = 6
PROVINCE_PREFIXES = ("Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ", "UBND tỉnh ", "UBND thành phố ")


@dataclass(frozen=True)
class LetterLine:
    """One unit that has not sent one report: its name, the period's label, the effective deadline (local
    time, as the letter prints it) and how many days it is late."""

    unit: str
    period: str
    deadline: datetime
    days_late: int


@dataclass(frozen=True)
class UrgingLetter:
    """Everything the letter says. ``province``: the province's name as the tree holds it ("Ủy ban nhân dân
    tỉnh Hòa Bình"); ``report``: the report type's name; ``on``: the letter's date."""

    province: str
    report: str
    on: date
    lines: Sequence[LetterLine]


def place_of(province: str) -> str:
    """The place the date line names: "Ủy ban nhân dân tỉnh Hòa Bình" → "Hòa Bình"."""
    for prefix in PROVINCE_PREFIXES:
        if province.lower().startswith(prefix.lower()):
            return province[len(prefix) :].strip()
    return province.strip()


def issuing_body(province: str) -> str:
    """The issuing body's upper line, in capitals: "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"."""
    return province.strip().upper()


def date_line(place: str, on: date) -> str:
    """The place and date line of Decree 30/2020/NĐ-CP (Appendix I): a day below 10 and the months 1 and 2
    are written with a leading zero: "Hòa Bình, ngày 05 tháng 02 năm 2026", "…, ngày 20 tháng 12 năm 2021"."""
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def in_sentence(name: str) -> str:
    """A report's name inside a sentence: "Báo cáo định kỳ …" → "báo cáo định kỳ …" (an acronym stays)."""
    return name[:1].lower() + name[1:] if name[:2] != name[:2].upper() else name


def subject(report: str, periods: Sequence[str]) -> str:
    """The subject line under the number: "V/v đôn đốc gửi báo cáo … Quý III/2021"."""
    return f"V/v đôn đốc gửi {in_sentence(report)} {', '.join(periods)}".strip()


def _periods(lines: Sequence[LetterLine]) -> list[str]:
    return list(dict.fromkeys(line.period for line in lines))


def _when(at: datetime) -> str:
    return f"{at:%H} giờ {at:%M} ngày {at:%d/%m/%Y}"


def _sorted(letter: UrgingLetter) -> list[LetterLine]:
    return sorted(letter.lines, key=lambda line: (line.deadline, line.period, line.unit))


def letter_subject(letter: UrgingLetter) -> str:
    """The letter's subject line (what the office's register records)."""
    return subject(letter.report, _periods(_sorted(letter)))


def context(letter: UrgingLetter) -> dict[str, object]:
    """The template's variables (what every tag in the template reads)."""
    lines = _sorted(letter)
    periods = _periods(lines)
    units = list(dict.fromkeys(line.unit for line in lines))
    deadlines = list(dict.fromkeys(_when(line.deadline) for line in lines))
    place = place_of(letter.province)
    return {
        "issuing_body": issuing_body(letter.province),
        "date_line": date_line(place, letter.on),
        "subject": subject(letter.report, periods),
        "recipients": units if len(units) <= RECIPIENTS_NAMED else ["Các đơn vị có tên trong danh sách dưới đây"],
        "report": in_sentence(letter.report),
        "periods": ", ".join(periods),
        "deadlines": "; ".join(deadlines),
        "one_deadline": len(deadlines) == 1,
        "today": f"{letter.on:%d/%m/%Y}",
        "count": len(units),
        "province_short": f"tỉnh {place}",
        "lines": [
            {
                "number": n,
                "unit": line.unit,
                "period": line.period,
                "deadline": f"{line.deadline:%H:%M %d/%m/%Y}",
                "days": line.days_late,
            }
            for n, line in enumerate(lines, start=1)
        ],
    }


def render_urging_letter(letter: UrgingLetter, *, template: Path = URGING_LETTER_TEMPLATE) -> bytes:
    """The letter as the bytes of a .docx, ready to be numbered, signed and sent."""
    document = DocxTemplate(str(template))
    document.render(context(letter), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
