"""R9a: an approved explanation excuses exactly what it explains (pure rules)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from attendance.rules import DaySchedule, Excuse, SessionName, SessionStatus, SessionTimes, evaluate_day

pytestmark = pytest.mark.db_independent
SCHEDULE = DaySchedule(
    day=date(2026, 11, 23), workday=True,
    morning=SessionTimes(SessionName.MORNING, time(7, 30), time(11, 30)),
    afternoon=SessionTimes(SessionName.AFTERNOON, time(13, 30), time(17, 0)),
    grace_minutes=5,
)
MORNING = frozenset({SessionName.MORNING})
EXPLAINED = Excuse("explanation", MORNING, request_id=7, explanation=True)


def at(h: int, m: int) -> datetime:
    return datetime(2026, 11, 23, h, m)


def test_explained_lateness_keeps_the_session_present_and_moves_the_minutes() -> None:
    morning = evaluate_day(SCHEDULE, [at(8, 7), at(11, 35)], [EXPLAINED]).morning
    assert morning.status is SessionStatus.PRESENT and morning.attended
    assert (morning.late_minutes, morning.explained_late_minutes) == (0, 37)
    assert morning.excuse_request_id == 7


def test_explained_early_leave_is_shown_apart() -> None:
    morning = evaluate_day(SCHEDULE, [at(7, 20), at(11, 0)], [EXPLAINED]).morning
    assert (morning.status, morning.early_minutes, morning.explained_early_minutes) == (
        SessionStatus.PRESENT, 0, 30)


def test_explained_missing_punch_completes_the_session() -> None:
    morning = evaluate_day(SCHEDULE, [at(7, 20)], [EXPLAINED]).morning
    assert morning.status is SessionStatus.PRESENT and morning.explained_missing
    assert not morning.explained_late_minutes


def test_explained_absent_session_is_an_excused_absence_of_its_own_kind() -> None:
    day = evaluate_day(SCHEDULE, [at(13, 25), at(17, 5)], [EXPLAINED])
    assert (day.morning.status, day.morning.excuse_kind) == (SessionStatus.EXCUSED, "explanation")
    assert day.afternoon.status is SessionStatus.PRESENT and not day.afternoon.explained


def test_leave_excuses_the_whole_session_even_with_punches() -> None:
    morning = evaluate_day(SCHEDULE, [at(8, 7)], [Excuse("annual_leave", MORNING)]).morning
    assert (morning.status, morning.excuse_kind) == (SessionStatus.EXCUSED, "annual_leave")
