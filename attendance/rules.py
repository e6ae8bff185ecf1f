"""The twice-per-session rules (DOMAIN.md R3-R4) as pure functions over plain values.

A day's schedule + a person's punches (local naive times) + the excuses that cover the day
-> one result per session. No database, no clock: callers pass everything in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache


class SessionName(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


class SessionStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    LATE_AND_LEFT_EARLY = "late_and_left_early"
    MISSING_CHECK_IN = "missing_check_in"
    MISSING_CHECK_OUT = "missing_check_out"
    ABSENT = "absent"
    EXCUSED = "excused"
    HOLIDAY = "holiday"
    NOT_WORKDAY = "not_workday"
    NOT_YET_DUE = "not_yet_due"  # the session has not ended yet (today's board)
    NOT_EMPLOYED = "not_employed"


#: Statuses in which the person attended the session (with or without a fault).
ATTENDED = frozenset(
    {
        SessionStatus.PRESENT,
        SessionStatus.LATE,
        SessionStatus.LEFT_EARLY,
        SessionStatus.LATE_AND_LEFT_EARLY,
        SessionStatus.MISSING_CHECK_IN,
        SessionStatus.MISSING_CHECK_OUT,
    }
)


@dataclass(frozen=True, slots=True)
class SessionTimes:
    name: SessionName
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """What the calendar says of one day for one unit."""

    day: date
    workday: bool
    morning: SessionTimes
    afternoon: SessionTimes
    grace_minutes: int = 5
    holiday_name: str | None = None


@dataclass(frozen=True, slots=True)
class RulePolicy:
    window_before_minutes: int = 90
    window_after_minutes: int = 90
    duplicate_window_seconds: int = 60


@dataclass(frozen=True, slots=True)
class Excuse:
    """An approved request covering one or both sessions of the day."""

    kind: str
    sessions: frozenset[SessionName]
    request_id: int | None = None
    #: An explanation (giải trình, R9a) excuses only what went wrong in a session the person attended;
    #: a leave excuses the whole session.
    explanation: bool = False


@dataclass(frozen=True, slots=True)
class SessionResult:
    session: SessionName
    status: SessionStatus
    check_in: datetime | None = None
    check_out: datetime | None = None
    late_minutes: int = 0
    early_minutes: int = 0
    excuse_kind: str | None = None
    punches: tuple[datetime, ...] = ()
    # What an approved explanation excused in an attended session (R9a): no longer counted as
    # violations, shown apart; `excuse_request_id` is the evidence.
    explained_late_minutes: int = 0
    explained_early_minutes: int = 0
    explained_missing: bool = False
    excuse_request_id: int | None = None

    @property
    def explained(self) -> bool:
        return bool(self.explained_late_minutes or self.explained_early_minutes or self.explained_missing)

    @property
    def scheduled(self) -> bool:
        return self.status not in (SessionStatus.HOLIDAY, SessionStatus.NOT_WORKDAY, SessionStatus.NOT_EMPLOYED)

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


@dataclass(frozen=True, slots=True)
class DayResult:
    day: date
    morning: SessionResult
    afternoon: SessionResult

    @property
    def sessions(self) -> tuple[SessionResult, SessionResult]:
        return self.morning, self.afternoon


def collapse_presses(punches: Iterable[datetime], window_seconds: int) -> list[datetime]:
    """Sorted punches with repeated presses merged: a press within the window of the first
    press of its run is the same punch (anchored, so the result never depends on order)."""
    result: list[datetime] = []
    window = timedelta(seconds=window_seconds)
    for moment in sorted(set(punches)):
        if result and moment - result[-1] < window:
            continue
        result.append(moment)
    return result


@dataclass(frozen=True, slots=True)
class _SessionPlan:
    times: SessionTimes
    start: datetime
    end: datetime
    midpoint: datetime
    low: datetime  # window, closed
    high: datetime  # window, open


@lru_cache(maxsize=4096)
def _plan(schedule: DaySchedule, policy: RulePolicy) -> tuple[_SessionPlan, _SessionPlan]:
    """Session boundaries of a day, computed once per (schedule, policy) and shared by everyone."""
    day = schedule.day
    m_start = datetime.combine(day, schedule.morning.start)
    m_end = datetime.combine(day, schedule.morning.end)
    a_start = datetime.combine(day, schedule.afternoon.start)
    a_end = datetime.combine(day, schedule.afternoon.end)
    lunch_mid = m_end + (a_start - m_end) / 2
    before = timedelta(minutes=policy.window_before_minutes)
    after = timedelta(minutes=policy.window_after_minutes)
    return (
        _SessionPlan(schedule.morning, m_start, m_end, m_start + (m_end - m_start) / 2,
                     m_start - before, min(m_end + after, lunch_mid)),
        _SessionPlan(schedule.afternoon, a_start, a_end, a_start + (a_end - a_start) / 2,
                     max(a_start - before, lunch_mid), a_end + after),
    )


def evaluate_day(
    schedule: DaySchedule,
    punches: Sequence[datetime],
    excuses: Sequence[Excuse] = (),
    policy: RulePolicy = RulePolicy(),
    *,
    now: datetime | None = None,
    employed: bool = True,
) -> DayResult:
    """Both sessions of one person's day. `punches` and `now` are naive local times."""
    return plan_day(schedule, policy).evaluate(punches, excuses, now=now, employed=employed)


class DayPlan:
    """One day's schedule made ready for evaluating many people: session bounds and the shared
    results of people-days with nothing to look at (weekends, absences, sessions not yet due)."""

    __slots__ = ("schedule", "policy", "sessions", "_empty")

    def __init__(self, schedule: DaySchedule, policy: RulePolicy) -> None:
        self.schedule, self.policy = schedule, policy
        self.sessions = _plan(schedule, policy)
        self._empty: dict[tuple[bool, bool, bool], DayResult] = {}

    def evaluate(self, punches: Sequence[datetime], excuses: Sequence[Excuse] = (), *,
                 now: datetime | None = None, employed: bool = True) -> DayResult:
        """The same result as `evaluate_day` for this plan's schedule and policy."""
        morning_plan, afternoon_plan = self.sessions
        if not punches and not excuses:
            key = (employed, now is None or now >= morning_plan.end, now is None or now >= afternoon_plan.end)
            found = self._empty.get(key)
            if found is None:
                found = self._empty[key] = DayResult(self.schedule.day, *(
                    _evaluate_session(self.schedule, plan, (), None, now=None if done else plan.start,
                                      employed=employed)
                    for plan, done in zip(self.sessions, key[1:], strict=True)))
            return found
        collapsed = collapse_presses(punches, self.policy.duplicate_window_seconds)
        results = []
        for plan in self.sessions:
            low, high, name = plan.low, plan.high, plan.times.name
            inside = tuple([p for p in collapsed if low <= p < high])
            excuse = None
            for candidate in excuses:
                if name in candidate.sessions:
                    excuse = candidate
                    break
            results.append(_evaluate_session(self.schedule, plan, inside, excuse, now=now, employed=employed))
        return DayResult(self.schedule.day, results[0], results[1])


@lru_cache(maxsize=4096)
def plan_day(schedule: DaySchedule, policy: RulePolicy) -> DayPlan:
    """The day's plan, built once per (schedule, policy)."""
    return DayPlan(schedule, policy)


def _evaluate_session(
    schedule: DaySchedule,
    plan: _SessionPlan,
    punches: tuple[datetime, ...],
    excuse: Excuse | None,
    *,
    now: datetime | None,
    employed: bool,
) -> SessionResult:
    name = plan.times.name
    if not employed:
        return SessionResult(name, SessionStatus.NOT_EMPLOYED, punches=punches)
    if not schedule.workday:
        status = SessionStatus.HOLIDAY if schedule.holiday_name else SessionStatus.NOT_WORKDAY
        return SessionResult(name, status, punches=punches)
    # Punches are sorted: the check-in is the first one before the midpoint, the check-out the last after it.
    check_in = punches[0] if punches and punches[0] < plan.midpoint else None
    check_out = punches[-1] if punches and punches[-1] >= plan.midpoint else None
    if excuse is not None and not (excuse.explanation and punches):
        return SessionResult(name, SessionStatus.EXCUSED, check_in, check_out,
                             excuse_kind=excuse.kind, punches=punches, excuse_request_id=excuse.request_id)
    late = _late_minutes(check_in, plan.start, schedule.grace_minutes) if check_in else 0
    early = _early_minutes(check_out, plan.end, schedule.grace_minutes) if check_out else 0
    status = _status(check_in, check_out, late, early, plan.end, now)
    if status is SessionStatus.MISSING_CHECK_OUT or status is SessionStatus.NOT_YET_DUE:
        early = 0
    if excuse is not None and status in ATTENDED:
        # The person came: the session is present, its faults move to "explained".
        missing = status in (SessionStatus.MISSING_CHECK_IN, SessionStatus.MISSING_CHECK_OUT)
        return SessionResult(name, SessionStatus.PRESENT, check_in, check_out, punches=punches,
                             excuse_kind=excuse.kind, explained_late_minutes=late, explained_early_minutes=early,
                             explained_missing=missing, excuse_request_id=excuse.request_id)
    return SessionResult(name, status, check_in, check_out, late, early, punches=punches)


def _status(
    check_in: datetime | None,
    check_out: datetime | None,
    late: int,
    early: int,
    end: datetime,
    now: datetime | None,
) -> SessionStatus:
    session_over = now is None or now >= end
    if check_in is None and check_out is None:
        return SessionStatus.ABSENT if session_over else SessionStatus.NOT_YET_DUE
    if check_in is None:
        return SessionStatus.MISSING_CHECK_IN
    if check_out is None:
        if not session_over:
            return SessionStatus.LATE if late else SessionStatus.NOT_YET_DUE
        return SessionStatus.MISSING_CHECK_OUT
    if late and early:
        return SessionStatus.LATE_AND_LEFT_EARLY
    if late:
        return SessionStatus.LATE
    if early:
        return SessionStatus.LEFT_EARLY
    return SessionStatus.PRESENT


def _minute_of(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _late_minutes(check_in: datetime, start: datetime, grace: int) -> int:
    """Minutes late counted from the scheduled start, seconds dropped; within grace = 0."""
    late = _minute_of(check_in) - _minute_of(start)
    return late if late > grace else 0


def _early_minutes(check_out: datetime, end: datetime, grace: int) -> int:
    early = _minute_of(end) - _minute_of(check_out)
    return early if early > grace else 0
