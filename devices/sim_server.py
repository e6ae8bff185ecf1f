"""Serve simulated terminals over TCP and UDP on one asyncio loop in a background thread."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections import deque
from dataclasses import dataclass, field

from devices import zkproto as zk
from devices.sim_protocol import Reply, SimSession
from devices.simulator import Faults, SimTerminal, TerminalConfig, generate
from devices.zkproto import Packet, RawPunch


class _Conn:
    """One client's session: packets are answered in order, each reply frame its own send.

    Over TCP, consecutive frames are paced as a real terminal's slow network stack paces them: the
    next frame leaves only once the previous one has been handed to the network and a short gap
    (`TerminalConfig.frame_gap_seconds`) has passed, so a client reading one frame per `recv`
    never finds two frames in one read. UDP datagrams are separate by nature.
    """

    paced = False

    def __init__(self, terminal: SimTerminal, loop: asyncio.AbstractEventLoop, *, udp: bool) -> None:
        self.terminal = terminal
        self.loop = loop
        self.session = SimSession(terminal, udp=udp)
        self.inbox: asyncio.Queue[Packet | None] = asyncio.Queue()
        self.events: deque[RawPunch] = deque()
        self.awaiting_ack = False
        self.closed = False
        self.sending = False  # a paced reply is on its way: events wait for it
        self.last_frame_at = 0.0
        self.task = loop.create_task(self._run())

    def send(self, frame: bytes) -> None:
        raise NotImplementedError

    def send_partial(self, frame: bytes, nbytes: int) -> None:
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        if not self.closed:
            self.closed = True
            self.terminal.unsubscribe(self._on_punch)
            self.session.close()
            self.inbox.put_nowait(None)

    def _on_punch(self, record: RawPunch) -> None:
        self.loop.call_soon_threadsafe(self._queue_event, record)

    def _queue_event(self, record: RawPunch) -> None:
        if not self.closed and self.session.live:
            self.events.append(record)
            self._next_event()

    def _next_event(self) -> None:
        if self.awaiting_ack or not self.events or self.closed or self.sending:
            return
        wait = self._gap_left()
        if wait > 0:
            self.loop.call_later(wait, self._next_event)
            return
        record = self.events.popleft()
        try:
            when = zk.decode_time(record.time)
        except ValueError:
            return self._next_event()
        self.awaiting_ack = True
        self.send(self.session.event_frame(record, when))
        self.last_frame_at = self.loop.time()

    def _gap_left(self) -> float:
        if not self.paced:
            return 0.0
        return self.last_frame_at + self.terminal.config.frame_gap_seconds - self.loop.time()

    async def _pace(self) -> None:
        """Wait until the last frame has left our buffer and the gap has passed."""
        while self._buffered() and not self.closed:
            await asyncio.sleep(0.0005)
        wait = self._gap_left()
        if wait > 0:
            await asyncio.sleep(wait)

    def _buffered(self) -> int:
        return 0

    async def _run(self) -> None:
        while True:
            packet = await self.inbox.get()
            if packet is None or self.closed:
                return
            if self.terminal.faults.delay_seconds and packet.command != zk.CMD_ACK_OK:
                await asyncio.sleep(self.terminal.faults.delay_seconds)
            was_live = self.session.live
            try:
                reply = self.session.handle(packet)
            except (struct.error, ValueError, IndexError):
                reply = Reply([zk.make_packet(zk.CMD_ACK_ERROR, self.session.session_id, packet.reply_id)])
            await self._deliver(reply)
            if packet.command == zk.CMD_ACK_OK and self.awaiting_ack:
                self.awaiting_ack = False
            if self.session.live and not was_live:
                self.terminal.subscribe(self._on_punch)
            elif was_live and not self.session.live:
                self.terminal.unsubscribe(self._on_punch)
                self.events.clear()
                self.awaiting_ack = False
            self._next_event()

    async def _deliver(self, reply: Reply) -> None:
        if self.closed:
            return
        frames = reply.frames
        self.sending = True
        try:
            last = len(frames) - 1
            for index, frame in enumerate(frames):
                if self.paced:
                    await self._pace()
                if self.closed:
                    return
                if index == last and reply.cut_after is not None:
                    self.send_partial(frame, reply.cut_after)
                    self.drop()
                    return
                self.send(frame)
                self.last_frame_at = self.loop.time()
        finally:
            self.sending = False
        if reply.close:
            self.drop()


class _TcpConn(_Conn, asyncio.Protocol):
    paced = True

    def __init__(self, terminal: SimTerminal, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(terminal, loop, udp=False)
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.terminal.faults.refuse:
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.drop()

    def data_received(self, data: bytes) -> None:
        self.buffer.extend(data)
        try:
            packets = zk.split_tcp_frames(self.buffer)
        except ValueError:
            self.drop()
            return
        for raw in packets:
            try:
                self.inbox.put_nowait(Packet.parse(raw))
            except ValueError:
                continue

    def connection_lost(self, exc: Exception | None) -> None:
        self.finish()

    def send(self, frame: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(zk.tcp_wrap(frame))

    def send_partial(self, frame: bytes, nbytes: int) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(zk.tcp_wrap(frame)[: 8 + nbytes])

    def _buffered(self) -> int:
        return self.transport.get_write_buffer_size() if self.transport is not None else 0

    def drop(self) -> None:
        if self.transport is not None:
            self.transport.abort()
        self.finish()


class _UdpConn(_Conn):
    def __init__(self, endpoint: _UdpEndpoint, addr: tuple[str, int]) -> None:
        super().__init__(endpoint.terminal, endpoint.loop, udp=True)
        self.endpoint = endpoint
        self.addr = addr

    def send(self, frame: bytes) -> None:
        if self.endpoint.transport is not None:
            self.endpoint.transport.sendto(frame, self.addr)

    def send_partial(self, frame: bytes, nbytes: int) -> None:
        self.send(frame[: 8 + nbytes])

    def drop(self) -> None:
        self.endpoint.sessions.pop(self.addr, None)
        self.finish()


class _UdpEndpoint(asyncio.DatagramProtocol):
    def __init__(self, terminal: SimTerminal, loop: asyncio.AbstractEventLoop) -> None:
        self.terminal = terminal
        self.loop = loop
        self.sessions: dict[tuple[str, int], _UdpConn] = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.terminal.faults.refuse:
            return
        try:
            packet = Packet.parse(data)
        except ValueError:
            return
        conn = self.sessions.get(addr)
        if packet.command == zk.CMD_CONNECT:
            if conn is not None:
                conn.finish()
            conn = self.sessions[addr] = _UdpConn(self, addr)
        if conn is None:
            return
        conn.inbox.put_nowait(packet)
        if packet.command == zk.CMD_EXIT:
            self.loop.call_later(1.0, self.sessions.pop, addr, None)


@dataclass
class SimulatorHandle:
    """Running simulated terminals; `.port` is the first one's port."""

    terminals: list[SimTerminal]
    ports: list[int]
    host: str
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _closers: list[object] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def terminal(self) -> SimTerminal:
        return self.terminals[0]

    def stop(self) -> None:
        """Close every socket and end the loop thread."""
        if not self._loop.is_running():
            return

        async def _shutdown() -> None:
            for closer in self._closers:
                closer.close()  # type: ignore[attr-defined]
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(_shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_simulator(
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    count: int = 1,
    users: int = 20,
    punches: int = 0,
    user_format: int = 72,
    punch_format: int = 16,
    comm_key: int = 0,
    serial_prefix: str = "SIM",
    drift_seconds: float = 0.0,
    timezone: str = "Asia/Ho_Chi_Minh",
    names: list[tuple[str, str]] | None = None,
    terminals: list[SimTerminal] | None = None,
    seed: int = 1,
) -> SimulatorHandle:
    """Start `count` terminals (ports `port`, `port`+1, ...; 0 = free ports) in a background thread."""
    if terminals is None:
        terminals = []
        for i in range(count):
            cfg = TerminalConfig(serial=f"{serial_prefix}{i + 1:010d}", user_format=user_format,
                                 punch_format=punch_format, comm_key=comm_key, drift_seconds=drift_seconds,
                                 timezone=timezone)
            term = SimTerminal(cfg, Faults())
            generate(term, users=users, punches=punches, names=names, seed=seed + i)
            terminals.append(term)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    thread = threading.Thread(target=_run_loop, args=(loop, ready), name="zk-simulator", daemon=True)
    thread.start()
    ready.wait()
    closers: list[object] = []
    ports: list[int] = []
    try:
        for i, term in enumerate(terminals):
            wanted = port + i if port else 0
            bound, objs = asyncio.run_coroutine_threadsafe(_serve(term, loop, host, wanted), loop).result(10)
            ports.append(bound)
            closers.extend(objs)
    except BaseException:
        SimulatorHandle(terminals, ports, host, loop, thread, closers).stop()
        raise
    return SimulatorHandle(terminals, ports, host, loop, thread, closers)


def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    loop.run_forever()
    loop.close()


async def _serve(term: SimTerminal, loop: asyncio.AbstractEventLoop, host: str, port: int) -> tuple[int, list[object]]:
    for _attempt in range(20):
        server = await loop.create_server(lambda: _TcpConn(term, loop), host, port, reuse_address=True)
        bound = server.sockets[0].getsockname()[1]
        try:
            udp, _ = await loop.create_datagram_endpoint(lambda: _UdpEndpoint(term, loop), local_addr=(host, bound))
        except OSError:
            server.close()
            if port:
                raise
            continue
        return bound, [server, udp]
    raise OSError("no free port for both TCP and UDP")
