"""Pull a terminal's log into the ledger: skip when unchanged, batches committed one by one."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from sqlmodel import Session

from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import Device, PunchSource
from attendance.timeutil import utcnow
from config import get_settings
from devices import health
from devices.errors import DeviceError, DeviceMismatch
from devices.terminal import Terminal, TerminalOpener, TerminalParams, TerminalPunch, TerminalStatus

DEFAULT_BATCH = 5000
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(slots=True)
class PullResult:
    serial: str
    record_count: int = 0
    downloaded: int = 0
    skipped: bool = False
    unreadable: int = 0
    clock_offset_seconds: float | None = None
    seconds: float = 0.0
    ingest: IngestResult = field(default_factory=IngestResult)
    status: TerminalStatus | None = None  # what the terminal said at contact (its counters among it)


def terminal_params(device: Device, *, timeout: float = 10.0) -> TerminalParams:
    """How to reach a registered pull terminal."""
    return TerminalParams(host=device.host or "", port=device.port, transport=device.transport,
                          comm_key=device.comm_key, timeout=timeout)


def pull_device(
    *,
    session: Session,
    device: Device,
    opener: TerminalOpener,
    timeout: float = 10.0,
    force: bool = False,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    heartbeat: Callable[[], None] | None = None,
    terminal: Terminal | None = None,
) -> PullResult:
    """Read the terminal's log and ingest what is new.

    Commits after the status contact and after every ingested batch, so a pull cut off at any
    point keeps what it stored and a retry stores the rest exactly once. Raises DeviceError.
    """
    started = time.perf_counter()
    own = terminal is None
    term = terminal or opener(terminal_params(device, timeout=timeout))
    try:
        status = _contact(session, device, term)
        result = PullResult(serial=device.serial, record_count=status.record_count,
                            clock_offset_seconds=device.clock_offset_seconds, status=status)
        state = health.sync_state(session=session, device_id=_id(device))
        records = get_settings().terminals.fingerprint_records
        if (not force and state.synced_record_count == status.record_count
                and state.newest_fingerprint is not None
                and term.log_fingerprint(records) == state.newest_fingerprint):
            # Same count and same newest records: nothing new. The count alone would miss a full
            # log overwriting its oldest records, or a log cleared and refilled to the same size.
            result.skipped = True
        else:
            term.disable()
            try:
                punches = term.read_punches()
                fingerprint = term.log_fingerprint(records)  # still disabled: the same log as read
            except BaseException:
                with suppress(DeviceError):  # keep the read's error, not the re-enable's
                    term.enable()
                raise
            term.enable()
            result.downloaded = len(punches)
            result.unreadable = ingest_terminal_punches(
                session=session, device=device, punches=punches, result=result.ingest,
                batch_size=batch_size, progress=progress, heartbeat=heartbeat)
            state.synced_record_count = len(punches)
            state.newest_fingerprint = fingerprint
            state.synced_at = utcnow()
            state.unreadable_records = result.unreadable
            session.add(state)
        session.commit()
    finally:
        if own:
            term.close()
    result.seconds = time.perf_counter() - started
    return result


def ingest_terminal_punches(
    *,
    session: Session,
    device: Device,
    punches: Sequence[TerminalPunch],
    result: IngestResult,
    source: PunchSource = PunchSource.TERMINAL_PULL,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    heartbeat: Callable[[], None] | None = None,
) -> int:
    """Ingest punches in batches, committing each; returns how many held no real date."""
    readable = [p for p in punches if p.device_time is not None]
    total = len(readable)
    for start in range(0, total, batch_size):
        batch = [
            PunchIn(source=source, device_serial=device.serial, pin=p.pin, device_time=p.device_time,
                    timezone=device.timezone, state=p.status, verify=p.verify)
            for p in readable[start : start + batch_size]
            if p.device_time is not None
        ]
        result.merge(ingest_punches(session=session, punches=batch))
        session.commit()
        if heartbeat is not None:
            heartbeat()
        if progress is not None:
            progress(min(start + batch_size, total), total)
    if progress is not None and total == 0:
        progress(0, 0)
    return len(punches) - total


def _contact(session: Session, device: Device, term: Terminal) -> TerminalStatus:
    status = term.status()
    if status.serial and status.serial != device.serial:
        raise DeviceMismatch(
            f"máy tại {device.host}:{device.port} báo số sê-ri {status.serial!r}, "
            f"không phải {device.serial!r} đã đăng ký: không tải dữ liệu để tránh ghi nhầm máy")
    health.record_contact(session=session, device=device, status=status)
    session.commit()
    return status


def _id(device: Device) -> int:
    assert device.id is not None
    return device.id
