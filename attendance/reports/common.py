"""Helpers shared by the report builders: months, units, departments."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from attendance.calendar import month_days
from attendance.errors import InvalidInput
from attendance.evaluation import PersonPeriod
from attendance.models import Unit
from attendance.models.org import PATH_SEPARATOR
from attendance.org import ancestors, subtree_ids
from attendance.rules import SessionStatus

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str) -> tuple[int, int]:
    """'2026-03' -> (2026, 3)."""
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(code="month.not_a_month", value=value)
    return int(match.group(1)), int(match.group(2))


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_range(year: int, month: int) -> tuple[date, date]:
    days = month_days(year, month)
    return days[0], days[-1]


def unit_json(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "path": unit.path, "budget_code": unit.budget_code}


def subtree_units(*, session: Session, unit: Unit) -> dict[int, Unit]:
    """The unit and every unit below it, by id."""
    ids = subtree_ids(session=session, unit=unit)
    return {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(ids))) if u.id is not None}


def paying_unit(*, session: Session, unit: Unit) -> Unit:
    """The unit a department's timesheet is headed with: the nearest one with a budget code, else the root."""
    chain = ancestors(session=session, unit=unit)
    for candidate in chain[1:] or chain:
        if candidate.budget_code:
            return candidate
    return chain[-1]


def department_of(period: PersonPeriod) -> int | None:
    """The unit a person belonged to on their last employed day of the period."""
    last: int | None = None
    for day, unit_id in zip(period.days, period.units, strict=True):
        if unit_id is not None and day.morning.status is not SessionStatus.NOT_EMPLOYED:
            last = unit_id
    return last


def in_subtree(path: str, root_path: str) -> bool:
    return path == root_path or path.startswith(root_path + PATH_SEPARATOR)
