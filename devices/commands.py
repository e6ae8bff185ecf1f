"""ADMS command lines, built in one place.

A command travels as one line of `C:<id>:<command>` in a `getrequest` reply, its fields separated
by tabs: a tab, a newline or any control character inside a value would become an extra field or
an extra command (`96\\nC:999:CLEAR LOG`). Every value is checked here, whoever supplies it.
"""

from __future__ import annotations

import base64

from attendance.terminal_values import has_control, is_valid_pin
from devices.errors import BadDeviceInput


def _value(name: str, value: object) -> str:
    text = "" if value is None else str(value)
    if has_control(text):
        raise BadDeviceInput(f"giá trị {name} chứa ký tự điều khiển: không gửi lệnh này tới máy")
    return text


def _pin(pin: str) -> str:
    if not is_valid_pin(pin):
        raise BadDeviceInput(f"mã chấm công (PIN) không hợp lệ cho máy: {pin[:30]!r}")
    return pin


def user_update(*, pin: str, name: str, privilege: int, card: int | str | None) -> str:
    """Create or update a user on the terminal."""
    if not 0 <= privilege <= 14:
        raise BadDeviceInput(f"quyền người dùng trên máy phải từ 0 đến 14, không phải {privilege}")
    card_text = _value("Card", card or "")
    if card_text and not card_text.isdigit():
        raise BadDeviceInput("số thẻ gửi tới máy phải là số")
    return (f"DATA UPDATE USERINFO PIN={_pin(pin)}\tName={_value('Name', name)}\tPri={privilege}\tPasswd=\t"
            f"Card={card_text}\tGrp=1")


def user_delete(*, pin: str) -> str:
    return f"DATA DELETE USERINFO PIN={_pin(pin)}"


# A fingerprint template (up to ~2 KB, base64 in the line) fits with room to spare.
COMMAND_MAX = 8000


def finger_update(*, pin: str, finger: int, template: bytes, valid: int, biodata: bool) -> str:
    """Put one finger's template on the terminal (FINGERTMP, or BIODATA on push protocol 2.x firmware)."""
    if not 0 <= finger <= 9:
        raise BadDeviceInput(f"số ngón tay phải từ 0 đến 9, không phải {finger}")
    tmp = base64.b64encode(template).decode()
    if biodata:
        return (f"DATA UPDATE BIODATA Pin={_pin(pin)}\tNo={finger}\tIndex=0\tValid={1 if valid else 0}\t"
                f"Duress={1 if valid == 3 else 0}\tType=1\tMajorVer=10\tMinorVer=0\tFormat=0\tTmp={tmp}")
    return f"DATA UPDATE FINGERTMP PIN={_pin(pin)}\tFID={finger}\tSize={len(tmp)}\tValid={valid}\tTMP={tmp}"


def finger_delete(*, pin: str, finger: int, biodata: bool) -> str:
    if biodata:
        return f"DATA DELETE BIODATA Pin={_pin(pin)}\tType=1\tNo={finger}"
    return f"DATA DELETE FINGERTMP PIN={_pin(pin)}\tFID={finger}"


def check_line(command: str) -> str:
    """A whole command as queued: one line, no control characters except the field tabs."""
    if not command or has_control(command.replace("\t", "")) or len(command) > COMMAND_MAX:
        raise BadDeviceInput("lệnh gửi tới máy phải là một dòng, không chứa ký tự điều khiển")
    return command
