"""Making a terminal hold exactly the fingers of its people who consented, and nobody else's.

Pull terminals are read back and written in batches (many users per save buffer); push terminals
are sent queued DATA UPDATE/DELETE commands, and a finger counts as held once the terminal's
reply confirms it (`confirm`). Fingers of PINs the service does not know are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from attendance import audit
from attendance.models import Device, Staff
from attendance.sealing import Sealer
from attendance.timeutil import utcnow
from devices import commands, health
from devices.fingerprints import holdings, store
from devices.fingerprints.models import FingerprintTemplate, TerminalFingerprint
from devices.models import CommandStatus, DeviceCommand
from devices.sync import staff_for_device
from devices.terminal import Terminal, TerminalFinger

USERS_PER_BUFFER = 100


@dataclass(slots=True)
class Distribution:
    written: list[str] = field(default_factory=list)  # "PIN/finger" written (pull) or queued (push)
    removed: list[str] = field(default_factory=list)
    missing_user: list[str] = field(default_factory=list)  # not on the terminal yet: user sync first


@dataclass(slots=True)
class _People:
    keep: dict[int, Staff]  # employed, with consent
    drop: dict[int, Staff]  # everyone else of the terminal's people
    left: dict[int, Staff]  # those of `drop` who left
    stored: dict[tuple[int, int], FingerprintTemplate]  # the fingers of `keep`


def _people(session: Session, device: Device, today: date) -> _People:
    wanted, left = staff_for_device(session=session, device=device, today=today)
    consent = store.consenting(session, {s.id or 0 for s in wanted})
    keep = {s.id or 0: s for s in wanted if (s.id or 0) in consent}
    drop = {s.id or 0: s for s in wanted + left if (s.id or 0) not in keep}
    return _People(keep, drop, {s.id or 0: s for s in left}, store.current(session, set(keep)))


def sync_pull(*, session: Session, device: Device, terminal: Terminal, seal: Sealer, actor: str, today: date,
              dry_run: bool = False, pending: frozenset[str] = frozenset()) -> Distribution:
    """Write missing or outdated fingers to a pull terminal and delete those that must go.

    A dry run counts too what the run would add first: `pending` fingers ("PIN/finger") it would
    keep from other terminals, and fingers of people the user sync would put on this terminal.
    """
    people = _people(session, device, today)
    keep, drop, stored = people.keep, people.drop, people.stored
    users = {u.pin: u for u in terminal.read_users()}
    by_uid = {u.uid: u.pin for u in users.values()}
    on_terminal = {(by_uid.get(f.uid, ""), f.finger): f for f in terminal.read_templates()}
    held = holdings.of_device(session, device.id or 0)
    result = Distribution()
    batch: dict[str, list[TerminalFinger]] = {}
    versions: list[tuple[int, int, int]] = []
    for (staff_id, finger), row in sorted(stored.items()):
        pin = keep[staff_id].pin or ""
        user = users.get(pin)
        if user is None:
            if dry_run:
                result.written.append(f"{pin}/{finger}")
            elif pin not in result.missing_user:
                result.missing_user.append(pin)
            continue
        template = store.open_template(row, seal)
        current = on_terminal.get((pin, finger))
        if current is not None and current.template == template:
            mine = held.get((staff_id, finger))
            if not dry_run and (mine is None or mine.version != row.version or not mine.confirmed):
                # held already: say so, or the poller would find it lacking at every poll
                holdings.note(session, held, device_id=device.id or 0, staff_id=staff_id, finger=finger,
                              version=row.version, confirmed=True)
            continue
        batch.setdefault(pin, []).append(TerminalFinger(user.uid, finger, template, row.valid))
        versions.append((staff_id, finger, row.version))
        result.written.append(f"{pin}/{finger}")
    if dry_run:
        keep_pins = {s.pin for s in keep.values()}
        result.written += sorted(p for p in pending - set(result.written)
                                 if p.split("/")[0] in keep_pins and (p.split("/")[0], int(p.split("/")[1]))
                                 not in on_terminal)
    drop_pins = {s.pin: s.id or 0 for s in drop.values()}
    removals = [(f, drop_pins[pin]) for (pin, _), f in on_terminal.items() if pin in drop_pins]
    result.removed = [f"{by_uid[f.uid]}/{f.finger}" for f, _ in removals]
    if dry_run:
        return result
    pins = list(batch)
    for start in range(0, len(pins), USERS_PER_BUFFER):
        terminal.write_templates([(users[p], batch[p]) for p in pins[start : start + USERS_PER_BUFFER]])
    for staff_id, finger, version in versions:
        holdings.note(session, held, device_id=device.id or 0, staff_id=staff_id, finger=finger, version=version,
                      confirmed=True)
    for f, staff_id in removals:
        terminal.delete_template(f.uid, f.finger)
        holdings.forget(session, held, device_id=device.id or 0, staff_id=staff_id, finger=f.finger)
    for staff_id, finger in [k for k in held if k[0] in drop]:  # gone from the terminal by other means
        holdings.forget(session, held, device_id=device.id or 0, staff_id=staff_id, finger=finger)
    _audit(session, device, actor, result)
    return result


def lacking(*, session: Session, device: Device, today: date) -> bool:
    """Whether the database's holdings say the terminal lacks a finger or holds one it must not (no terminal read)."""
    wanted, left = staff_for_device(session=session, device=device, today=today)
    keep = set(store.consenting(session, {s.id or 0 for s in wanted}))
    # Versions only: this runs at every poll, and the sealed templates are not needed to decide.
    stored = session.exec(select(FingerprintTemplate.staff_id, FingerprintTemplate.finger, FingerprintTemplate.version)
                          .where(col(FingerprintTemplate.staff_id).in_(keep or {-1})))
    held = {(s, f): (v, ok) for s, f, v, ok in session.exec(
        select(TerminalFingerprint.staff_id, TerminalFingerprint.finger, TerminalFingerprint.version,
               TerminalFingerprint.confirmed).where(TerminalFingerprint.device_id == (device.id or 0)))}
    if any(held.get((s, f)) != (v, True) for s, f, v in stored):
        return True
    drop = {s.id or 0 for s in wanted + left} - keep  # as sync_pull: others' fingers are left alone
    return any(staff_id in drop for staff_id, _ in held)


def sync_push(*, session: Session, device: Device, seal: Sealer, actor: str, today: date,
              dry_run: bool = False, pending: frozenset[str] = frozenset()) -> Distribution:
    """Queue DATA UPDATE/DELETE commands so a push terminal comes to hold the right fingers."""
    people = _people(session, device, today)
    keep, drop, stored = people.keep, people.drop, people.stored
    if not dry_run:  # a push-only office has no pull read to erase its leavers' fingers at
        store.erase_departed(session=session, staff={i: s.pin or "" for i, s in people.left.items()}, actor=actor)
    biodata = health.sync_state(session=session, device_id=device.id or 0).biodata
    held = holdings.of_device(session, device.id or 0)
    result = Distribution()
    plan: list[tuple[int, int, int, str]] = []  # staff id, finger, version (-1: delete), command
    for (staff_id, finger), row in sorted(stored.items()):
        mine = held.get((staff_id, finger))
        if mine is not None and mine.version == row.version and (mine.confirmed or mine.command_id):
            continue
        pin = keep[staff_id].pin or ""
        plan.append((staff_id, finger, row.version, commands.finger_update(
            pin=pin, finger=finger, template=store.open_template(row, seal), valid=row.valid, biodata=biodata)))
        result.written.append(f"{pin}/{finger}")
    for (staff_id, finger), mine in sorted(held.items()):
        person = drop.get(staff_id)
        if person is None or (mine.version == -1 and mine.command_id):
            continue
        plan.append((staff_id, finger, -1, commands.finger_delete(pin=person.pin or "", finger=finger,
                                                                    biodata=biodata)))
        result.removed.append(f"{person.pin}/{finger}")
    if dry_run:
        keep_pins = {s.pin for s in keep.values()}
        result.written += sorted(p for p in pending - set(result.written) if p.split("/")[0] in keep_pins)
        return result
    entries = [DeviceCommand(device_id=device.id or 0, command=commands.check_line(line), created_by=actor,
                             created_at=utcnow()) for *_, line in plan]
    session.add_all(entries)
    session.flush()  # one batched insert; the ids tie each finger to its command's reply
    for (staff_id, finger, version, _line), entry in zip(plan, entries, strict=True):
        holdings.note(session, held, device_id=device.id or 0, staff_id=staff_id, finger=finger, version=version,
                      confirmed=False, command_id=entry.id)
    _audit(session, device, actor, result, queued=True)
    return result


def confirm(*, session: Session, device_id: int, answered: list[DeviceCommand]) -> None:
    """A push terminal answered finger commands: each finger is held (or gone), or will be sent again."""
    by_id = {c.id: c for c in answered}
    if not by_id:
        return
    rows = session.exec(select(TerminalFingerprint).where(TerminalFingerprint.device_id == device_id,
                                                          col(TerminalFingerprint.command_id).in_(by_id)))
    for row in rows:
        command = by_id[row.command_id]
        if command.status == CommandStatus.DONE:
            if row.version == -1:
                session.delete(row)
                continue
            row.confirmed, row.command_id = True, None
        else:
            row.command_id, row.confirmed = None, False
            row.version = -1 if row.version == -1 else 0
        session.add(row)


def _audit(session: Session, device: Device, actor: str, result: Distribution, *, queued: bool = False) -> None:
    if result.written or result.removed:
        audit.record(session=session, actor=actor, action="fingerprints.queue" if queued else "fingerprints.write",
                     entity="device", entity_id=device.id,
                     after={"written": result.written, "removed": result.removed})
    session.flush()
