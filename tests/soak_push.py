"""Simulated ADMS push terminals for the soak: each keeps its own log and re-sends what was not acknowledged.

Like real firmware they speak plain HTTP/1.0 (one connection per request), upload new punches at
once (real-time mode) in chunks, poll `getrequest` on their own interval, and after a failed
request wait their retry delay and try again; behind a proxy the next attempt may reach another
API process, so a failure moves a terminal to the next address in its list.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

CHUNK = 100  # lines per upload, as firmware sends its backlog
REQUEST_TIMEOUT = 10.0


@dataclass(slots=True)
class Exchange:
    """One request as the terminal saw it."""

    kind: str  # "upload" or "getrequest"
    api: int
    started: float  # time.monotonic()
    seconds: float
    ok: bool


@dataclass
class PushTerminal:
    serial: str
    apis: list[int]  # ports, in the order this terminal tries them
    getrequest_interval: float
    retry_delay: float
    current: int = 0
    log: list[tuple[str, datetime]] = field(default_factory=list)
    acked: int = 0
    exchanges: list[Exchange] = field(default_factory=list)
    in_flight: int | None = None  # the API port an upload is on right now
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _clock: datetime = datetime(2026, 12, 7, 7, 0, 0)

    def punch(self, pin: str) -> None:
        """Someone punches on this terminal (device-local times, one second apart: each punch distinct)."""
        self._clock += timedelta(seconds=1)
        self.log.append((pin, self._clock))
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Upload and poll until `stop` is set and the whole log is acknowledged (or `stop` and a long failure)."""
        next_poll = time.monotonic()
        while True:
            if self.acked < len(self.log):
                ok = await self._upload()
                if not ok:
                    self.current = (self.current + 1) % len(self.apis)
                    await asyncio.sleep(self.retry_delay)
                continue
            if stop.is_set():
                return
            now = time.monotonic()
            if now >= next_poll:
                if not await self._getrequest():
                    self.current = (self.current + 1) % len(self.apis)
                next_poll = now + self.getrequest_interval
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, next_poll - time.monotonic()))

    async def _upload(self) -> bool:
        lines = self.log[self.acked:self.acked + CHUNK]
        body = "".join(f"{pin}\t{when:%Y-%m-%d %H:%M:%S}\t0\t1\t0\t0\n" for pin, when in lines).encode()
        port = self.apis[self.current]
        self.in_flight = port
        status, reply, seconds, started = await _request(
            port, "POST", f"/iclock/cdata?SN={self.serial}&table=ATTLOG&Stamp={self.acked}", body)
        self.in_flight = None
        ok = status == 200 and reply.startswith(f"OK: {len(lines)}")
        self.exchanges.append(Exchange("upload", port, started, seconds, ok))
        if ok:
            self.acked += len(lines)
        return ok

    async def _getrequest(self) -> bool:
        port = self.apis[self.current]
        status, _, seconds, started = await _request(port, "GET", f"/iclock/getrequest?SN={self.serial}", b"")
        ok = status == 200
        self.exchanges.append(Exchange("getrequest", port, started, seconds, ok))
        return ok


async def _request(port: int, method: str, target: str, body: bytes) -> tuple[int, str, float, float]:
    """(status, body text, seconds, started); status 0 when the connection failed or timed out."""
    started = time.monotonic()
    try:
        return (*await asyncio.wait_for(_exchange(port, method, target, body), REQUEST_TIMEOUT),
                time.monotonic() - started, started)
    except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
        return 0, "", time.monotonic() - started, started


async def _exchange(port: int, method: str, target: str, body: bytes) -> tuple[int, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (f"{method} {target} HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: iClock Proxy/1.09\r\n"
                f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n")
        writer.write(head.encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    parts = status_line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError("no HTTP status")
    return int(parts[1]), rest.partition(b"\r\n\r\n")[2].decode(errors="replace")
