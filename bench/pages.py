"""The pages under uvicorn on loopback: time to serve the board, a person's month and the month page,
and how long a punch takes from its ingest to the kiosk's server-sent event.

Seeds a scratch SQLite database with N staff in 10 departments and one day of punches, starts the
real app in a thread, logs in as the personnel office through the login form and fetches each page
20 times (sequentially). Run: .venv/bin/python bench/pages.py [--sizes 200,1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402

DAY = date(2026, 11, 18)
PASSWORD = "mat-khau-do-hieu-nang"


def seed(staff_count: int) -> int:
    from sqlalchemy import insert
    from sqlmodel import Session

    from api.auth.service import create_user
    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource, Staff, StaffAssignment
    from attendance.org import ensure_unit_path

    with Session(get_engine()) as session:
        root, _ = ensure_unit_path(session=session, path="UBND xã Tân Phú")
        departments = [ensure_unit_path(session=session, path=f"UBND xã Tân Phú / Phòng {i + 1}")[0]
                       for i in range(10)]
        session.execute(insert(Staff), [{"code": f"S{n:05d}", "full_name": f"Cán bộ {n}", "pin": str(n + 1),
                                         "unit_id": departments[n % 10].id, "active": True}
                                        for n in range(staff_count)])
        ids = sorted(row[0] for row in session.execute(Staff.__table__.select().with_only_columns(
            Staff.__table__.c.id)))
        session.execute(insert(StaffAssignment), [{"staff_id": sid, "unit_id": departments[i % 10].id,
                                                   "valid_from": date(2000, 1, 1)} for i, sid in enumerate(ids)])
        punches = [PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="BENCH", pin=str(n + 1),
                           device_time=datetime.combine(DAY, datetime.min.time()).replace(hour=h, minute=m))
                   for n in range(staff_count) for h, m in ((7, 20 + n % 25), (11, 35), (13, 25), (17, 5))]
        ingest_punches(session=session, punches=punches)
        create_user(session=session, username="phongtc", role="personnel", password=PASSWORD,
                    unit_id=root.id, actor="bench")
        session.commit()
        return ids[0]


def serve() -> tuple[str, object, threading.Thread]:
    import socket

    import uvicorn

    from api.main import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def measure(staff_count: int) -> list[list[object]]:
    import httpx

    first_id = seed(staff_count)
    base, server, thread = serve()
    rows: list[list[object]] = []
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            client.post("/login", data={"username": "phongtc", "password": PASSWORD})
            pages = {"board (whole commune)": f"/today?day={DAY}",
                     "person month": f"/people/{first_id}/month?year={DAY.year}&month={DAY.month}",
                     "month page (discipline + charts)": f"/month?month={DAY:%Y-%m}"}
            for name, url in pages.items():
                times = []
                for _ in range(20 if "month page" not in name else 5):
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                times.sort()
                p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
                rows.append([staff_count, name, len(times), f"{statistics.median(times):.0f}", f"{p95:.0f}",
                             f"{len(response.content) / 1024:.0f}"])
            rows.append([staff_count, "kiosk: ingest -> SSE event", 10, *kiosk_latency(client), "-"])
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(5)
    return rows


def kiosk_latency(client: object) -> tuple[str, str]:
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource

    delays = []
    with client.stream("GET", "/live/punches") as stream:  # type: ignore[attr-defined]
        lines = stream.iter_lines()
        next(line for line in lines if line.startswith("event: ready"))
        for i in range(10):
            started = time.perf_counter()
            with Session(get_engine()) as session:
                ingest_punches(session=session, punches=[PunchIn(
                    source=PunchSource.TERMINAL_PULL, device_serial="KIOSK", pin="1",
                    device_time=datetime(2026, 11, 19, 7, 30, i))])
                session.commit()
            next(line for line in lines if line.startswith("event: punch"))
            delays.append((time.perf_counter() - started) * 1000)
    delays.sort()
    return f"{statistics.median(delays):.0f}", f"{delays[-1]:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="200,1000")
    args = parser.parse_args()
    rows: list[list[object]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        with scratch_database("sqlite"):
            rows += measure(size)
    table("Pages under uvicorn (SQLite, loopback, sequential requests)",
          ["staff", "page", "requests", "p50 ms", "p95/max ms", "KiB"], rows)


if __name__ == "__main__":
    main()
