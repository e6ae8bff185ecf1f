"""Day board of a 1,000-staff unit over real HTTP: uvicorn on loopback, 10 concurrent clients.

    .venv/bin/python bench/api_board.py [sqlite|postgresql] [--workers N] [--seconds S]

Seeds a unit with 1,000 people and a realistic day of punches (4 each, some late, some missing),
starts `uvicorn api.main:create_app` in a subprocess, then 10 clients ask for the board as fast as
they can (closed loop) and the latency percentiles are printed. Target: p95 <= 150 ms.
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

from bench._db import scratch_database, seed_office, table  # noqa: E402
from bench._server import running_service  # noqa: E402

DAY = date(2026, 11, 23)  # a Monday
STAFF = 1000
CLIENTS = 10


def seed(url: str) -> tuple[int, str]:
    """1,000 people in one department of a commune, their punches on DAY; an admin token."""
    from sqlmodel import Session

    from api.auth.models import User
    from api.auth.passwords import hash_password
    from api.auth.sessions import TOKEN, open_session
    from api.auth.tokens import create_access_token
    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource
    from attendance.timeutil import utcnow

    rnd = random.Random(5)
    with Session(get_engine()) as session:
        unit, people = seed_office(session, STAFF)
        punches = []
        for person in people:
            for start, end in ((dtime(7, 30), dtime(11, 30)), (dtime(13, 30), dtime(17, 0))):
                if rnd.random() < 0.03:
                    continue  # absent session
                check_in = datetime.combine(DAY, start) + timedelta(minutes=rnd.randint(-25, 12))
                check_out = datetime.combine(DAY, end) + timedelta(minutes=rnd.randint(-8, 30))
                for moment in (check_in, check_out)[: 1 if rnd.random() < 0.02 else 2]:
                    punches.append(PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="BENCH01",
                                           pin=person.pin or "", device_time=moment))
        ingest_punches(session=session, punches=punches)
        admin = User(username="bench", password_hash=hash_password("bench-password-1"), role="admin",
                     created_at=utcnow())
        session.add(admin)
        session.commit()
        token, _ = create_access_token(admin, open_session(session=session, user=admin, kind=TOKEN))
        session.commit()
        assert unit.id is not None
        return unit.id, token


async def hammer(base: str, path: str, token: str, seconds: float, clients: int) -> list[float]:
    """`clients` concurrent clients in a closed loop for `seconds`; returns latencies in ms."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        async def one_client() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:200]
        await client.get(path)  # warm up
        await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies


def _server_share(metrics: str) -> list[tuple[float, float]]:
    """Share of board requests the server answered within each histogram bucket."""
    counts: dict[float, float] = {}
    for line in metrics.splitlines():
        if line.startswith("attendance_http_request_duration_seconds_bucket") and "/board" in line \
                and 'status="200"' in line:
            bound = line.split('le="')[1].split('"')[0]
            counts[float("inf") if bound == "+Inf" else float(bound)] = float(line.rsplit(" ", 1)[1])
    total = counts.get(float("inf"), 0.0) or 1.0
    return [(bound, counts[bound] / total) for bound in (0.05, 0.1, 0.15, 0.25) if bound in counts]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    args = parser.parse_args()
    with scratch_database(args.backend) as url:
        started = time.perf_counter()
        unit_id, token = seed(url)
        print(f"seeded {STAFF} staff and their punches in {time.perf_counter() - started:.1f} s")
        with running_service(url, workers=args.workers) as base:
            path = f"/api/units/{unit_id}/board?day={DAY.isoformat()}"
            size = len(httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}).content)
            cpu_before = time.process_time()
            latencies = asyncio.run(hammer(base, path, token, args.seconds, args.clients))
            client_cpu = time.process_time() - cpu_before
            server_side = _server_share(httpx.get(f"{base}/metrics").text)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    table(f"Day board, {STAFF} staff, {args.clients} concurrent clients, {args.backend}, "
          f"{args.workers} worker(s), {size // 1024} KiB per response",
          ["requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p95"],
          [[len(latencies), f"{len(latencies) / args.seconds:.1f}", f"{q[49]:.1f}", f"{q[94]:.1f}",
            f"{q[98]:.1f}", f"{latencies[-1]:.1f}", "<= 150 ms"]])
    print(f"  the load generator itself used {client_cpu:.1f} s of CPU in {args.seconds:.0f} s, on the same cores")
    print("  server-side (uvicorn's own histogram, without the client): "
          + ", ".join(f"{share:.0%} <= {int(bound * 1000)} ms" for bound, share in server_side))


if __name__ == "__main__":
    main()
