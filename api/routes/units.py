"""Organisation units, their schedules and the calendar (holidays, make-up days)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import col, or_, select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, CurrentUnit, SessionDep, require
from api.schemas.common import COMMON_RESPONSES, Page
from api.schemas.records import (
    CalendarDay,
    ExceptionCreate,
    ExceptionPublic,
    ScheduleCreate,
    SchedulePublic,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
)
from api.services.paging import Limit, Offset, paginate
from api.services.records import create_unit, update_unit
from api.services.scope import apply, ensure_unit_in_scope, unit_condition
from api.services.unit_scope import ensure_path_in_scope
from attendance.calendar import add_exception, add_schedule, unit_calendar
from attendance.errors import Conflict, InvalidInput
from attendance.models import CalendarException, Schedule, Unit

router = APIRouter(prefix="/api", tags=["units"], responses=COMMON_RESPONSES)
UnitsRead = Annotated[Principal, Depends(require(Permission.UNITS_READ))]
UnitsWrite = Annotated[Principal, Depends(require(Permission.UNITS_WRITE))]
SchedulesRead = Annotated[Principal, Depends(require(Permission.SCHEDULES_READ))]
SchedulesWrite = Annotated[Principal, Depends(require(Permission.SCHEDULES_WRITE))]
Day = Annotated[date, Query(ge=date(1900, 1, 1), le=date(2200, 12, 31))]
MAX_CALENDAR_DAYS = 366


@router.get("/units", summary="Units in the caller's scope, filterable by parent or path")
def list_units(session: SessionDep, principal: UnitsRead, limit: Limit = 100, offset: Offset = 0,
               parent_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
               q: Annotated[str | None, Query(max_length=200, description="part of the path")] = None,
               ) -> Page[UnitPublic]:
    query = apply(select(Unit), unit_condition(principal, Unit.id))
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if q:
        query = query.where(col(Unit.path).contains(q))
    return paginate(session, query, model=UnitPublic, order_by=[col(Unit.path)], limit=limit, offset=offset)


@router.post("/units", status_code=201, summary="Create a unit by its path (missing parents are created)")
def create(body: UnitCreate, session: SessionDep, principal: UnitsWrite) -> UnitPublic:
    ensure_path_in_scope(session, principal, body.path)
    unit, created = create_unit(session=session, path=body.path, code=body.code, budget_code=body.budget_code,
                                timezone=body.timezone, actor=principal.actor)
    if not created:
        raise Conflict(f"unit {unit.path!r} already exists (id {unit.id})")
    return UnitPublic.model_validate(unit)


@router.get("/units/{unit_id}", summary="One unit")
def read(unit: CurrentUnit, _: UnitsRead) -> UnitPublic:
    return UnitPublic.model_validate(unit)


@router.patch("/units/{unit_id}", summary="Change a unit's code, budget code or time zone")
def update(body: UnitUpdate, unit: CurrentUnit, session: SessionDep, principal: UnitsWrite) -> UnitPublic:
    changes = body.model_dump(exclude_unset=True)
    return UnitPublic.model_validate(update_unit(session=session, unit=unit, changes=changes,
                                                 actor=principal.actor))


@router.get("/units/{unit_id}/schedules", summary="A unit's own schedules (its sub-units inherit them)")
def list_schedules(unit: CurrentUnit, session: SessionDep, _: SchedulesRead) -> list[SchedulePublic]:
    rows = session.exec(select(Schedule).where(Schedule.unit_id == unit.id).order_by(col(Schedule.valid_from)))
    return [SchedulePublic.model_validate(row) for row in rows]


@router.post("/units/{unit_id}/schedules", status_code=201, summary="Give a unit a schedule for a date range")
def create_schedule(body: ScheduleCreate, unit: CurrentUnit, session: SessionDep,
                    principal: SchedulesWrite) -> SchedulePublic:
    assert unit.id is not None
    row = add_schedule(session=session, unit_id=unit.id, schedule=body.model_dump(), actor=principal.actor)
    return SchedulePublic.model_validate(row)


@router.get("/units/{unit_id}/calendar", summary="The unit's days: workday or not, holiday, session times")
def calendar(unit: CurrentUnit, session: SessionDep, _: SchedulesRead, start: Day, end: Day) -> list[CalendarDay]:
    if end < start or (end - start).days >= MAX_CALENDAR_DAYS:
        raise InvalidInput(f"end must be on or after start, at most {MAX_CALENDAR_DAYS} days later")
    cal = unit_calendar(session=session, unit=unit, start=start, end=end)
    days = []
    for offset in range((end - start).days + 1):
        day = cal.day(start + timedelta(days=offset))
        days.append(CalendarDay(date=day.day, workday=day.workday, holiday_name=day.holiday_name,
                                morning_start=day.morning.start, morning_end=day.morning.end,
                                afternoon_start=day.afternoon.start, afternoon_end=day.afternoon.end,
                                grace_minutes=day.grace_minutes))
    return days


@router.get("/calendar/exceptions", summary="Holidays, removed holidays and make-up days entered by admins")
def list_exceptions(session: SessionDep, principal: SchedulesRead, limit: Limit = 100, offset: Offset = 0,
                    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                    start: Day | None = None, end: Day | None = None) -> Page[ExceptionPublic]:
    query = select(CalendarException)
    scoped = unit_condition(principal, CalendarException.unit_id)
    if scoped is not None:
        query = query.where(or_(col(CalendarException.unit_id).is_(None), scoped))
    if unit_id is not None:
        query = query.where(CalendarException.unit_id == unit_id)
    if start is not None:
        query = query.where(CalendarException.day >= start)
    if end is not None:
        query = query.where(CalendarException.day <= end)
    return paginate(session, query, model=ExceptionPublic, order_by=[col(CalendarException.day),
                    col(CalendarException.id)], limit=limit, offset=offset)


@router.post("/calendar/exceptions", status_code=201,
             summary="Declare a holiday, remove a national one, or declare a make-up workday")
def create_exception(body: ExceptionCreate, session: SessionDep, principal: SchedulesWrite) -> ExceptionPublic:
    ensure_unit_in_scope(principal, body.unit_id)
    row = add_exception(session=session, day=body.day, kind=body.kind, name=body.name, unit_id=body.unit_id,
                        actor=principal.actor)
    return ExceptionPublic.model_validate(row)
