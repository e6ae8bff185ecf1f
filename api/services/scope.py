"""Turning a caller's scope into SQL filters, in one place."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlalchemy import false
from sqlmodel import Session, col, select

from api.auth.models import DeviceToken
from api.auth.principal import Principal
from api.auth.roles import Role
from attendance.models import Device, Staff
from attendance.terminal_values import serial_key


def unit_condition(principal: Principal, column: Any) -> Any | None:
    """A WHERE condition keeping rows whose unit column is in scope; None = no restriction."""
    if principal.unit_ids is None:
        return None
    if not principal.unit_ids:
        return false()
    return col(column).in_(sorted(principal.unit_ids))


def staff_condition(principal: Principal, staff_id_column: Any, unit_id_column: Any) -> Any | None:
    """Rows of people the caller may see: oneself (staff accounts) or the units in scope."""
    if principal.role is Role.STAFF or principal.kind != "user":
        own = principal.staff_id
        return col(staff_id_column) == own if own is not None else false()
    condition = unit_condition(principal, unit_id_column)
    if condition is not None and principal.staff_id is not None:
        condition = condition | (col(staff_id_column) == principal.staff_id)
    return condition


def ensure_unit_in_scope(principal: Principal, unit_id: int | None) -> None:
    """404 (not 403: ids are not probed) when a body names a unit outside the caller's scope.

    `None` stands for "every unit", which only callers without a unit scope may address."""
    if unit_id is None and principal.unit_ids is not None:
        raise HTTPException(403, "only administrators act on every unit at once")
    if not principal.sees_unit(unit_id):
        raise HTTPException(404, f"no unit with id {unit_id}")


def apply(query: Any, condition: Any | None) -> Any:
    return query if condition is None else query.where(condition)


def visible_staff(session: Session, principal: Principal, staff_id: int) -> Staff:
    """The person named in a body, if the caller may see them; 404 otherwise (ids are not probed)."""
    staff = session.get(Staff, staff_id)
    if staff is None or not principal.sees_staff(staff_id=staff.id, unit_id=staff.unit_id):
        raise HTTPException(404, f"no staff member with id {staff_id}")
    return staff


def ensure_own_device(session: Session, principal: Principal, serial: str) -> None:
    """A device token may only speak for its own device.

    A token issued without a device is bound to the first device it speaks for (trust on first
    use), so one camera's token can never create or touch another camera."""
    token = principal.device_token
    if token is None:
        return
    key = serial_key(serial)
    if token.device_id is None:
        device = session.exec(select(Device).where(Device.serial == key)).first()
        if device is not None and session.exec(select(DeviceToken.id).where(
                DeviceToken.device_id == device.id, col(DeviceToken.revoked_at).is_(None))).first() is not None:
            raise HTTPException(403, "this device already has its own token")
        if device is None:
            return  # bound below, once the caller has created the device
        token.device_id = device.id
        session.add(token)
        return
    device = session.get(Device, token.device_id)
    if device is None or device.serial != key:
        raise HTTPException(403, "this device token may only act for its own device")


def bind_token(session: Session, principal: Principal, device: Device) -> None:
    """Bind an unbound device token to the device it just created (see `ensure_own_device`)."""
    token = principal.device_token
    if token is not None and token.device_id is None:
        token.device_id = device.id
        session.add(token)
