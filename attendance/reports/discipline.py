"""The monthly discipline report (DOMAIN.md R12) as plain JSON-able data.

Counts come from the evaluation engine (`evaluate_period` + `totals_json`); this module only
groups them by person and department, adds absent days, excuses by kind and arrival times, and
flags people against the unit's thresholds. It never applies sanctions.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlmodel import Session

from attendance.collation import name_key, text_key
from attendance.evaluation import PersonPeriod, evaluate_period
from attendance.models import Unit
from attendance.month_lock import arrived_after_closing
from attendance.queries import totals_json
from attendance.reports.common import department_of, in_subtree, month_label, month_range, subtree_units, unit_json
from attendance.reports.config import Thresholds, rules_for
from attendance.rules import ATTENDED, SessionName, SessionStatus
from attendance.timeutil import utcnow
from attendance.zones import unit_zone

FIGURES = ("sessions_scheduled", "sessions_due", "sessions_present", "late_count", "late_minutes", "early_count",
           "early_minutes", "missing_punches", "absent_sessions", "absent_days", "excused_sessions",
           "explained_late_count", "explained_late_minutes", "explained_early_count", "explained_early_minutes",
           "explained_missing_punches")
FAULTS = ("late_count", "early_count", "missing_punches", "absent_sessions")
#: Arrival-time histogram: 5-minute bins per session, with one bin below and one above.
ARRIVAL_BINS = {SessionName.MORNING.value: (6 * 60, 9 * 60 + 30), SessionName.AFTERNOON.value: (12 * 60, 15 * 60)}
BIN_MINUTES = 5


def discipline_data(*, session: Session, unit: Unit, year: int, month: int,
                    now: datetime | None = None,
                    periods: list[PersonPeriod] | None = None) -> dict[str, Any]:
    """The discipline report of `unit` (sub-units included) for one month."""
    start, end = month_range(year, month)
    now = now or utcnow()
    rules = rules_for(session=session, unit=unit, on=start)
    units = subtree_units(session=session, unit=unit)
    people: list[dict[str, Any]] = []
    arrivals: dict[str, dict[str, list[int]]] = {}
    if periods is None:
        periods = evaluate_period(session=session, start=start, end=end, unit=unit, now=now)
    for period in periods:
        dept_id = department_of(period)
        if dept_id is None:
            continue
        dept = units[dept_id]
        if dept.path not in arrivals:
            arrivals[dept.path] = empty_arrivals()
        row = person_figures(period, dept, rules.thresholds, arrivals[dept.path])
        # Only a unit that configured its deduction table gets a (suggested) score: no table, no score.
        row["discipline_score"] = rules.deductions.suggest(row) if rules.deductions is not None else None
        people.append(row)
    people.sort(key=lambda p: (text_key(p["department_path"]), name_key(p["full_name"], p["code"])))
    return {
        "kind": "discipline",
        "unit": unit_json(unit),
        "month": month_label(year, month),
        "generated_at": now.isoformat(timespec="seconds"),
        # Writers print instants on the unit's wall clock, not in UTC.
        "zone": str(unit_zone(session=session, unit=unit)),
        "closed": None,
        "thresholds": rules.thresholds.model_dump(),
        "deductions": rules.deductions.model_dump() if rules.deductions is not None else None,
        "arrival_bins": {name: list(labels) for name, labels in _LABELS.items()},
        "arrivals_by_department": arrivals,
        "people": people,
        # Punches for last month stored after it was closed: not in its frozen figures (R9b).
        "arrived_after_closing": arrived_after_closing(
            session=session, unit=unit, year=year - (month == 1), month=(month - 2) % 12 + 1),
        **summarize(people, arrivals),
    }


def person_figures(period: PersonPeriod, dept: Unit, thresholds: Thresholds,
                   arrivals: dict[str, list[int]] | None = None) -> dict[str, Any]:
    """One person's row: the engine's totals, absent days, excuses by kind and flags.

    With `arrivals`, the person's check-in times are added to those histograms."""
    totals = totals_json(period.days)
    absent_days = 0
    excused: Counter[str] = Counter()
    for day in period.days:
        morning, afternoon = day.morning, day.afternoon
        if morning.status is SessionStatus.ABSENT and afternoon.status is SessionStatus.ABSENT:
            absent_days += 1
        for result in (morning, afternoon):
            if result.status is SessionStatus.EXCUSED:
                excused[result.excuse_kind or ""] += 1
            elif arrivals is not None and result.check_in is not None and result.status in ATTENDED:
                _count_arrival(arrivals[result.session.value], result.session.value, result.check_in)
    figures = {**{key: totals[key] for key in FIGURES if key in totals}, "absent_days": absent_days}
    row: dict[str, Any] = {
        "code": period.staff.code,
        "full_name": period.staff.full_name,
        "position": period.staff.position,
        "department": dept.name,
        "department_path": dept.path,
        **{key: figures[key] for key in FIGURES},
        "excused_by_kind": dict(sorted(excused.items())),
        "not_yet_due": totals["not_yet_due"],
    }
    row["flags"] = flags(row, thresholds)
    return row


def flags(row: dict[str, Any], thresholds: Thresholds) -> list[str]:
    """The figures of a row that reach the unit's thresholds."""
    return [key for key, limit in thresholds.model_dump().items() if limit is not None and row[key] >= limit]


def summarize(people: list[dict[str, Any]], arrivals: dict[str, dict[str, list[int]]]) -> dict[str, Any]:
    """Department totals (ranked: fewest faults per person first), unit totals and arrivals."""
    departments: dict[str, dict[str, Any]] = {}
    for row in people:
        dept = departments.setdefault(row["department_path"], {
            "department": row["department"], "department_path": row["department_path"], "people": 0,
            "flagged_people": 0, **{key: 0 for key in FIGURES}, "excused_by_kind": {}})
        _accumulate(dept, row)
    for dept in departments.values():
        dept["faults_per_person"] = round(sum(dept[k] for k in FAULTS) / dept["people"], 2) if dept["people"] else 0.0
    ranked = sorted(departments.values(), key=lambda d: (d["faults_per_person"], d["department_path"]))
    for rank, dept in enumerate(ranked, start=1):
        dept["rank"] = rank
    totals: dict[str, Any] = {"people": 0, "flagged_people": 0, **{key: 0 for key in FIGURES},
                              "excused_by_kind": {}}
    for row in people:
        _accumulate(totals, row)
    unit_arrivals = empty_arrivals()
    for counts in arrivals.values():
        for name, values in counts.items():
            unit_arrivals[name] = [a + b for a, b in zip(unit_arrivals[name], values, strict=True)]
    return {
        "departments": sorted(departments.values(), key=lambda d: text_key(d["department_path"])),
        "totals": totals,
        "arrivals": unit_arrivals,
    }


def restrict(data: dict[str, Any], unit: Unit) -> dict[str, Any]:
    """A frozen report of an ancestor, cut down to `unit`'s sub-tree."""
    people = [p for p in data["people"] if in_subtree(p["department_path"], unit.path)]
    arrivals = {path: counts for path, counts in data["arrivals_by_department"].items()
                if in_subtree(path, unit.path)}
    return {**data, "unit": unit_json(unit), "people": people, "arrivals_by_department": arrivals,
            **summarize(people, arrivals)}


def arrival_labels(name: str) -> list[str]:
    low, high = ARRIVAL_BINS[name]
    labels = [f"<{_hhmm(low)}"]
    labels += [_hhmm(m) for m in range(low, high, BIN_MINUTES)]
    labels.append(f"≥{_hhmm(high)}")
    return labels


def empty_arrivals() -> dict[str, list[int]]:
    return {name: [0] * len(labels) for name, labels in _LABELS.items()}


def _count_arrival(counts: list[int], session: str, check_in: datetime) -> None:
    low, high = ARRIVAL_BINS[session]
    minute = check_in.hour * 60 + check_in.minute
    if minute < low:
        counts[0] += 1
    elif minute >= high:
        counts[-1] += 1
    else:
        counts[1 + (minute - low) // BIN_MINUTES] += 1


def _accumulate(target: dict[str, Any], row: dict[str, Any]) -> None:
    target["people"] += 1
    target["flagged_people"] += bool(row["flags"])
    for key in FIGURES:
        target[key] += row[key]
    kinds = target["excused_by_kind"]
    for kind, count in row["excused_by_kind"].items():
        kinds[kind] = kinds.get(kind, 0) + count
    target["excused_by_kind"] = dict(sorted(kinds.items()))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


_LABELS = {name: tuple(arrival_labels(name)) for name in ARRIVAL_BINS}
