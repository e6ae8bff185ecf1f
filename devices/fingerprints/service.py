"""`sync-templates`: fingers read from every terminal, then every terminal brought up to date.

Two passes so an enrolment on one terminal reaches all the others in one run: first each pull
terminal is read (fingers and card numbers kept), then each terminal gets its users (cards travel
with them) and its fingers. Push terminals upload enrolments themselves (`push.receive_lines`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from attendance.models import Device, DeviceKind
from attendance.sealing import Sealer
from attendance.timeutil import to_local, utcnow
from devices import adms, health, lease
from devices.errors import DeviceError
from devices.fingerprints import distribute, harvest, store
from devices.pull import terminal_params
from devices.sync import sync_users
from devices.terminal import Terminal
from devices.zk_pull import open_pyzk

TerminalOpener = Callable[[Device], AbstractContextManager[Terminal]]


@dataclass(slots=True)
class TemplateSyncReport:
    serial: str
    push: bool
    read: int = 0
    kept: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    no_consent: list[str] = field(default_factory=list)
    missing_user: list[str] = field(default_factory=list)
    error: str | None = None

    def sentence(self) -> str:
        """What happened, in Vietnamese, for the devices page and the command line."""
        if self.error:
            return f"Máy {self.serial}: không đồng bộ được vân tay ({self.error})."
        verb = "đã xếp lệnh gửi" if self.push else "đã ghi"
        text = (f"Máy {self.serial}: đọc {self.read} mẫu vân tay, lưu mới {len(self.kept)}, "
                f"{verb} {len(self.written)}, xoá {len(self.removed)}.")
        if self.no_consent:
            text += f" {len(self.no_consent)} người chưa đồng ý lưu vân tay nên không sao chép."
        if self.missing_user:
            text += f" {len(self.missing_user)} người chưa có trên máy."
        return text


@contextmanager
def leases(engine: Engine, devices: list[Device], holder: str) -> Iterator[None]:
    """Hold the leases of every pull terminal of a run (taken before the run's session writes)."""
    with ExitStack() as stack:
        for device in devices:
            if device.kind != DeviceKind.ZK_PUSH:
                stack.enter_context(lease.held(engine=engine, device_id=device.id or 0, holder=holder))
        yield


@contextmanager
def open_pull(device: Device) -> Iterator[Terminal]:
    with open_pyzk(terminal_params(device)) as terminal:
        yield terminal


def sync_templates(*, session: Session, devices: list[Device], open_terminal: TerminalOpener, actor: str,
                   dry_run: bool = False, seal: Sealer | None = None) -> list[TemplateSyncReport]:
    """Read fingers from the pull terminals among `devices`, then write and queue them to all of them."""
    seal = seal or store.sealer()
    reports = {d.id: TemplateSyncReport(d.serial, d.kind == DeviceKind.ZK_PUSH) for d in devices}
    pull = [d for d in devices if d.kind != DeviceKind.ZK_PUSH]
    for device in pull:
        report = reports[device.id]
        try:
            with open_terminal(device) as terminal:
                users = {u.uid: u for u in terminal.read_users()}
                fingers = [store.Finger(users[f.uid].pin, f.finger, f.template, f.valid)
                           for f in terminal.read_templates() if f.uid in users]
            got = harvest.harvest(session=session, device=device, fingers=fingers,
                                  cards={u.pin: u.card for u in users.values() if u.card}, seal=seal, actor=actor,
                                  today=_today(session, device), dry_run=dry_run)
        except DeviceError as err:
            report.error = str(err)
            continue
        report.read, report.kept, report.no_consent = got.read, got.enrolled, got.no_consent
    pending = frozenset(p for r in reports.values() for p in r.kept) if dry_run else frozenset()
    for device in devices:
        report = reports[device.id]
        if report.error:
            continue
        today = _today(session, device)
        try:
            if device.kind == DeviceKind.ZK_PUSH:
                if not dry_run:
                    adms.queue_user_sync(session=session, device=device, actor=actor)
                done = distribute.sync_push(session=session, device=device, seal=seal, actor=actor, today=today,
                                            dry_run=dry_run, pending=pending)
            else:
                with open_terminal(device) as terminal:
                    done = sync_device(session=session, device=device, terminal=terminal, seal=seal, actor=actor,
                                       dry_run=dry_run, harvested=True, pending=pending)
        except DeviceError as err:
            report.error = str(err)
            continue
        report.written, report.removed, report.missing_user = done.written, done.removed, done.missing_user
    return [reports[d.id] for d in devices]


def sync_device(*, session: Session, device: Device, terminal: Terminal, seal: Sealer, actor: str,
                dry_run: bool = False, harvested: bool = False,
                pending: frozenset[str] = frozenset()) -> distribute.Distribution:
    """One pull terminal: read its fingers (unless `harvested` already), sync its users, then write fingers."""
    today = _today(session, device)
    if not harvested:
        users = {u.uid: u for u in terminal.read_users()}
        fingers = [store.Finger(users[f.uid].pin, f.finger, f.template, f.valid)
                   for f in terminal.read_templates() if f.uid in users]
        harvest.harvest(session=session, device=device, fingers=fingers,
                        cards={u.pin: u.card for u in users.values() if u.card}, seal=seal, actor=actor,
                        today=today, dry_run=dry_run)
    if not dry_run:
        sync_users(session=session, device=device, terminal=terminal, actor=actor)
    return distribute.sync_pull(session=session, device=device, terminal=terminal, seal=seal, actor=actor,
                                today=today, dry_run=dry_run, pending=pending)


def _today(session: Session, device: Device) -> date:
    return to_local(utcnow(), health.device_zone(device, session)).date()
