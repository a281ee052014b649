"""Which periods a page may show, and the period a page's ``?period=`` names.

A page takes a period code from the address. A code that is not a period, a period whose window has
not started yet (by ``kstt.clock``), or a period before the catalogue's first form is refused with a
message in the reader's language (a 400), never replaced silently by another period. No code at
all means the latest period whose window has ended.

``PeriodRange`` is plain data (tested without a database); ``period_range`` builds it from the
catalogue and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext as _

from kstt.catalogue.rules.periods import LEGAL_CUTOFF_DAY, Period, PeriodError
from kstt.catalogue.rules.settings import in_force


class Cutoff(Protocol):
    """What a period range reads of a settings version."""

    @property
    def valid_from(self) -> date | None: ...

    @property
    def number(self) -> int: ...

    @property
    def cutoff_day(self) -> int: ...


class PeriodChoiceError(PeriodError):
    """A period a page cannot show; the message is in the reader's language."""


def _label(period: Period) -> str:
    from kstt.catalogue.labels import period_label  # the one label helper (Quý III/2021)

    return period_label(period)


@dataclass(frozen=True)
class PeriodRange:
    """The periods of a schedule that pages accept: from the catalogue's first year to the last
    period whose window has started on ``today`` (local date)."""

    kinds: tuple[str, ...]  # the schedule's period kinds, e.g. ("Q1", "Q2", "Q3", "Q4")
    cutoff_day: int  # the cut-off day of a period no settings version names (see ``settings``)
    today: date
    first_year: int | None  # the year the first form comes into force (None: no forms loaded)
    #: The report type's settings versions: each period's window has the cut-off day of the version in
    #: force for it (catalogue.rules.settings.in_force). Empty: ``cutoff_day`` for every period.
    settings: tuple[Cutoff, ...] = ()

    def window(self, period: Period) -> tuple[date, date]:
        """The period's data window under the settings in force for it."""
        if not self.settings:
            return period.window(self.cutoff_day)
        return period.window(in_force(self.settings, period).cutoff_day)

    def started(self, period: Period) -> bool:
        return self.window(period)[0] <= self.today

    def _latest_started(self) -> Period:
        for year in (self.today.year + 1, self.today.year):
            started = [Period(year, k) for k in reversed(self.kinds) if self.started(Period(year, k))]
            if started:
                return started[0]
        return Period(self.today.year - 1, self.kinds[-1])

    def check(self, period: Period) -> Period:
        """``period`` itself, or PeriodChoiceError saying why a page cannot show it."""
        if not self.started(period):
            raise PeriodChoiceError(
                _("%(period)s has not started yet: the latest period is %(latest)s.")
                % {"period": _label(period), "latest": _label(self._latest_started())}
            )
        if self.first_year is not None and period.year < self.first_year:
            raise PeriodChoiceError(
                _("KSTT has no reports before %(year)s: the first period is %(first)s.")
                % {"year": self.first_year, "first": _label(Period(self.first_year, self.kinds[0]))}
            )
        return period

    def menu(self) -> list[Period]:
        """The schedule's periods a page may show, newest first."""
        last = self._latest_started()
        first_year = self.first_year if self.first_year is not None else last.year - 5
        return [
            Period(year, kind)
            for year in range(last.year, first_year - 1, -1)
            for kind in reversed(self.kinds)
            if self.started(Period(year, kind))
        ]

    def default(self) -> Period:
        """The latest period whose window has ended (the first period while none has)."""
        ended = [p for p in self.menu() if self.window(p)[1] < self.today]
        if ended:
            return ended[0]
        menu = self.menu()
        return menu[-1] if menu else self._latest_started()

    def choose(self, code: str | None) -> Period:
        """The period a page's ``?period=`` names (the default when absent or blank)."""
        if code is None or not code.strip():
            return self.default()
        try:
            period = Period.parse(code)
        except PeriodError:
            raise PeriodChoiceError(
                _("“%(code)s” is not a reporting period: write it like 2021Q3, 2021H1, 2021M9 or 2021Y.")
                % {"code": code[:40]}
            ) from None
        return self.check(period)


def period_range(report_type) -> PeriodRange:
    """The periods pages accept for this report type, on the clock's today."""
    from kstt import clock
    from kstt.catalogue import selectors

    versions = tuple(selectors.settings_versions(report_type))
    return PeriodRange(
        kinds=tuple(report_type.periods),
        cutoff_day=versions[0].cutoff_day if versions else LEGAL_CUTOFF_DAY,
        today=clock.today(),
        first_year=selectors.first_year(report_type),
        settings=versions,
    )
