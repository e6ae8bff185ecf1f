"""Which accounts, audit entries and device tokens an organisation's administrator may see.

Service-wide callers (`unit_ids is None`) see everything. Everyone else sees:
- accounts bound to a unit in scope, and staff accounts of people in scope (an account with no unit
  and no person in scope, e.g. a service-wide administrator, does not exist for them);
- audit entries written by those accounts (the simplest sound rule: an organisation reads what its
  own people did, never what the service or another organisation did);
- device tokens bound to a device of a unit in scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, literal
from sqlmodel import Session, col, or_, select

from api.auth.models import DeviceToken, User
from api.auth.principal import Principal
from api.auth.roles import Role
from attendance.errors import Forbidden, NotFound
from attendance.models import AuditEntry, Device, Staff


def account_condition(principal: Principal) -> Any | None:
    """A WHERE condition on User keeping the accounts in scope; None = no restriction."""
    if principal.unit_ids is None:
        return None
    if not principal.unit_ids:
        return false()
    units = sorted(principal.unit_ids)
    people = select(Staff.id).where(col(Staff.unit_id).in_(units))
    return or_(col(User.unit_id).in_(units),
               (col(User.role) == Role.STAFF.value) & col(User.unit_id).is_(None) & col(User.staff_id).in_(people))


def visible_account(session: Session, principal: Principal, user_id: int) -> User:
    """The account named in a path, if in scope; 404 otherwise (ids are not probed)."""
    user = session.get(User, user_id)
    if user is None or not account_in_scope(session, principal, user):
        raise NotFound(code="account.unknown_id", user_id=user_id)
    return user


def account_in_scope(session: Session, principal: Principal, user: User) -> bool:
    """True when the account (as it stands now, changes applied) is one the caller may administer."""
    if principal.unit_ids is None:
        return True
    if user.staff_id is not None:
        staff = session.get(Staff, user.staff_id)
        if staff is None or staff.unit_id not in principal.unit_ids:
            return False  # nobody links an account to a person of another organisation
    if user.unit_id is not None:
        return user.unit_id in principal.unit_ids
    return user.role == Role.STAFF.value and user.staff_id is not None


def ensure_account_in_scope(session: Session, principal: Principal, user: User) -> None:
    """After a create or change (flushed, not committed): refuse an account outside the caller's
    organisation, or a service-wide one, so the request's unit of work rolls back."""
    if not account_in_scope(session, principal, user):
        raise Forbidden(code="account.outside_organisation")


def audit_condition(principal: Principal) -> Any | None:
    """A WHERE condition on AuditEntry: entries written by accounts in scope; None = no restriction."""
    accounts = account_condition(principal)
    if accounts is None:
        return None
    actors = select(literal("user:").concat(User.username)).where(accounts)
    return col(AuditEntry.actor).in_(actors)


def token_condition(principal: Principal) -> Any | None:
    """A WHERE condition on DeviceToken: tokens bound to a device in scope; None = no restriction."""
    if principal.unit_ids is None:
        return None
    devices = select(Device.id).where(col(Device.unit_id).in_(sorted(principal.unit_ids)))
    return col(DeviceToken.device_id).in_(devices)


def token_in_scope(session: Session, principal: Principal, token: DeviceToken) -> bool:
    """True when the caller may see the token (service-wide, or bound to a device in scope)."""
    if principal.unit_ids is None:
        return True
    device = session.get(Device, token.device_id) if token.device_id is not None else None
    return device is not None and principal.sees_unit(device.unit_id)


def ensure_device_in_scope(session: Session, principal: Principal, device_id: int | None) -> None:
    """A token for a device outside the caller's organisation (or for no device) is refused."""
    if principal.unit_ids is None:
        return
    if device_id is None:
        raise Forbidden(code="token.needs_device")
    device = session.get(Device, device_id)
    if device is None or not principal.sees_unit(device.unit_id):
        raise NotFound(code="device.unknown_id", device_id=device_id)
