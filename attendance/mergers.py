"""Mergers and splits of units from an effective date (the 2025 reform merged communes by resolution).

Nothing is re-parented or renamed: the tree of a past month stays as it was, so that month's
reports come out the same. A merger moves the staff of the merged unit's sub-tree, each to the
unit of the same place in the receiving unit (created when missing: `A / Văn phòng` goes to
`B / Văn phòng`), from the effective date, through the staff assignments that already carry each
person's history; the merged units are marked dissolved from that date, with their successor. A
split moves the named staff into a new unit the same way. Terminals move with them: their unit
changes, their punches (tied to the device and already matched to people) stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, or_, select

from attendance import audit, month_lock, pin_scope
from attendance.errors import Conflict, InvalidInput
from attendance.models import Device, Staff, StaffAssignment, Unit
from attendance.models.org import PATH_SEPARATOR
from attendance.org import ensure_unit_path, normalise_path, subtree_ids


@dataclass(frozen=True, slots=True)
class UnitChange:
    """What a merger or split did."""

    kind: str  # "merge" or "split"
    source_id: int
    target_id: int
    effective: date
    staff_moved: int
    devices_moved: int
    units_created: int


def merge_unit(*, session: Session, source: Unit, target: Unit, effective: date, actor: str) -> UnitChange:
    """Merge `source` and its sub-units into `target` from `effective` (flushes; the caller commits)."""
    if source.id == target.id or target.id in subtree_ids(session=session, unit=source):
        raise InvalidInput(code="merger.into_itself", source=source.path, target=target.path)
    _ensure_active(source, effective)
    _ensure_active(target, effective)
    inside = subtree_ids(session=session, unit=source)
    units = {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(inside))) if u.id is not None}
    created = 0
    counterpart: dict[int, Unit] = {}
    for unit_id, unit in sorted(units.items(), key=lambda item: item[1].path.count(PATH_SEPARATOR)):
        relative = unit.path[len(source.path):]
        found, made = ensure_unit_path(session=session, path=target.path + relative) if relative else (target, False)
        counterpart[unit_id] = found
        created += made
    month_lock.ensure_open_for_unit(session=session, unit_id=source.id, start=effective, end=None)
    month_lock.ensure_open_for_unit(session=session, unit_id=target.id, start=effective, end=None)
    moved = _move_staff(session, counterpart, effective)
    devices = _move_devices(session, counterpart)
    for unit_id, unit in units.items():
        before = audit.snapshot(unit)
        unit.dissolved_on, unit.successor_id = effective, counterpart[unit_id].id
        session.add(unit)
        audit.record(session=session, actor=actor, action="unit.dissolve", entity="unit", entity_id=unit_id,
                     before=before, after=audit.snapshot(unit), reason=f"merged into {target.path} from {effective}")
    session.flush()
    assert source.id is not None and target.id is not None
    change = UnitChange("merge", source.id, target.id, effective, moved, devices, created)
    _record(session, actor, change, source, target)
    return change


def split_unit(*, session: Session, source: Unit, new_path: str, staff: list[Staff], devices: list[Device],
               effective: date, actor: str) -> UnitChange:
    """Move `staff` and `devices` of `source` into a new unit at `new_path` from `effective`."""
    _ensure_active(source, effective)
    new_path = normalise_path(new_path)
    if session.exec(select(Unit).where(Unit.path == new_path)).first() is not None:
        raise Conflict(code="merger.unit_exists", path=new_path)
    inside = set(subtree_ids(session=session, unit=source))
    month_lock.ensure_open_for_unit(session=session, unit_id=source.id, start=effective, end=None)
    target, _ = ensure_unit_path(session=session, path=new_path)
    assert target.id is not None and source.id is not None
    people = {p.id for p in staff}
    current = _current_assignments(session, inside, effective)
    strangers = people - {a.staff_id for a in current}
    if strangers:
        raise InvalidInput(code="merger.staff_not_in_unit", unit=source.path, count=len(strangers))
    moved = _move_assignments(session, [a for a in current if a.staff_id in people], {a.unit_id: target for a in current},
                              effective)
    for device in devices:
        if device.unit_id not in inside:
            raise InvalidInput(code="merger.device_not_in_unit", serial=device.serial, unit=source.path)
    moved_devices = _move_devices(session, {d.unit_id: target for d in devices if d.unit_id is not None},
                                  only={d.id for d in devices})
    session.flush()
    change = UnitChange("split", source.id, target.id, effective, moved, moved_devices, 1)
    _record(session, actor, change, source, target)
    return change


def _ensure_active(unit: Unit, effective: date) -> None:
    if unit.dissolved_on is not None and unit.dissolved_on <= effective:
        raise InvalidInput(code="merger.unit_dissolved", unit=unit.path, day=unit.dissolved_on)


def _current_assignments(session: Session, unit_ids: set[int], effective: date) -> list[StaffAssignment]:
    """The assignments to these units that are open on or after `effective`."""
    return list(session.exec(select(StaffAssignment).where(
        col(StaffAssignment.unit_id).in_(unit_ids),
        or_(col(StaffAssignment.valid_to).is_(None), col(StaffAssignment.valid_to) >= effective))
        .order_by(col(StaffAssignment.staff_id), col(StaffAssignment.valid_from))))


def _move_staff(session: Session, counterpart: dict[int, Unit], effective: date) -> int:
    current = _current_assignments(session, set(counterpart), effective)
    return _move_assignments(session, current, counterpart, effective)


def _move_assignments(session: Session, rows: list[StaffAssignment], counterpart: dict[int, Unit],
                      effective: date) -> int:
    """End each assignment the day before `effective` and open one at its counterpart unit.

    An assignment that starts on or after the date simply points at the counterpart (its whole
    span is after the change). PINs must stay unique in the receiving organisation (R14)."""
    people: set[int] = set()
    for row in rows:
        target = counterpart[row.unit_id]
        assert target.id is not None
        if row.valid_from >= effective:
            row.unit_id = target.id
        else:
            session.add(StaffAssignment(staff_id=row.staff_id, unit_id=target.id, valid_from=effective,
                                        valid_to=row.valid_to))
            row.valid_to = effective - timedelta(days=1)
        session.add(row)
        people.add(row.staff_id)
    session.flush()
    for staff_id in people:
        person = session.get(Staff, staff_id)
        assert person is not None
        latest = session.exec(select(StaffAssignment).where(StaffAssignment.staff_id == staff_id)
                              .order_by(col(StaffAssignment.valid_from).desc())).first()
        if latest is not None and latest.unit_id != person.unit_id:
            scope = pin_scope.organisation_id(session, latest.unit_id)
            if person.pin is not None and scope != person.pin_scope_id:
                holder = session.exec(select(Staff.id).where(Staff.pin == person.pin, Staff.pin_scope_id == scope,
                                                             col(Staff.id).not_in(people))).first()
                if holder is not None:
                    raise Conflict(code="merger.pin_clash", pin=person.pin, staff_code=person.code)
            person.unit_id, person.pin_scope_id = latest.unit_id, scope
            session.add(person)
    session.flush()
    return len(people)


def _move_devices(session: Session, counterpart: dict[int, Unit], only: set[int | None] | None = None) -> int:
    rows = session.exec(select(Device).where(col(Device.unit_id).in_(list(counterpart))))
    moved = 0
    for device in rows:
        if device.unit_id is None or (only is not None and device.id not in only):
            continue
        device.unit_id = counterpart[device.unit_id].id
        device.pin_scope_id = pin_scope.organisation_id(session, device.unit_id)
        session.add(device)
        moved += 1
    return moved


def _record(session: Session, actor: str, change: UnitChange, source: Unit, target: Unit) -> None:
    audit.record(session=session, actor=actor, action=f"unit.{change.kind}", entity="unit", entity_id=source.id,
                 after={"target": target.path, "effective": change.effective.isoformat(),
                        "staff_moved": change.staff_moved, "devices_moved": change.devices_moved,
                        "units_created": change.units_created},
                 reason=f"{change.kind} {source.path} -> {target.path} from {change.effective}")
