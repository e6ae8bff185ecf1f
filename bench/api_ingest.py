"""Batch punch ingest over real HTTP: POST /api/punches/batch, 1,000 punches a batch.

    .venv/bin/python bench/api_ingest.py [sqlite|postgresql] [--batches N] [--clients C] [--workers W]

Starts `uvicorn api.main:create_app` on loopback, authenticates with a device token (as a camera
service or a terminal gateway would), sends N new batches (each 1,000 distinct punches of 1,000
known people), then the same batches again (all duplicates), and prints punches per second.
Target: >= 10,000 punches/s in batches of 1,000.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402
from bench._server import running_service  # noqa: E402

BATCH = 1000
STAFF = 1000


def seed() -> str:
    """1,000 people with PINs, and a device token that may ingest punches."""
    from sqlmodel import Session

    from api.auth.service import issue_device_token
    from attendance.db import get_engine
    from attendance.models import Staff
    from attendance.org import ensure_unit_path

    with Session(get_engine()) as session:
        unit, _ = ensure_unit_path(session=session, path="UBND tỉnh Bench / Văn phòng")
        session.add_all([Staff(code=f"B{i:05d}", full_name=f"Cán bộ {i:05d}", pin=str(10000 + i), unit_id=unit.id)
                         for i in range(STAFF)])
        issued = issue_device_token(session=session, name="bench gateway", scopes=["punches.ingest"],
                                    device_id=None, actor="bench")
        session.commit()
        return issued.secret


def batches(count: int) -> list[dict[str, object]]:
    """`count` batches of 1,000 distinct punches: every person once, a minute apart per batch."""
    start = datetime(2026, 11, 2, 7, 0)
    return [{"punches": [{"source": "terminal_push", "device_serial": "BENCH-GW", "pin": str(10000 + i),
                          "device_time": (start + timedelta(minutes=b, seconds=i % 60)).isoformat()}
                         for i in range(BATCH)]} for b in range(count)]


async def send_all(base: str, token: str, bodies: list[dict[str, object]], clients: int) -> tuple[float, int]:
    """Send every batch with `clients` concurrent senders; returns (seconds, punches stored)."""
    queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    stored = 0
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        async def sender() -> None:
            nonlocal stored
            while not queue.empty():
                body = queue.get_nowait()
                response = await client.post("/api/punches/batch", json=body)
                assert response.status_code == 200, response.text[:300]
                stored += response.json()["stored"]
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(clients)))
        return time.perf_counter() - started, stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    bodies = batches(args.batches + 2)
    warmup, bodies = bodies[:2], bodies[2:]
    with scratch_database(args.backend) as url:
        token = seed()
        with running_service(url, workers=args.workers) as base:
            asyncio.run(send_all(base, token, warmup, 1))
            new_seconds, stored = asyncio.run(send_all(base, token, bodies, args.clients))
            dup_seconds, stored_again = asyncio.run(send_all(base, token, bodies, args.clients))
    total = len(bodies) * BATCH
    assert stored == total and stored_again == 0, (stored, stored_again)
    table(f"POST /api/punches/batch, {args.backend}, batches of {BATCH}, {args.clients} client(s), "
          f"{args.workers} worker(s)", ["pass", "punches", "seconds", "punches/s", "ms per batch", "target"],
          [["new", total, f"{new_seconds:.2f}", f"{total / new_seconds:,.0f}",
            f"{new_seconds / len(bodies) * 1000:.0f}", ">= 10,000/s"],
           ["re-sent (duplicates)", total, f"{dup_seconds:.2f}", f"{total / dup_seconds:,.0f}",
            f"{dup_seconds / len(bodies) * 1000:.0f}", ""]])


if __name__ == "__main__":
    main()
