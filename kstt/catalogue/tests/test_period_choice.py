"""Which periods a page shows: none whose window has not started, none before the first form; a bad
code is refused with a message, never replaced silently (pure: no database)."""

from datetime import date

import pytest
from django.utils import translation

from kstt.catalogue.period_choice import PeriodChoiceError, PeriodRange
from kstt.catalogue.rules.periods import Period

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def on(today: date, first_year: int | None = 2021) -> PeriodRange:
    return PeriodRange(kinds=QUARTERS, cutoff_day=15, today=today, first_year=first_year)


@pytest.mark.parametrize(
    ("today", "code"),
    [
        pytest.param(date(2021, 9, 15), "2021Q4", id="window-starts-today"),
        pytest.param(date(2021, 12, 15), "2022Q1", id="next-years-q1-starts-on-15-december"),
        pytest.param(date(2021, 9, 20), "2021Q3", id="ended-window"),
        pytest.param(date(2021, 9, 20), "2021H1", id="a-cumulative-view"),
        pytest.param(date(2026, 11, 29), "2021Q1", id="the-first-year"),
        pytest.param(date(2021, 9, 20), " 2021q3 ", id="case-and-spaces"),
    ],
)
def test_a_period_that_has_started_is_shown(today, code):
    assert on(today).choose(code) == Period.parse(code)


@pytest.mark.parametrize(
    ("today", "code", "message"),
    [
        pytest.param(date(2021, 9, 14), "2021Q4", "Quý IV/2021 chưa bắt đầu", id="window-starts-tomorrow"),
        pytest.param(date(2021, 12, 14), "2022Q1", "Quý I/2022 chưa bắt đầu", id="the-day-before-15-december"),
        pytest.param(date(2026, 11, 29), "2031Q1", "kỳ gần nhất là Quý IV/2026", id="years-ahead"),
        pytest.param(date(2026, 11, 29), "2020Q4", "trước năm 2021", id="before-the-first-form"),
        pytest.param(date(2026, 11, 29), "2021Q5", "không phải là kỳ báo cáo", id="no-such-quarter"),
        pytest.param(date(2026, 11, 29), "abc", "“abc” không phải là kỳ báo cáo", id="not-a-code"),
    ],
)
def test_a_period_a_page_cannot_show_is_refused_in_vietnamese(today, code, message):
    with translation.override("vi"), pytest.raises(PeriodChoiceError, match=message):
        on(today).choose(code)


def test_the_message_follows_the_readers_language():
    with translation.override("en"), pytest.raises(PeriodChoiceError, match="Quarter I/2031 has not started yet"):
        on(date(2026, 11, 29)).choose("2031Q1")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2021, 9, 15), "2021Q3", id="q3-ended-yesterday"),
        pytest.param(date(2021, 9, 14), "2021Q2", id="q3-ends-today"),
        pytest.param(date(2021, 12, 20), "2021Q4", id="demo-day"),
        pytest.param(date(2021, 2, 1), "2021Q1", id="none-ended-yet-the-first-period"),
    ],
)
def test_no_code_means_the_latest_period_that_has_ended(today, expected):
    assert on(today).choose(None) == on(today).choose("") == Period.parse(expected)


def test_the_menu_runs_from_the_latest_started_period_back_to_the_first_year():
    menu = [p.code for p in on(date(2022, 3, 20)).menu()]
    assert menu == ["2022Q2", "2022Q1", "2021Q4", "2021Q3", "2021Q2", "2021Q1"]


def test_every_period_of_the_menu_is_accepted():
    periods = on(date(2026, 11, 29))
    assert all(periods.choose(p.code) == p for p in periods.menu())


def test_each_period_starts_by_the_cut_off_day_of_the_settings_in_force_for_it():
    """From 2022 calendar months (cut-off day 1): 2022Q1 starts on 01/01/2022, not on 15/12/2021."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Version:
        number: int
        valid_from: date | None
        cutoff_day: int

    periods = PeriodRange(
        kinds=QUARTERS,
        cutoff_day=15,
        today=date(2021, 12, 20),
        first_year=2021,
        settings=(Version(1, None, 15), Version(2, date(2022, 1, 1), 1)),
    )
    assert periods.window(Period(2021, "Q4")) == (date(2021, 9, 15), date(2021, 12, 14))
    assert periods.window(Period(2022, "Q1")) == (date(2022, 1, 1), date(2022, 3, 31))
    assert not periods.started(Period(2022, "Q1"))
    assert periods.menu()[0] == Period(2021, "Q4")
    assert on(date(2021, 12, 20)).menu()[0] == Period(2022, "Q1")  # with the cut-off day 15 it has started
