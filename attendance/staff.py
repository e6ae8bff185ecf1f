"""Staff records: create, move between units with effective dates, assign PINs, leave."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from attendance import audit, pin_scope
from attendance.errors import Conflict, InvalidInput, UnknownStaff, UnknownUnit
from attendance.models import Staff, StaffAssignment, Unit
from attendance.terminal_values import CARD_MAX, clean_pin, clean_text, has_control


def create_staff(*, session: Session, unit_id: int, code: str, full_name: str, pin: str | None = None,
                 card: str | None = None, position: str | None = None, start_date: date | None = None,
                 actor: str) -> Staff:
    """Add a person to a unit from `start_date` (default: open since ever)."""
    code, full_name = code.strip(), " ".join(full_name.split())
    if not code or not full_name:
        raise InvalidInput(code="staff.code_and_name_required")
    if has_control(code) or has_control(full_name):
        raise InvalidInput("mã cán bộ và họ tên không được chứa ký tự điều khiển", code="staff.control_chars")
    if session.get(Unit, unit_id) is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    if session.exec(select(Staff.id).where(Staff.code == code)).first() is not None:
        raise Conflict(code="staff.code_taken", staff_code=code)
    pin = clean_pin(pin)
    scope = pin_scope.organisation_id(session, unit_id)
    if pin is not None:
        _check_pin_free(session, pin, scope, None)
    staff = Staff(code=code, full_name=full_name, pin=pin, card=clean_text(card, what="số thẻ", max_length=CARD_MAX),
                  position=position or None, start_date=start_date, unit_id=unit_id, pin_scope_id=scope)
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
        raise UnknownStaff(code="staff.unknown_id", staff_id=staff_id)
    return staff


def get_staff_by_code(*, session: Session, code: str) -> Staff:
    staff = session.exec(select(Staff).where(Staff.code == code)).first()
    if staff is None:
        raise UnknownStaff(code="staff.unknown_code", staff_code=code)
    return staff


def assign_pin(*, session: Session, staff: Staff, pin: str | None, actor: str) -> Staff:
    """Give a person a terminal PIN; punches already stored under it count for them from now on."""
    before = audit.snapshot(staff)
    pin = clean_pin(pin)
    if pin is not None:
        _check_pin_free(session, pin, staff.pin_scope_id, staff.id)
    staff.pin = pin
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.pin", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff))
    return staff


def move_staff(*, session: Session, staff: Staff, unit_id: int, effective: date, actor: str) -> Staff:
    """Move a person to another unit from `effective`; their history stays with the old unit."""
    if session.get(Unit, unit_id) is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    rows = list(session.exec(select(StaffAssignment).where(StaffAssignment.staff_id == staff.id)
                             .order_by(col(StaffAssignment.valid_from))))
    current = rows[-1] if rows else None
    if current is not None and effective <= current.valid_from:
        raise InvalidInput(code="staff.move_before_start", start=current.valid_from)
    scope = pin_scope.organisation_id(session, unit_id)
    if staff.pin is not None and scope != staff.pin_scope_id:
        _check_pin_free(session, staff.pin, scope, staff.id)
    before = audit.snapshot(staff)
    assert staff.id is not None
    if current is not None:
        current.valid_to = effective - timedelta(days=1)
        session.add(current)
    session.add(StaffAssignment(staff_id=staff.id, unit_id=unit_id, valid_from=effective))
    staff.unit_id, staff.pin_scope_id = unit_id, scope
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.move", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff), reason=f"from {effective}")
    return staff


def mark_left(*, session: Session, staff: Staff, last_day: date, actor: str) -> Staff:
    """Record the last working day; the person stays in history, no longer active."""
    if staff.start_date and last_day < staff.start_date:
        raise InvalidInput(code="staff.left_before_start")
    before = audit.snapshot(staff)
    staff.end_date, staff.active = last_day, False
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.leave", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff))
    return staff


def ledger_pin(staff: Staff) -> str:
    """The PIN a punch of this person carries when no terminal gave one (cameras, manual entries).

    A person without a terminal PIN still punches at the camera: `staff-<id>` always fits the
    ledger's PIN column, whatever the length of their staff code."""
    return staff.pin or f"staff-{staff.id}"


def is_employed(staff: Staff, day: date) -> bool:
    return (staff.start_date is None or staff.start_date <= day) and (staff.end_date is None or day <= staff.end_date)


def _check_pin_free(session: Session, pin: str, scope: int | None, staff_id: int | None) -> None:
    # The holder is not named: the caller may not be allowed to see them (another department).
    holder = session.exec(select(Staff.id).where(Staff.pin == pin, Staff.pin_scope_id == scope)).first()
    if holder is not None and holder != staff_id:
        raise Conflict(f"mã chấm công (PIN) {pin!r} đã được cấp cho một người khác trong cùng tổ chức",
                       code="pin.taken", pin=pin)
