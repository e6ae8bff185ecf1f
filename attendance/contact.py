"""E-mail addresses as people type them: trimmed, checked for shape, never with control characters."""

from __future__ import annotations

import re

from attendance.errors import InvalidInput

EMAIL_MAX = 254
# The shape of an address a mail server will take (local@domain.tld); delivery proves the rest.
_SHAPE = re.compile(r"^[^\s@<>(),;:\"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


class InvalidEmail(InvalidInput):
    """An address that cannot be an e-mail address."""


def clean_email(value: str | None) -> str | None:
    """The address trimmed and lower-cased in its domain; None for an empty one."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX or not _SHAPE.match(text):
        raise InvalidEmail(f"địa chỉ e-mail không hợp lệ: {text[:60]!r}")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
