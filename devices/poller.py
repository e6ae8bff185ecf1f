"""The poller: many terminals concurrently, each at its interval, one poller per terminal at a time."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from attendance.errors import AttendanceError
from attendance.ledger import IngestResult
from attendance.models import Device, DeviceKind, PunchSource
from attendance.timeutil import utcnow
from config import get_settings
from devices import alerts, health, lease
from devices.backoff import next_delay
from devices.fingerprints.poll import after_pull
from devices.fingerprints.store import sealer
from devices.pull import DEFAULT_BATCH, Progress, PullResult, ingest_terminal_punches, pull_device, terminal_params
from devices.terminal import Terminal, TerminalOpener, TerminalPunch, TerminalStatus
from devices.zk_pull import open_pyzk

log = logging.getLogger(__name__)
ALERT_SECONDS = 5.0  # how often the loop re-reads every terminal's health for alerts


@dataclass(slots=True)
class PollOutcome:
    serial: str
    ok: bool
    result: PullResult | None = None
    error: str | None = None
    not_ours: bool = False  # another poller holds the lease, or the device is no longer due
    live_punches: int = 0


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Poller:
    """Polls the enabled pull terminals; `run` loops, `poll_now` does one round."""

    def __init__(
        self,
        *,
        engine: Engine,
        holder: str | None = None,
        workers: int = 8,
        lease_seconds: float = 120.0,
        timeout: float = 10.0,
        batch_size: int = DEFAULT_BATCH,
        opener: TerminalOpener = open_pyzk,
        serials: list[str] | None = None,
        tick_seconds: float = 1.0,
        on_outcome: Callable[[PollOutcome], None] | None = None,
        progress_for: Callable[[str], Progress | None] | None = None,
        sync_templates: bool = True,
    ) -> None:
        self.engine = engine
        self.holder = holder or default_holder()
        self.workers = workers
        self.lease_seconds = lease_seconds
        self.timeout = timeout
        self.batch_size = batch_size
        self.opener = opener
        self.serials = serials
        self.tick_seconds = tick_seconds
        self.on_outcome = on_outcome
        self.progress_for = progress_for
        self.sync_templates = sync_templates  # after each pull: fingers read (if moved) and written (if lacking)
        self._running: set[int] = set()
        self._lock = threading.Lock()
        self._next_alert_check = 0.0

    def device_ids(self, *, due_only: bool) -> list[int]:
        """Enabled pull terminals (those due now, if `due_only`)."""
        with Session(self.engine) as session:
            query = select(Device.id).where(Device.enabled == True, Device.kind == DeviceKind.ZK_PULL,  # noqa: E712
                                            col(Device.host).is_not(None))
            if self.serials:
                query = query.where(col(Device.serial).in_(self.serials))
            if due_only:
                query = query.where(or_(col(Device.next_poll_at).is_(None), col(Device.next_poll_at) <= utcnow()))
            return [i for i in session.exec(query.order_by(col(Device.id))) if i is not None]

    def poll_now(self, *, force: bool = False) -> list[PollOutcome]:
        """Poll every selected terminal once, concurrently; wait for all."""
        ids = self.device_ids(due_only=False)
        with ThreadPoolExecutor(max_workers=max(1, min(self.workers, len(ids) or 1))) as pool:
            futures = [pool.submit(self.poll_device, device_id, force=force, due_only=False) for device_id in ids]
            return [f.result() for f in futures]

    def run(self, *, stop: threading.Event, max_seconds: float | None = None) -> None:
        """Poll due terminals until `stop` is set (or `max_seconds` pass)."""
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="poller") as pool:
            futures = []
            while not stop.is_set():
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                try:
                    due = self.device_ids(due_only=True)
                except SQLAlchemyError as err:  # the database restarting must not end the poller
                    log.warning("poller: cannot read devices: %s", err)
                    due = []
                for device_id in due:
                    with self._lock:
                        if device_id in self._running or len(self._running) >= self.workers:
                            continue
                        self._running.add(device_id)
                    futures.append(pool.submit(self._job, device_id))
                futures = [f for f in futures if not f.done()]
                self._check_alerts()
                stop.wait(self.tick_seconds)
            wait(futures)

    def _check_alerts(self) -> None:
        """Open and end terminal alerts (silence, drift, full log...) every ALERT_SECONDS."""
        now = time.monotonic()
        if now < self._next_alert_check:
            return
        self._next_alert_check = now + ALERT_SECONDS
        try:
            with Session(self.engine) as session:
                alerts.evaluate(session=session)
                session.commit()
        except SQLAlchemyError as err:
            log.warning("poller: cannot check alerts: %s", err)

    def poll_device(self, device_id: int, *, force: bool = False, due_only: bool = True) -> PollOutcome:
        """One poll of one terminal under its lease; failures go to its health record, never up."""
        with Session(self.engine, expire_on_commit=False) as session:
            device = session.get(Device, device_id)
            if device is None:
                return PollOutcome(serial=str(device_id), ok=False, error="unknown device", not_ours=True)
            serial = device.serial
            if not lease.acquire(session=session, device_id=device_id, holder=self.holder,
                                 seconds=self.lease_seconds):
                session.commit()
                return PollOutcome(serial=serial, ok=False, not_ours=True)
            session.commit()
            try:
                session.refresh(device)
                if due_only and device.next_poll_at is not None and device.next_poll_at > utcnow():
                    return PollOutcome(serial=serial, ok=False, not_ours=True)
                return self._poll(session, device, force)
            finally:
                session.rollback()
                lease.release(session=session, device_id=device_id, holder=self.holder)
                session.commit()

    def _job(self, device_id: int) -> None:
        try:
            outcome = self.poll_device(device_id)
            if self.on_outcome is not None:
                self.on_outcome(outcome)
        except Exception:  # noqa: BLE001 - one terminal's trouble must not stop the poller
            log.exception("poll of device %s failed", device_id)
        finally:
            with self._lock:
                self._running.discard(device_id)

    def _poll(self, session: Session, device: Device, force: bool) -> PollOutcome:
        assert device.id is not None
        device_id = device.id
        terminal: Terminal | None = None
        try:
            terminal = self.opener(terminal_params(device, timeout=self.timeout))
            progress = self.progress_for(device.serial) if self.progress_for else None
            result = pull_device(session=session, device=device, opener=self.opener, force=force,
                                 batch_size=self.batch_size, progress=progress,
                                 heartbeat=lambda: self._renew(device_id), terminal=terminal)
            if self.sync_templates and result.status is not None:
                self._sync_templates(session, device, terminal, result.status)
            live = 0
            if device.live_mode:
                live = self._listen(session, device, terminal)
            health.record_success(session=session, device=device, next_poll_at=utcnow() + next_delay(
                interval_seconds=device.poll_interval_seconds, failures=0))
            session.commit()
            return PollOutcome(serial=device.serial, ok=True, result=result, live_punches=live)
        except (AttendanceError, OSError) as err:
            message = str(err) or type(err).__name__
            log.warning("device %s: %s", device.serial, message)
            session.rollback()
            fresh = session.get(Device, device_id)
            assert fresh is not None
            delay = next_delay(interval_seconds=fresh.poll_interval_seconds,
                               failures=(fresh.consecutive_failures or 0) + 1)
            health.record_failure(session=session, device=fresh, error=message, retry_in=delay)
            session.commit()
            return PollOutcome(serial=device.serial, ok=False, error=message)
        finally:
            if terminal is not None:
                terminal.close()

    def _listen(self, session: Session, device: Device, terminal: Terminal) -> int:
        """Live mode: receive punches as they happen until the next poll is due."""
        until = utcnow() + timedelta(seconds=device.poll_interval_seconds)
        received = 0

        def on_punch(punch: TerminalPunch) -> None:
            nonlocal received
            state = health.sync_state(session=session, device_id=device.id or 0)
            ingest_terminal_punches(session=session, device=device, punches=[punch], result=IngestResult(),
                                    source=PunchSource.TERMINAL_PULL)
            # The log grew by one that is now stored: the next pull may skip it.
            if state.synced_record_count is not None:
                state.synced_record_count += 1
                session.add(state)
                session.commit()
            received += 1

        # Listen in stretches shorter than the lease, renewing it in between.
        stretch = timedelta(seconds=max(1.0, self.lease_seconds / 3))
        while (now := utcnow()) < until:
            terminal.listen(until=min(until, now + stretch), on_punch=on_punch)
            self._renew(device.id or 0)
        if received:
            self._refresh_fingerprint(session, device, terminal)
        return received

    def _refresh_fingerprint(self, session: Session, device: Device, terminal: Terminal) -> None:
        """After live punches, the log's newest records changed: record them if the log is exactly what we
        hold (the count agrees), so the next poll may skip again; otherwise the next poll reads it all."""
        state = health.sync_state(session=session, device_id=device.id or 0)
        if terminal.status().record_count == state.synced_record_count:
            state.newest_fingerprint = terminal.log_fingerprint(get_settings().terminals.fingerprint_records)
        else:
            state.newest_fingerprint = None
        session.add(state)
        session.commit()

    def _sync_templates(self, session: Session, device: Device, terminal: Terminal, status: TerminalStatus) -> None:
        """Fingers of this terminal kept, and the fingers it lacks written; a failure here spares the punches."""
        session.commit()  # the punches are safe whatever happens to the templates
        try:
            after_pull(session=session, device=device, terminal=terminal, status=status, seal=sealer(),
                       actor=f"poller:{self.holder}")
            session.commit()
        except AttendanceError as err:
            session.rollback()
            log.warning("device %s: template sync failed: %s", device.serial, err)

    def _renew(self, device_id: int) -> None:
        with Session(self.engine) as s:
            if not lease.renew(session=s, device_id=device_id, holder=self.holder, seconds=self.lease_seconds):
                raise LeaseLost(f"lease on device {device_id} lost")
            s.commit()


class LeaseLost(AttendanceError):
    """Another poller took over this terminal (our lease expired)."""
