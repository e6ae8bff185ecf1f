"""Roles and the permissions they carry; biometric permissions are never implied by a role."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything (biometrics only when granted explicitly)
    PERSONNEL = "personnel"  # personnel office: all staff data of their unit tree
    HEAD = "head"  # head of a department: their department, approvals for it
    STAFF = "staff"  # their own record and requests only
    PROVINCE = "province"  # a province's office: the reports of every organisation under its unit, nothing else


class Permission(StrEnum):
    USERS_MANAGE = "users.manage"
    UNITS_READ = "units.read"
    UNITS_WRITE = "units.write"
    STAFF_READ = "staff.read"
    STAFF_WRITE = "staff.write"
    SCHEDULES_READ = "schedules.read"
    SCHEDULES_WRITE = "schedules.write"
    DEVICES_READ = "devices.read"
    DEVICES_MANAGE = "devices.manage"
    DEVICE_TOKENS_MANAGE = "device_tokens.manage"
    PUNCHES_READ = "punches.read"
    PUNCHES_MANUAL = "punches.manual"
    PUNCHES_INGEST = "punches.ingest"
    BOARD_READ = "board.read"
    REQUESTS_READ = "requests.read"
    REQUESTS_FILE = "requests.file"
    REQUESTS_DECIDE = "requests.decide"
    REPORTS_READ = "reports.read"
    REPORTS_CLOSE = "reports.close"
    AUDIT_READ = "audit.read"
    SELF_READ = "self.read"
    # Biometric data (DOMAIN.md R13): granted per user, never by a role.
    BIOMETRICS_MANAGE = "biometrics.manage"
    # Camera services: download the gallery of face templates, report heartbeats.
    GALLERY_READ = "gallery.read"
    DEVICE_HEARTBEAT = "device.heartbeat"


BIOMETRIC_PERMISSIONS = frozenset({Permission.BIOMETRICS_MANAGE, Permission.GALLERY_READ})

_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - BIOMETRIC_PERMISSIONS,
    Role.PERSONNEL: frozenset({
        _P.UNITS_READ, _P.STAFF_READ, _P.STAFF_WRITE, _P.SCHEDULES_READ, _P.SCHEDULES_WRITE,
        _P.DEVICES_READ, _P.DEVICES_MANAGE, _P.PUNCHES_READ, _P.PUNCHES_MANUAL, _P.BOARD_READ,
        _P.REQUESTS_READ, _P.REQUESTS_FILE, _P.REQUESTS_DECIDE, _P.REPORTS_READ, _P.REPORTS_CLOSE, _P.SELF_READ,
    }),
    Role.HEAD: frozenset({
        _P.UNITS_READ, _P.STAFF_READ, _P.SCHEDULES_READ, _P.PUNCHES_READ, _P.BOARD_READ,
        _P.REQUESTS_READ, _P.REQUESTS_FILE, _P.REQUESTS_DECIDE, _P.REPORTS_READ, _P.SELF_READ,
    }),
    Role.STAFF: frozenset({_P.SELF_READ, _P.REQUESTS_READ, _P.REQUESTS_FILE}),
    Role.PROVINCE: frozenset({_P.REPORTS_READ}),
}

# What a device token may be given (camera services and other machines).
DEVICE_SCOPES = frozenset({Permission.PUNCHES_INGEST, Permission.GALLERY_READ, Permission.DEVICE_HEARTBEAT})

ROLE_LABELS_VI = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.PERSONNEL: "Phòng tổ chức cán bộ",
    Role.HEAD: "Trưởng phòng",
    Role.STAFF: "Cán bộ",
    Role.PROVINCE: "Cấp tỉnh (xem báo cáo)",
}


def permissions_for(role: Role | str, grants: str | None = None) -> frozenset[Permission]:
    """The role's permissions plus the explicit per-user grants (comma-separated)."""
    granted = frozenset(Permission(name) for name in parse_grants(grants))
    return ROLE_PERMISSIONS[Role(role)] | granted


def parse_grants(grants: str | None) -> list[str]:
    """'biometrics.manage, gallery.read' -> ['biometrics.manage', 'gallery.read'] (validated)."""
    names = sorted({item.strip() for item in (grants or "").split(",") if item.strip()})
    valid = {p.value for p in Permission}
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise ValueError(f"unknown permission(s): {', '.join(unknown)}")
    return names


def unit_scoped(role: Role | str) -> bool:
    """Personnel offices, heads and province offices see their unit's subtree only; admins see all.

    A province account without a unit reads the reports of every organisation of the service."""
    return Role(role) in (Role.PERSONNEL, Role.HEAD, Role.PROVINCE)
