"""The tables. Import from here so every table is registered on SQLModel.metadata."""

from attendance.models.audit import AuditEntry
from attendance.models.calendar import CalendarException, ExceptionKind, Schedule
from attendance.models.device import Device, DeviceKind, DeviceLease
from attendance.models.org import Unit
from attendance.models.punch import Punch, PunchSource
from attendance.models.requests import ExcuseKind, Request, RequestAttachment, RequestStatus, RequestType, SessionPart
from attendance.models.staff import Staff, StaffAssignment

__all__ = [
    "AuditEntry",
    "CalendarException",
    "Device",
    "DeviceKind",
    "DeviceLease",
    "ExceptionKind",
    "ExcuseKind",
    "Punch",
    "PunchSource",
    "Request",
    "RequestAttachment",
    "RequestStatus",
    "RequestType",
    "Schedule",
    "SessionPart",
    "Staff",
    "StaffAssignment",
    "Unit",
]
