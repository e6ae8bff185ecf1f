"""The small interface every pull terminal adapter offers, and the values it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TerminalParams:
    host: str
    port: int = 4370
    transport: str = "tcp"
    comm_key: int = 0
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class TerminalStatus:
    serial: str
    firmware: str
    device_time: datetime  # naive, the terminal's own clock
    measured_at: datetime  # aware UTC instant at which device_time was read
    user_count: int
    record_count: int
    user_capacity: int
    record_capacity: int
    finger_count: int = 0  # templates held: with the user and card counts, what tells the poller fingers
    card_count: int = 0  # or cards may have changed on the terminal


@dataclass(frozen=True, slots=True)
class TerminalUser:
    uid: int
    pin: str
    name: str = ""
    privilege: int = 0
    card: int = 0
    password: str = ""


@dataclass(frozen=True, slots=True)
class TerminalPunch:
    pin: str
    device_time: datetime | None  # None: the terminal holds no real date (raw_time kept)
    raw_time: int
    status: int = 0
    verify: int = 0


@dataclass(frozen=True, slots=True)
class TerminalFinger:
    """One finger's template on a terminal: `uid` is the terminal's own user number."""

    uid: int
    finger: int
    template: bytes
    valid: int = 1


class Terminal(Protocol):
    """An open session with one pull terminal."""

    user_format: int

    def status(self) -> TerminalStatus: ...
    def read_users(self) -> list[TerminalUser]: ...
    def read_punches(self) -> list[TerminalPunch]: ...
    def log_fingerprint(self, records: int) -> str: ...
    def set_user(self, user: TerminalUser) -> None: ...
    def delete_user(self, uid: int) -> None: ...
    def read_templates(self) -> list[TerminalFinger]: ...
    def write_templates(self, batch: list[tuple[TerminalUser, list[TerminalFinger]]]) -> None: ...
    def delete_template(self, uid: int, finger: int) -> None: ...
    def set_time(self, device_time: datetime) -> None: ...
    def clear_log(self) -> None: ...
    def disable(self) -> None: ...
    def enable(self) -> None: ...
    def listen(self, *, until: datetime, on_punch: Callable[[TerminalPunch], None]) -> None: ...
    def close(self) -> None: ...


TerminalOpener = Callable[[TerminalParams], Terminal]
