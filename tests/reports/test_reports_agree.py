"""R9a/R10/R12: the timesheet and the discipline report read the same sessions and never disagree.

For random months (schedule, punches, approved leave and explanations), every person-day's C01-HD
cell is checked against that day's discipline figures, and the month's totals against each other.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance.evaluation import PersonPeriod, StaffRef
from attendance.models import ExcuseKind, Unit
from attendance.reports.config import DEFAULT_SYMBOLS, Pay, Thresholds
from attendance.reports.discipline import person_figures
from attendance.reports.timesheet import person_row
from attendance.rules import DaySchedule, Excuse, RulePolicy, SessionName, SessionTimes, plan_day

pytestmark = pytest.mark.db_independent
DEPT = Unit(id=1, name="Văn phòng", path="UBND / Văn phòng")
REF = StaffRef(1, "NV1", "Nguyễn Văn An", "1", None, None, None)
PARTS = [frozenset({SessionName.MORNING}), frozenset({SessionName.AFTERNOON}),
         frozenset({SessionName.MORNING, SessionName.AFTERNOON})]
KINDS = [k.value for k in ExcuseKind]


@st.composite
def months(draw: st.DrawFn) -> PersonPeriod:
    grace = draw(st.integers(0, 15))
    m_start = draw(st.sampled_from([time(7, 0), time(7, 30)]))
    a_end = draw(st.sampled_from([time(16, 30), time(17, 0)]))
    first = date(2026, draw(st.integers(1, 12)), 1)
    period = PersonPeriod(REF)
    for offset in range(draw(st.integers(5, 31))):
        day = first + timedelta(days=offset)
        schedule = DaySchedule(day, draw(st.booleans()) or day.weekday() < 5,
                               SessionTimes(SessionName.MORNING, m_start, time(11, 30)),
                               SessionTimes(SessionName.AFTERNOON, time(13, 30), a_end), grace,
                               holiday_name=draw(st.sampled_from([None, None, "Lễ"])))
        minutes = draw(st.lists(st.integers(5 * 60, 19 * 60), max_size=6))
        punches = [datetime.combine(day, time(m // 60, m % 60)) for m in minutes]
        excuses = []
        if draw(st.integers(0, 3)) == 0:
            kind = draw(st.sampled_from(KINDS))
            excuses.append(Excuse(kind, draw(st.sampled_from(PARTS)), request_id=offset,
                                  explanation=kind == ExcuseKind.EXPLANATION))
        if not schedule.workday and schedule.holiday_name is None:
            schedule = DaySchedule(day, False, schedule.morning, schedule.afternoon, grace)
        employed = draw(st.integers(0, 9)) > 0
        period.days.append(plan_day(schedule, RulePolicy()).evaluate(punches, excuses, employed=employed))
        period.units.append(DEPT.id)
    return period


def _figures(period: PersonPeriod) -> dict:
    return person_figures(period, DEPT, Thresholds())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_every_timesheet_cell_matches_the_days_discipline_figures(period: PersonPeriod) -> None:
    symbols = DEFAULT_SYMBOLS
    by_kind = {code: kind for kind, code in symbols.excuses.items()}
    pay = {s.code: s.pay for s in symbols.symbols}
    row = person_row(list(period.days), symbols)
    for index, day in enumerate(period.days):
        figures = _figures(PersonPeriod(REF, [day], [DEPT.id]))
        cell = row["cells"][index]
        halves = cell.split("/") if "/" in cell else [cell, cell]
        present = excused = absent = 0
        kinds: dict[str, int] = {}
        for half, result in zip(halves, day.sessions, strict=True):
            if not result.scheduled or result.status == "not_yet_due":
                continue
            if half == symbols.worked:
                present += 1
            elif half in by_kind:
                excused += 1
                kinds[by_kind[half]] = kinds.get(by_kind[half], 0) + 1
            elif half == symbols.absent:
                absent += 1
        assert (present, excused, absent) == (
            figures["sessions_present"], figures["excused_sessions"], figures["absent_sessions"]), (day, cell)
        assert kinds == figures["excused_by_kind"], (day, cell)
        # A session that was explained is never an absence, and its lateness is never a violation too.
        for result in day.sessions:
            if result.explained:
                assert result.attended and result.late_minutes == result.early_minutes == 0
    month = _figures(period)
    worked_days = 0.5 * sum(h == symbols.worked for c in row["cells"] for h in _halves(c))
    assert worked_days == 0.5 * month["sessions_present"]
    paid = 0.5 * (month["sessions_present"] + sum(
        n for kind, n in month["excused_by_kind"].items() if pay[symbols.excuses[kind]] is Pay.TIME))
    holidays = 0.5 * sum(h == symbols.holiday for c in row["cells"] for h in _halves(c))
    assert row["time_days"] == pytest.approx(paid + holidays)


def _halves(cell: str) -> list[str]:
    return cell.split("/") if "/" in cell else [cell, cell] if cell else []
