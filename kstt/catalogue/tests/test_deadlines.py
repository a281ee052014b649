"""Periods, windows and deadlines, read as the regulation (rules.md §3)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.deadlines import (
    CLOSING_DAYS,
    CUTOFF_DAYS,
    DEFAULT_POLICY,
    OFFSET_DAYS,
    DeadlinePolicy,
    LevelDeadline,
    Step,
    WorkCalendar,
    calendar_years,
    cap_date,
    policy_problems,
    schedule,
    vietnam_calendar,
)
from kstt.catalogue.rules.periods import KINDS, Period, PeriodError, periods_of_year

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
    assert due.steps[0] == Step("offset", date(2021, 3, 14), date(2021, 2, 11), -31)
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


# --- Every value the catalogue page accepts means what the page says (issue 7, point 10) ----------


@pytest.mark.parametrize(
    ("code", "cutoff_day", "start", "end"),
    [
        pytest.param("2021Q1", 1, "2021-01-01", "2021-03-31", id="cutoff-1-Q1-is-the-calendar-quarter"),
        pytest.param("2021Q2", 1, "2021-04-01", "2021-06-30", id="cutoff-1-Q2-ends-on-30-june"),
        pytest.param("2021Q3", 1, "2021-07-01", "2021-09-30", id="cutoff-1-Q3-is-not-shifted-a-month"),
        pytest.param("2021Q4", 1, "2021-10-01", "2021-12-31", id="cutoff-1-Q4-ends-on-31-december"),
        pytest.param("2021H1", 1, "2021-01-01", "2021-06-30", id="cutoff-1-six-months"),
        pytest.param("2021M9", 1, "2021-01-01", "2021-09-30", id="cutoff-1-nine-months"),
        pytest.param("2021Y", 1, "2021-01-01", "2021-12-31", id="cutoff-1-the-calendar-year"),
        pytest.param("2024Q1", 1, "2024-01-01", "2024-03-31", id="cutoff-1-leap-year"),
        pytest.param("2021Q3", 2, "2021-06-02", "2021-09-01", id="cutoff-2-ends-on-the-1st-of-the-last-month"),
        pytest.param("2021Q1", 2, "2020-12-02", "2021-03-01", id="cutoff-2-Q1-from-the-previous-december"),
        pytest.param("2021Q3", 15, "2021-06-15", "2021-09-14", id="cutoff-15-the-legal-window"),
        pytest.param("2021Q3", 28, "2021-06-28", "2021-09-27", id="cutoff-28-the-highest-accepted"),
        pytest.param("2021Q1", 28, "2020-12-28", "2021-03-27", id="cutoff-28-Q1"),
    ],
)
def test_the_window_of_every_accepted_cut_off_day(code, cutoff_day, start, end):
    assert Period.parse(code).window(cutoff_day) == (date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize("cutoff_day", range(CUTOFF_DAYS[0], CUTOFF_DAYS[1] + 1))
def test_the_windows_of_a_year_follow_each_other_without_gap_or_overlap(cutoff_day):
    quarters = [Period(2021, q).window(cutoff_day) for q in ("Q1", "Q2", "Q3", "Q4")]
    following = [Period(2022, "Q1").window(cutoff_day)]
    for (_, end), (start, _) in zip(quarters, quarters[1:] + following, strict=True):
        assert start == end + timedelta(days=1)
    # The last month of every period holds the window's end: no window is shifted a month back.
    for kind, (_, last) in KINDS.items():
        assert Period(2021, kind).window(cutoff_day)[1].month == last
    for kind in ("H1", "M9", "Y"):
        assert Period(2021, kind).window(cutoff_day)[0] == quarters[0][0]


@pytest.mark.parametrize("cutoff_day", [0, 29, 31])
def test_a_cut_off_day_outside_1_to_28_is_refused_by_the_window(cutoff_day):
    with pytest.raises(PeriodError, match="between 1 and 28"):
        Period.parse("2021Q3").window(cutoff_day)


@pytest.mark.parametrize(
    ("code", "cap_day", "expected"),
    [
        pytest.param("2021Q1", 31, "2021-03-31", id="31-in-march-is-the-31st"),
        pytest.param("2021Q2", 31, "2021-06-30", id="31-in-june-is-its-last-day"),
        pytest.param("2021Q3", 31, "2021-09-30", id="31-in-september-is-its-last-day"),
        pytest.param("2021Q4", 31, "2021-12-31", id="31-in-december-is-the-31st"),
        pytest.param("2021Q2", 30, "2021-06-30", id="30-in-june"),
        pytest.param("2021Q3", 29, "2021-09-29", id="29-in-september"),
        pytest.param("2021H1", 31, "2021-06-30", id="six-months-ends-in-june"),
        pytest.param("2021M9", 31, "2021-09-30", id="nine-months-ends-in-september"),
        pytest.param("2021Q3", 1, "2021-09-01", id="the-lowest-accepted"),
    ],
)
def test_a_cap_past_the_end_of_a_shorter_month_is_its_last_day(code, cap_day, expected):
    assert cap_date(Period.parse(code), cap_day).isoformat() == expected


@pytest.mark.parametrize(
    ("code", "cap_day", "expected"),
    [
        # E + 20 is in the next month, so the cap decides: the cap day, or the month's last day.
        pytest.param("2021Q2", 31, "2021-06-30", id="Q2-cap-31-is-wed-30-june"),
        pytest.param("2021Q3", 31, "2021-09-30", id="Q3-cap-31-is-thu-30-september"),
        pytest.param("2021Q3", 30, "2021-09-30", id="Q3-cap-30"),
        pytest.param("2021Q3", 29, "2021-09-29", id="Q3-cap-29"),
        pytest.param("2021Q1", 31, "2021-03-31", id="Q1-cap-31-is-wed-31-march"),
        pytest.param("2021Q4", 31, "2021-12-31", id="Q4-cap-31-is-fri-31-december"),
        pytest.param("2026Q2", 31, "2026-06-30", id="2026Q2-cap-31-is-tue-30-june"),
        pytest.param("2025Q3", 31, "2025-09-30", id="2025Q3-cap-31-is-tue-30-september"),
        pytest.param("2021Q2", 27, "2021-06-25", id="Q2-cap-sunday-27-falls-back-to-friday-25"),
    ],
)
def test_a_cap_of_29_to_31_gives_a_deadline_in_every_month(code, cap_day, expected):
    policy = DeadlinePolicy(levels={"province": LevelDeadline(20, cap_day=cap_day)})
    assert schedule(Period.parse(code), "province", policy, CALENDAR, HCM).deadline_day.isoformat() == expected


def test_a_cap_with_no_working_day_after_the_window_yields_to_the_next_working_day():
    # Cut-off day 25: Q3/2021 ends Friday 24/09; the cap, Saturday 25/09, is not a working day and
    # the last working day before it is the window's own last day: the deadline is Monday 27/09.
    policy = DeadlinePolicy(levels={"province": LevelDeadline(6, cap_day=25)}, cutoff_day=25)
    due = schedule(Period.parse("2021Q3"), "province", policy, CALENDAR, HCM)
    assert due.window[1] == date(2021, 9, 24)
    assert due.deadline_day == date(2021, 9, 27)


def test_a_cap_with_a_working_day_after_the_window_falls_back_to_it():
    # Cut-off day 24: Q3/2021 ends Thursday 23/09; the cap, Saturday 25/09, falls back to Friday 24/09.
    policy = DeadlinePolicy(levels={"province": LevelDeadline(6, cap_day=25)}, cutoff_day=24)
    assert schedule(Period.parse("2021Q3"), "province", policy, CALENDAR, HCM).deadline_day == date(2021, 9, 24)


@pytest.mark.parametrize("cutoff_day", [1, 16, 26])
def test_a_stored_cap_on_or_before_the_window_end_never_puts_the_deadline_before_it(cutoff_day):
    # Refused by the catalogue, but a cap saved before it was refused must not make a report due
    # before its window ends: the cap does not apply.
    policy = DeadlinePolicy(levels={"province": LevelDeadline(6, cap_day=15)}, cutoff_day=cutoff_day)
    due = schedule(Period.parse("2021Q3"), "province", policy, CALENDAR, HCM)
    end = Period.parse("2021Q3").window(cutoff_day)[1]
    assert due.deadline_day == CALENDAR.on_or_after(end + timedelta(days=6))


def _accepted_policies():
    """Every combination at the edges of what the catalogue page accepts."""
    for cutoff_day in (1, 2, 14, 15, 16, 27, 28):
        for cap_day in (None, *{cutoff_day, 25, 28, 29, 30, 31} - {1}):
            if cap_day is not None and (cutoff_day == 1 or cap_day < cutoff_day):
                continue
            for offset in (OFFSET_DAYS[0], 6, 20, OFFSET_DAYS[1]):
                for closing_days in (CLOSING_DAYS[0], 30, 200, CLOSING_DAYS[1]):
                    for roll_forward in (True, False):
                        yield DeadlinePolicy(
                            levels={"province": LevelDeadline(offset, cap_day)},
                            cutoff_day=cutoff_day,
                            closing_days=closing_days,
                            roll_forward=roll_forward,
                        )


WIDE_CALENDAR = vietnam_calendar(range(2020, 2030))


@pytest.mark.parametrize("code", ["2021Q1", "2021Q2", "2021Q3", "2021Q4", "2021H1", "2021M9", "2021Y", "2024Q1"])
def test_every_accepted_setting_gives_a_deadline_after_the_window_and_a_later_closing_time(code):
    period = Period.parse(code)
    count = 0
    for policy in _accepted_policies():
        assert policy_problems(policy) == []
        rule = policy.levels["province"]
        due = schedule(period, "province", policy, WIDE_CALENDAR, HCM)
        start, end = period.window(policy.cutoff_day)
        assert due.window == (start, end)
        assert due.deadline_day > end, policy
        assert due.deadline_day <= end + timedelta(days=rule.offset_days + (14 if policy.roll_forward else 0)), policy
        if rule.cap_day is not None and due.deadline_day > cap_date(period, rule.cap_day):
            # Only when no working day lies between the window's end and the cap (the Civil Code wins).
            between = [end + timedelta(days=n) for n in range(1, (cap_date(period, rule.cap_day) - end).days + 1)]
            assert not any(WIDE_CALENDAR.is_working_day(d) for d in between), policy
        assert due.closing_day >= due.deadline_day + timedelta(days=policy.closing_days), policy
        if policy.roll_forward:
            assert WIDE_CALENDAR.is_working_day(due.deadline_day)
            assert WIDE_CALENDAR.is_working_day(due.closing_day)
        count += 1
    assert count > 500


@pytest.mark.parametrize(
    ("cutoff_day", "closing_days", "offset", "cap", "problems"),
    [
        pytest.param(15, 30, 2, None, [], id="the-defaults"),
        pytest.param(0, 30, 2, None, [("cutoff_day", "cutoff_range")], id="cutoff-0-refused"),
        pytest.param(1, 30, 2, None, [], id="cutoff-1-accepted"),
        pytest.param(28, 30, 2, None, [], id="cutoff-28-accepted"),
        pytest.param(29, 30, 2, None, [("cutoff_day", "cutoff_range")], id="cutoff-29-refused"),
        pytest.param(15, 0, 2, None, [("closing_days", "closing_range")], id="closing-0-refused"),
        pytest.param(15, 1, 2, None, [], id="closing-1-accepted"),
        pytest.param(15, 365, 2, None, [], id="closing-365-accepted"),
        pytest.param(15, 366, 2, None, [("closing_days", "closing_range")], id="closing-366-refused"),
        pytest.param(15, 30, 0, None, [("offset_province", "offset_range")], id="offset-0-refused"),
        pytest.param(15, 30, 1, None, [], id="offset-1-accepted"),
        pytest.param(15, 30, 60, None, [], id="offset-60-accepted"),
        pytest.param(15, 30, 61, None, [("offset_province", "offset_range")], id="offset-61-refused"),
        pytest.param(15, 30, 6, 0, [("cap_province", "cap_range")], id="cap-0-refused"),
        pytest.param(15, 30, 6, 32, [("cap_province", "cap_range")], id="cap-32-refused"),
        pytest.param(15, 30, 6, 31, [], id="cap-31-accepted"),
        pytest.param(15, 30, 6, 15, [], id="cap-on-the-cut-off-day-accepted"),
        pytest.param(15, 30, 6, 14, [("cap_province", "cap_before_window_end")], id="cap-on-the-window-end-refused"),
        pytest.param(2, 30, 6, 2, [], id="cutoff-2-cap-2-accepted"),
        pytest.param(2, 30, 6, 1, [("cap_province", "cap_before_window_end")], id="cutoff-2-cap-1-refused"),
        pytest.param(1, 30, 6, 31, [("cap_province", "cap_with_calendar_months")], id="cutoff-1-refuses-any-cap"),
    ],
)
def test_the_settings_the_catalogue_refuses(cutoff_day, closing_days, offset, cap, problems):
    policy = DeadlinePolicy(
        levels={"province": LevelDeadline(offset, cap)}, cutoff_day=cutoff_day, closing_days=closing_days
    )
    assert [(name, problem) for name, problem, _ in policy_problems(policy)] == problems


def test_the_calendar_covers_the_latest_possible_closing_day():
    # Q4/2021, 60 days after the window and 365 days to the closing time: a closing day in 2023.
    policy = DeadlinePolicy(levels={"commune": LevelDeadline(60)}, closing_days=365)
    due = schedule(Period.parse("2021Q4"), "commune", policy, WIDE_CALENDAR, HCM)
    assert due.closing_day.year == 2023
    assert {2021, 2022, 2023} <= calendar_years([Period.parse("2021Q4")], policy)
    assert max(calendar_years([Period.parse("2021Q1")], DEFAULT_POLICY)) == 2021


def test_a_closing_day_in_tet_two_years_on_moves_past_it():
    # Q4/2021 communes 40 days after the window: Sun 23/01/2022 → Mon 24/01/2022; 365 days later is
    # Tue 24/01/2023, inside Tết 2023 (20–26/01): the closing day is Fri 27/01/2023.
    policy = DeadlinePolicy(levels={"commune": LevelDeadline(40)}, closing_days=365)
    calendar = vietnam_calendar(calendar_years([Period.parse("2021Q4")], policy))
    due = schedule(Period.parse("2021Q4"), "commune", policy, calendar, HCM)
    assert (due.deadline_day, due.closing_day) == (date(2022, 1, 24), date(2023, 1, 27))
