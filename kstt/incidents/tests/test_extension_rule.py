"""The incident extension rule (rules.md §4), one row per case the regulation names."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.deadlines import end_of_day, vietnam_calendar
from kstt.incidents.rules import IncidentSpan, extend, in_scope, reach

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2021])
#: Department, Q3/2021: due Monday 20/09/2021, end of day.
DEADLINE = end_of_day(date(2021, 9, 20), HCM)
STP, SNV = 2, 3  # unit ids: Sở Tư pháp, Sở Nội vụ


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=HCM)


def incident(id_, start, end, units=None):
    return IncidentSpan(id=id_, start=start, end=end, all_units=units is None, unit_ids=frozenset(units or ()))


CASES = [
    pytest.param([], DEADLINE, (), id="no-incident-no-change"),
    pytest.param(
        [incident(1, at(15, 8), at(15, 17))], DEADLINE, (), id="incident-days-before-the-deadline-changes-nothing"
    ),
    pytest.param(
        [incident(1, at(19, 10), at(19, 23, 59))],
        DEADLINE,
        (),
        id="incident-ending-just-before-the-24-hours-changes-nothing",
    ),
    pytest.param(
        [incident(1, at(20, 14), at(20, 18, 30))],
        end_of_day(date(2021, 9, 21), HCM),
        (1,),
        id="incident-on-the-deadline-day-moves-it-to-the-next-working-day",
    ),
    pytest.param(
        [incident(1, at(19, 22), at(20, 1))],
        end_of_day(date(2021, 9, 21), HCM),
        (1,),
        id="incident-across-the-start-of-the-24-hours",
    ),
    pytest.param(
        [incident(1, at(20, 22), at(21, 3))],
        end_of_day(date(2021, 9, 22), HCM),
        (1,),
        id="incident-across-the-deadline-ends-next-day-moves-to-the-day-after",
    ),
    pytest.param(
        [incident(1, at(21, 0, 30), at(21, 2))], DEADLINE, (), id="incident-starting-after-the-deadline-changes-nothing"
    ),
    pytest.param([incident(1, at(20, 9), None)], None, (1,), id="incident-still-open-holds-the-deadline-open"),
    pytest.param(
        [incident(1, at(22, 9), None)], DEADLINE, (), id="open-incident-that-started-after-the-deadline-changes-nothing"
    ),
    pytest.param(
        [incident(1, at(20, 14), at(20, 18)), incident(2, at(21, 20), at(22, 2))],
        end_of_day(date(2021, 9, 23), HCM),
        (1, 2),
        id="two-incidents-in-a-row-extend-twice",
    ),
    pytest.param(
        [incident(1, at(24, 14), at(24, 18))],
        DEADLINE,
        (),
        id="later-incident-not-touching-the-deadline-changes-nothing",
    ),
    pytest.param(
        [incident(1, at(20, 14), at(20, 18)), incident(2, at(21, 20), None)],
        None,
        (1, 2),
        id="second-incident-still-open-holds-the-new-deadline-open",
    ),
]


@pytest.mark.parametrize(("incidents", "effective", "used"), CASES)
def test_extension_rule(incidents, effective, used):
    result = extend(DEADLINE, incidents, calendar=CALENDAR, zone=HCM)
    assert (result.deadline, result.incident_ids) == (effective, used)


def test_an_incident_ending_on_a_friday_moves_the_deadline_past_the_weekend():
    friday = end_of_day(date(2021, 9, 17), HCM)
    result = extend(friday, [incident(1, at(17, 9), at(17, 11))], calendar=CALENDAR, zone=HCM)
    assert result.deadline == end_of_day(date(2021, 9, 20), HCM)


def test_an_incident_ending_before_national_day_moves_past_the_holidays():
    wednesday = end_of_day(date(2021, 9, 1), HCM)
    result = extend(wednesday, [incident(1, at(1, 9), at(1, 11))], calendar=CALENDAR, zone=HCM)
    assert result.deadline == end_of_day(date(2021, 9, 6), HCM)  # 2 and 3 September, then the weekend


def test_an_incident_scoped_to_other_units_does_not_touch_this_one():
    scoped = [incident(1, at(20, 14), at(20, 18), units={SNV})]
    assert extend(DEADLINE, in_scope(scoped, STP), calendar=CALENDAR, zone=HCM).deadline == DEADLINE
    assert extend(DEADLINE, in_scope(scoped, SNV), calendar=CALENDAR, zone=HCM).deadline == end_of_day(
        date(2021, 9, 21), HCM
    )


def test_an_incident_for_all_units_touches_every_unit():
    assert in_scope([incident(1, at(20, 14), at(20, 18))], STP)


def test_an_incident_ending_the_day_before_the_deadline_day_moves_nothing():
    # It ends within the 24 hours (Sunday 23:59:59.999999), but the first working day after Sunday
    # is Monday, the deadline's own day: no extension, and the incident is not named.
    edge = DEADLINE - timedelta(hours=24)
    result = extend(DEADLINE, [incident(1, at(19, 8), edge)], calendar=CALENDAR, zone=HCM)
    assert (result.deadline, result.incident_ids, result.extended) == (DEADLINE, (), False)


def test_the_24_hour_edge_is_inclusive():
    # Without the weekend rollover a department's Q3/2021 deadline is Saturday 18/09: an incident
    # ending exactly 24 hours before it (Friday 23:59:59.999999) moves it to Monday 20/09.
    saturday = end_of_day(date(2021, 9, 18), HCM)
    edge = saturday - timedelta(hours=24)
    hit = extend(saturday, [incident(1, at(17, 8), edge)], calendar=CALENDAR, zone=HCM)
    miss = extend(saturday, [incident(1, at(17, 8), edge - timedelta(microseconds=1))], calendar=CALENDAR, zone=HCM)
    assert (hit.deadline, hit.incident_ids) == (end_of_day(date(2021, 9, 20), HCM), (1,))
    assert (miss.deadline, miss.incident_ids) == (saturday, ())


def test_the_closing_time_is_extended_by_the_same_rule():
    closing = end_of_day(date(2021, 10, 20), HCM)
    result = extend(closing, [incident(1, at(20, 9, month=10), at(20, 10, month=10))], calendar=CALENDAR, zone=HCM)
    assert result.deadline == end_of_day(date(2021, 10, 21), HCM)


# --- Boundaries (issue 7, point 11) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "effective", "used"),
    [
        pytest.param(DEADLINE, end_of_day(date(2021, 9, 21), HCM), (1,), id="starting-exactly-at-the-deadline-hits"),
        pytest.param(DEADLINE + timedelta(microseconds=1), DEADLINE, (), id="starting-a-microsecond-after-misses"),
        pytest.param(
            DEADLINE.astimezone(UTC), end_of_day(date(2021, 9, 21), HCM), (1,), id="the-same-instant-written-in-utc"
        ),
    ],
)
def test_an_incident_starting_at_the_deadline_instant(start, effective, used):
    # An instant-long incident at Monday 20/09 23:59:59.999999 (the deadline) hits it (start ≤
    # deadline) and ended on Monday: the deadline moves to the end of Tuesday 21/09.
    result = extend(DEADLINE, [incident(1, start, start)], calendar=CALENDAR, zone=HCM)
    assert (result.deadline, result.incident_ids) == (effective, used)


def test_an_incident_starting_at_the_deadline_and_ending_the_next_morning_moves_it_two_days():
    result = extend(DEADLINE, [incident(1, DEADLINE, at(21, 10))], calendar=CALENDAR, zone=HCM)
    assert (result.deadline, result.incident_ids) == (end_of_day(date(2021, 9, 22), HCM), (1,))


@pytest.mark.parametrize(
    ("end_utc", "effective"),
    [
        # 20/09 17:00Z = Tue 21/09 00:00 local; 20/09 23:59Z = Tue 21/09 06:59 local: the local day
        # it ended is Tuesday, so the deadline is the end of Wednesday 22/09 (the UTC day, Monday,
        # would give Tuesday 21/09).
        pytest.param(datetime(2021, 9, 20, 17, 0, tzinfo=UTC), date(2021, 9, 22), id="ends-at-00-00-local"),
        pytest.param(datetime(2021, 9, 20, 23, 59, tzinfo=UTC), date(2021, 9, 22), id="ends-at-06-59-local"),
        pytest.param(datetime(2021, 9, 20, 16, 59, tzinfo=UTC), date(2021, 9, 21), id="ends-at-23-59-local-monday"),
    ],
)
def test_the_day_an_incident_ended_is_its_local_day_not_its_utc_day(end_utc, effective):
    result = extend(DEADLINE, [incident(1, datetime(2021, 9, 20, 7, tzinfo=UTC), end_utc)], calendar=CALENDAR, zone=HCM)
    assert result.deadline == end_of_day(effective, HCM)


@pytest.mark.parametrize(
    ("incidents", "expected"),
    [
        pytest.param([], None, id="no-incident-reaches-nothing"),
        pytest.param([incident(1, at(20, 9), None)], None, id="an-open-incident-has-no-end-yet"),
        pytest.param([incident(1, at(20, 9), at(20, 10))], date(2021, 9, 21), id="the-next-working-day"),
        pytest.param(
            [incident(1, at(20, 9), at(20, 10)), incident(2, at(24, 9), at(24, 10))],
            date(2021, 9, 27),
            id="the-last-ending-friday-reaches-monday",
        ),
        pytest.param(
            [incident(1, datetime(2021, 9, 20, 7, tzinfo=UTC), datetime(2021, 9, 20, 18, tzinfo=UTC))],
            date(2021, 9, 22),
            id="ended-on-tuesday-local-though-monday-in-utc",
        ),
    ],
)
def test_how_far_incidents_can_extend_a_deadline(incidents, expected):
    got = reach(incidents, calendar=CALENDAR, zone=HCM)
    assert got == (end_of_day(expected, HCM) if expected else None)
