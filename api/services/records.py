"""Unit and staff changes the core services do not offer: create a unit with an audit entry, edit
a unit's codes and zone, edit a person's details (name, position, card, start date)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from attendance import audit, pin_scope
from attendance.contact import clean_email
from attendance.errors import InvalidInput
from attendance.models import Staff, Unit
from attendance.org import ensure_unit_path
from attendance.terminal_values import CARD_MAX, clean_text, has_control
from devices import binding


def create_unit(*, session: Session, path: str, code: str | None, budget_code: str | None,
                timezone: str | None, actor: str) -> tuple[Unit, bool]:
    """The unit at `path` (parents created); returns (unit, created)."""
    unit, created = ensure_unit_path(session=session, path=path)
    if not created:
        return unit, False
    update_unit(session=session, unit=unit, changes={"code": code, "budget_code": budget_code,
                                                     "timezone": timezone}, actor=actor, action="unit.create")
    return unit, True


def update_unit(*, session: Session, unit: Unit, changes: dict[str, object], actor: str,
                action: str = "unit.update") -> Unit:
    """Change a unit's code, budget code (mã QHNS), time zone, push networks or PIN namespace."""
    unknown = set(changes) - {"code", "budget_code", "timezone", "push_allowed_from", "pin_namespace",
                              "two_step_approval"}
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    if changes.get("timezone"):
        check_zone(str(changes["timezone"]))
    changes = dict(changes)
    if changes.get("push_allowed_from"):
        changes["push_allowed_from"] = binding.parse_networks_text(str(changes["push_allowed_from"]))
    before = None if action == "unit.create" else audit.snapshot(unit)
    if "two_step_approval" in changes:
        unit.two_step_approval = changes.pop("two_step_approval")  # type: ignore[assignment]  # None: as the parent
    marked = changes.pop("pin_namespace", None)
    if marked is not None:
        pin_scope.set_namespace(session, unit, bool(marked))
    for key, value in changes.items():
        setattr(unit, key, (str(value).strip() or None) if value is not None else None)
    session.add(unit)
    session.flush()
    audit.record(session=session, actor=actor, action=action, entity="unit", entity_id=unit.id, before=before,
                 after=audit.snapshot(unit))
    return unit


def update_staff_details(*, session: Session, staff: Staff, changes: dict[str, object], actor: str) -> Staff:
    """Change a person's name, position, card, start date or notice address (PIN, unit and leaving have their own)."""
    unknown = set(changes) - {"full_name", "position", "card", "start_date", "email", "notify_email"}
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    if changes.get("card") is not None:
        changes = {**changes, "card": clean_text(str(changes["card"]), what="số thẻ", max_length=CARD_MAX)}
    if "full_name" in changes:
        name = " ".join(str(changes["full_name"] or "").split())
        if not name:
            raise InvalidInput("the full name is required")
        if has_control(name):
            raise InvalidInput("họ tên không được chứa ký tự điều khiển")
        changes["full_name"] = name
    for key in ("position", "card"):
        if key in changes:
            changes[key] = (str(changes[key]).strip() or None) if changes[key] is not None else None
    if "email" in changes:
        changes["email"] = clean_email(str(changes["email"] or ""))
    if changes.get("notify_email", True) is None:
        raise InvalidInput("notify_email must be true or false")
    start = changes.get("start_date")
    if isinstance(start, date) and staff.end_date is not None and start > staff.end_date:
        raise InvalidInput("the start date is after the last day")
    before = audit.snapshot(staff)
    for key, value in changes.items():
        setattr(staff, key, value)
    session.add(staff)
    session.flush()
    audit.record(session=session, actor=actor, action="staff.update", entity="staff", entity_id=staff.id,
                 before=before, after=audit.snapshot(staff))
    return staff


def check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except Exception as err:  # ZoneInfo raises several kinds for odd names
        raise InvalidInput(f"unknown time zone {name!r}") from err
