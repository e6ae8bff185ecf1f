"""ADMS command lines, built in one place.

A command travels as one line of `C:<id>:<command>` in a `getrequest` reply, its fields separated
by tabs: a tab, a newline or any control character inside a value would become an extra field or
an extra command (`96\\nC:999:CLEAR LOG`). Every value is checked here, whoever supplies it.
"""

from __future__ import annotations

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


def check_line(command: str) -> str:
    """A whole command as queued: one line, no control characters except the field tabs."""
    if not command or has_control(command.replace("\t", "")) or len(command) > 2000:
        raise BadDeviceInput("lệnh gửi tới máy phải là một dòng, không chứa ký tự điều khiển")
    return command
