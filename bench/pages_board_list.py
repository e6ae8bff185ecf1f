"""The board page of 1,500 staff as a server-side list: server time and client latency per page of 50.

    .venv/bin/python bench/pages_board_list.py [sqlite|postgresql] [--staff N] [--seconds S] [--workers W]

Seeds one commune of N people (default 1,500) in 15 departments with a realistic day (some late,
some missing a punch, a few absent), starts `uvicorn api.main:create_app` in a subprocess, logs in
through the login form (cookie session, as a browser), then asks for pages of the board with a mix
of searches, filters, departments, sorts and page numbers:

- cold: before each request a new punch is ingested, so the day is evaluated again (snapshot rebuilt);
- warm: 1 client, then 10 concurrent clients in a closed loop for S seconds.

Server time is the app's own `Server-Timing: app;dur=` (first byte, middleware to middleware);
client latency is the whole request over loopback. Target: server p95 <= 50 ms at 10 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402
from bench._server import running_service  # noqa: E402
from bench.staff_search import FAMILY, GIVEN, MIDDLE  # noqa: E402

DAY = date(2026, 11, 23)  # a Monday
PASSWORD = "mat-khau-do-hieu-nang"
QUERIES = ["", "", "show=late", "show=absent", "show=missing", "q=nguyen", "q=thi+hang", "sort=late", "sort=code",
           "q=cb0001", "show=present&page=5", "page=12", "sort=unit&page=3", "dept={dept}", "dept={dept}&show=late"]


def seed(staff: int) -> tuple[int, int]:
    from sqlalchemy import insert
    from sqlmodel import Session

    from api.auth.service import create_user
    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource, Staff, StaffAssignment
    from attendance.org import ensure_unit_path

    rng = random.Random(15)
    with Session(get_engine()) as session:
        root, _ = ensure_unit_path(session=session, path="UBND xã Bench")
        depts = [ensure_unit_path(session=session, path=f"UBND xã Bench / Phòng {i + 1:02d}")[0].id for i in range(15)]
        session.execute(insert(Staff), [
            {"code": f"CB{n:05d}", "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
             "pin": str(20000 + n), "unit_id": depts[n % 15], "active": True} for n in range(staff)])
        ids = sorted(row[0] for row in session.execute(Staff.__table__.select().with_only_columns(  # type: ignore[attr-defined]
            Staff.__table__.c.id)))  # type: ignore[attr-defined]
        session.execute(insert(StaffAssignment), [{"staff_id": sid, "unit_id": depts[i % 15],
                                                   "valid_from": date(2000, 1, 1)} for i, sid in enumerate(ids)])
        punches = []
        for n in range(staff):
            for start, end in ((dtime(7, 30), dtime(11, 30)), (dtime(13, 30), dtime(17, 0))):
                if rng.random() < 0.04:
                    continue  # absent session
                check_in = datetime.combine(DAY, start) + timedelta(minutes=rng.randint(-25, 12))
                check_out = datetime.combine(DAY, end) + timedelta(minutes=rng.randint(-8, 30))
                for moment in (check_in, check_out)[: 1 if rng.random() < 0.03 else 2]:
                    punches.append(PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="BENCH01",
                                           pin=str(20000 + n), device_time=moment))
        ingest_punches(session=session, punches=punches)
        create_user(session=session, username="phongtc", role="personnel", password=PASSWORD, unit_id=root.id,
                    actor="bench")
        session.commit()
        assert root.id is not None and depts[3] is not None
        return root.id, depts[3]


def urls(root: int, dept: int) -> list[str]:
    return [f"/today?unit={root}&day={DAY.isoformat()}&" + q.format(dept=dept) for q in QUERIES]


def server_ms(response: httpx.Response) -> float:
    timing = response.headers.get("server-timing", "")
    return float(timing.split("dur=")[1]) if "dur=" in timing else float("nan")


async def hammer(base: str, cookies: httpx.Cookies, paths: list[str], *, clients: int, seconds: float
                 ) -> tuple[list[float], list[float]]:
    server, latency = [], []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=30) as client:
        async def one(index: int) -> None:
            i = index
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(paths[i % len(paths)])
                latency.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:300]
                server.append(server_ms(response))
                i += 1
        await asyncio.gather(*(one(k) for k in range(clients)))
    return server, latency


def cold(base: str, cookies: httpx.Cookies, paths: list[str], rounds: int) -> tuple[list[float], list[float]]:
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource

    server, latency = [], []
    with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
        for i in range(rounds):
            with Session(get_engine()) as session:  # a new punch: the day must be evaluated again
                ingest_punches(session=session, punches=[PunchIn(
                    source=PunchSource.TERMINAL_PULL, device_serial="BENCH02", pin=str(20000 + i),
                    device_time=datetime.combine(DAY, dtime(12, 0, i)))])
                session.commit()
            started = time.perf_counter()
            response = client.get(paths[i % len(paths)])
            latency.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            server.append(server_ms(response))
    return server, latency


def _p(values: list[float]) -> tuple[str, str]:
    ordered = sorted(values)
    return f"{statistics.median(ordered):.1f}", f"{ordered[max(0, int(len(ordered) * 0.95) - 1)]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--staff", type=int, default=1500)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (one per core)")
    args = parser.parse_args()
    rows: list[list[object]] = []
    with scratch_database(args.kind) as url:
        root, dept = seed(args.staff)
        paths = urls(root, dept)
        with running_service(url, workers=args.workers) as base:
            with httpx.Client(base_url=base, timeout=60) as client:
                answer = client.post("/login", data={"username": "phongtc", "password": PASSWORD})
                assert answer.status_code == 303, answer.text[:300]
                cookies = client.cookies
            server, latency = cold(base, cookies, paths, rounds=8)
            rows.append(["cold (day evaluated again)", 1, len(server), *_p(server), *_p(latency)])
            asyncio.run(hammer(base, cookies, paths, clients=1, seconds=1))  # build the snapshot
            for clients in (1, 10):
                server, latency = asyncio.run(hammer(base, cookies, paths, clients=clients, seconds=args.seconds))
                rows.append(["warm (snapshot)", clients, len(server), *_p(server), *_p(latency)])
    table(f"Board list of {args.staff:,} staff, pages of 50, {args.kind}, {args.workers} uvicorn worker(s) "
          "(target: server p95 <= 50 ms at 10 clients)",
          ["requests", "clients", "n", "server p50 ms", "server p95 ms", "client p50 ms", "client p95 ms"], rows)


if __name__ == "__main__":
    main()
