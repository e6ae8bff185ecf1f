"""Server side of the door cameras: register, heartbeat (health like a terminal's), punch ingest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, select

from attendance.errors import Conflict
from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import Device, DeviceKind, PunchSource, Staff
from attendance.terminal_values import normalise_serial
from attendance.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class CameraPunch:
    pin: str
    device_time: datetime
    staff_id: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CameraHealth:
    """What a camera reports at each heartbeat."""

    frames: int = 0
    decisions: int = 0
    pending: int = 0
    delivered: int = 0
    gallery_people: int = 0
    last_error: str | None = None
    dead_letters: int = 0  # punches the server refused for good, set aside on the camera


def ensure_camera(*, session: Session, serial: str, name: str | None = None) -> Device:
    """The camera's device row, created on first contact; a terminal's serial is refused."""
    serial = normalise_serial(serial)
    device = session.exec(select(Device).where(Device.serial == serial)).first()
    if device is None:
        device = Device(serial=serial, name=name or f"Camera {serial}", kind=DeviceKind.CAMERA, port=0)
        session.add(device)
        session.flush()
    elif device.kind != DeviceKind.CAMERA:
        raise Conflict(f"device {serial} is a {device.kind} terminal, not a camera")
    return device


def record_heartbeat(*, session: Session, serial: str, health: CameraHealth) -> Device:
    """Store the camera's contact time, counts and last error on its device row."""
    device = ensure_camera(session=session, serial=serial)
    now = utcnow()
    device.last_contact_at = now
    device.record_count = health.delivered
    device.user_count = health.gallery_people
    problem = health.last_error
    if health.dead_letters:
        problem = (f"{health.dead_letters} lượt chấm công bị máy chủ từ chối hẳn, camera đã để riêng (dead letter)"
                   + (f"; {problem}" if problem else ""))
    if problem:
        device.last_error, device.last_error_at = problem[:2000], now
        device.consecutive_failures += 1
    else:
        device.last_success_at, device.consecutive_failures = now, 0
    session.add(device)
    session.flush()
    return device


def ingest_camera_punches(
    *, session: Session, serial: str, punches: Sequence[CameraPunch], actor: str | None = None
) -> IngestResult:
    """Camera punches through the ledger (idempotent on serial, pin and instant)."""
    device = ensure_camera(session=session, serial=serial)
    device.last_contact_at = utcnow()
    session.add(device)
    known = _existing_staff(session, {p.staff_id for p in punches if p.staff_id is not None})
    # A staff id the server does not know (a stale camera gallery) falls back to matching by PIN.
    punches = [p if p.staff_id is None or p.staff_id in known else replace(p, staff_id=None) for p in punches]
    return ingest_punches(
        session=session,
        punches=[
            PunchIn(
                source=PunchSource.CAMERA,
                device_serial=device.serial,
                pin=p.pin,
                device_time=p.device_time,
                staff_id=p.staff_id,
                note=p.note,
                created_by=actor,
                timezone=device.timezone,
            )
            for p in punches
        ],
    )


def _existing_staff(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.exec(select(Staff.id).where(col(Staff.id).in_(ids))))  # type: ignore[arg-type]
