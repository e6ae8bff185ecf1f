"""A terminal's health record, written at every contact, and its log cursor."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from attendance.models import Device
from attendance.timeutil import to_local, utcnow
from attendance.zones import unit_zone_by_id
from config import get_settings
from devices.models import DeviceSyncState
from devices.terminal import TerminalStatus


def device_zone(device: Device, session: Session | None = None) -> str:
    """The zone of the device's clock: its own, else its unit's (with a session), else the service's."""
    if device.timezone:
        return device.timezone
    if session is not None and device.unit_id is not None:
        return unit_zone_by_id(session=session, unit_id=device.unit_id).key
    return get_settings().timezone


def clock_offset_seconds(device: Device, status: TerminalStatus, session: Session | None = None) -> float:
    """How far the terminal's clock is ahead (+) or behind (-) the service's, in seconds."""
    local_now = to_local(status.measured_at, device_zone(device, session))
    return round((status.device_time - local_now).total_seconds(), 1)


def drift_flagged(device: Device) -> bool:
    """Whether the last measured clock offset exceeds the policy threshold."""
    if device.clock_offset_seconds is None:
        return False
    return abs(device.clock_offset_seconds) > get_settings().policy.drift_threshold_seconds


def record_contact(*, session: Session, device: Device, status: TerminalStatus) -> None:
    """What the terminal said about itself at this contact."""
    device.last_contact_at = utcnow()
    device.clock_offset_seconds = clock_offset_seconds(device, status, session)
    device.record_count = status.record_count
    device.record_capacity = status.record_capacity
    device.user_count = status.user_count
    device.firmware = status.firmware[:100]
    session.add(device)
    session.flush()


def record_success(*, session: Session, device: Device, next_poll_at: datetime | None = None) -> None:
    now = utcnow()
    device.last_contact_at = now
    device.last_success_at = now
    device.consecutive_failures = 0
    device.last_error = None
    device.next_poll_at = next_poll_at
    session.add(device)
    session.flush()


def record_failure(*, session: Session, device: Device, error: str, retry_in: timedelta | None = None) -> None:
    now = utcnow()
    device.last_error = error[:2000]
    device.last_error_at = now
    device.consecutive_failures = (device.consecutive_failures or 0) + 1
    if retry_in is not None:
        device.next_poll_at = now + retry_in
    session.add(device)
    session.flush()


def sync_state(*, session: Session, device_id: int) -> DeviceSyncState:
    """The device's cursor row, created on first use."""
    state = session.get(DeviceSyncState, device_id)
    if state is None:
        state = DeviceSyncState(device_id=device_id)
        session.add(state)
        session.flush()
    return state
