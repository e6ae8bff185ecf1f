"""The ZKTeco binary protocol: framing, checksums, times, comm keys and record layouts."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

TCP_MAGIC = (0x5050, 0x7D82)
USHRT_MAX = 65535

CMD_USER_WRQ = 8
CMD_USERTEMP_RRQ = 9
CMD_OPTIONS_RRQ = 11
CMD_ATTLOG_RRQ = 13
CMD_CLEAR_DATA = 14
CMD_CLEAR_ATTLOG = 15
CMD_DELETE_USER = 18
CMD_GET_FREE_SIZES = 50
CMD_STARTVERIFY = 60
CMD_CANCELCAPTURE = 62
CMD_GET_TIME = 201
CMD_SET_TIME = 202
CMD_REG_EVENT = 500
CMD_CONNECT = 1000
CMD_EXIT = 1001
CMD_ENABLEDEVICE = 1002
CMD_DISABLEDEVICE = 1003
CMD_REFRESHDATA = 1013
CMD_GET_VERSION = 1100
CMD_AUTH = 1102
CMD_PREPARE_DATA = 1500
CMD_DATA = 1501
CMD_FREE_DATA = 1502
CMD_PREPARE_BUFFER = 1503
CMD_READ_BUFFER = 1504
CMD_ACK_OK = 2000
CMD_ACK_ERROR = 2001
CMD_ACK_UNAUTH = 2005
CMD_ACK_UNKNOWN = 0xFFFF

FCT_USER = 5
EF_ATTLOG = 1

USER_FORMATS = (28, 72)
PUNCH_FORMATS = (8, 16, 40)


def checksum(buf: bytes) -> int:
    """The 16-bit one's-complement style checksum ZK firmware uses (zkemsdk.c)."""
    total = 0
    n = len(buf)
    for i in range(0, n - 1, 2):
        total += buf[i] | (buf[i + 1] << 8)
        if total > USHRT_MAX:
            total -= USHRT_MAX
    if n % 2:
        total += buf[-1]
    while total > USHRT_MAX:
        total -= USHRT_MAX
    total = ~total
    while total < 0:
        total += USHRT_MAX
    return total


def make_packet(command: int, session_id: int, reply_id: int, payload: bytes = b"") -> bytes:
    """A ZK packet (no TCP top) with its checksum."""
    head = struct.pack("<4H", command, 0, session_id, reply_id)
    chk = checksum(head + payload)
    return struct.pack("<4H", command, chk, session_id, reply_id) + payload


def tcp_wrap(packet: bytes) -> bytes:
    """The 8-byte TCP top in front of a ZK packet."""
    return struct.pack("<HHI", TCP_MAGIC[0], TCP_MAGIC[1], len(packet)) + packet


@dataclass(frozen=True, slots=True)
class Packet:
    command: int
    session_id: int
    reply_id: int
    payload: bytes

    @classmethod
    def parse(cls, data: bytes) -> Packet:
        if len(data) < 8:
            raise ValueError(f"short packet: {len(data)} bytes")
        command, _chk, session_id, reply_id = struct.unpack("<4H", data[:8])
        return cls(command, session_id, reply_id, data[8:])


def split_tcp_frames(buffer: bytearray) -> list[bytes]:
    """Take every complete TCP frame's ZK packet off the front of `buffer`."""
    packets: list[bytes] = []
    while len(buffer) >= 8:
        magic1, magic2, length = struct.unpack("<HHI", buffer[:8])
        if (magic1, magic2) != TCP_MAGIC or length > 16 * 1024 * 1024:
            raise ValueError("not a ZK TCP frame")
        if len(buffer) < 8 + length:
            break
        packets.append(bytes(buffer[8 : 8 + length]))
        del buffer[: 8 + length]
    return packets


def encode_time(t: datetime) -> int:
    """A naive device-local time as the terminal's u32."""
    return ((t.year % 100) * 12 * 31 + (t.month - 1) * 31 + t.day - 1) * 86400 + (
        t.hour * 60 + t.minute
    ) * 60 + t.second


def encode_raw_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Encode fields without calendar checks (a terminal can hold a 31 February)."""
    return ((year % 100) * 12 * 31 + (month - 1) * 31 + day - 1) * 86400 + (hour * 60 + minute) * 60 + second


def decode_time(value: int) -> datetime:
    """The terminal's u32 as a naive device-local time; ValueError if it is no real date."""
    second = value % 60
    value //= 60
    minute = value % 60
    value //= 60
    hour = value % 24
    value //= 24
    day = value % 31 + 1
    value //= 31
    month = value % 12 + 1
    value //= 12
    return datetime(value + 2000, month, day, hour, minute, second)


def encode_timehex(t: datetime) -> bytes:
    """The 6-byte time of live events."""
    return bytes((t.year - 2000, t.month, t.day, t.hour, t.minute, t.second))


def make_commkey(key: int, session_id: int, ticks: int = 50) -> bytes:
    """The AUTH payload for comm key `key` (commpro.c MakeKey)."""
    k = 0
    for i in range(32):
        k = (k << 1) | 1 if key & (1 << i) else k << 1
    k = (k + session_id) & 0xFFFFFFFF
    b = struct.pack("<I", k)
    b = bytes((b[0] ^ ord("Z"), b[1] ^ ord("K"), b[2] ^ ord("S"), b[3] ^ ord("O")))
    h1, h2 = struct.unpack("<HH", b)
    b = struct.pack("<HH", h2, h1)
    t = ticks & 0xFF
    return bytes((b[0] ^ t, b[1] ^ t, t, b[3] ^ t))


def check_commkey(key: int, session_id: int, payload: bytes) -> bool:
    """Whether an AUTH payload proves knowledge of `key` (whatever ticks the client used)."""
    if len(payload) < 4:
        return False
    return make_commkey(key, session_id, payload[2]) == payload[:4]


# --- record layouts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawUser:
    uid: int
    user_id: str
    name: str = ""
    privilege: int = 0
    password: str = ""
    card: int = 0
    group_id: str = ""


@dataclass(frozen=True, slots=True)
class RawPunch:
    """A punch as a terminal stores it; `time` is the raw u32 (it may be no real date)."""

    uid: int
    user_id: str
    time: int
    status: int = 0
    punch: int = 0
    workcode: int = 0


def _cstr(raw: bytes, encoding: str = "utf-8") -> str:
    return raw.split(b"\x00")[0].decode(encoding, errors="replace")


def pack_user(user: RawUser, size: int) -> bytes:
    if size == 28:
        return struct.pack(
            "<HB5s8sIxBhI",
            user.uid,
            user.privilege,
            user.password.encode()[:5],
            user.name.encode()[:8],
            user.card,
            int(user.group_id or 0),
            0,
            int(user.user_id),
        )
    return struct.pack(
        "<HB8s24sIx7sx24s",
        user.uid,
        user.privilege,
        user.password.encode()[:8],
        user.name.encode()[:24],
        user.card,
        user.group_id.encode()[:7],
        user.user_id.encode()[:24],
    )


def unpack_user(record: bytes) -> RawUser:
    """A 28- or 72-byte user record (what USER_WRQ carries and the user buffer holds)."""
    if len(record) == 28:
        uid, priv, pwd, name, card, group, _tz, user_id = struct.unpack("<HB5s8sIxBhI", record)
        return RawUser(uid, str(user_id), _cstr(name), priv, _cstr(pwd), card, str(group))
    if len(record) == 72:
        uid, priv, pwd, name, card, group, user_id = struct.unpack("<HB8s24sIx7sx24s", record)
        return RawUser(uid, _cstr(user_id), _cstr(name), priv, _cstr(pwd), card, _cstr(group))
    raise ValueError(f"user record of {len(record)} bytes")


def unpack_users(data: bytes, count: int) -> tuple[list[RawUser], int]:
    """The user buffer (after its u32 length) and the record size it used."""
    size = infer_record_size(len(data), count, USER_FORMATS)
    return [unpack_user(data[i : i + size]) for i in range(0, len(data) - size + 1, size)], size


def pack_punch(p: RawPunch, size: int) -> bytes:
    if size == 8:
        return struct.pack("<HBIB", p.uid, p.status, p.time, p.punch)
    if size == 16:
        return struct.pack("<IIBB2sI", int(p.user_id), p.time, p.status, p.punch, b"\x00\x00", p.workcode)
    return struct.pack("<H24sBIB8s", p.uid, p.user_id.encode()[:24], p.status, p.time, p.punch, b"\x00" * 8)


def unpack_punches(data: bytes, count: int, uid_to_user_id: dict[int, str]) -> tuple[list[RawPunch], int]:
    """The punch buffer (after its u32 length) and the record size it used."""
    size = infer_record_size(len(data), count, PUNCH_FORMATS)
    out: list[RawPunch] = []
    if size == 8:
        for uid, status, t, punch in struct.iter_unpack("<HBIB", data[: len(data) - len(data) % 8]):
            out.append(RawPunch(uid, uid_to_user_id.get(uid, str(uid)), t, status, punch))
    elif size == 16:
        for user_id, t, status, punch, _r, work in struct.iter_unpack("<IIBB2sI", data[: len(data) - len(data) % 16]):
            out.append(RawPunch(0, str(user_id), t, status, punch, work))
    else:
        for uid, user_id, status, t, punch, _r in struct.iter_unpack("<H24sBIB8s", data[: len(data) - len(data) % 40]):
            out.append(RawPunch(uid, _cstr(user_id), t, status, punch))
    return out, size


def infer_record_size(total: int, count: int, sizes: tuple[int, ...]) -> int:
    """The record size of a buffer: total/count when it is a known size, else the best fit."""
    if count > 0 and total % count == 0 and total // count in sizes:
        return total // count
    fits = [s for s in sizes if total % s == 0]
    if not fits:
        raise ValueError(f"a buffer of {total} bytes fits no record size in {sizes}")
    if count <= 0:
        return fits[-1]
    return min(fits, key=lambda s: abs(total // s - count))
