"""Reporting periods and their data cut-off windows (rules.md §3, Decree 09/2019/NĐ-CP art. 12).

Period codes: ``2021Q1``..``2021Q4``, ``2021H1`` (six months), ``2021M9`` (nine months), ``2021Y``.
A window runs from the cut-off day of the month before the period's first month to the day before
the cut-off day of its last month, both inclusive: with the legal cut-off day 15, Q3 is 15/06–14/09
and Q1 is 15/12 of the previous year – 14/03. A cut-off day of 1 means calendar months: the window
ends on the last day of the period's last month (Q3 is 01/07–30/09), never on the last day of the
month before it (which would shift every window back by a whole month).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

#: Period kind → (first month, last month) of the calendar months it reports on.
KINDS: dict[str, tuple[int, int]] = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "H1": (1, 6),
    "M9": (1, 9),
    "Y": (1, 12),
}
LEGAL_CUTOFF_DAY = 15
#: The kinds of period a code names after its year (the API's schema states the same: kstt/api_schema.py).
KIND_PATTERN = r"Q[1-4]|H1|M9|Y"
#: A year of four digits from 1000: the year 0 has no dates (its window would start in the year -1).
YEAR_PATTERN = r"[1-9][0-9]{3}"
_CODE = re.compile(rf"^(?P<year>{YEAR_PATTERN})(?P<kind>{KIND_PATTERN})$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str

    @classmethod
    def parse(cls, code: str) -> Period:
        match = _CODE.match(code.strip().upper())
        if match is None:
            raise PeriodError(f"not a period code: {code!r} (expected e.g. 2021Q3, 2021H1, 2021M9, 2021Y)")
        return cls(int(match["year"]), match["kind"])

    @property
    def code(self) -> str:
        return f"{self.year}{self.kind}"

    def __str__(self) -> str:
        return self.code

    def window(self, cutoff_day: int = LEGAL_CUTOFF_DAY) -> tuple[date, date]:
        """The data cut-off window [start, end], local dates, both inclusive."""
        if not 1 <= cutoff_day <= 28:
            raise PeriodError(f"the cut-off day must be between 1 and 28, not {cutoff_day}")
        first, last = KINDS[self.kind]
        before_year, before_month = (self.year - 1, 12) if first == 1 else (self.year, first - 1)
        start = month_end(before_year, before_month, cutoff_day) + timedelta(days=1)
        return start, month_end(self.year, last, cutoff_day)

    @property
    def last_month(self) -> int:
        return KINDS[self.kind][1]


def month_end(year: int, month: int, cutoff_day: int) -> date:
    """The last day of a month's data: the day before the cut-off day in that month, or with the
    cut-off day 1 (calendar months) the month's last day."""
    if cutoff_day == 1:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, cutoff_day - 1)


def periods_of_year(year: int, kinds: list[str] | tuple[str, ...]) -> list[Period]:
    """The periods a schedule (e.g. ``["Q1", "Q2", "Q3", "Q4"]``) has in a year, in order of their ends."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise PeriodError(f"unknown period kind(s): {', '.join(unknown)}")
    return sorted((Period(year, k) for k in kinds), key=lambda p: (p.window()[1], p.kind))


def previous_period(period: Period) -> Period:
    """The period of the same kind just before: 2021Q1 → 2020Q4, 2021Q3 → 2021Q2, 2021Y → 2020Y.

    A quarter's window starts the day after its previous quarter's ends, so R7 (forms.md: the carried-over
    dossiers of period N are the ones pending at the end of N−1) compares adjoining windows. The cumulative
    kinds (H1, M9, Y) step back a year.
    """
    if period.kind.startswith("Q"):
        quarter = int(period.kind[1])
        return Period(period.year - 1, "Q4") if quarter == 1 else Period(period.year, f"Q{quarter - 1}")
    return Period(period.year - 1, period.kind)
