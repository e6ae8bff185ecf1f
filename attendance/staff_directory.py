"""The staff directory: search (accent-insensitive, by name, code or PIN), filter, sort and page on the server."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, func, or_, select

from attendance.models import Staff, Unit
from attendance.search_text import search_terms

SORTS = ("name", "code", "unit", "newest")
STATUSES = ("active", "left", "all")


@dataclass(frozen=True, slots=True)
class StaffPage:
    rows: list[Staff]
    total: int
    limit: int
    offset: int


def staff_conditions(*, query: str | None = None, unit_ids: Collection[int] | None = None, status: str = "all",
                     scope_units: Collection[int] | None = None, own_id: int | None = None) -> list[Any]:
    """WHERE conditions of the directory: every search word in the folded name, code or PIN; the unit
    filter; the status; and the caller's scope (`scope_units` None: every unit; one's own record always)."""
    conditions = search_conditions(query)
    if unit_ids is not None:
        conditions.append(col(Staff.unit_id).in_(sorted(unit_ids)))
    if status == "active":
        conditions.append(col(Staff.active).is_(True))
    elif status == "left":
        conditions.append(or_(col(Staff.active).is_(False), col(Staff.end_date).is_not(None)))
    if scope_units is not None:
        # "+ 0": a scope usually spans most of the tree, where fetching each unit's rows through the
        # unit index (SQLite's choice) is several times slower than one scan in name order.
        in_scope = (col(Staff.unit_id) + 0).in_(sorted(scope_units)) if scope_units else false()
        conditions.append(or_(in_scope, col(Staff.id) == own_id) if own_id is not None else in_scope)
    return conditions


def search_conditions(query: str | None) -> list[Any]:
    """Every folded word of `query` inside `staff.search_text` (LIKE special characters taken literally)."""
    return [col(Staff.search_text).contains(term, autoescape=True) for term in search_terms(query)]


def order_of(sort: str, *, searching: bool = False) -> list[Any]:
    """ORDER BY for a directory sort; names in Vietnamese order (given name first) via `name_order`.

    While searching, the name order is wrapped so that the planner filters first and sorts the few
    matches; walking the name index instead visits every row before it finds a rare match."""
    name = func.coalesce(col(Staff.name_order), b"") if searching else col(Staff.name_order)
    if sort == "code":
        return [col(Staff.code)]
    if sort == "newest":
        return [col(Staff.id).desc()]
    if sort == "unit":
        unit_path = select(Unit.path).where(Unit.id == Staff.unit_id).scalar_subquery()
        return [unit_path, name, col(Staff.id)]
    return [name, col(Staff.id)]


def staff_page(*, session: Session, query: str | None = None, unit_ids: Collection[int] | None = None,
               status: str = "all", sort: str = "name", scope_units: Collection[int] | None = None,
               own_id: int | None = None, limit: int = 50, offset: int = 0) -> StaffPage:
    """One page of the directory and the number of matches."""
    conditions = staff_conditions(query=query, unit_ids=unit_ids, status=status if status in STATUSES else "all",
                                  scope_units=scope_units, own_id=own_id)
    total = session.exec(select(func.count(col(Staff.id))).where(*conditions)).one()
    rows = list(session.exec(select(Staff).where(*conditions)
                             .order_by(*order_of(sort if sort in SORTS else "name", searching=bool(search_terms(query))))
                             .limit(limit).offset(offset)))
    return StaffPage(rows=rows, total=total, limit=limit, offset=offset)


def is_current(staff: Staff, day: date) -> bool:
    """Still working on `day`: active and not past the recorded last day."""
    return staff.active and (staff.end_date is None or day <= staff.end_date)
