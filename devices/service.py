"""Registering terminals and finding them."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from attendance import audit, pin_scope
from attendance.errors import Conflict, InvalidInput, UnknownDevice
from attendance.models import Device, DeviceKind, Unit
from attendance.terminal_values import clean_text, normalise_serial, serial_key
from devices import binding
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
    push_allowed_from: str | None = None,
) -> Device:
    """Register a terminal (an admin's act: only registered serials may push or be polled)."""
    try:
        serial = normalise_serial(serial)
    except InvalidInput as err:
        raise BadDeviceInput(str(err)) from err
    name, push_allowed_from = check_settings(
        session=session, kind=kind, name=name, host=host, port=port, transport=transport, comm_key=comm_key,
        timezone=timezone, unit_id=unit_id, poll_interval_seconds=poll_interval_seconds,
        push_allowed_from=push_allowed_from)
    if session.exec(select(Device.id).where(Device.serial == serial)).first() is not None:
        raise Conflict(f"máy {serial} đã được đăng ký")
    device = Device(serial=serial, name=name, kind=kind, host=host, port=port, transport=transport,
                    comm_key=comm_key, timezone=timezone, unit_id=unit_id,
                    pin_scope_id=pin_scope.organisation_id(session, unit_id),
                    poll_interval_seconds=poll_interval_seconds, live_mode=live_mode,
                    clear_log_allowed=clear_log_allowed, push_allowed_from=push_allowed_from)
    session.add(device)
    session.flush()
    audit.record(session=session, actor=actor, action="device.add", entity="device", entity_id=device.id,
                 after=_public(device))
    return device


def check_settings(*, session: Session, kind: str, name: str, host: str | None, port: int, transport: str,
                   comm_key: int, timezone: str | None, unit_id: int | None, poll_interval_seconds: int,
                   push_allowed_from: str | None) -> tuple[str, str | None]:
    """BadDeviceInput unless a device's settings hold together; returns the cleaned name and networks."""
    try:
        name = clean_text(name, what="tên máy", max_length=200) or ""
    except InvalidInput as err:
        raise BadDeviceInput(str(err)) from err
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise BadDeviceInput(f"không có đơn vị số {unit_id}")
    if push_allowed_from is not None:
        if kind != DeviceKind.ZK_PUSH:
            raise BadDeviceInput("chỉ máy đẩy dữ liệu (push) mới giới hạn theo địa chỉ gửi")
        push_allowed_from = binding.parse_networks_text(push_allowed_from)
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
    return name, push_allowed_from


def get_device(*, session: Session, serial: str) -> Device:
    device = find_device(session=session, serial=serial)
    if device is None:
        raise UnknownDevice(f"không có máy chấm công số sê-ri {serial!r}")
    return device


def find_device(*, session: Session, serial: str) -> Device | None:
    """The device registered under `serial`, however it is spelt (case, surrounding blanks)."""
    key = serial_key(serial)
    if not key:
        return None
    return session.exec(select(Device).where(Device.serial == key)).first()


def list_devices(*, session: Session) -> list[Device]:
    return list(session.exec(select(Device).order_by(Device.serial)))


def _public(device: Device) -> dict[str, object]:
    data = audit.snapshot(device) or {}
    data.pop("comm_key", None)
    return data
