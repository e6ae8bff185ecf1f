"""The twice-per-session rules (DOMAIN.md R3-R4), as pure functions, with examples and properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attendance.rules import (
    DaySchedule,
    Excuse,
    SessionName,
    SessionStatus,
    SessionTimes,
    collapse_presses,
    evaluate_day,
)

pytestmark = pytest.mark.db_independent
DAY = date(2026, 11, 23)  # a Monday
SCHEDULE = DaySchedule(
    day=DAY, workday=True,
    morning=SessionTimes(SessionName.MORNING, time(7, 30), time(11, 30)),
    afternoon=SessionTimes(SessionName.AFTERNOON, time(13, 30), time(17, 0)),
    grace_minutes=5,
)


def at(hhmm: str, seconds: int = 0) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(2026, 11, 23, h, m, seconds)


def test_four_punches_on_time_is_present_twice() -> None:
    result = evaluate_day(SCHEDULE, [at("07:25"), at("11:31"), at("13:29"), at("17:02")])
    assert result.morning.status is SessionStatus.PRESENT
    assert result.afternoon.status is SessionStatus.PRESENT
    assert result.morning.check_in == at("07:25") and result.afternoon.check_out == at("17:02")


@pytest.mark.parametrize(("check_in", "late", "status"), [
    (at("07:35"), 0, SessionStatus.PRESENT),           # inside grace
    (at("07:35", 59), 0, SessionStatus.PRESENT),       # seconds are dropped
    (at("07:36"), 6, SessionStatus.LATE),              # counted from the scheduled start
    (at("08:10"), 40, SessionStatus.LATE),
])
def test_late_arrival_in_minutes_from_start(check_in: datetime, late: int, status: SessionStatus) -> None:
    result = evaluate_day(SCHEDULE, [check_in, at("11:30")])
    assert (result.morning.late_minutes, result.morning.status) == (late, status)


def test_early_leave_counted_from_end() -> None:
    result = evaluate_day(SCHEDULE, [at("13:30"), at("16:50")])
    assert result.afternoon.early_minutes == 10
    assert result.afternoon.status is SessionStatus.LEFT_EARLY
    inside_grace = evaluate_day(SCHEDULE, [at("13:30"), at("16:55")])
    assert inside_grace.afternoon.status is SessionStatus.PRESENT


def test_late_and_left_early() -> None:
    result = evaluate_day(SCHEDULE, [at("07:50"), at("11:00")])
    assert result.morning.status is SessionStatus.LATE_AND_LEFT_EARLY
    assert (result.morning.late_minutes, result.morning.early_minutes) == (20, 30)


def test_missing_punches_and_absence() -> None:
    only_in = evaluate_day(SCHEDULE, [at("07:20")])
    assert only_in.morning.status is SessionStatus.MISSING_CHECK_OUT
    assert only_in.afternoon.status is SessionStatus.ABSENT
    only_out = evaluate_day(SCHEDULE, [at("17:05")])
    assert only_out.afternoon.status is SessionStatus.MISSING_CHECK_IN
    assert only_out.afternoon.check_out == at("17:05")


def test_lunch_gap_split_at_midpoint() -> None:
    # Lunch 11:30-13:30: midpoint 12:30. 12:29 closes the morning, 12:30 opens the afternoon.
    result = evaluate_day(SCHEDULE, [at("07:30"), at("12:29"), at("12:30"), at("17:00")])
    assert result.morning.check_out == at("12:29")
    assert result.afternoon.check_in == at("12:30")


def test_punches_outside_windows_are_ignored() -> None:
    result = evaluate_day(SCHEDULE, [at("05:59"), at("18:31")])
    assert result.morning.status is SessionStatus.ABSENT
    assert result.afternoon.status is SessionStatus.ABSENT


def test_repeated_presses_are_one_punch() -> None:
    assert collapse_presses([at("07:30", 0), at("07:30", 40), at("07:31", 10)], 60) == [at("07:30"), at("07:31", 10)]
    result = evaluate_day(SCHEDULE, [at("07:29", 0), at("07:29", 20), at("07:29", 50)])
    assert result.morning.status is SessionStatus.MISSING_CHECK_OUT


def test_excused_session_and_holiday() -> None:
    leave = Excuse(kind="annual_leave", sessions=frozenset({SessionName.AFTERNOON}))
    result = evaluate_day(SCHEDULE, [at("07:30"), at("11:30")], [leave])
    assert result.morning.status is SessionStatus.PRESENT
    assert (result.afternoon.status, result.afternoon.excuse_kind) == (SessionStatus.EXCUSED, "annual_leave")
    holiday = DaySchedule(DAY, False, SCHEDULE.morning, SCHEDULE.afternoon, 5, "Quốc khánh")
    assert evaluate_day(holiday, []).morning.status is SessionStatus.HOLIDAY
    weekend = DaySchedule(DAY, False, SCHEDULE.morning, SCHEDULE.afternoon, 5, None)
    assert evaluate_day(weekend, [at("08:00")]).afternoon.status is SessionStatus.NOT_WORKDAY


def test_sessions_not_over_yet_are_not_yet_due() -> None:
    result = evaluate_day(SCHEDULE, [at("07:20")], now=at("10:00"))
    assert result.morning.status is SessionStatus.NOT_YET_DUE
    assert result.afternoon.status is SessionStatus.NOT_YET_DUE
    late_now = evaluate_day(SCHEDULE, [at("07:45")], now=at("10:00"))
    assert late_now.morning.status is SessionStatus.LATE and late_now.morning.late_minutes == 15


# --- properties -------------------------------------------------------------------------------

seconds_of_day = st.integers(min_value=5 * 3600, max_value=19 * 3600)
punch_lists = st.lists(seconds_of_day.map(lambda s: datetime.combine(DAY, time()) + timedelta(seconds=s)),
                       max_size=12)


@settings(max_examples=300, deadline=None)
@given(punch_lists, st.randoms())
def test_punch_order_never_changes_the_result(punches: list[datetime], rnd) -> None:
    shuffled = punches[:]
    rnd.shuffle(shuffled)
    assert evaluate_day(SCHEDULE, punches) == evaluate_day(SCHEDULE, shuffled)


@settings(max_examples=300, deadline=None)
@given(punch_lists, st.data())
def test_a_duplicated_punch_never_changes_the_result(punches: list[datetime], data) -> None:
    if not punches:
        return
    twice = punches + [data.draw(st.sampled_from(punches))]
    assert evaluate_day(SCHEDULE, punches) == evaluate_day(SCHEDULE, twice)


@settings(max_examples=300, deadline=None)
@given(punch_lists, st.sampled_from([SessionName.MORNING, SessionName.AFTERNOON]),
       st.integers(min_value=0, max_value=1000))
def test_a_punch_inside_a_session_never_makes_it_absent(punches, name, fraction) -> None:
    times = SCHEDULE.morning if name is SessionName.MORNING else SCHEDULE.afternoon
    start, end = datetime.combine(DAY, times.start), datetime.combine(DAY, times.end)
    extra = start + (end - start) * fraction / 1000
    result = evaluate_day(SCHEDULE, punches + [extra.replace(microsecond=0)])
    session = result.morning if name is SessionName.MORNING else result.afternoon
    assert session.status is not SessionStatus.ABSENT
