"""A client that handles one protocol frame per socket read (as several popular ZK libraries in other
languages do) reads the simulator over TCP: no read ever holds the start of a second frame."""

from __future__ import annotations

import socket
import struct
import time

from devices import zkproto as zk


class OneFramePerRead:
    """A deliberately naive ZK TCP client: every frame must come in reads of its own."""

    def __init__(self, host: str, port: int, *, think: float) -> None:
        self.think = think
        self.sock = socket.create_connection((host, port), timeout=5)
        self.session_id = 0
        self.reply_id = 0
        self.reads = 0
        reply = self.command(zk.CMD_CONNECT)
        assert reply.command == zk.CMD_ACK_OK
        self.session_id = reply.session_id

    def command(self, command: int, payload: bytes = b"") -> zk.Packet:
        self.reply_id = (self.reply_id + 1) % 0xFFFF
        self.sock.sendall(zk.tcp_wrap(zk.make_packet(command, self.session_id, self.reply_id, payload)))
        return self.frame()

    def frame(self) -> zk.Packet:
        """Read exactly one frame; a read that also holds bytes of the next one is the stall we test for."""
        data = b""
        while len(data) < 8 or len(data) < 8 + struct.unpack("<I", data[4:8])[0]:
            time.sleep(self.think)  # a client busy elsewhere between reads: frames sent meanwhile pile up
            chunk = self.sock.recv(1 << 20)
            assert chunk, "connection closed"
            self.reads += 1
            data += chunk
        length = struct.unpack("<I", data[4:8])[0]
        assert len(data) == 8 + length, f"one read held {len(data) - 8 - length} bytes of the next frame"
        return zk.Packet.parse(data[8:])

    def read_buffer(self, command: int, fct: int) -> bytes:
        reply = self.command(zk.CMD_PREPARE_BUFFER, struct.pack("<bhii", 1, command, fct, 0))
        if reply.command == zk.CMD_DATA:
            data = reply.payload
        else:
            size = struct.unpack("<I", reply.payload[1:5])[0]
            data = b""
            while len(data) < size:
                length = min(0xFFC0, size - len(data))
                prepare = self.command(zk.CMD_READ_BUFFER, struct.pack("<ii", len(data), length))
                assert prepare.command == zk.CMD_PREPARE_DATA
                expected = struct.unpack("<I", prepare.payload[:4])[0]
                chunk = b""
                while len(chunk) < expected:
                    part = self.frame()
                    assert part.command == zk.CMD_DATA
                    chunk += part.payload
                assert self.frame().command == zk.CMD_ACK_OK
                data += chunk
            assert self.command(zk.CMD_FREE_DATA).command == zk.CMD_ACK_OK
        total = struct.unpack("<I", data[:4])[0]
        return data[4 : 4 + total]

    def close(self) -> None:
        self.command(zk.CMD_EXIT)
        self.sock.close()


def test_a_one_frame_per_read_client_reads_25_users_and_3000_punches(simulator) -> None:
    handle = simulator(users=25, punches=3000)
    # Gap and think time are scaled up from the defaults (2 ms, ~0) so a loaded test machine cannot
    # blur them; without the pacing every multi-frame reply arrives in one read and this test fails.
    handle.terminal.config.frame_gap_seconds = 0.15
    client = OneFramePerRead(handle.host, handle.ports[0], think=0.02)
    try:
        users, _ = zk.unpack_users(client.read_buffer(zk.CMD_USERTEMP_RRQ, zk.FCT_USER), 25)
        punches, _ = zk.unpack_punches(client.read_buffer(zk.CMD_ATTLOG_RRQ, 0), 3000, {})
    finally:
        client.close()
    assert len(users) == 25 and len(punches) == 3000
    assert {u.user_id for u in users} == {u.user_id for u in handle.terminal.users.values()}
    assert [(p.user_id, p.time) for p in punches] == [(p.user_id, p.time) for p in handle.terminal.punches]
