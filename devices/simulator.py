"""A simulated ZKTeco terminal: its memory and its clock (the protocol is in sim_protocol)."""

from __future__ import annotations

import random
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from devices import zkfinger
from devices import zkproto as zk
from devices.zkproto import RawPunch, RawUser


@dataclass(slots=True)
class Faults:
    """Misbehaviour to switch on for tests; all off by default."""

    delay_seconds: float = 0.0  # answer every command this late
    drop_reads: int = 0  # cut this many upcoming punch-buffer chunk reads in the middle
    refuse: bool = False  # close every connection at once (UDP: stay silent)


@dataclass(slots=True)
class TerminalConfig:
    serial: str = "SIM0000000001"
    user_format: int = 72
    punch_format: int = 16
    comm_key: int = 0
    firmware: str = "Ver 6.60 Apr 28 2017"
    platform: str = "ZMM220_TFT"
    device_name: str = "SIM-F18"
    timezone: str = "Asia/Ho_Chi_Minh"
    drift_seconds: float = 0.0
    user_capacity: int = 3000
    record_capacity: int = 200_000
    inline_limit: int = 1016  # data sets up to this size come inline (fits one UDP reply)
    frame_gap_seconds: float = 0.002  # between consecutive TCP frames of a reply (see sim_server)
    overwrite_when_full: bool = False  # a full log drops its oldest record for each new one (a setting of real terminals)
    event_size: int | None = None  # live event payload size: 12, 32, 36 or 52

    def __post_init__(self) -> None:
        if self.user_format not in zk.USER_FORMATS:
            raise ValueError(f"user format must be 28 or 72, not {self.user_format}")
        if self.punch_format not in zk.PUNCH_FORMATS:
            raise ValueError(f"punch format must be 8, 16 or 40, not {self.punch_format}")
        if self.event_size is None:
            self.event_size = {8: 12, 16: 32, 40: 36}[self.punch_format]


@dataclass(slots=True)
class Stats:
    sessions_now: int = 0
    max_sessions: int = 0
    sessions_total: int = 0
    buffer_reads: int = 0
    bytes_served: int = 0  # user/punch data sent, inline or in chunks
    template_commands: int = 0  # template reads (all or one), saves and deletes: what a sync costs the terminal


class SimTerminal:
    """One terminal's memory and clock, shared by every session (thread-safe)."""

    def __init__(self, config: TerminalConfig | None = None, faults: Faults | None = None) -> None:
        self.config = config or TerminalConfig()
        self.faults = faults or Faults()
        self.users: dict[int, RawUser] = {}
        self.punches: list[RawPunch] = []
        self.templates: dict[tuple[int, int], zkfinger.RawFinger] = {}  # (uid, finger) -> template
        self.enabled = True
        self.stats = Stats()
        self.lock = threading.RLock()
        self._held: list[RawPunch] = []  # punches made while disabled wait for enable
        self._listeners: list[Callable[[RawPunch], None]] = []
        self._enrol_listeners: list[Callable[[str, zkfinger.RawFinger], None]] = []
        self._clock_offset = timedelta(seconds=self.config.drift_seconds)

    # --- clock ------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The terminal's own clock: naive local time in its zone, plus drift."""
        local = datetime.now(UTC).astimezone(ZoneInfo(self.config.timezone)).replace(tzinfo=None)
        return (local + self._clock_offset).replace(microsecond=0)

    def set_clock(self, device_time: datetime) -> None:
        local = datetime.now(UTC).astimezone(ZoneInfo(self.config.timezone)).replace(tzinfo=None)
        self._clock_offset = device_time - local

    def set_drift(self, seconds: float) -> None:
        self._clock_offset = timedelta(seconds=seconds)

    # --- memory -----------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str = "", privilege: int = 0, card: int = 0, password: str = "") -> RawUser:
        numeric_only = self.config.user_format == 28 or self.config.punch_format == 16
        if numeric_only and not str(user_id).isdigit():
            raise ValueError(f"PIN {user_id!r}: 28-byte users and 16-byte punches hold numeric PINs only")
        with self.lock:
            existing = self.user_by_id(user_id)
            uid = existing.uid if existing else max(self.users, default=0) + 1
            user = RawUser(uid, str(user_id), name, privilege, password, card)
            self.users[uid] = user
            return user

    def user_by_id(self, user_id: str) -> RawUser | None:
        with self.lock:
            return next((u for u in self.users.values() if u.user_id == str(user_id)), None)

    def enroll_finger(self, user_id: str, finger: int, template: bytes, valid: int = 1) -> zkfinger.RawFinger:
        """Someone enrolls a finger at this terminal (replacing that finger's old template)."""
        with self.lock:
            user = self.user_by_id(user_id) or self.add_user(user_id)
            record = zkfinger.RawFinger(user.uid, finger, bytes(template), valid)
            self.templates[(user.uid, finger)] = record
        for listener in list(self._enrol_listeners):
            listener(user.user_id, record)
        return record

    def fingers_of(self, user_id: str) -> dict[int, bytes]:
        """finger -> template bytes held for `user_id`."""
        with self.lock:
            user = self.user_by_id(user_id)
            return {f: t.template for (uid, f), t in self.templates.items() if user and uid == user.uid}

    def delete_user(self, uid: int) -> None:
        """A user and their fingers leave the terminal together, as on real firmware."""
        with self.lock:
            self.users.pop(uid, None)
            for key in [k for k in self.templates if k[0] == uid]:
                del self.templates[key]

    def templates_buffer(self) -> bytes:
        with self.lock:
            return zkfinger.pack_templates([self.templates[k] for k in sorted(self.templates)])

    def add_punch(self, user_id: str, when: datetime | None = None, status: int = 0, punch: int = 1) -> RawPunch:
        """Someone punches now (or at `when`, device-local): stored, and sent to live listeners."""
        return self.add_raw_punch(user_id, zk.encode_time(when or self.now()), status, punch)

    def add_raw_punch(self, user_id: str, raw_time: int, status: int = 0, punch: int = 1) -> RawPunch:
        with self.lock:
            user = self.user_by_id(user_id)
            uid = user.uid if user else int(user_id) if str(user_id).isdigit() else 0
            record = RawPunch(uid, str(user_id), raw_time, status, punch)
            if not self.enabled:
                self._held.append(record)
                return record
            if self.config.overwrite_when_full and len(self.punches) >= self.config.record_capacity:
                del self.punches[0]
            self.punches.append(record)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(record)
        return record

    def add_garbage(self) -> list[RawPunch]:
        """Records with impossible dates, as broken terminals hold: 2000-01-01, 2099, 31 February."""
        user_id = next(iter(self.users.values())).user_id if self.users else "1"
        year = self.now().year
        raws = [zk.encode_raw_time(2000, 1, 1), zk.encode_raw_time(2099, 12, 31, 23, 0, 0),
                zk.encode_raw_time(year, 2, 31, 8, 0, 0)]
        return [self.add_raw_punch(user_id, raw, 0, 1) for raw in raws]

    def clear_log(self) -> None:
        with self.lock:
            self.punches.clear()

    def set_enabled(self, enabled: bool) -> None:
        with self.lock:
            self.enabled = enabled
            held, self._held = self._held, []
        for record in held if enabled else ():
            self.add_raw_punch(record.user_id, record.time, record.status, record.punch)

    def on_enrolment(self, listener: Callable[[str, zkfinger.RawFinger], None]) -> None:
        """Called with (PIN, finger) after each enrolment at the terminal (the push mode uploads it)."""
        self._enrol_listeners.append(listener)

    def subscribe(self, listener: Callable[[RawPunch], None]) -> None:
        with self.lock:
            self._listeners.append(listener)

    def wait_for_listener(self, timeout: float) -> bool:
        """Block until a client is registered for live events (tests punch only then)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self._listeners:
                    return True
            time.sleep(0.02)
        return False

    def unsubscribe(self, listener: Callable[[RawPunch], None]) -> None:
        with self.lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def users_buffer(self) -> bytes:
        with self.lock:
            size = self.config.user_format
            body = b"".join(zk.pack_user(u, size) for u in sorted(self.users.values(), key=lambda u: u.uid))
        return struct.pack("<I", len(body)) + body

    def punches_buffer(self) -> bytes:
        with self.lock:
            size = self.config.punch_format
            body = b"".join(zk.pack_punch(p, size) for p in self.punches)
        return struct.pack("<I", len(body)) + body

    def sizes(self) -> bytes:
        with self.lock:
            fields = [0] * 20
            fields[4] = len(self.users)
            fields[6] = len(self.templates)
            fields[8] = len(self.punches)
            fields[12] = sum(1 for u in self.users.values() if u.card)
            fields[14] = 10 * self.config.user_capacity
            fields[15] = self.config.user_capacity
            fields[16] = self.config.record_capacity
            fields[17] = fields[14] - len(self.templates)
            fields[18] = self.config.user_capacity - len(self.users)
            fields[19] = self.config.record_capacity - len(self.punches)
        return struct.pack("<20i", *fields) + struct.pack("<3i", 0, 0, 0)

    def session_started(self) -> None:
        with self.lock:
            self.stats.sessions_now += 1
            self.stats.sessions_total += 1
            self.stats.max_sessions = max(self.stats.max_sessions, self.stats.sessions_now)

    def session_ended(self) -> None:
        with self.lock:
            self.stats.sessions_now -= 1


def generate(terminal: SimTerminal, *, users: int, punches: int, seed: int = 1,
             names: Iterable[tuple[str, str]] | None = None, end: datetime | None = None) -> None:
    """Fill a terminal with staff (PINs 1..N, or `names`) and punches at distinct times before `end`."""
    rng = random.Random(seed)
    people = list(names) if names is not None else [(str(i), f"NV {i}") for i in range(1, users + 1)]
    for pin, name in people:
        terminal.add_user(pin, name, card=rng.randint(0, 1) * rng.randint(1000000, 9999999))
    if not people or punches <= 0:
        return
    end = end or terminal.now() - timedelta(minutes=1)
    step = max(1, min(3600, 30 * 86400 // punches))
    start = end - timedelta(seconds=step * punches)
    pins = [pin for pin, _ in people]
    records = []
    for i in range(punches):
        when = start + timedelta(seconds=step * i)
        pin = pins[i % len(pins)]
        user = terminal.user_by_id(pin)
        records.append(RawPunch(user.uid if user else 0, pin, zk.encode_time(when), rng.choice((0, 1)), 1))
    with terminal.lock:
        terminal.punches.extend(records)
