"""Staff records: create, move between units with effective dates, assign PINs, leave."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import Conflict, InvalidInput, UnknownStaff, UnknownUnit
from attendance.models import Staff, StaffAssignment, Unit


def create_staff(*, session: Session, unit_id: int, code: str, full_name: str, pin: str | None = None,
                 card: str | None = None, position: str | None = None, start_date: date | None = None,
                 actor: str) -> Staff:
    """Add a person to a unit from `start_date` (default: open since ever)."""
    code, full_name = code.strip(), " ".join(full_name.split())
    if not code or not full_name:
        raise InvalidInput("code and full name are required")
    if session.get(Unit, unit_id) is None:
        raise UnknownUnit(f"no unit with id {unit_id}")
    if session.exec(select(Staff.id).where(Staff.code == code)).first() is not None:
        raise Conflict(f"staff code {code!r} already exists")
    pin = _clean_pin(pin)
    if pin is not None:
        _check_pin_free(session, pin, None)
    staff = Staff(code=code, full_name=full_name, pin=pin, card=(card or None), position=position or None,
                  start_date=start_date, unit_id=unit_id)
    session.add(staff)
    session.flush()
    assert staff.id is not None
    session.add(StaffAssignment(staff_id=staff.id, unit_id=unit_id, valid_from=start_date or date(1900, 1, 1)))
    audit.record(session=session, actor=actor, action="staff.create", entity="staff", entity_id=staff.id,
                 after=audit.snapshot(staff))
    return staff


def get_staff(*, session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise UnknownStaff(f"no staff member with id {staff_id}")
    return staff


def get_staff_by_code(*, session: Session, code: str) -> Staff:
    staff = session.exec(select(Staff).where(Staff.code == code)).first()
    if staff is None:
        raise UnknownStaff(f"no staff member with code {code!r}")
    return staff


def assign_pin(*, session: Session, staff: Staff, pin: str | None, actor: str) -> Staff:
    """Give a person a terminal PIN; punches already stored under it count for them from now on."""
    before = audit.snapshot(staff)
    pin = _clean_pin(pin)
    if pin is not None:
        _check_pin_free(session, pin, staff.id)
    staff.pin = pin
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.pin", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff))
    return staff


def move_staff(*, session: Session, staff: Staff, unit_id: int, effective: date, actor: str) -> Staff:
    """Move a person to another unit from `effective`; their history stays with the old unit."""
    if session.get(Unit, unit_id) is None:
        raise UnknownUnit(f"no unit with id {unit_id}")
    rows = list(session.exec(select(StaffAssignment).where(StaffAssignment.staff_id == staff.id)
                             .order_by(col(StaffAssignment.valid_from))))
    current = rows[-1] if rows else None
    if current is not None and effective <= current.valid_from:
        raise InvalidInput(f"a move must come after the current assignment's start ({current.valid_from})")
    before = audit.snapshot(staff)
    assert staff.id is not None
    if current is not None:
        current.valid_to = effective - timedelta(days=1)
        session.add(current)
    session.add(StaffAssignment(staff_id=staff.id, unit_id=unit_id, valid_from=effective))
    staff.unit_id = unit_id
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.move", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff), reason=f"from {effective}")
    return staff


def mark_left(*, session: Session, staff: Staff, last_day: date, actor: str) -> Staff:
    """Record the last working day; the person stays in history, no longer active."""
    if staff.start_date and last_day < staff.start_date:
        raise InvalidInput("the last day is before the start date")
    before = audit.snapshot(staff)
    staff.end_date, staff.active = last_day, False
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.leave", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff))
    return staff


def is_employed(staff: Staff, day: date) -> bool:
    return (staff.start_date is None or staff.start_date <= day) and (staff.end_date is None or day <= staff.end_date)


def _clean_pin(pin: str | None) -> str | None:
    if pin is None:
        return None
    pin = str(pin).strip()
    if not pin:
        return None
    if len(pin) > 24:
        raise InvalidInput("a PIN has at most 24 characters")
    return pin


def _check_pin_free(session: Session, pin: str, staff_id: int | None) -> None:
    holder = session.exec(select(Staff).where(Staff.pin == pin)).first()
    if holder is not None and holder.id != staff_id:
        raise Conflict(f"PIN {pin!r} already belongs to {holder.code} {holder.full_name}")
