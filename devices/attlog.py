"""Text punch logs (USB `1_attlog.dat` files and ADMS ATTLOG bodies): one punch a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from attendance.terminal_values import EARLIEST_YEAR, LATEST_YEAR, PIN_MAX, has_control, in_int32


@dataclass(frozen=True, slots=True)
class LinePunch:
    line: int
    pin: str
    device_time: datetime
    status: int | None
    verify: int | None


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    text: str
    reason: str


@dataclass(slots=True)
class ParsedLog:
    punches: list[LinePunch] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def decode_body(raw: bytes) -> str:
    """Terminal text as str: UTF-8, else Latin-1 (never fails, so no line is lost to decoding)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_time(text: str) -> datetime:
    """`YYYY-MM-DD HH:MM:SS` of a real date between 2000 and 2100 (strptime's rules, ten times faster)."""
    if len(text) != 19 or text[4] != "-" or text[7] != "-" or text[10] != " " or text[13] != ":" or text[16] != ":":
        raise ValueError(text)
    parts = (text[0:4], text[5:7], text[8:10], text[11:13], text[14:16], text[17:19])
    if not all(p.isdigit() and p.isascii() for p in parts):
        raise ValueError(text)
    year, month, day, hour, minute, second = (int(p) for p in parts)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(text)
    return datetime(year, month, day, hour, minute, second)


def parse_attlog(text: str) -> ParsedLog:
    """`PIN<TAB>YYYY-MM-DD HH:MM:SS<TAB>status<TAB>verify...` lines; blank lines are skipped."""
    parsed = ParsedLog()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip("\r\n\x00")
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 2:
            parsed.errors.append(LineError(number, _shown(line), "thiếu trường (cần PIN và thời gian, cách bằng TAB)"))
            continue
        pin = fields[0]
        if not pin or len(pin) > PIN_MAX or any(c.isspace() for c in pin) or has_control(pin):
            parsed.errors.append(LineError(number, _shown(line), f"mã người dùng (PIN) không hợp lệ: {_shown(pin)!r}"))
            continue
        try:
            when = parse_time(fields[1])
        except ValueError:
            parsed.errors.append(LineError(number, _shown(line), f"thời gian không hợp lệ (cần ngày thật, năm {EARLIEST_YEAR}-"
                                                          f"{LATEST_YEAR}): {_shown(fields[1])!r}"))
            continue
        try:
            status = _small_int(fields[2]) if len(fields) > 2 and fields[2] else None
            verify = _small_int(fields[3]) if len(fields) > 3 and fields[3] else None
        except ValueError:
            parsed.errors.append(LineError(number, _shown(line), "trạng thái/kiểu xác thực phải là số nguyên 32 bit"))
            continue
        parsed.punches.append(LinePunch(number, pin, when, status, verify))
    return parsed


def _small_int(text: str) -> int:
    if len(text) > 12:
        raise ValueError(text[:20])
    value = int(text)
    if not in_int32(value):
        raise ValueError(text)
    return value


def _shown(text: str) -> str:
    """A line as it may be echoed into health and replies: short, control characters escaped."""
    if text.isprintable():
        return text[:200]
    return "".join(c if not has_control(c) else repr(c)[1:-1] for c in text[:200])
