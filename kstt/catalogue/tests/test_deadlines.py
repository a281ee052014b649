"""Periods, windows and deadlines, read as the regulation (rules.md §3)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.deadlines import (
    DEFAULT_POLICY,
    DeadlinePolicy,
    LevelDeadline,
    WorkCalendar,
    schedule,
    vietnam_calendar,
)
from kstt.catalogue.rules.periods import Period, PeriodError, periods_of_year

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar(range(2020, 2028))


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        pytest.param("2021Q1", "2020-12-15", "2021-03-14", id="Q1-starts-15-12-of-the-previous-year"),
        pytest.param("2021Q2", "2021-03-15", "2021-06-14", id="Q2"),
        pytest.param("2021Q3", "2021-06-15", "2021-09-14", id="Q3"),
        pytest.param("2021Q4", "2021-09-15", "2021-12-14", id="Q4"),
        pytest.param("2021H1", "2020-12-15", "2021-06-14", id="six-months"),
        pytest.param("2021M9", "2020-12-15", "2021-09-14", id="nine-months"),
        pytest.param("2021Y", "2020-12-15", "2021-12-14", id="year"),
        pytest.param("2024Q1", "2023-12-15", "2024-03-14", id="Q1-of-a-leap-year"),
    ],
)
def test_cut_off_windows_of_decree_09_article_12(code, start, end):
    assert Period.parse(code).window() == (date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize("code", ["2021Q5", "21Q1", "2021H2", "2021", "Q1-2021", ""])
def test_a_malformed_period_code_is_refused(code):
    with pytest.raises(PeriodError, match="not a period code"):
        Period.parse(code)


def test_the_quarterly_schedule_has_four_periods_in_order():
    assert [p.code for p in periods_of_year(2021, ["Q4", "Q1", "Q3", "Q2"])] == ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]


# Every quarter of 2021 and 2026 for every level: (period, level, deadline day, closing day).
# Offsets from the window's last day E: commune +2, department +4, district +5, province +6 (≤ 25th);
# a weekend or holiday moves the deadline to the next working day (Civil Code art. 148).
QUARTERS = [
    # 2021Q1: E = Sun 14/03/2021
    ("2021Q1", "commune", "2021-03-16", "2021-04-15"),  # Tue
    ("2021Q1", "department", "2021-03-18", "2021-04-19"),  # Thu; closing Sat 17/04 → Mon 19/04
    ("2021Q1", "district", "2021-03-19", "2021-04-19"),  # Fri; closing Sun 18/04 → Mon 19/04
    ("2021Q1", "province", "2021-03-22", "2021-04-22"),  # Sat 20/03 → Mon 22/03
    # 2021Q2: E = Mon 14/06/2021
    ("2021Q2", "commune", "2021-06-16", "2021-07-16"),
    ("2021Q2", "department", "2021-06-18", "2021-07-19"),  # closing Sun 18/07 → Mon 19/07
    ("2021Q2", "district", "2021-06-21", "2021-07-21"),  # Sat 19/06 → Mon 21/06
    ("2021Q2", "province", "2021-06-21", "2021-07-21"),  # Sun 20/06 → Mon 21/06
    # 2021Q3: E = Tue 14/09/2021 (interchange.md's example: D148 due 20/09)
    ("2021Q3", "commune", "2021-09-16", "2021-10-18"),  # closing Sat 16/10 → Mon 18/10
    ("2021Q3", "department", "2021-09-20", "2021-10-20"),  # Sat 18/09 → Mon 20/09
    ("2021Q3", "district", "2021-09-20", "2021-10-20"),  # Sun 19/09 → Mon 20/09
    ("2021Q3", "province", "2021-09-20", "2021-10-20"),
    # 2021Q4: E = Tue 14/12/2021
    ("2021Q4", "commune", "2021-12-16", "2022-01-17"),  # closing Sat 15/01 → Mon 17/01
    ("2021Q4", "department", "2021-12-20", "2022-01-19"),  # Sat 18/12 → Mon 20/12
    ("2021Q4", "district", "2021-12-20", "2022-01-19"),
    ("2021Q4", "province", "2021-12-20", "2022-01-19"),
    # 2026Q1: E = Sat 14/03/2026
    ("2026Q1", "commune", "2026-03-16", "2026-04-15"),
    ("2026Q1", "department", "2026-03-18", "2026-04-17"),
    ("2026Q1", "district", "2026-03-19", "2026-04-20"),  # closing Sat 18/04 → Mon 20/04
    ("2026Q1", "province", "2026-03-20", "2026-04-20"),  # closing Sun 19/04 → Mon 20/04
    # 2026Q2: E = Sun 14/06/2026
    ("2026Q2", "commune", "2026-06-16", "2026-07-16"),
    ("2026Q2", "department", "2026-06-18", "2026-07-20"),  # closing Sat 18/07 → Mon 20/07
    ("2026Q2", "district", "2026-06-19", "2026-07-20"),  # closing Sun 19/07 → Mon 20/07
    ("2026Q2", "province", "2026-06-22", "2026-07-22"),  # Sat 20/06 → Mon 22/06
    # 2026Q3: E = Mon 14/09/2026
    ("2026Q3", "commune", "2026-09-16", "2026-10-16"),
    ("2026Q3", "department", "2026-09-18", "2026-10-19"),  # closing Sun 18/10 → Mon 19/10
    ("2026Q3", "district", "2026-09-21", "2026-10-21"),  # Sat 19/09 → Mon 21/09
    ("2026Q3", "province", "2026-09-21", "2026-10-21"),  # Sun 20/09 → Mon 21/09
    # 2026Q4: E = Mon 14/12/2026
    ("2026Q4", "commune", "2026-12-16", "2027-01-15"),
    ("2026Q4", "department", "2026-12-18", "2027-01-18"),  # closing Sun 17/01 → Mon 18/01
    ("2026Q4", "district", "2026-12-21", "2027-01-20"),  # Sat 19/12 → Mon 21/12
    ("2026Q4", "province", "2026-12-21", "2027-01-20"),  # Sun 20/12 → Mon 21/12
]


@pytest.mark.parametrize(
    ("code", "level", "deadline", "closing"), [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in QUARTERS]
)
def test_every_quarter_of_2021_and_2026_for_every_level(code, level, deadline, closing):
    due = schedule(Period.parse(code), level, DEFAULT_POLICY, CALENDAR, HCM)
    assert (due.deadline_day.isoformat(), due.closing_day.isoformat()) == (deadline, closing)


def test_a_deadline_is_the_end_of_the_local_day():
    due = schedule(Period.parse("2021Q3"), "district", DEFAULT_POLICY, CALENDAR, HCM)
    assert due.deadline == datetime(2021, 9, 20, 23, 59, 59, 999999, tzinfo=HCM)
    assert due.deadline.isoformat() == "2021-09-20T23:59:59.999999+07:00"


@pytest.mark.parametrize(
    ("offset", "expected", "why"),
    [
        pytest.param(2, "2021-09-16", "a Thursday, a working day", id="working-day-stays"),
        pytest.param(4, "2021-09-20", "Saturday 18/09 → Monday 20/09", id="saturday-rolls-to-monday"),
        pytest.param(5, "2021-09-20", "Sunday 19/09 → Monday 20/09", id="sunday-rolls-to-monday"),
    ],
)
def test_weekend_rollover_civil_code_148(offset, expected, why):
    policy = DeadlinePolicy(levels={"commune": LevelDeadline(offset)})
    assert schedule(Period.parse("2021Q3"), "commune", policy, CALENDAR, HCM).deadline_day.isoformat() == expected, why


def test_national_day_rolls_a_deadline_over_the_holiday():
    # A province whose cut-off is the 31st of August... simulated with an offset that lands on 2/9/2021.
    policy = DeadlinePolicy(levels={"commune": LevelDeadline(-12)})
    due = schedule(Period.parse("2021Q3"), "commune", policy, CALENDAR, HCM)
    # 14/09 − 12 = Thu 02/09 (National Day), Fri 03/09 (holiday), weekend → Mon 06/09
    assert due.deadline_day == date(2021, 9, 6)


def test_tet_rolls_a_deadline_past_the_lunar_new_year():
    # Tết 2021: 10–16 February. A deadline landing on Thu 11/02 moves to Wed 17/02.
    policy = DeadlinePolicy(levels={"commune": LevelDeadline(-31)})
    due = schedule(Period.parse("2021Q1"), "commune", policy, CALENDAR, HCM)
    assert due.steps[0].endswith("2021-02-11")
    assert due.deadline_day == date(2021, 2, 17)


def test_tet_2026():
    # Tết 2026 in the public calendar: 16–20 February; Mon 16/02 → Mon 23/02 after the weekend.
    policy = DeadlinePolicy(levels={"commune": LevelDeadline(-26)})
    assert schedule(Period.parse("2026Q1"), "commune", policy, CALENDAR, HCM).deadline_day == date(2026, 2, 23)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        pytest.param(6, "2021-03-22", id="E+6-is-before-the-25th"),
        pytest.param(11, "2021-03-25", id="E+11-is-the-25th"),
        pytest.param(12, "2021-03-25", id="E+12-capped-at-the-25th"),
        pytest.param(20, "2021-03-25", id="far-past-capped-at-the-25th"),
    ],
)
def test_the_province_is_never_after_the_25th_decree_09_article_13(offset, expected):
    policy = DeadlinePolicy(levels={"province": LevelDeadline(offset, cap_day=25)})
    assert schedule(Period.parse("2021Q1"), "province", policy, CALENDAR, HCM).deadline_day.isoformat() == expected


def test_a_capped_25th_on_a_weekend_falls_back_to_the_last_working_day_before_it():
    # 25/09/2021 is a Saturday: never after the 25th, so Friday 24/09.
    policy = DeadlinePolicy(levels={"province": LevelDeadline(15, cap_day=25)})
    assert schedule(Period.parse("2021Q3"), "province", policy, CALENDAR, HCM).deadline_day == date(2021, 9, 24)


def test_rollover_can_be_switched_off():
    policy = DeadlinePolicy(levels={"department": LevelDeadline(4)}, roll_forward=False)
    due = schedule(Period.parse("2021Q3"), "department", policy, CALENDAR, HCM)
    assert (due.deadline_day, due.closing_day) == (date(2021, 9, 18), date(2021, 10, 18))


def test_the_closing_time_is_30_days_after_the_scheduled_deadline_on_a_working_day():
    due = schedule(Period.parse("2021Q3"), "commune", DEFAULT_POLICY, CALENDAR, HCM)
    assert due.closing_day == date(2021, 10, 18)  # 16/09 + 30 = Sat 16/10 → Mon 18/10
    assert due.closing == datetime(2021, 10, 18, 23, 59, 59, 999999, tzinfo=HCM)


def test_a_province_day_off_moves_the_deadline():
    calendar = vietnam_calendar([2021], province_days_off={date(2021, 9, 16): "Nghỉ bù của tỉnh"})
    assert schedule(Period.parse("2021Q3"), "commune", DEFAULT_POLICY, calendar, HCM).deadline_day == date(2021, 9, 17)


def test_a_make_up_working_saturday_keeps_the_deadline():
    calendar = vietnam_calendar([2021], province_working_days={date(2021, 9, 18): "Làm bù"})
    assert schedule(Period.parse("2021Q3"), "department", DEFAULT_POLICY, calendar, HCM).deadline_day == date(
        2021, 9, 18
    )


def test_the_national_make_up_working_days_count_as_working_days():
    assert vietnam_calendar([2026]).is_working_day(date(2026, 8, 22))  # a Saturday worked for 31/08/2026


def test_a_plain_calendar_knows_weekends():
    plain = WorkCalendar()
    assert plain.after(date(2021, 9, 17)) == date(2021, 9, 20)
