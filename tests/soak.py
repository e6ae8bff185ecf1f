"""The province soak: API processes, pollers and the worker on PostgreSQL, terminals pushing and polled, faults.

`run_soak(SoakPlan(...))` starts a private PostgreSQL server (`tests.soak_cluster`), migrates it,
registers the terminals, starts `attendance serve` (N processes on their own ports), `attendance
devices poll --loop` (M processes) and `attendance worker`, then drives simulated push terminals
(`tests.soak_push`) and pull terminals (the `devices` simulator) at a compressed day's rates: a
lighter start, the 07:00 peak, a lighter end. During the peak it injects the faults and measures
how long each takes to recover. At the end it compares every punch the terminals made with the
ledger. Used by `bench/province_soak.py` (full size) and `tests/province/test_soak.py` (short).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlmodel import Session

from tests.soak_cluster import PrivatePostgres, _free_port
from tests.soak_push import PushTerminal, _request

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ("api", "poller", "postgres", "pull")


@dataclass(slots=True)
class SoakPlan:
    push_terminals: int = 30
    pull_terminals: int = 5
    seconds: float = 90.0
    peak_punches_per_second: float = 30.0  # all terminals together, at 07:00
    getrequests_per_second: float = 100.0  # all push terminals together
    api_processes: int = 3
    pollers: int = 2
    faults: tuple[str, ...] = FAULTS
    retry_delay: float = 1.0  # a terminal's wait after a failed request (firmware: seconds to a minute)
    restart_delay: float = 1.0  # systemd's RestartSec for a killed process
    pull_share: float = 0.1  # of the punches, made on pull terminals
    drain_seconds: float = 120.0
    seed: int = 16


@dataclass
class Recovery:
    fault: str
    at: float  # seconds into the run
    service_seconds: float | None  # until the service answered again (readiness / ledger caught up)
    terminal_seconds: float | None = None  # until the last terminal failure it caused was followed by a success
    note: str = ""


@dataclass
class SoakReport:
    made: int = 0
    made_push: int = 0
    made_pull: int = 0
    stored: int = 0
    duplicates: int = 0
    lost: int = 0
    unexpected: int = 0  # rows in the ledger that no terminal made
    uploads: int = 0
    failed_uploads: int = 0
    latency_all: tuple[float, float, float] = (0.0, 0.0, 0.0)  # p50, p95, p99 seconds
    latency_peak: tuple[float, float, float] = (0.0, 0.0, 0.0)  # at the peak, outside the faults' windows
    getrequest_rate: float = 0.0  # answered getrequests/s during the peak
    getrequest_target: float = 0.0
    recoveries: list[Recovery] = field(default_factory=list)
    worker_alive: bool = False
    logs: str = ""

    def rows(self) -> list[list[object]]:
        def ms(values: tuple[float, float, float]) -> str:
            return " / ".join(f"{v * 1000:.0f}" for v in values)

        rows: list[list[object]] = [
            ["punches made (push + pull)", f"{self.made:,} ({self.made_push:,} + {self.made_pull:,})"],
            ["stored in the ledger", f"{self.stored:,}"],
            ["duplicates", self.duplicates], ["lost", self.lost], ["stored but never made", self.unexpected],
            ["uploads (failed)", f"{self.uploads:,} ({self.failed_uploads:,})"],
            ["upload latency p50/p95/p99 ms, whole run", ms(self.latency_all)],
            ["upload latency p50/p95/p99 ms, peak outside faults", ms(self.latency_peak)],
            ["getrequest/s held at the peak (offered)", f"{self.getrequest_rate:.1f} ({self.getrequest_target:.0f})"],
            ["worker alive at the end", "yes" if self.worker_alive else "NO"],
        ]
        for r in self.recoveries:
            service = "-" if r.service_seconds is None else f"{r.service_seconds:.1f} s"
            terminal = "-" if r.terminal_seconds is None else f"{r.terminal_seconds:.1f} s"
            rows.append([f"recovery: {r.fault} at {r.at:.0f} s", f"service {service}, terminals {terminal}"
                         + (f" ({r.note})" if r.note else "")])
        return rows


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (0.0, 0.0, 0.0)
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return (at(0.50), at(0.95), at(0.99))


def run_soak(plan: SoakPlan) -> SoakReport:
    """Run the whole soak; the report says what was made, what was stored and how the faults went."""
    from attendance.migrate import upgrade

    pg = PrivatePostgres(max_connections=100)  # PostgreSQL's default: the pools must fit in it
    logs = Path(tempfile.mkdtemp(prefix="attendance-soak-"))
    pg.start()
    try:
        upgrade(pg.url)
        return _Soak(plan, pg, logs).run()
    finally:
        pg.stop()


class _Soak:
    def __init__(self, plan: SoakPlan, pg: PrivatePostgres, logs: Path) -> None:
        self.plan, self.pg, self.logs = plan, pg, logs
        self.engine = create_engine(pg.url, pool_pre_ping=True)
        self.env = dict(os.environ, DATABASE_URL=pg.url, ATTENDANCE_ENVIRONMENT="test",
                        ATTENDANCE_DATA_DIR=str(logs / "data"),
                        ATTENDANCE_SECRET_KEY="soak-secret-key-not-for-production-0123456789")
        self.rng = random.Random(plan.seed)
        self.api_ports = [_free_port() for _ in range(plan.api_processes)]
        self.apis: dict[int, subprocess.Popen[bytes]] = {}
        self.pollers: list[subprocess.Popen[bytes]] = []
        self.worker: subprocess.Popen[bytes] | None = None
        self.report = SoakReport(logs=str(logs))
        self.fault_windows: list[tuple[float, float]] = []
        self.t0 = 0.0
        self.pull_clocks: dict[str, datetime] = {}

    # --- the run -----------------------------------------------------------------------------------
    def run(self) -> SoakReport:
        from devices.sim_server import start_simulator

        self.sim = start_simulator(count=self.plan.pull_terminals, users=50, punches=0, serial_prefix="SOAKPULL",
                                   seed=self.plan.seed)
        try:
            self._register()
            for port in self.api_ports:
                self._start_api(port)
            self.pollers = [self._start_poller(i) for i in range(self.plan.pollers)]
            self.worker = self._spawn("worker", "worker")
            _run_in_own_thread(self._wait_ready(60.0))
            _run_in_own_thread(self._drive())
            self.report.worker_alive = self.worker.poll() is None
            self._count()
        finally:
            self._stop_all()
            self.sim.stop()
            self.engine.dispose()
        return self.report

    def _register(self) -> None:
        from attendance.models import DeviceKind
        from devices.service import add_device

        with Session(self.engine) as session:
            for i in range(self.plan.push_terminals):
                add_device(session=session, serial=f"SOAKPUSH{i:05d}", actor="soak", kind=DeviceKind.ZK_PUSH,
                           push_allowed_from="127.0.0.1")
            for i, term in enumerate(self.sim.terminals):
                add_device(session=session, serial=term.config.serial, host=self.sim.host, port=self.sim.ports[i],
                           actor="soak", poll_interval_seconds=5)
            session.commit()

    async def _drive(self) -> None:
        plan = self.plan
        interval = plan.push_terminals / plan.getrequests_per_second
        self.push = [PushTerminal(serial=f"SOAKPUSH{i:05d}",
                                  apis=[self.api_ports[(i + k) % len(self.api_ports)] for k in range(len(self.api_ports))],
                                  getrequest_interval=interval, retry_delay=plan.retry_delay)
                     for i in range(plan.push_terminals)]
        stop = asyncio.Event()
        self.t0 = time.monotonic()
        terminals = [asyncio.create_task(t.run(stop)) for t in self.push]
        faults = asyncio.create_task(self._faults())
        await self._make_punches()
        await faults
        stop.set()
        done, pending = await asyncio.wait(terminals, timeout=plan.drain_seconds)
        for task in pending:
            task.cancel()
        await self._wait_pull_drained(plan.drain_seconds)

    def _rate(self, elapsed: float) -> float:
        share = elapsed / self.plan.seconds
        return self.plan.peak_punches_per_second * (1.0 if 0.2 <= share < 0.8 else 0.3)

    async def _make_punches(self) -> None:
        owed = 0.0
        last = time.monotonic()
        while (now := time.monotonic()) - self.t0 < self.plan.seconds:
            owed += self._rate(now - self.t0) * (now - last)
            last = now
            while owed >= 1.0:
                owed -= 1.0
                pin = str(self.rng.randint(1, 50))
                if self.rng.random() < self.plan.pull_share and self.sim.terminals:
                    self._pull_punch(self.rng.choice(self.sim.terminals), pin)
                else:
                    self.rng.choice(self.push).punch(pin)
            await asyncio.sleep(0.02)

    def _pull_punch(self, term, pin: str) -> None:  # type: ignore[no-untyped-def]
        """A punch on a pull terminal, one device second after its previous one (each punch distinct)."""
        serial = term.config.serial
        latest = self.pull_clocks.get(serial) or term.now().replace(microsecond=0)
        self.pull_clocks[serial] = latest + timedelta(seconds=1)
        term.add_punch(pin, self.pull_clocks[serial])

    # --- faults --------------------------------------------------------------------------------------
    async def _faults(self) -> None:
        at = {"api": 0.30, "poller": 0.40, "postgres": 0.55, "pull": 0.65}
        for fault in sorted(self.plan.faults, key=at.__getitem__):
            await asyncio.sleep(max(0.0, self.t0 + at[fault] * self.plan.seconds - time.monotonic()))
            recovery = await getattr(self, f"_fault_{fault}")()
            self.report.recoveries.append(recovery)

    async def _fault_api(self) -> Recovery:
        port = self.api_ports[0]
        deadline = time.monotonic() + 10
        while not any(t.in_flight == port for t in self.push) and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        mid_upload = any(t.in_flight == port for t in self.push)
        started = time.monotonic()
        self.apis[port].send_signal(signal.SIGKILL)
        self.apis[port].wait(10)
        await asyncio.sleep(self.plan.restart_delay)
        self._start_api(port)
        back = await self._ready(port, 60.0)
        return self._recovery("api", started, back, "killed mid-upload" if mid_upload else "no upload in flight")

    async def _fault_poller(self) -> Recovery:
        made_before = self._pull_made()
        started = time.monotonic()
        self.pollers[0].send_signal(signal.SIGKILL)
        self.pollers[0].wait(10)
        await asyncio.sleep(self.plan.restart_delay)
        self.pollers[0] = self._start_poller(0)
        back = await self._until(lambda: self._pull_stored() >= made_before, 60.0)
        return Recovery("poller SIGKILL", started - self.t0, back - started if back else None,
                        note="until the pull punches made before it were stored")

    async def _fault_postgres(self) -> Recovery:
        started = time.monotonic()
        await asyncio.to_thread(self.pg.restart)
        ready = [await self._ready(port, 60.0) for port in self.api_ports]
        back = None if None in ready else max(r for r in ready if r is not None)
        return self._recovery("postgres restart", started, back, "every API process ready again")

    async def _fault_pull(self) -> Recovery:
        term = self.sim.terminals[0]
        for i in range(3000):  # a backlog large enough to come in chunks
            self._pull_punch(term, str(1 + i % 50))
        term.faults.drop_reads = 1
        started = time.monotonic()
        serial = term.config.serial
        back = await self._until(lambda: self._pull_stored(serial) >= len(term.punches), 90.0)
        cut = term.faults.drop_reads == 0
        return Recovery("pull cut mid-transfer", started - self.t0, back - started if back else None,
                        note="the cut happened" if cut else "THE CUT NEVER HAPPENED")

    def _recovery(self, fault: str, started: float, back: float | None, note: str) -> Recovery:
        self.fault_windows.append((started, (back or started) + 5.0))
        return Recovery(fault, started - self.t0, back - started if back else None, note=note)

    def _terminal_recovery(self, started: float, until: float) -> float | None:
        """Until the last upload failure between the fault and `until` (the next fault) was followed by a success."""
        worst: float | None = 0.0
        for term in self.push:
            uploads = [e for e in term.exchanges if e.kind == "upload"]
            failures = [e for e in uploads if not e.ok and started <= e.started < until]
            if not failures:
                continue
            last = failures[-1].started
            success = next((e for e in uploads if e.ok and e.started > last), None)
            if success is None:
                return None
            worst = max(worst or 0.0, success.started + success.seconds - started)
        return worst

    # --- processes -----------------------------------------------------------------------------------
    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it
        return subprocess.Popen([sys.executable, "-m", "api.cli.main", *args], cwd=ROOT, env=self.env,
                                stdout=out, stderr=subprocess.STDOUT)

    def _start_api(self, port: int) -> None:
        self.apis[port] = self._spawn(f"api-{port}", "serve", "--port", str(port))

    def _start_poller(self, index: int) -> subprocess.Popen[bytes]:
        return self._spawn(f"poller-{index}", "devices", "poll", "--loop", "--workers", "4", "--lease-seconds", "5")

    def _stop_all(self) -> None:
        procs = [*self.apis.values(), *self.pollers, *([self.worker] if self.worker else [])]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    async def _wait_ready(self, timeout: float) -> None:
        for port in self.api_ports:
            if await self._ready(port, timeout) is None:
                raise RuntimeError(f"API process on {port} never became ready; logs in {self.logs}")

    async def _ready(self, port: int, timeout: float) -> float | None:
        """The monotonic time /health/ready first answered 200, polling every 100 ms."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _, _, _ = await _request(port, "GET", "/health/ready", b"")
            if status == 200:
                return time.monotonic()
            await asyncio.sleep(0.1)
        return None

    async def _until(self, check, timeout: float) -> float | None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await asyncio.to_thread(check):
                return time.monotonic()
            await asyncio.sleep(0.25)
        return None

    async def _wait_pull_drained(self, timeout: float) -> None:
        await self._until(lambda: self._pull_stored() >= self._pull_made(), timeout)

    # --- counting ------------------------------------------------------------------------------------
    def _pull_made(self) -> int:
        return sum(len(t.punches) for t in self.sim.terminals)

    def _pull_stored(self, serial: str | None = None) -> int:
        from attendance.models import Punch

        query = select(func.count()).select_from(Punch).where(Punch.device_serial.like("SOAKPULL%"))  # type: ignore[attr-defined]
        if serial:
            query = query.where(Punch.device_serial == serial)
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(query).scalar_one())
        except Exception:  # noqa: BLE001 - PostgreSQL may be restarting: not caught up yet
            return -1

    def _count(self) -> None:
        from devices import zkproto

        made: set[tuple[str, str, object]] = set()
        for term in self.push:
            made.update((term.serial, pin, when) for pin, when in term.log)
        self.report.made_push = sum(len(t.log) for t in self.push)
        for term in self.sim.terminals:
            made.update((term.config.serial, p.user_id, zkproto.decode_time(p.time)) for p in term.punches)
        self.report.made_pull = self._pull_made()
        self.report.made = self.report.made_push + self.report.made_pull
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT device_serial, pin, device_time FROM punches")).all()
        stored = [(serial, pin, when) for serial, pin, when in rows]
        self.report.stored = len(stored)
        self.report.duplicates = len(stored) - len(set(stored))
        self.report.lost = len(made - set(stored))
        self.report.unexpected = len(set(stored) - made)
        uploads = [e for t in self.push for e in t.exchanges if e.kind == "upload"]
        self.report.uploads = len(uploads)
        self.report.failed_uploads = sum(not e.ok for e in uploads)
        self.report.latency_all = percentiles([e.seconds for e in uploads if e.ok])
        peak = (self.t0 + 0.2 * self.plan.seconds, self.t0 + 0.8 * self.plan.seconds)
        self.report.latency_peak = percentiles([
            e.seconds for e in uploads if e.ok and peak[0] <= e.started < peak[1]
            and not any(a <= e.started < b for a, b in self.fault_windows)])
        polls = [e for t in self.push for e in t.exchanges
                 if e.kind == "getrequest" and e.ok and peak[0] <= e.started < peak[1]]
        self.report.getrequest_rate = len(polls) / (peak[1] - peak[0])
        self.report.getrequest_target = self.plan.getrequests_per_second
        starts = [self.t0 + r.at for r in self.report.recoveries] + [float("inf")]
        for index, recovery in enumerate(self.report.recoveries):
            if recovery.fault in ("api", "postgres restart"):
                until = min(starts[index + 1], starts[index] + 60.0)
                recovery.terminal_seconds = self._terminal_recovery(starts[index], until)
            if recovery.fault == "api":
                recovery.fault = "API process SIGKILL"


def _run_in_own_thread(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own: the test session's Playwright (sync API) keeps an event loop
    running in the main thread once a browser test has run, and asyncio.run refuses to start under it."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="soak-loop")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
