"""The pull adapter: one session with a ZKTeco terminal through pyzk 0.9, with its bugs worked around."""

from __future__ import annotations

import hashlib
import socket
import struct
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from zk import ZK
from zk.exception import ZKErrorConnection, ZKErrorResponse, ZKNetworkError

from devices import zkfinger, zkproto
from devices.errors import BadDeviceInput, DeviceAuthFailed, DeviceProtocolError, DeviceUnreachable
from devices.terminal import TerminalFinger, TerminalParams, TerminalPunch, TerminalStatus, TerminalUser

T = TypeVar("T")


def open_pyzk(params: TerminalParams) -> PyzkTerminal:
    """Connect to a terminal (never pinging it: pyzk would shell out to `ping`)."""
    return PyzkTerminal(params)


class PyzkTerminal:
    """A connected terminal; every pyzk error becomes a DeviceError carrying its cause."""

    def __init__(self, params: TerminalParams) -> None:
        self.params = params
        self.where = f"{params.host}:{params.port}/{params.transport}"
        if params.transport not in ("tcp", "udp"):
            raise BadDeviceInput(f"giao thức phải là tcp hoặc udp, không phải {params.transport!r}")
        self._zk = ZK(params.host, params.port, timeout=params.timeout, password=params.comm_key,
                      force_udp=params.transport == "udp", ommit_ping=True)
        self.user_format = 0  # learnt from the user buffer; pyzk's own guess is unreliable
        spare = getattr(self._zk, "_ZK__sock", None)  # pyzk opens a UDP socket it never closes
        try:
            self._call(self._zk.connect)
        finally:
            if spare is not None and spare is not getattr(self._zk, "_ZK__sock", None):
                spare.close()
        self._sock = _GuardedSocket(self._zk._ZK__sock, tcp=params.transport == "tcp")  # type: ignore[attr-defined]
        self._zk._ZK__sock = self._sock  # type: ignore[attr-defined]

    def status(self) -> TerminalStatus:
        before = datetime.now(UTC)
        device_time = self._call(self._zk.get_time)
        after = datetime.now(UTC)
        serial = self._call(self._zk.get_serialnumber)
        firmware = self._call(self._zk.get_firmware_version)
        self._call(self._zk.read_sizes)
        z = self._zk
        return TerminalStatus(serial=serial, firmware=firmware, device_time=device_time,
                              measured_at=before + (after - before) / 2, user_count=z.users,
                              record_count=z.records, user_capacity=z.users_cap, record_capacity=z.rec_cap,
                              finger_count=z.fingers, card_count=z.cards)

    def read_users(self) -> list[TerminalUser]:
        # pyzk's get_users prints to stdout and guesses the format from a float division: parse here.
        self._call(self._zk.read_sizes)
        if self._zk.users == 0:
            return []
        data = self._read_buffer(zkproto.CMD_USERTEMP_RRQ, zkproto.FCT_USER)
        raws, size = self._guard(lambda: zkproto.unpack_users(data, self._zk.users))
        self.user_format = size
        self._zk.user_packet_size = size
        return [TerminalUser(u.uid, u.user_id, u.name, u.privilege, u.card, u.password) for u in raws]

    def read_punches(self) -> list[TerminalPunch]:
        # pyzk's get_attendance aborts the whole read on one impossible date and scans the user list
        # once per record; we decode each record ourselves and keep undecodable ones as raw.
        self._call(self._zk.read_sizes)
        count = self._zk.records
        if count == 0:
            return []
        data = self._read_buffer(zkproto.CMD_ATTLOG_RRQ, 0)
        size = self._guard(lambda: zkproto.infer_record_size(len(data), count, zkproto.PUNCH_FORMATS))
        uid_map = {u.uid: u.pin for u in self.read_users()} if size == 8 else {}
        raws, _ = self._guard(lambda: zkproto.unpack_punches(data, count, uid_map))
        return [TerminalPunch(r.user_id, _decode(r.time), r.time, r.status, r.punch) for r in raws]

    def log_fingerprint(self, records: int) -> str:
        """A hash of the log's newest `records` records, reading only them (one chunk, not the log).

        With the record count it tells a log that changed from one that did not: a full terminal
        that overwrites its oldest records, or a log cleared and refilled, keeps its count.
        """
        self._call(self._zk.read_sizes)
        count = self._zk.records
        if count == 0:
            return hashlib.sha256(b"").hexdigest()
        tail = self._call(lambda: self._read_tail(count, records))
        return hashlib.sha256(tail).hexdigest()

    def _read_tail(self, count: int, records: int) -> bytes:
        # pyzk has no ranged read: prepare the buffer as read_with_buffer does, then read the last
        # chunk only. Small logs come inline with the prepare reply; then the whole log is the tail.
        zk: Any = self._zk
        command = struct.pack("<bhii", 1, zkproto.CMD_ATTLOG_RRQ, 0, 0)
        response = zk._ZK__send_command(zkproto.CMD_PREPARE_BUFFER, command, 1024)
        if not response.get("status"):
            raise DeviceProtocolError(f"{self.where}: máy không hỗ trợ đọc theo đoạn")
        if response["code"] == zkproto.CMD_DATA:
            data = self._read_buffer(zkproto.CMD_ATTLOG_RRQ, 0)
            size = zkproto.infer_record_size(len(data), count, zkproto.PUNCH_FORMATS)
            return data[-min(records, count) * size:]
        total = struct.unpack("<I", zk._ZK__data[1:5])[0]
        body = total - 4
        size = zkproto.infer_record_size(body, count, zkproto.PUNCH_FORMATS)
        length = min(records, count) * size
        try:
            return bytes(zk._ZK__read_chunk(total - length, length))
        finally:
            zk.free_data()

    def set_user(self, user: TerminalUser) -> None:
        if not self.user_format:
            self.read_users()
            self.user_format = self.user_format or (28 if self.params.transport == "udp" else 72)
            self._zk.user_packet_size = self.user_format
        name = ascii_name(user.name)
        if self.user_format == 28:
            if not user.pin.isdigit():
                raise BadDeviceInput(f"máy chấm công chỉ nhận mã số (PIN) dạng số, không nhận {user.pin!r}")
            name = name[:8]
        # group_id must be a str: pyzk 0.9 calls .encode() on it for 72-byte users.
        self._call(lambda: self._zk.set_user(uid=user.uid, name=name[:24], privilege=user.privilege,
                                             password=user.password[:5 if self.user_format == 28 else 8],
                                             group_id="", user_id=user.pin, card=int(user.card or 0)))

    def delete_user(self, uid: int) -> None:
        self._call(lambda: self._zk.delete_user(uid=uid))

    def read_templates(self) -> list[TerminalFinger]:
        """Every fingerprint template on the terminal, in one buffered read (pyzk's get_templates)."""
        # Read and parsed here like users: pyzk's get_templates loops forever on a short record.
        self._call(self._zk.read_sizes)
        if self._zk.fingers == 0:
            return []
        data = self._read_buffer(zkfinger.CMD_DB_RRQ, zkfinger.FCT_FINGERTMP)
        raws = self._guard(lambda: zkfinger.unpack_templates(data))
        return [TerminalFinger(r.uid, r.finger, r.template, r.valid) for r in raws]

    def write_templates(self, batch: list[tuple[TerminalUser, list[TerminalFinger]]]) -> None:
        """Write users with their fingers, many users per buffer (one PREPARE_DATA, one save command).

        pyzk 0.9's save_user_template sends one user per buffer and, given a user id, reads the
        whole user list first; the terminal's save command takes many users in one buffer (pyzk
        master's HR_save_usertemplates), which spares a round trip per person.
        """
        if not batch:
            return
        if not self.user_format:
            self.read_users()
            self.user_format = self.user_format or 72
        raws = [(zkproto.RawUser(u.uid, u.pin, ascii_name(u.name)[:8 if self.user_format == 28 else 24], u.privilege,
                                 u.password, int(u.card or 0)),
                 [zkfinger.RawFinger(u.uid, f.finger, f.template, f.valid) for f in fingers]) for u, fingers in batch]
        buffer = self._guard(lambda: zkfinger.pack_save(raws, self.user_format))
        zk: Any = self._zk
        self._call(lambda: zk._send_with_buffer(buffer))
        reply = self._call(lambda: zk._ZK__send_command(zkfinger.CMD_SAVE_USERTEMPS, zkfinger.SAVE_ARGS))
        if not reply.get("status"):
            raise DeviceProtocolError(f"{self.where}: máy không lưu được mẫu vân tay")
        self._call(self._zk.refresh_data)

    def delete_template(self, uid: int, finger: int) -> None:
        # By uid: pyzk 0.9's delete by user_id over TCP packs a str and raises struct.error.
        self._call(lambda: self._zk.delete_user_template(uid=uid, temp_id=finger))

    def set_time(self, device_time: datetime) -> None:
        self._call(lambda: self._zk.set_time(device_time))

    def clear_log(self) -> None:
        # clear_attendance (CMD_CLEAR_ATTLOG) only; pyzk's clear_data() raises TypeError and would
        # wipe users and fingerprints too.
        self._call(self._zk.clear_attendance)

    def disable(self) -> None:
        self._call(self._zk.disable_device)

    def enable(self) -> None:
        self._call(self._zk.enable_device)

    def listen(self, *, until: datetime, on_punch: Callable[[TerminalPunch], None]) -> None:
        """Receive live punches until `until` (aware), handing each to `on_punch`."""
        events = self._call(lambda: self._zk.live_capture(new_timeout=1))
        finished = object()
        self._sock.live = True
        try:
            while True:
                event: Any = self._call(lambda: next(events, finished))
                if event is finished:
                    return
                self._deliver(event, until, on_punch)
        finally:
            self._sock.live = False

    def _deliver(self, event: Any, until: datetime, on_punch: Callable[[TerminalPunch], None]) -> None:
        if datetime.now(UTC) >= until:
            self._zk.end_live_capture = True
        if event is not None:
            raw = zkproto.encode_time(event.timestamp)
            on_punch(TerminalPunch(str(event.user_id), event.timestamp, raw, event.status, event.punch))

    def close(self) -> None:
        sock = getattr(self._zk, "_ZK__sock", None)
        try:
            if self._zk.is_connect:
                self._zk.disconnect()
        except Exception:  # noqa: BLE001 - closing must never raise; the socket is closed below
            pass
        finally:
            if sock is not None:
                sock.close()
            current = getattr(self._zk, "_ZK__sock", None)
            if current is not None:
                current.close()

    def __enter__(self) -> PyzkTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- helpers ----------------------------------------------------------------------------
    def _read_buffer(self, command: int, fct: int) -> bytes:
        data, size = self._call(lambda: self._zk.read_with_buffer(command, fct))
        if size < 4:
            return b""
        total = struct.unpack("<I", data[:4])[0]
        body = data[4 : 4 + total]
        if len(body) != total:
            raise DeviceProtocolError(f"{self.where}: dữ liệu nhận thiếu ({len(body)}/{total} byte)")
        return body

    def _call(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except ZKErrorResponse as err:
            if "Unauthenticated" in str(err):
                raise DeviceAuthFailed(f"{self.where}: máy từ chối mã kết nối (comm key sai)") from err
            raise DeviceProtocolError(f"{self.where}: máy trả lời lỗi: {err}") from err
        except (TimeoutError, ZKNetworkError, ZKErrorConnection, OSError) as err:
            self._drop()
            raise DeviceUnreachable(f"{self.where}: không kết nối được ({err or type(err).__name__})") from err
        except (struct.error, ValueError, TypeError, IndexError, AttributeError) as err:
            self._drop()
            raise DeviceProtocolError(f"{self.where}: dữ liệu không hợp lệ: {err}") from err

    def _guard(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except (ValueError, struct.error) as err:
            raise DeviceProtocolError(f"{self.where}: dữ liệu không hợp lệ: {err}") from err

    def _drop(self) -> None:
        self._zk.is_connect = False
        sock: Any = getattr(self._zk, "_ZK__sock", None)
        if sock is not None:
            sock.close()


class _GuardedSocket:
    """pyzk's socket, guarded against two endless loops of pyzk 0.9.

    recv() == b"" at the end of a TCP stream (a terminal closing mid-transfer) raises instead of
    being retried forever; a live event of a size pyzk does not know (it handles 12, 32, 36 and
    >= 52 bytes) is padded to 52 bytes when it carries the 24-byte user id layout, and refused
    otherwise, instead of spinning in live_capture.
    """

    def __init__(self, sock: socket.socket, *, tcp: bool) -> None:
        self._sock = sock
        self._tcp = tcp
        self.live = False

    def recv(self, size: int) -> bytes:
        data = self._sock.recv(size)
        if self._tcp and not data and size > 0:
            raise ConnectionResetError("connection closed by the terminal")
        if self.live:
            data = self._fit_event(data)
        return data

    def _fit_event(self, data: bytes) -> bytes:
        head = 16 if self._tcp else 8
        if len(data) < head + 2 or struct.unpack("<H", data[head - 8 : head - 6])[0] != zkproto.CMD_REG_EVENT:
            return data
        size = len(data) - head
        if size in (12, 32, 36) or size >= 52 or size < 12:
            return data
        if size > 32:
            return data + b"\x00" * (52 - size)
        raise ConnectionAbortedError(f"live event of {size} bytes: layout unknown")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def ascii_name(name: str) -> str:
    """Vietnamese names without diacritics: most terminal screens cannot draw them."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def _decode(raw: int) -> datetime | None:
    try:
        return zkproto.decode_time(raw)
    except ValueError:
        return None
