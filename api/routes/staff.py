"""Staff records: list, create, edit, PIN and card, moves between units, leaving."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import col, select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, CurrentStaff, SessionDep, require, require_any
from api.schemas.common import COMMON_RESPONSES, Page
from api.schemas.records import AssignmentPublic, LeaveIn, MoveIn, PinIn, StaffCreate, StaffPublic, StaffUpdate
from api.services.paging import Limit, Offset, paginate
from api.services.records import update_staff_details
from api.services.scope import apply, ensure_unit_in_scope, staff_condition
from attendance.models import Staff, StaffAssignment, Unit
from attendance.org import subtree_ids
from attendance.staff import assign_pin, create_staff, mark_left, move_staff
from attendance.staff_directory import search_conditions
from devices.fingerprints import store as fingerprints
from recognition.enrollment import erase_faces

router = APIRouter(prefix="/api/staff", tags=["staff"], responses=COMMON_RESPONSES)
StaffRead = Annotated[Principal, Depends(require(Permission.STAFF_READ))]
StaffWrite = Annotated[Principal, Depends(require(Permission.STAFF_WRITE))]
SelfOrStaffRead = Annotated[Principal, Depends(require_any(Permission.STAFF_READ, Permission.SELF_READ))]


@router.get("", summary="Staff in the caller's scope, filterable and paginated")
def list_staff(session: SessionDep, principal: StaffRead, limit: Limit = 50, offset: Offset = 0,
               unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="this unit and below")] = None,
               q: Annotated[str | None, Query(max_length=200, description="part of the name or code")] = None,
               active: bool | None = None,
               pin: Annotated[str | None, Query(max_length=24)] = None) -> Page[StaffPublic]:
    query = apply(select(Staff), staff_condition(principal, Staff.id, Staff.unit_id))
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        ids = subtree_ids(session=session, unit=unit) if unit is not None else []
        query = query.where(col(Staff.unit_id).in_(ids))
    if q:  # accent-insensitive, as the directory page searches: "nguyen" finds "Nguyễn"
        query = query.where(*search_conditions(q))
    if active is not None:
        query = query.where(Staff.active == active)
    if pin:
        query = query.where(Staff.pin == pin)
    return paginate(session, query, model=StaffPublic, order_by=[col(Staff.name_order), col(Staff.id)],
                    limit=limit, offset=offset)


@router.post("", status_code=201, summary="Add a person to a unit")
def create(body: StaffCreate, session: SessionDep, principal: StaffWrite) -> StaffPublic:
    ensure_unit_in_scope(principal, body.unit_id)
    staff = create_staff(session=session, unit_id=body.unit_id, code=body.code, full_name=body.full_name,
                         pin=body.pin, card=body.card, position=body.position, start_date=body.start_date,
                         actor=principal.actor)
    return StaffPublic.model_validate(staff)


@router.get("/{staff_id}", summary="One person's record (staff accounts: their own only)")
def read(staff: CurrentStaff, _: SelfOrStaffRead) -> StaffPublic:
    return StaffPublic.model_validate(staff)


@router.patch("/{staff_id}", summary="Edit name, position, card or start date")
def update(body: StaffUpdate, staff: CurrentStaff, session: SessionDep, principal: StaffWrite) -> StaffPublic:
    changes = body.model_dump(exclude_unset=True)
    return StaffPublic.model_validate(update_staff_details(session=session, staff=staff, changes=changes,
                                                           actor=principal.actor))


@router.put("/{staff_id}/pin", summary="Assign (or, with null, remove) the terminal PIN")
def set_pin(body: PinIn, staff: CurrentStaff, session: SessionDep, principal: StaffWrite) -> StaffPublic:
    return StaffPublic.model_validate(assign_pin(session=session, staff=staff, pin=body.pin, actor=principal.actor))


@router.post("/{staff_id}/move", summary="Move to another unit from a date; history stays with the old unit")
def move(body: MoveIn, staff: CurrentStaff, session: SessionDep, principal: StaffWrite) -> StaffPublic:
    ensure_unit_in_scope(principal, body.unit_id)
    return StaffPublic.model_validate(move_staff(session=session, staff=staff, unit_id=body.unit_id,
                                                 effective=body.effective, actor=principal.actor))


@router.post("/{staff_id}/leave", summary="Record the last working day")
def leave(body: LeaveIn, staff: CurrentStaff, session: SessionDep, principal: StaffWrite) -> StaffPublic:
    left = mark_left(session=session, staff=staff, last_day=body.last_day, actor=principal.actor)
    if body.last_day <= date.today():
        # DOMAIN.md R13: a person who has left keeps no biometric data. A future last day is
        # handled by the daily `attendance faces erase-departed`.
        erase_faces(session=session, staff_id=left.id, actor=principal.actor, reason="đã nghỉ việc")
        # Fingers too; the terminals lose them at their next template sync.
        fingerprints.erase_departed(session=session, staff={left.id or 0: left.pin or ""}, actor=principal.actor)
    return StaffPublic.model_validate(left)


@router.get("/{staff_id}/assignments", summary="The units a person belonged to, with dates")
def assignments(staff: CurrentStaff, session: SessionDep, _: SelfOrStaffRead) -> list[AssignmentPublic]:
    rows = session.exec(select(StaffAssignment).where(StaffAssignment.staff_id == staff.id)
                        .order_by(col(StaffAssignment.valid_from)))
    return [AssignmentPublic.model_validate(row) for row in rows]
