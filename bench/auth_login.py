"""Login with Argon2 under 10 concurrent users over real HTTP, and what the throttle check costs.

    .venv/bin/python bench/auth_login.py [sqlite|postgresql] [--seconds 15] [--clients 10] [--workers 1]

Logins run at 1 concurrent user (one login's own cost) and at --clients; the throttle's two steps
are timed in-process against the same database.

Run from the checkout's root (the service and this script share its data folder's secret).
Targets (issue 12): login p95 <= 300 ms for 10 concurrent users; the throttle adds <= 2 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402
from bench._server import running_service  # noqa: E402

PASSWORD = "chieu-ve-tren-song-huong-2026"


def seed(clients: int) -> None:
    from sqlmodel import Session

    from api.auth.models import User
    from api.auth.passwords import hash_password
    from attendance.db import get_engine
    from attendance.timeutil import utcnow

    hashed = hash_password(PASSWORD)
    with Session(get_engine()) as session:
        for index in range(clients):
            session.add(User(username=f"user{index}", password_hash=hashed, role="admin", created_at=utcnow()))
        session.commit()


async def hammer(base: str, seconds: float, clients: int) -> list[float]:
    """Each client logs in as its own account in a closed loop; returns latencies in ms."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def one_client(index: int) -> None:
            body = {"username": f"user{index}", "password": PASSWORD}
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.post("/api/auth/login", json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:200]
        await client.post("/api/auth/login", json={"username": "user0", "password": PASSWORD})  # warm up
        await asyncio.gather(*(one_client(i) for i in range(clients)))
    return latencies


def throttle_cost(rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds for one slot (the upsert before a password check) and one forgive (after success)."""
    from api.auth import throttle
    from attendance.db import get_engine

    engine = get_engine()
    taken, forgiven = [], []
    for index in range(rounds):
        client = f"10.0.{index % 200}.{index % 7}"
        started = time.perf_counter()
        throttle.take_slot(engine, username="user0", client=client)
        middle = time.perf_counter()
        throttle.forgive(engine, username="user0", client=client)
        taken.append((middle - started) * 1000)
        forgiven.append((time.perf_counter() - middle) * 1000)
    return taken, forgiven


def _argon2_profile() -> str:
    from api.auth.passwords import argon2_profile

    return argon2_profile()


def _q(values: list[float]) -> tuple[float, float, float]:
    values = sorted(values)
    q = statistics.quantiles(values, n=100)
    return statistics.mean(values), q[49], q[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with scratch_database(args.backend) as url:
        seed(args.clients)
        taken, forgiven = throttle_cost(args.rounds)
        with running_service(url, workers=args.workers) as base:
            runs = [(clients, asyncio.run(hammer(base, args.seconds, clients))) for clients in sorted({1, args.clients})]
    login_rows = []
    for clients, latencies in runs:
        latencies.sort()
        q = statistics.quantiles(latencies, n=100)
        login_rows.append([clients, len(latencies), f"{len(latencies) / args.seconds:.1f}", f"{q[49]:.1f}",
                           f"{q[94]:.1f}", f"{q[98]:.1f}", f"{latencies[-1]:.1f}", "<= 300 ms"])
    table(f"Login ({_argon2_profile()}), {args.backend}, {args.workers} worker(s), {os.cpu_count()} cores",
          ["users", "logins", "logins/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p95"], login_rows)
    rows = []
    for name, values in (("take a slot (before the check)", taken), ("forgive (after a success)", forgiven),
                         ("both", [a + b for a, b in zip(taken, forgiven, strict=True)])):
        mean, p50, p95 = _q(values)
        rows.append([name, args.rounds, f"{mean:.2f}", f"{p50:.2f}", f"{p95:.2f}", "<= 2 ms"])
    table(f"Throttle cost per login, {args.backend} (statements built once, each committing on its own)",
          ["step", "rounds", "mean ms", "p50 ms", "p95 ms", "target"], rows)


if __name__ == "__main__":
    main()
