"""Changing a registered terminal's settings and retiring it, audited like its registration."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from attendance import audit, pin_scope
from attendance.models import Device
from devices.service import _public, check_settings

EDITABLE = ("name", "host", "port", "transport", "comm_key", "timezone", "unit_id", "poll_interval_seconds",
            "live_mode", "clear_log_allowed", "push_allowed_from")


def update_device(*, session: Session, device: Device, changes: dict[str, Any], actor: str) -> Device:
    """Apply `changes` (fields of EDITABLE) after checking the result as a registration is checked."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    merged = {key: changes.get(key, getattr(device, key)) for key in EDITABLE}
    merged["name"], merged["push_allowed_from"] = check_settings(
        session=session, kind=device.kind, name=merged["name"], host=merged["host"], port=merged["port"],
        transport=merged["transport"], comm_key=merged["comm_key"], timezone=merged["timezone"],
        unit_id=merged["unit_id"], poll_interval_seconds=merged["poll_interval_seconds"],
        push_allowed_from=merged["push_allowed_from"])
    before = _public(device)
    for key, value in merged.items():
        setattr(device, key, value)
    device.pin_scope_id = pin_scope.organisation_id(session, device.unit_id)
    session.add(device)
    session.flush()
    audit.record(session=session, actor=actor, action="device.update", entity="device", entity_id=device.id,
                 before=before, after=_public(device))
    return device


def retire_device(*, session: Session, device: Device, actor: str, reason: str | None = None) -> Device:
    """Stop using a terminal: no more polling, pushes refused, no alerts; its punches stay in the ledger."""
    before = _public(device)
    device.enabled = False
    session.add(device)
    session.flush()
    audit.record(session=session, actor=actor, action="device.retire", entity="device", entity_id=device.id,
                 before=before, after=_public(device), reason=reason)
    return device
