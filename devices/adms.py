"""The ADMS ("iclock") push protocol: handshake, ATTLOG/OPERLOG uploads, the command queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import InvalidInput, UnknownDevice
from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import Device, DeviceKind, PunchSource
from attendance.terminal_values import CARD_MAX, INT32_MAX, NAME_MAX, has_control, is_valid_serial
from attendance.timeutil import utcnow
from config import get_settings
from devices import commands, health
from devices.attlog import LineError, parse_attlog
from devices.errors import BadDeviceInput
from devices.fingerprints import distribute as fingerprint_distribute
from devices.fingerprints import push as fingerprint_push
from devices.fingerprints.store import Finger
from devices.models import CommandStatus, DeviceCommand, DeviceUser, PushHold
from devices.push_batch import IngestBatcher
from devices.service import find_device
from devices.sync import UserSyncPlan, plan_user_sync
from devices.terminal import TerminalUser

MAX_COMMANDS_PER_REQUEST = 20
HEALTH_WRITE_INTERVAL = timedelta(seconds=10)


@dataclass(slots=True)
class UploadResult:
    accepted: int = 0
    errors: list[LineError] = field(default_factory=list)
    ingest: IngestResult | None = None

    def reply(self) -> str:
        """`OK: n` first (what firmware checks), then one line per rejected input line."""
        lines = [f"OK: {self.accepted}"]
        lines += [f"ERROR line {e.line}: {e.reason}" for e in self.errors[:50]]
        return "\n".join(lines) + "\n"


def registered_device(*, session: Session, serial: str | None) -> Device:
    """The enabled push terminal registered under `serial`; UnknownDevice otherwise.

    Only devices of the push kind speak ADMS: a pull, USB-import or camera serial is refused here
    (the protocol has no credentials; see `devices.binding` for the address check)."""
    device = find_device(session=session, serial=serial or "") if is_valid_serial(serial) else None
    if device is None or not device.enabled or device.kind != DeviceKind.ZK_PUSH:
        shown = (serial or "")[:64].encode("unicode_escape").decode()
        raise UnknownDevice(f"máy {shown!r} chưa được quản trị viên đăng ký là máy đẩy dữ liệu (push)")
    return device


def handshake(*, session: Session, device: Device) -> str:
    """The options a terminal asks for when it starts pushing."""
    state = health.sync_state(session=session, device_id=device.id or 0)
    health.record_success(session=session, device=device, next_poll_at=device.next_poll_at)
    offset = datetime.now(ZoneInfo(health.device_zone(device, session))).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    att, op = state.attlog_stamp or "0", state.operlog_stamp or "0"
    return "\n".join([
        f"GET OPTION FROM: {device.serial}",
        f"ATTLOGStamp={att}", f"OPERLOGStamp={op}", "ATTPHOTOStamp=0",
        f"Stamp={att}", f"OpStamp={op}", "PhotoStamp=0",
        "ErrorDelay=30", "Delay=10", "TransTimes=00:00;14:05", "TransInterval=1",
        # AttPhoto: punch photos (kept as evidence); EnrollFP/ChgFP: fingers enrolled there (copied elsewhere).
        "TransFlag=TransData AttLog\tOpLog\tAttPhoto\tEnrollUser\tChgUser\tEnrollFP\tChgFP", f"TimeZone={hours}",
        "Realtime=1", "Encrypt=None",
    ]) + "\n"


def receive_attlog(*, session: Session, device: Device, body: str, stamp: str | None,
                   batcher: IngestBatcher | None = None) -> UploadResult:
    """Store the valid punch lines of an upload (deduplicated by the ledger); report the others.

    With a `batcher`, the punches are committed by it (shared with concurrent uploads) before this
    returns; without, they are flushed in `session` like any service's writes.
    """
    parsed = parse_attlog(body)
    punches = [PunchIn(source=PunchSource.TERMINAL_PUSH, device_serial=device.serial, pin=p.pin,
                       device_time=p.device_time, timezone=device.timezone, state=p.status, verify=p.verify)
               for p in parsed.punches]
    ingest = batcher.ingest(punches) if batcher else ingest_punches(session=session, punches=punches)
    rejected = {r.index for r in ingest.rejected}
    errors = list(parsed.errors)
    errors += [LineError(parsed.punches[r.index].line, "", r.reason) for r in ingest.rejected]
    if _note_upload(session, device, errors):
        _save_stamp(session, device, attlog=stamp)
    return UploadResult(accepted=len(punches) - len(rejected), errors=sorted(errors, key=lambda e: e.line),
                        ingest=ingest)


def receive_operlog(*, session: Session, device: Device, body: str, stamp: str | None) -> UploadResult:
    """Record USER lines (who is enrolled on the terminal); OPLOG/FP lines are acknowledged."""
    result = UploadResult()
    now = utcnow()
    fingers: list[Finger] = []
    cards: dict[str, int] = {}  # PIN -> card number enrolled on the terminal: learnt as pull learns them
    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        kind, _, rest = line.partition(" ")
        if kind == "USER":
            fields = dict(part.split("=", 1) for part in rest.split("\t") if "=" in part)
            try:
                pin, name, privilege, card = _user_fields(fields)
            except InvalidInput as err:
                result.errors.append(LineError(number, line[:200], str(err)))
                continue
            _upsert_user(session, device.id or 0, pin, name, privilege, card, now)
            if card:
                cards[pin] = int(card)
            result.accepted += 1
        elif kind in ("FP", "BIODATA"):
            try:
                finger = fingerprint_push.parse_line(kind, rest)
            except InvalidInput as err:
                result.errors.append(LineError(number, line[:200], str(err)))
                continue
            fingers += [finger] if finger else []
            result.accepted += 1
        elif kind in ("OPLOG", "FACE", "USERPIC", "BIOPHOTO"):
            result.accepted += 1
        else:
            result.errors.append(LineError(number, line[:200], f"loại dòng không biết: {kind[:20]!r}"))
    if fingers or cards:
        biodata = any(line.lstrip().startswith("BIODATA") for line in body.splitlines()) if fingers else None
        try:
            fingerprint_push.keep(session=session, device=device, fingers=fingers, cards=cards,
                                  actor=f"device:{device.serial}", biodata=biodata)
        except BadDeviceInput:
            if fingers:
                raise
            # Only card numbers, and the terminal's people cannot be told yet (no unit, several
            # organisations): the USER lines are still recorded; the cards are learnt once it has a unit.
    if _note_upload(session, device, result.errors):
        _save_stamp(session, device, operlog=stamp)
    return result


def _user_fields(fields: dict[str, str]) -> tuple[str, str, int, str | None]:
    """PIN, name, privilege and card of a USER line, range-checked (InvalidInput says what is wrong)."""
    pin = fields.get("PIN", "").strip()
    if not pin or len(pin) > 24 or has_control(pin) or any(c.isspace() for c in pin):
        raise InvalidInput("dòng USER thiếu PIN hợp lệ")
    raw_pri = (fields.get("Pri") or "0").strip()
    if not raw_pri.isdigit() or int(raw_pri) > INT32_MAX:
        raise InvalidInput(f"quyền (Pri) không hợp lệ: {raw_pri[:20]!r}")
    name = "".join(c for c in fields.get("Name", "") if not has_control(c))[:NAME_MAX]
    card = (fields.get("Card") or "").strip()
    if card and (not card.isdigit() or len(card) > CARD_MAX):
        raise InvalidInput(f"số thẻ không hợp lệ: {card[:40]!r}")
    return pin, name, int(raw_pri), card or None


def next_commands(*, session: Session, device: Device) -> str:
    """`C:<id>:<command>` lines for commands due (queued, or sent and never confirmed), or `OK`.

    A command sent but not confirmed by `devicecmd` within the resend time is offered again (the
    reply may have been lost); after the allowed attempts it is marked failed in the device's health.
    """
    _seen(session, device)
    policy = get_settings().terminals
    now = utcnow()
    stale = now - timedelta(seconds=policy.command_resend_seconds)
    due = list(session.exec(select(DeviceCommand).where(
        DeviceCommand.device_id == device.id,
        (col(DeviceCommand.status) == CommandStatus.QUEUED)
        | ((col(DeviceCommand.status) == CommandStatus.SENT) & (col(DeviceCommand.sent_at) < stale)))
        .order_by(col(DeviceCommand.id)).limit(MAX_COMMANDS_PER_REQUEST)))
    sent: list[DeviceCommand] = []
    given_up: list[DeviceCommand] = []
    for command in due:
        if command.attempts >= policy.command_max_attempts:
            command.status, command.done_at = CommandStatus.FAILED, now
            given_up.append(command)
        else:
            command.status, command.sent_at = CommandStatus.SENT, now
            command.attempts += 1
            sent.append(command)
        session.add(command)
    if given_up:
        health.record_failure(session=session, device=device, error=(
            f"{len(given_up)} lệnh gửi {policy.command_max_attempts} lần mà máy không xác nhận, đã đánh dấu thất bại "
            f"(lệnh số {', '.join(str(c.id) for c in given_up[:10])})"))
    session.flush()
    if not sent:
        return "OK"
    return "\n".join(f"C:{c.id}:{c.command}" for c in sent) + "\n"


def command_results(*, session: Session, device: Device, body: str) -> int:
    """Record `ID=..&Return=..&CMD=..` result lines; returns how many matched a sent command."""
    codes: dict[int, int] = {}
    for line in body.splitlines():
        fields = {k: v[0] for k, v in parse_qs(line.strip(), keep_blank_values=True).items()}
        try:
            codes[int(fields.get("ID", ""))] = int(fields.get("Return", ""))
        except ValueError:
            continue
    answered = list(session.exec(select(DeviceCommand).where(
        DeviceCommand.device_id == device.id, col(DeviceCommand.id).in_(codes or {-1}))))
    now = utcnow()
    for command in answered:
        code = codes[command.id or 0]
        command.status = CommandStatus.DONE if code >= 0 else CommandStatus.FAILED
        command.return_code = code
        command.done_at = now
        session.add(command)
    fingerprint_distribute.confirm(session=session, device_id=device.id or 0, answered=answered)
    session.flush()
    return len(answered)


def queue_command(*, session: Session, device: Device, command: str, actor: str) -> DeviceCommand:
    entry = DeviceCommand(device_id=device.id or 0, command=commands.check_line(command), created_by=actor,
                          created_at=utcnow())
    session.add(entry)
    session.flush()
    return entry


def queue_user_sync(*, session: Session, device: Device, actor: str, dry_run: bool = False) -> UserSyncPlan:
    """Queue USERINFO updates/deletes so a push terminal holds exactly the staff who belong there."""
    reported = [TerminalUser(uid=0, pin=u.pin, name=u.name, privilege=u.privilege,
                             card=int(u.card) if u.card and u.card.isdigit() else 0)
                for u in session.exec(select(DeviceUser).where(DeviceUser.device_id == device.id))]
    plan = plan_user_sync(session=session, device=device, device_users=reported, user_format=72)
    if dry_run:
        return plan
    for user in plan.add + plan.update:
        queue_command(session=session, device=device, actor=actor, command=commands.user_update(
            pin=user.pin, name=user.name, privilege=user.privilege, card=user.card))
    for user in plan.remove:
        queue_command(session=session, device=device, actor=actor, command=commands.user_delete(pin=user.pin))
    audit.record(session=session, actor=actor, action="device.sync_users", entity="device", entity_id=device.id,
                 after={"queued_add": [u.pin for u in plan.add], "queued_update": [u.pin for u in plan.update],
                        "queued_remove": [u.pin for u in plan.remove]})
    return plan


def hold_upload(*, session: Session, device: Device, address: str, table: str, stamp: str | None,
                body: str) -> None:
    """Keep an upload from an unconfirmed new address whole, count nothing, tell the devices page."""
    session.add(PushHold(device_id=device.id or 0, address=address[:64], table_name=table[:16],
                         stamp=(stamp or None) and stamp[:32], body=body, received_at=utcnow()))
    health.record_failure(session=session, device=device, error=(
        f"máy gửi dữ liệu từ địa chỉ mới {address} (trước đây {device.push_pinned_address}): dữ liệu được giữ lại "
        "chờ quản trị viên xác nhận địa chỉ"))
    session.flush()


def confirm_address(*, session: Session, device: Device, actor: str) -> int:
    """Trust the pending address and ingest what it sent while held; returns the punches accepted."""
    address = device.push_pending_address
    if address is None:
        raise InvalidInput(f"máy {device.serial} không có địa chỉ mới nào chờ xác nhận")
    before = {"pinned": device.push_pinned_address, "pending": address}
    device.push_pinned_address, device.push_pending_address = address, None
    session.add(device)
    accepted = 0
    now = utcnow()
    for hold in session.exec(select(PushHold).where(PushHold.device_id == device.id, PushHold.address == address,
                                                    col(PushHold.released_at).is_(None)).order_by(col(PushHold.id))):
        if hold.table_name == "ATTLOG":
            accepted += receive_attlog(session=session, device=device, body=hold.body, stamp=hold.stamp).accepted
        elif hold.table_name == "OPERLOG":
            receive_operlog(session=session, device=device, body=hold.body, stamp=hold.stamp)
        hold.released_at, hold.released_by = now, actor
        session.add(hold)
    audit.record(session=session, actor=actor, action="device.confirm_address", entity="device",
                 entity_id=device.id, before=before, after={"pinned": address, "punches_released": accepted})
    session.flush()
    return accepted


def reject_address(*, session: Session, device: Device, actor: str) -> int:
    """Refuse the pending address: its held uploads stay as evidence, never counted."""
    address = device.push_pending_address
    if address is None:
        raise InvalidInput(f"máy {device.serial} không có địa chỉ mới nào chờ xác nhận")
    device.push_pending_address = None
    session.add(device)
    held = list(session.exec(select(PushHold).where(PushHold.device_id == device.id, PushHold.address == address,
                                                    col(PushHold.released_at).is_(None))))
    now = utcnow()
    for hold in held:
        hold.released_at, hold.released_by = now, f"từ chối: {actor}"[:200]
        session.add(hold)
    audit.record(session=session, actor=actor, action="device.reject_address", entity="device",
                 entity_id=device.id, before={"pending": address}, after={"held_uploads": len(held)})
    session.flush()
    return len(held)


def _note_upload(session: Session, device: Device, errors: list[LineError]) -> bool:
    """Record the upload in the device's health; True when that was written (not throttled)."""
    if errors:
        first = errors[0]
        health.record_failure(session=session, device=device,
                              error=f"{len(errors)} dòng dữ liệu gửi lên bị từ chối; dòng {first.line}: {first.reason}")
        device.last_contact_at = device.last_error_at
        session.add(device)
        session.flush()
        return True
    return _seen(session, device)


def _seen(session: Session, device: Device) -> bool:
    """Record a good contact, at most every few seconds (terminals call several times a second)."""
    last = device.last_success_at
    if device.last_error is None and last is not None and utcnow() - last < HEALTH_WRITE_INTERVAL:
        return False
    health.record_success(session=session, device=device, next_poll_at=device.next_poll_at)
    return True


def _save_stamp(session: Session, device: Device, *, attlog: str | None = None, operlog: str | None = None) -> None:
    # Stamps only spare the terminal resending; saved with the (throttled) health write, since
    # anything resent after a lost stamp is deduplicated by the ledger anyway.
    state = health.sync_state(session=session, device_id=device.id or 0)
    if attlog and attlog.isdigit() and len(attlog) <= 32:
        state.attlog_stamp = attlog
    if operlog and operlog.isdigit() and len(operlog) <= 32:
        state.operlog_stamp = operlog
    session.add(state)


def _upsert_user(session: Session, device_id: int, pin: str, name: str, privilege: int, card: str | None,
                 now: datetime) -> None:
    table = DeviceUser.__table__  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {"device_id": device_id, "pin": pin, "name": name, "privilege": privilege,
              "card": (card or None) and card[:32], "seen_at": now}
    stmt = insert(table).values(values)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.device_id, table.c.pin],
                                      set_={k: stmt.excluded[k] for k in ("name", "privilege", "card", "seen_at")})
    session.execute(stmt)
