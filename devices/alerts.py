"""Terminal health alerts: conditions read from each device's health, opened and closed as records.

A terminal that goes silent (powered off, its address changed by DHCP, its push stopped by a proxy
redirect) otherwise shows only as an old "last contact", while the month silently counts its
people absent. `evaluate` is run by the poller after every round (and by `attendance devices
alerts`); each condition opens one alert with its start, and ends it when the condition clears.
Several pollers may run it at once: the open alert of a (device, kind) is unique in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from attendance.models import Device, DeviceKind
from attendance.timeutil import to_local, utcnow
from config import get_settings
from devices import health
from devices.models import AlertKind, DeviceAlert, DeviceSyncState

LABELS_VI = {
    AlertKind.SILENT: "mất liên lạc",
    AlertKind.CLOCK_DRIFT: "lệch giờ",
    AlertKind.LOG_FULL: "bộ nhớ chấm công gần đầy",
    AlertKind.UNREADABLE: "có bản ghi hỏng ngày giờ",
    AlertKind.ADDRESS_CHANGED: "gửi từ địa chỉ mới chưa xác nhận",
}


@dataclass(frozen=True, slots=True)
class Condition:
    kind: AlertKind
    detail: str


def silent_after(device: Device) -> timedelta:
    """How long without contact makes this device silent."""
    policy = get_settings().terminals
    if device.kind == DeviceKind.ZK_PULL:
        return timedelta(seconds=policy.silent_intervals * device.poll_interval_seconds)
    return timedelta(minutes=policy.push_silent_minutes)


def conditions(device: Device, state: DeviceSyncState | None, now: datetime) -> list[Condition]:
    """What is wrong with the device now, from its health record (pure: no database)."""
    found: list[Condition] = []
    zone = health.device_zone(device)
    contact = device.last_contact_at
    watched = device.kind != DeviceKind.OFFLINE and device.enabled
    if watched and contact is not None and now - contact > silent_after(device):
        found.append(Condition(AlertKind.SILENT, f"mất liên lạc từ {to_local(contact, zone):%H:%M %d/%m/%Y}"))
    if health.drift_flagged(device):
        found.append(Condition(AlertKind.CLOCK_DRIFT, f"đồng hồ lệch {device.clock_offset_seconds:+.0f} giây"))
    if device.record_count is not None and device.record_capacity:
        fill = device.record_count / device.record_capacity
        if fill >= get_settings().terminals.log_full_ratio:
            found.append(Condition(AlertKind.LOG_FULL, f"đã dùng {fill:.0%} bộ nhớ chấm công"))
    if state is not None and state.unreadable_records:
        found.append(Condition(AlertKind.UNREADABLE, f"{state.unreadable_records} bản ghi không đọc được ngày giờ"))
    if device.push_pending_address:
        found.append(Condition(AlertKind.ADDRESS_CHANGED, f"gửi từ {device.push_pending_address}"))
    return found


def evaluate(*, session: Session, now: datetime | None = None, devices: Iterable[Device] | None = None) -> int:
    """Open alerts for new conditions, end those that cleared; returns how many changed."""
    now = now or utcnow()
    rows = list(devices) if devices is not None else list(session.exec(select(Device)))
    states = {s.device_id: s for s in session.exec(select(DeviceSyncState))}
    open_alerts: dict[tuple[int, str], DeviceAlert] = {
        (a.device_id, a.kind): a for a in session.exec(select(DeviceAlert).where(col(DeviceAlert.open).is_(True)))}
    changed = 0
    for device in rows:
        if device.id is None:
            continue
        current = {c.kind.value: c for c in conditions(device, states.get(device.id), now)}
        for kind, condition in current.items():
            alert = open_alerts.get((device.id, kind))
            if alert is None:
                changed += _open(session, device.id, condition, now)
            elif alert.detail != condition.detail and kind != AlertKind.SILENT:
                alert.detail = condition.detail[:500]
                session.add(alert)
        for (device_id, kind), alert in open_alerts.items():
            if device_id == device.id and kind not in current:
                alert.open, alert.ended_at = None, now
                session.add(alert)
                changed += 1
    session.flush()
    return changed


def _open(session: Session, device_id: int, condition: Condition, now: datetime) -> int:
    try:
        with session.begin_nested():
            session.add(DeviceAlert(device_id=device_id, kind=condition.kind.value, open=True, started_at=now,
                                    detail=condition.detail[:500]))
        return 1
    except IntegrityError:  # another poller opened it a moment ago
        return 0


def open_alerts(*, session: Session, device_ids: Iterable[int] | None = None) -> dict[int, list[DeviceAlert]]:
    """Open alerts by device, oldest first."""
    query = select(DeviceAlert).where(col(DeviceAlert.open).is_(True)).order_by(col(DeviceAlert.started_at))
    if device_ids is not None:
        query = query.where(col(DeviceAlert.device_id).in_(list(device_ids)))
    result: dict[int, list[DeviceAlert]] = {}
    for alert in session.exec(query):
        result.setdefault(alert.device_id, []).append(alert)
    return result
