"""The requests list: filters, full history and paging on the server; the pending count.

The caller's scope arrives as one SQL condition over `Staff` (the API builds it from the
caller's units), so the list, the badge and the API all see the same requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from attendance.models import Request, Staff, Unit
from attendance.models.org import PATH_SEPARATOR
from attendance.staff_directory import search_conditions


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What the list keeps; every field empty keeps everything in scope."""

    statuses: tuple[str, ...] = ()
    type: str | None = None
    kind: str | None = None
    staff_id: int | None = None
    person: str | None = None  # words of a name, code or PIN, accents optional
    unit_id: int | None = None  # the unit and its sub-units
    start: date | None = None  # requests ending on or after
    end: date | None = None  # requests starting on or before


@dataclass(frozen=True, slots=True)
class RequestRow:
    request: Request
    staff: Staff
    unit_path: str


@dataclass(frozen=True, slots=True)
class RequestPage:
    rows: list[RequestRow]
    total: int
    limit: int
    offset: int


def find_requests(*, session: Session, where: RequestFilter, visible: Any | None, limit: int = 50,
                  offset: int = 0) -> RequestPage:
    """One page of the requests in scope that match, newest first, and how many match in all."""
    conditions = _conditions(session, where, visible)
    total = session.exec(select(func.count()).select_from(Request)
                         .join(Staff, col(Staff.id) == col(Request.staff_id)).where(*conditions)).one()
    query = (select(Request, Staff, Unit.path).join(Staff, col(Staff.id) == col(Request.staff_id))
             .join(Unit, col(Unit.id) == col(Staff.unit_id)).where(*conditions)
             .order_by(col(Request.created_at).desc(), col(Request.id).desc()).limit(limit).offset(offset))
    rows = [RequestRow(request, staff, path) for request, staff, path in session.exec(query)]
    return RequestPage(rows, int(total), limit, offset)


def count_open(*, session: Session, statuses: Sequence[str], visible: Any | None,
               not_staff_id: int | None = None) -> int:
    """How many requests in these states are in scope (one COUNT), leaving out one's own."""
    if not statuses:
        return 0
    query = (select(func.count()).select_from(Request).join(Staff, col(Staff.id) == col(Request.staff_id))
             .where(col(Request.status).in_(list(statuses))))
    if visible is not None:
        query = query.where(visible)
    if not_staff_id is not None:
        query = query.where(col(Request.staff_id) != not_staff_id)
    return int(session.exec(query).one())


def _conditions(session: Session, where: RequestFilter, visible: Any | None) -> list[Any]:
    conditions: list[Any] = [] if visible is None else [visible]
    if where.statuses:
        conditions.append(col(Request.status).in_(list(where.statuses)))
    if where.type:
        conditions.append(col(Request.type) == where.type)
    if where.kind:
        conditions.append(col(Request.kind) == where.kind)
    if where.staff_id is not None:
        conditions.append(col(Request.staff_id) == where.staff_id)
    if where.person:
        # The same folded column and terms as the staff directory: "nguyen" finds "Nguyễn", codes too.
        conditions.extend(search_conditions(where.person))
    if where.unit_id is not None:
        unit = session.get(Unit, where.unit_id)
        if unit is None:
            conditions.append(col(Staff.unit_id) == -1)
        else:
            below = select(Unit.id).where(or_(col(Unit.id) == unit.id,
                                              col(Unit.path).startswith(unit.path + PATH_SEPARATOR,
                                                                        autoescape=True)))
            conditions.append(col(Staff.unit_id).in_(below))
    if where.start is not None:
        conditions.append(col(Request.end_date) >= where.start)
    if where.end is not None:
        conditions.append(col(Request.start_date) <= where.end)
    return conditions
