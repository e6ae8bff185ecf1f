"""Fingerprint template layouts of the binary protocol (pyzk 0.9 `get_templates`, `save_user_template`).

- Template buffer (PREPARE_BUFFER of CMD_DB_RRQ with FCT_FINGERTMP): `'<I'` total, then per finger
  `'<HHbb'` (record size including these 6 bytes, uid, finger 0-9, valid) and the template bytes.
- Save buffer (sent with PREPARE_DATA/DATA, then CMD_SAVE_USERTEMPS 110 `'<IHH'` 12, 0, 8):
  `'<III'` (users length, table length, templates length), the users (a 2 byte before each 28- or
  72-byte record), the table (`'<bHbI'` 2, uid, 0x10 + finger, offset into the templates) and the
  templates (`'<H'` size + bytes each). One buffer may carry many users: the batch path.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from devices import zkproto

CMD_DB_RRQ = 7
FCT_FINGERTMP = 2
CMD_DELETE_USERTEMP = 19
CMD_GET_USERTEMP = 88
CMD_SAVE_USERTEMPS = 110
CMD_DELETE_USERTEMP_BY_ID = 134
SAVE_ARGS = struct.pack("<IHH", 12, 0, 8)
_FINGER_FLAG = 0x10


@dataclass(frozen=True, slots=True)
class RawFinger:
    uid: int
    finger: int
    template: bytes
    valid: int = 1


def pack_templates(fingers: list[RawFinger]) -> bytes:
    """The template buffer a terminal serves, with its u32 length first."""
    body = b"".join(struct.pack("<HHbb", len(f.template) + 6, f.uid, f.finger, f.valid) + f.template
                    for f in fingers)
    return struct.pack("<I", len(body)) + body


def unpack_templates(body: bytes) -> list[RawFinger]:
    """The records of a template buffer (after its u32 length)."""
    out: list[RawFinger] = []
    at = 0
    while at + 6 <= len(body):
        size, uid, finger, valid = struct.unpack("<HHbb", body[at : at + 6])
        if size < 6 or at + size > len(body):
            raise ValueError(f"template record of {size} bytes at offset {at} overruns the buffer")
        out.append(RawFinger(uid, finger, bytes(body[at + 6 : at + size]), valid))
        at += size
    return out


def pack_save(users: list[tuple[zkproto.RawUser, list[RawFinger]]], user_format: int) -> bytes:
    """One save buffer for many users and their fingers."""
    upack, table, fpack = b"", b"", b""
    for user, fingers in users:
        upack += b"\x02" + zkproto.pack_user(user, user_format)
        for finger in fingers:
            table += struct.pack("<bHbI", 2, user.uid, _FINGER_FLAG + finger.finger, len(fpack))
            fpack += struct.pack("<H", len(finger.template)) + finger.template
    return struct.pack("<III", len(upack), len(table), len(fpack)) + upack + table + fpack


def unpack_save(buffer: bytes, user_format: int) -> tuple[list[zkproto.RawUser], list[RawFinger]]:
    """Users and fingers of a save buffer; ValueError when it does not add up."""
    ulen, tlen, flen = struct.unpack("<III", buffer[:12])
    if 12 + ulen + tlen + flen != len(buffer) or ulen % (user_format + 1) or tlen % 8:
        raise ValueError("save buffer lengths do not add up")
    users_raw, at = buffer[12 : 12 + ulen], 12 + ulen
    table, fpack = buffer[at : at + tlen], buffer[at + tlen :]
    users = [zkproto.unpack_user(users_raw[i + 1 : i + 1 + user_format])
             for i in range(0, ulen, user_format + 1)]
    fingers: list[RawFinger] = []
    for _two, uid, flag, offset in struct.iter_unpack("<bHbI", table):
        (size,) = struct.unpack("<H", fpack[offset : offset + 2])
        template = bytes(fpack[offset + 2 : offset + 2 + size])
        if len(template) != size or not 0 <= flag - _FINGER_FLAG <= 9:
            raise ValueError("template entry out of range")
        fingers.append(RawFinger(uid, flag - _FINGER_FLAG, template))
    return users, fingers
