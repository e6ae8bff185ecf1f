"""User and clock sync: staff onto terminals, leavers off, clocks set only on request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from attendance import audit, pin_scope
from attendance.models import Device, Staff
from attendance.org import get_unit, subtree_ids
from attendance.timeutil import to_local, utcnow
from devices import health
from devices.errors import BadDeviceInput
from devices.terminal import Terminal, TerminalUser
from devices.zk_pull import ascii_name

ADMIN_PRIVILEGE = 14


@dataclass(slots=True)
class UserSyncPlan:
    add: list[TerminalUser] = field(default_factory=list)
    update: list[TerminalUser] = field(default_factory=list)
    remove: list[TerminalUser] = field(default_factory=list)
    unknown: list[TerminalUser] = field(default_factory=list)  # on the terminal, unknown to the service
    skipped: list[str] = field(default_factory=list)  # staff that cannot go on this terminal, with why


@dataclass(frozen=True, slots=True)
class ClockReport:
    serial: str
    offset_seconds: float
    flagged: bool
    device_time: datetime
    was_set: bool = False


def staff_for_device(*, session: Session, device: Device, today: date) -> tuple[list[Staff], list[Staff]]:
    """(people who belong on the terminal, people with a PIN who have left)."""
    query = select(Staff).where(col(Staff.pin).is_not(None))
    if device.unit_id is not None:
        units = subtree_ids(session=session, unit=get_unit(session=session, unit_id=device.unit_id))
        query = query.where(col(Staff.unit_id).in_(units))
    else:
        # A terminal without a unit holds its organisation's people: never another commune's PIN 1.
        scope = device.pin_scope_id or pin_scope.sole_organisation_id(session)
        if scope is None and session.exec(select(Staff.id).where(col(Staff.pin).is_not(None)).limit(1)).first():
            raise BadDeviceInput(f"máy {device.serial} chưa thuộc đơn vị nào mà hệ thống phục vụ nhiều tổ chức: "
                                 "hãy gán đơn vị cho máy trước khi đồng bộ người dùng")
        query = query.where(col(Staff.pin_scope_id) == scope)
    wanted: list[Staff] = []
    left: list[Staff] = []
    for person in session.exec(query):
        employed = person.active and (person.end_date is None or person.end_date >= today) and (
            person.start_date is None or person.start_date <= today)
        (wanted if employed else left).append(person)
    return wanted, left


def plan_user_sync(*, session: Session, device: Device, device_users: list[TerminalUser], user_format: int,
                   today: date | None = None) -> UserSyncPlan:
    """What to write to and remove from a terminal so it holds exactly the staff who belong there."""
    today = today or to_local(utcnow(), health.device_zone(device, session)).date()
    wanted, left = staff_for_device(session=session, device=device, today=today)
    on_device = {u.pin: u for u in device_users}
    known_pins = {s.pin for s in wanted} | {s.pin for s in left}
    used_uids = {u.uid for u in device_users}
    next_uid = 1
    plan = UserSyncPlan()
    name_limit = 8 if user_format == 28 else 24
    for person in sorted(wanted, key=lambda s: s.pin or ""):
        pin = person.pin or ""
        if user_format == 28 and not pin.isdigit():
            plan.skipped.append(f"{person.code} {person.full_name}: PIN {pin!r} không phải số (máy 28 byte)")
            continue
        card = int(person.card) if person.card and person.card.isdigit() and int(person.card) < 2**32 else 0
        name = ascii_name(person.full_name)[:name_limit]
        current = on_device.get(pin)
        if current is None:
            while next_uid in used_uids:
                next_uid += 1
            if next_uid > 65535:
                plan.skipped.append(f"{person.code}: máy đã hết chỗ")
                continue
            used_uids.add(next_uid)
            plan.add.append(TerminalUser(uid=next_uid, pin=pin, name=name, card=card))
        elif current.name != name or (card and current.card != card):
            plan.update.append(TerminalUser(uid=current.uid, pin=pin, name=name, privilege=current.privilege,
                                            card=card or current.card, password=current.password))
    for person in left:
        if person.pin in on_device and person.pin not in {s.pin for s in wanted}:
            plan.remove.append(on_device[person.pin])
    plan.unknown = [u for u in device_users if u.pin not in known_pins]
    return plan


def sync_users(*, session: Session, device: Device, terminal: Terminal, actor: str,
               dry_run: bool = False) -> UserSyncPlan:
    """Push staff to a pull terminal and remove those who left; unknown device users are only listed."""
    users = terminal.read_users()
    plan = plan_user_sync(session=session, device=device, device_users=users,
                          user_format=terminal.user_format or 72)
    if dry_run:
        return plan
    for user in plan.add + plan.update:
        terminal.set_user(user)
    for user in plan.remove:
        terminal.delete_user(user.uid)
    audit.record(session=session, actor=actor, action="device.sync_users", entity="device", entity_id=device.id,
                 after={"added": [u.pin for u in plan.add], "updated": [u.pin for u in plan.update],
                        "removed": [u.pin for u in plan.remove], "unknown": [u.pin for u in plan.unknown]})
    session.flush()
    return plan


def check_clock(*, session: Session, device: Device, terminal: Terminal) -> ClockReport:
    """Measure the terminal's clock offset (recorded in its health) without changing it."""
    status = terminal.status()
    health.record_contact(session=session, device=device, status=status)
    return ClockReport(device.serial, device.clock_offset_seconds or 0.0, health.drift_flagged(device),
                       status.device_time)


def set_clock(*, session: Session, device: Device, terminal: Terminal, actor: str) -> ClockReport:
    """Set the terminal's clock to the service's time in the device's zone (an explicit, audited act)."""
    before = check_clock(session=session, device=device, terminal=terminal)
    terminal.set_time(to_local(utcnow(), health.device_zone(device, session)).replace(microsecond=0))
    after = check_clock(session=session, device=device, terminal=terminal)
    audit.record(session=session, actor=actor, action="device.set_clock", entity="device", entity_id=device.id,
                 before={"offset_seconds": before.offset_seconds}, after={"offset_seconds": after.offset_seconds})
    return ClockReport(after.serial, after.offset_seconds, after.flagged, after.device_time, was_set=True)
