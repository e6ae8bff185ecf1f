"""Who is asking: a user or a device, what they may do and which records they may see."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth.models import AuthSession, DeviceToken, User
from api.auth.roles import Permission, Role


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    `unit_ids` is None when the caller sees every unit (admin), else the units of their subtree
    (empty for staff and devices). `staff_id` is the person a staff account may see.
    """

    kind: str  # "user" | "device"
    actor: str  # written to the audit log: "user:alice", "device:cam-01"
    permissions: frozenset[Permission]
    unit_ids: frozenset[int] | None
    user: User | None = None
    device_token: DeviceToken | None = None
    auth_session: AuthSession | None = None  # the session a user's token names

    @property
    def username(self) -> str:
        return self.user.username if self.user else self.actor

    @property
    def role(self) -> Role | None:
        return Role(self.user.role) if self.user else None

    @property
    def staff_id(self) -> int | None:
        return self.user.staff_id if self.user else None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def sees_unit(self, unit_id: int | None) -> bool:
        """True when the unit is in the caller's scope (units without one: admins only)."""
        if self.unit_ids is None:
            return True
        return unit_id is not None and unit_id in self.unit_ids

    def sees_staff(self, *, staff_id: int | None, unit_id: int | None) -> bool:
        """True for one's own record, or a record of a unit in scope."""
        if staff_id is not None and staff_id == self.staff_id:
            return True
        if self.role is Role.STAFF or self.kind != "user":
            return False
        return self.sees_unit(unit_id)
