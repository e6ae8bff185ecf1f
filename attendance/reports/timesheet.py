"""The C01-HD timesheet (bảng chấm công, DOMAIN.md R10-R11) as plain JSON-able data.

One sheet per department: a row per person who belonged to it during the month, a cell per day
with the configured symbols (both halves when the two sessions differ), and the three totals
columns, each session counting half a day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from attendance.calendar import month_days
from attendance.collation import text_key
from attendance.evaluation import PersonPeriod, evaluate_period
from attendance.models import Unit
from attendance.reports.common import in_subtree, month_label, month_range, paying_unit, subtree_units, unit_json
from attendance.reports.config import Pay, SymbolSet, rules_for
from attendance.rules import ATTENDED, DayResult, SessionResult, SessionStatus
from attendance.timeutil import utcnow
from attendance.zones import unit_zone

PAY_COLUMNS = {Pay.TIME: "time_days", Pay.UNPAID: "unpaid_days", Pay.INSURANCE: "insurance_days"}
_NO_SYMBOL = frozenset({SessionStatus.NOT_EMPLOYED, SessionStatus.NOT_WORKDAY, SessionStatus.NOT_YET_DUE})


def timesheet_data(*, session: Session, unit: Unit, year: int, month: int,
                   now: datetime | None = None,
                   periods: list[PersonPeriod] | None = None) -> dict[str, Any]:
    """Every department's timesheet under `unit` (the unit itself included) for one month."""
    start, end = month_range(year, month)
    now = now or utcnow()
    symbols = rules_for(session=session, unit=unit, on=start).symbols
    units = subtree_units(session=session, unit=unit)
    sheets: dict[int, dict[str, Any]] = {}
    if periods is None:
        periods = evaluate_period(session=session, start=start, end=end, unit=unit, now=now)
    for period in periods:
        for dept_id in dict.fromkeys(u for u, d in zip(period.units, period.days, strict=True)
                                     if u is not None and d.morning.status is not SessionStatus.NOT_EMPLOYED):
            sheet = sheets.get(dept_id)
            if sheet is None:
                sheet = sheets[dept_id] = _sheet(session, units[dept_id])
            days = [day if u == dept_id else None for day, u in zip(period.days, period.units, strict=True)]
            sheet["rows"].append({"no": len(sheet["rows"]) + 1, "code": period.staff.code,
                                  "full_name": period.staff.full_name, "position": period.staff.position,
                                  **person_row(days, symbols)})
    ordered = sorted(sheets.values(), key=lambda s: text_key(s["department_path"]))
    return {
        "kind": "timesheet",
        "unit": unit_json(unit),
        "month": month_label(year, month),
        "generated_at": now.isoformat(timespec="seconds"),
        # Writers print instants on the unit's wall clock, not in UTC.
        "zone": str(unit_zone(session=session, unit=unit)),
        "closed": None,
        "days": [d.isoformat() for d in month_days(year, month)],
        "symbol_set": symbols.name,
        "form_code": symbols.form_code,
        "form_basis": symbols.basis,
        "legend": [s.model_dump(mode="json") for s in symbols.symbols],
        "sheets": ordered,
    }


def person_row(days: list[DayResult | None], symbols: SymbolSet) -> dict[str, Any]:
    """Cells for days 1-31 ('' where the person was elsewhere or it was no workday) and the totals."""
    pay = {s.code: s.pay for s in symbols.symbols}
    totals = {column: 0.0 for column in PAY_COLUMNS.values()}
    cells: list[str] = []
    for day in days:
        if day is None:
            cells.append("")
            continue
        halves = []
        for result in day.sessions:
            code, session_pay = session_symbol(result, symbols, pay)
            if session_pay in PAY_COLUMNS:
                totals[PAY_COLUMNS[session_pay]] += 0.5
            halves.append(code)
        cells.append(cell_text(halves[0], halves[1]))
    cells += [""] * (31 - len(cells))
    return {"cells": cells, **totals}


def session_symbol(result: SessionResult, symbols: SymbolSet, pay: dict[str, Pay]) -> tuple[str | None, Pay]:
    """A session's symbol (None = no mark at all) and the totals column it counts in."""
    status = result.status
    if status in _NO_SYMBOL:
        return None, Pay.NONE
    if status is SessionStatus.HOLIDAY:
        return (symbols.holiday, pay[symbols.holiday]) if symbols.holiday else (None, Pay.NONE)
    if status in ATTENDED:
        return symbols.worked, pay[symbols.worked]
    if status is SessionStatus.EXCUSED:
        code = symbols.excuses.get(result.excuse_kind or "", symbols.worked)
        return code, pay[code]
    return symbols.absent, symbols.absent_pay


def cell_text(morning: str | None, afternoon: str | None) -> str:
    """'+' when both sessions agree, '+/P' when they differ; a missing half stays empty ('+/')."""
    if morning == afternoon:
        return morning or ""
    return f"{morning or ''}/{afternoon or ''}"


def restrict(data: dict[str, Any], unit: Unit) -> dict[str, Any]:
    """A frozen timesheet of an ancestor, cut down to `unit`'s sub-tree."""
    sheets = [s for s in data["sheets"] if in_subtree(s["department_path"], unit.path)]
    return {**data, "unit": unit_json(unit), "sheets": sheets}


def _sheet(session: Session, dept: Unit) -> dict[str, Any]:
    payer = paying_unit(session=session, unit=dept)
    return {"department": dept.name, "department_path": dept.path, "unit_name": payer.name,
            "budget_code": dept.budget_code or payer.budget_code, "rows": []}

