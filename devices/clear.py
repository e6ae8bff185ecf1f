"""Safe log clearing: only once every record the terminal holds is confirmed in the ledger."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from attendance import audit
from attendance.ledger import IngestResult
from attendance.models import Device, Punch
from attendance.timeutil import utcnow
from devices import health
from devices.errors import DeviceError, UnsafeClear
from devices.pull import ingest_terminal_punches
from devices.terminal import Terminal


@dataclass(frozen=True, slots=True)
class ClearReport:
    serial: str
    cleared: int
    newly_stored: int


def safe_clear_log(*, session: Session, device: Device, terminal: Terminal, actor: str) -> ClearReport:
    """Lock the terminal, ingest and confirm its whole log, then clear it and record that in the audit log."""
    if not device.clear_log_allowed:
        raise UnsafeClear(f"máy {device.serial} chưa được phép xoá dữ liệu (bật clear_log_allowed trước)")
    terminal.disable()
    try:
        punches = terminal.read_punches()
        if any(p.device_time is None for p in punches):
            bad = sum(1 for p in punches if p.device_time is None)
            raise UnsafeClear(f"máy {device.serial} giữ {bad} bản ghi có ngày giờ hỏng: không xoá để khỏi mất dữ liệu")
        result = IngestResult()
        ingest_terminal_punches(session=session, device=device, punches=punches, result=result)
        keys = {(p.pin, p.device_time) for p in punches}
        missing = _missing(session, device.serial, keys)
        if missing:
            raise UnsafeClear(f"{missing} bản ghi của máy {device.serial} chưa có trong sổ chấm công: không xoá")
        if terminal.status().record_count != len(punches):
            raise UnsafeClear(f"dữ liệu máy {device.serial} thay đổi trong khi đối chiếu: không xoá, hãy thử lại")
        terminal.clear_log()
        times = sorted(t for _, t in keys if t is not None)
        audit.record(session=session, actor=actor, action="device.clear_log", entity="device", entity_id=device.id,
                     after={"records": len(punches), "confirmed": len(keys),
                            "first": times[0].isoformat() if times else None,
                            "last": times[-1].isoformat() if times else None},
                     reason="mọi bản ghi đã được xác nhận trong sổ chấm công")
        state = health.sync_state(session=session, device_id=device.id or 0)
        state.synced_record_count = 0
        state.synced_at = utcnow()
        session.add(state)
        session.commit()
        return ClearReport(device.serial, len(punches), result.stored)
    finally:
        with suppress(DeviceError):  # the connection is gone; the terminal re-enables itself
            terminal.enable()


def _missing(session: Session, serial: str, keys: set[tuple[str, datetime | None]]) -> int:
    found: set[tuple[str, datetime | None]] = set()
    items = list(keys)
    for start in range(0, len(items), 400):
        chunk = items[start : start + 400]
        rows = session.exec(select(Punch.pin, Punch.device_time).where(
            Punch.device_serial == serial, tuple_(col(Punch.pin), col(Punch.device_time)).in_(chunk)))
        found.update((pin, t) for pin, t in rows)
    return len(keys - found)
