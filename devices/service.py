"""Registering terminals and finding them."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from attendance import audit
from attendance.errors import Conflict, UnknownDevice
from attendance.models import Device, DeviceKind
from devices.errors import BadDeviceInput


def add_device(
    *,
    session: Session,
    serial: str,
    actor: str,
    kind: DeviceKind = DeviceKind.ZK_PULL,
    name: str = "",
    host: str | None = None,
    port: int = 4370,
    transport: str = "tcp",
    comm_key: int = 0,
    timezone: str | None = None,
    unit_id: int | None = None,
    poll_interval_seconds: int = 60,
    live_mode: bool = False,
    clear_log_allowed: bool = False,
) -> Device:
    """Register a terminal (an admin's act: only registered serials may push or be polled)."""
    serial = serial.strip()
    if not serial or len(serial) > 64:
        raise BadDeviceInput("số sê-ri máy phải có từ 1 đến 64 ký tự")
    if kind == DeviceKind.ZK_PULL and not host:
        raise BadDeviceInput("máy kéo dữ liệu (pull) cần địa chỉ IP/host")
    if transport not in ("tcp", "udp"):
        raise BadDeviceInput("giao thức phải là tcp hoặc udp")
    if not 0 < port < 65536 or poll_interval_seconds < 5 or comm_key < 0:
        raise BadDeviceInput("cổng 1-65535, chu kỳ quét >= 5 giây, comm key >= 0")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise BadDeviceInput(f"múi giờ không hợp lệ: {timezone!r}") from err
    if session.exec(select(Device.id).where(Device.serial == serial)).first() is not None:
        raise Conflict(f"máy {serial} đã được đăng ký")
    device = Device(serial=serial, name=name, kind=kind, host=host, port=port, transport=transport,
                    comm_key=comm_key, timezone=timezone, unit_id=unit_id,
                    poll_interval_seconds=poll_interval_seconds, live_mode=live_mode,
                    clear_log_allowed=clear_log_allowed)
    session.add(device)
    session.flush()
    audit.record(session=session, actor=actor, action="device.add", entity="device", entity_id=device.id,
                 after=_public(device))
    return device


def get_device(*, session: Session, serial: str) -> Device:
    device = session.exec(select(Device).where(Device.serial == serial.strip())).first()
    if device is None:
        raise UnknownDevice(f"không có máy chấm công số sê-ri {serial!r}")
    return device


def find_device(*, session: Session, serial: str) -> Device | None:
    return session.exec(select(Device).where(Device.serial == serial.strip())).first()


def list_devices(*, session: Session) -> list[Device]:
    return list(session.exec(select(Device).order_by(Device.serial)))


def _public(device: Device) -> dict[str, object]:
    data = audit.snapshot(device) or {}
    data.pop("comm_key", None)
    return data
