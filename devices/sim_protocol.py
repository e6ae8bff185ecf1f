"""The protocol logic of one simulated terminal session, free of sockets."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from devices import zkfinger
from devices import zkproto as zk
from devices.simulator import SimTerminal
from devices.zkproto import Packet, RawPunch

UDP_DATA_MAX = 1024


@dataclass(slots=True)
class Reply:
    """What a session answers: frames to send one by one, then maybe a cut."""

    frames: list[bytes] = field(default_factory=list)
    cut_after: int | None = None  # send only this many bytes of the last frame, then drop
    close: bool = False


class SimSession:
    """The protocol logic of one client session, free of sockets."""

    def __init__(self, terminal: SimTerminal, *, udp: bool) -> None:
        self.terminal = terminal
        self.udp = udp
        self.session_id = random.randint(1, 0xFFFE)
        self.connected = False
        self.authenticated = False
        self.buffer: bytes = b""
        self.buffer_is_punches = False
        self.live = False
        self.incoming: bytearray | None = None  # a buffer the client is sending (PREPARE_DATA/DATA)
        self.incoming_size = 0

    def handle(self, packet: Packet) -> Reply:
        """Answer one client packet (an empty Reply means: say nothing)."""
        cmd = packet.command
        if cmd == zk.CMD_ACK_OK:
            return Reply()
        if cmd == zk.CMD_CONNECT:
            self.connected = True
            self.authenticated = self.terminal.config.comm_key == 0
            self.terminal.session_started()
            code = zk.CMD_ACK_OK if self.authenticated else zk.CMD_ACK_UNAUTH
            return self._reply(packet, code)
        if cmd == zk.CMD_AUTH:
            if self.connected and zk.check_commkey(self.terminal.config.comm_key, self.session_id, packet.payload):
                self.authenticated = True
                return self._reply(packet, zk.CMD_ACK_OK)
            return self._reply(packet, zk.CMD_ACK_UNAUTH)
        if not self.authenticated:
            return self._reply(packet, zk.CMD_ACK_UNAUTH)
        handler = _HANDLERS.get(cmd)
        if handler is None:
            return self._reply(packet, zk.CMD_ACK_UNKNOWN)
        return handler(self, packet)

    def close(self) -> None:
        if self.connected:
            self.connected = False
            self.terminal.session_ended()

    def event_frame(self, record: RawPunch, when: datetime) -> bytes:
        """A live event for one punch, in the terminal's event size."""
        size = self.terminal.config.event_size
        stamp = zk.encode_timehex(when)
        if size == 12:
            payload = struct.pack("<IBB6s", int(record.user_id), record.status, record.punch, stamp)
        else:
            payload = struct.pack("<24sBB6s", record.user_id.encode()[:24], record.status, record.punch, stamp)
            payload += b"\x00" * ((size or 32) - 32)
        return zk.make_packet(zk.CMD_REG_EVENT, zk.EF_ATTLOG, 0, payload)

    # --- helpers ----------------------------------------------------------------------------
    def _reply(self, packet: Packet, code: int, payload: bytes = b"") -> Reply:
        return Reply([zk.make_packet(code, self.session_id, packet.reply_id, payload)])

    def _count_template_command(self) -> None:
        with self.terminal.lock:
            self.terminal.stats.template_commands += 1

    def _ok(self, packet: Packet, payload: bytes = b"") -> Reply:
        return self._reply(packet, zk.CMD_ACK_OK, payload)

    def _exit(self, packet: Packet) -> Reply:
        reply = self._ok(packet)
        self.close()
        reply.close = not self.udp
        return reply

    def _options(self, packet: Packet) -> Reply:
        key = packet.payload.split(b"\x00")[0].decode(errors="replace")
        cfg = self.terminal.config
        values = {"~SerialNumber": cfg.serial, "~Platform": cfg.platform, "~DeviceName": cfg.device_name,
                  "MAC": "00:17:61:10:50:01", "~ZKFPVersion": "10", "ZKFaceVersion": "0",
                  "~ExtendFmt": "1" if cfg.punch_format == 40 else "0",
                  "~UserExtFmt": "1" if cfg.user_format == 72 else "0", "FaceFunOn": "0",
                  "CompatOldFirmware": "0", "IPAddress": "127.0.0.1", "NetMask": "255.255.255.0",
                  "GATEIPAddress": "0.0.0.0"}
        if key not in values:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        return self._ok(packet, f"{key}={values[key]}".encode() + b"\x00")

    def _prepare_buffer(self, packet: Packet) -> Reply:
        if len(packet.payload) < 11:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        _flag, command, _fct, _ext = struct.unpack("<bhii", packet.payload[:11])
        if command == zk.CMD_USERTEMP_RRQ:
            self.buffer, self.buffer_is_punches = self.terminal.users_buffer(), False
        elif command == zk.CMD_ATTLOG_RRQ:
            self.buffer, self.buffer_is_punches = self.terminal.punches_buffer(), True
        elif command == zkfinger.CMD_DB_RRQ and _fct == zkfinger.FCT_FINGERTMP:
            self.buffer, self.buffer_is_punches = self.terminal.templates_buffer(), False
            self._count_template_command()
        else:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        with self.terminal.lock:
            self.terminal.stats.buffer_reads += 1
        if len(self.buffer) <= self.terminal.config.inline_limit:
            with self.terminal.lock:
                self.terminal.stats.bytes_served += len(self.buffer)
            return self._reply(packet, zk.CMD_DATA, self.buffer)
        return self._ok(packet, struct.pack("<BI", 0, len(self.buffer)) + b"\x00" * 4)

    def _read_buffer(self, packet: Packet) -> Reply:
        start, length = struct.unpack("<ii", packet.payload[:8])
        chunk = self.buffer[start : start + length]
        with self.terminal.lock:
            self.terminal.stats.bytes_served += len(chunk)
        frames = [zk.make_packet(zk.CMD_PREPARE_DATA, self.session_id, packet.reply_id,
                                 struct.pack("<II", len(chunk), 0))]
        if self.udp:
            frames += [zk.make_packet(zk.CMD_DATA, self.session_id, packet.reply_id, chunk[i : i + UDP_DATA_MAX])
                       for i in range(0, len(chunk), UDP_DATA_MAX)]
        else:
            frames.append(zk.make_packet(zk.CMD_DATA, self.session_id, packet.reply_id, chunk))
        frames.append(zk.make_packet(zk.CMD_ACK_OK, self.session_id, packet.reply_id))
        faults = self.terminal.faults
        if self.buffer_is_punches and faults.drop_reads > 0:
            faults.drop_reads -= 1
            if self.udp:
                return Reply(frames[: 1 + max(1, (len(frames) - 2) // 2)], cut_after=None, close=True)
            return Reply(frames[:2], cut_after=len(frames[1]) // 2, close=True)
        return Reply(frames)

    def _set_user(self, packet: Packet) -> Reply:
        record = packet.payload
        if len(record) not in (28, 72):
            return self._reply(packet, zk.CMD_ACK_ERROR)
        try:
            user = zk.unpack_user(record)
            if self.terminal.config.user_format == 28:
                int(user.user_id)
        except (ValueError, struct.error):
            return self._reply(packet, zk.CMD_ACK_ERROR)
        with self.terminal.lock:
            for uid, other in list(self.terminal.users.items()):
                if other.user_id == user.user_id and uid != user.uid:
                    del self.terminal.users[uid]
            self.terminal.users[user.uid] = user
        return self._ok(packet)

    def _delete_user(self, packet: Packet) -> Reply:
        (uid,) = struct.unpack("<h", packet.payload[:2])
        self.terminal.delete_user(uid)
        return self._ok(packet)

    # --- fingerprint templates ----------------------------------------------------------------
    def _prepare_data(self, packet: Packet) -> Reply:
        if len(packet.payload) < 4:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        self.incoming, self.incoming_size = bytearray(), struct.unpack("<I", packet.payload[:4])[0]
        return self._ok(packet)

    def _data(self, packet: Packet) -> Reply:
        if self.incoming is None or len(self.incoming) + len(packet.payload) > self.incoming_size:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        self.incoming += packet.payload
        return self._ok(packet)

    def _free_data(self, packet: Packet) -> Reply:
        self.incoming = None
        return self._ok(packet)

    def _save_templates(self, packet: Packet) -> Reply:
        term = self.terminal
        self._count_template_command()
        if self.incoming is None or len(self.incoming) != self.incoming_size:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        try:
            users, fingers = zkfinger.unpack_save(bytes(self.incoming), term.config.user_format)
        except (ValueError, struct.error):
            return self._reply(packet, zk.CMD_ACK_ERROR)
        finally:
            self.incoming = None
        with term.lock:
            for user in users:
                for uid, other in list(term.users.items()):
                    if other.user_id == user.user_id and uid != user.uid:
                        term.delete_user(uid)
                term.users[user.uid] = user
            for finger in fingers:
                term.templates[(finger.uid, finger.finger)] = finger
        return self._ok(packet)

    def _get_template(self, packet: Packet) -> Reply:
        self._count_template_command()
        uid, finger = struct.unpack("<hb", packet.payload[:3])
        with self.terminal.lock:
            record = self.terminal.templates.get((uid, finger))
        if record is None:
            return self._reply(packet, zk.CMD_ACK_ERROR)
        # Firmware ends the template with one extra byte, which pyzk drops.
        return self._reply(packet, zk.CMD_DATA, record.template + b"\x00")

    def _delete_template(self, packet: Packet) -> Reply:
        self._count_template_command()
        if packet.command == zkfinger.CMD_DELETE_USERTEMP_BY_ID:
            user_id, finger = struct.unpack("<24sB", packet.payload[:25])
            user = self.terminal.user_by_id(user_id.split(b"\x00")[0].decode(errors="replace"))
            uid = user.uid if user else -1
        else:
            uid, finger = struct.unpack("<hb", packet.payload[:3])
        with self.terminal.lock:
            found = self.terminal.templates.pop((uid, finger), None)
        return self._ok(packet) if found else self._reply(packet, zk.CMD_ACK_ERROR)

    def _set_time(self, packet: Packet) -> Reply:
        try:
            when = zk.decode_time(struct.unpack("<I", packet.payload[:4])[0])
        except (ValueError, struct.error):
            return self._reply(packet, zk.CMD_ACK_ERROR)
        self.terminal.set_clock(when)
        return self._ok(packet)

    def _reg_event(self, packet: Packet) -> Reply:
        flags = struct.unpack("<I", packet.payload[:4])[0] if len(packet.payload) >= 4 else 0
        self.live = bool(flags)
        return self._ok(packet)

    def _clear_log(self, packet: Packet) -> Reply:
        self.terminal.clear_log()
        return self._ok(packet)

    def _clear_all(self, packet: Packet) -> Reply:
        with self.terminal.lock:
            self.terminal.users.clear()
            self.terminal.templates.clear()
            self.terminal.punches.clear()
        return self._ok(packet)

    def _enable(self, packet: Packet) -> Reply:
        self.terminal.set_enabled(packet.command == zk.CMD_ENABLEDEVICE)
        return self._ok(packet)


_HANDLERS: dict[int, Callable[[SimSession, Packet], Reply]] = {
    zk.CMD_EXIT: SimSession._exit,
    zk.CMD_GET_VERSION: lambda s, p: s._ok(p, s.terminal.config.firmware.encode() + b"\x00"),
    zk.CMD_OPTIONS_RRQ: SimSession._options,
    zk.CMD_GET_FREE_SIZES: lambda s, p: s._ok(p, s.terminal.sizes()),
    zk.CMD_PREPARE_BUFFER: SimSession._prepare_buffer,
    zk.CMD_READ_BUFFER: SimSession._read_buffer,
    zk.CMD_FREE_DATA: SimSession._free_data,
    zk.CMD_PREPARE_DATA: SimSession._prepare_data,
    zk.CMD_DATA: SimSession._data,
    zkfinger.CMD_SAVE_USERTEMPS: SimSession._save_templates,
    zkfinger.CMD_GET_USERTEMP: SimSession._get_template,
    zkfinger.CMD_DELETE_USERTEMP: SimSession._delete_template,
    zkfinger.CMD_DELETE_USERTEMP_BY_ID: SimSession._delete_template,
    zk.CMD_GET_TIME: lambda s, p: s._ok(p, struct.pack("<I", zk.encode_time(s.terminal.now()))),
    zk.CMD_SET_TIME: SimSession._set_time,
    zk.CMD_USER_WRQ: SimSession._set_user,
    zk.CMD_DELETE_USER: SimSession._delete_user,
    zk.CMD_REFRESHDATA: lambda s, p: s._ok(p),
    zk.CMD_CLEAR_ATTLOG: SimSession._clear_log,
    zk.CMD_CLEAR_DATA: SimSession._clear_all,
    zk.CMD_ENABLEDEVICE: SimSession._enable,
    zk.CMD_DISABLEDEVICE: SimSession._enable,
    zk.CMD_REG_EVENT: SimSession._reg_event,
    zk.CMD_CANCELCAPTURE: lambda s, p: s._ok(p),
    zk.CMD_STARTVERIFY: lambda s, p: s._ok(p),
}
