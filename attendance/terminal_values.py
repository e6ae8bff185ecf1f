"""Values that identify terminals or reach them: one place that says what is valid.

A serial names a device on every path (push, pull, USB, cameras, the ledger's key); a PIN, a name
or a card number may end up in a terminal command line, where a tab or a newline would become an
extra field or an extra command. Everything is checked here, where it enters.
"""

from __future__ import annotations

import re
import unicodedata

from attendance.errors import InvalidInput

SERIAL_MAX = 64
PIN_MAX = 24
NAME_MAX = 100
CARD_MAX = 32
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# A real punch's local date lies in these years; anything else is garbage, not a date.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

_SERIAL = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,63}")
_PIN = re.compile(r"[0-9A-Za-z]{1,24}")


def serial_key(raw: str | None) -> str:
    """The form serials are stored and compared in: no surrounding blanks, upper case."""
    return (raw or "").strip().upper()


def normalise_serial(raw: str | None) -> str:
    """A valid serial in its stored form; InvalidInput otherwise."""
    serial = serial_key(raw)
    if not _SERIAL.fullmatch(serial):
        raise InvalidInput(
            f"số sê-ri máy phải có 1-{SERIAL_MAX} ký tự chữ, số, '.', '_' hoặc '-' (bắt đầu bằng chữ hoặc số)",
            code="device.bad_serial", max=SERIAL_MAX)
    return serial


def is_valid_serial(raw: str | None) -> bool:
    return _SERIAL.fullmatch(serial_key(raw)) is not None


def clean_pin(pin: str | None) -> str | None:
    """A staff member's terminal PIN: letters and digits, 1-24; None when blank."""
    if pin is None:
        return None
    pin = str(pin).strip()
    if not pin:
        return None
    if not _PIN.fullmatch(pin):
        raise InvalidInput(f"mã chấm công (PIN) chỉ gồm chữ và số, tối đa {PIN_MAX} ký tự", code="pin.invalid", max=PIN_MAX)
    return pin


def is_valid_pin(pin: str) -> bool:
    return _PIN.fullmatch(pin) is not None


def has_control(value: str) -> bool:
    """Tabs, newlines, NUL and the other control/format characters."""
    if value.isprintable():  # the common case, in C: printable text holds none of them
        return False
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)


def clean_text(value: str | None, *, what: str, max_length: int) -> str | None:
    """A name or card number that may travel to a terminal: no control characters."""
    if value is None:
        return None
    value = value.strip()
    if has_control(value):
        raise InvalidInput(f"{what} không được chứa ký tự điều khiển (tab, xuống dòng...)", code="text.control_chars",
                           what=what)
    if len(value) > max_length:
        raise InvalidInput(f"{what} dài tối đa {max_length} ký tự", code="text.too_long", what=what,
                           max_length=max_length)
    return value or None


def in_int32(value: int | None) -> bool:
    return value is None or INT32_MIN <= value <= INT32_MAX
