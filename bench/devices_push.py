"""ADMS push receiver: ATTLOG uploads of 100 lines each over real HTTP (uvicorn process), punches/s.

Usage: .venv/bin/python bench/devices_push.py [UPLOADS [TERMINALS]] [--pg]   (--pg: a fresh PostgreSQL database on 127.0.0.1)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devices_common import fresh_database, table  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
UPLOADS = int(ARGS[0]) if ARGS else 200
LINES = 100
TERMINALS = int(ARGS[1]) if len(ARGS) > 1 else 8
SERIALS = [f"PUSH{i:04d}" for i in range(1, TERMINALS + 1)]


def main() -> None:
    url = fresh_database()
    import httpx
    from sqlmodel import Session, func, select

    from attendance.db import get_engine
    from attendance.models import DeviceKind, Punch
    from devices.service import add_device

    with Session(get_engine()) as session:
        for serial in SERIALS:
            add_device(session=session, serial=serial, actor="bench", kind=DeviceKind.ZK_PUSH)
        session.commit()
    # The server runs in its own process, as it would for real terminals (no GIL shared with the clients).
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              cwd=Path(__file__).resolve().parents[1], env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    start = datetime(2026, 1, 5, 7, 0)
    bodies = []
    for upload in range(UPLOADS):
        lines = [f"{1000 + (i % 300)}\t{start + timedelta(seconds=upload * LINES + i):%Y-%m-%d %H:%M:%S}\t0\t1\t0\t0"
                 for i in range(LINES)]
        bodies.append(("\n".join(lines) + "\n").encode())
    errors = 0
    base = f"http://127.0.0.1:{port}"

    def terminal(index: int) -> int:
        """One terminal uploading its share of the bodies, one after the other."""
        failed = 0
        with httpx.Client(base_url=base) as own:
            for n in range(index, len(bodies), len(SERIALS)):
                reply = own.post(f"/iclock/cdata?SN={SERIALS[index]}&table=ATTLOG&Stamp={n}", content=bodies[n])
                failed += reply.status_code != 200 or not reply.text.startswith(f"OK: {LINES}")
        return failed

    try:
        with httpx.Client(base_url=base) as client:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(len(SERIALS)) as pool:
                errors = sum(pool.map(terminal, range(len(SERIALS))))
            elapsed = time.perf_counter() - t0
            t1 = time.perf_counter()
            for n, body in enumerate(bodies[:50]):  # a terminal resending what it already sent
                client.post(f"/iclock/cdata?SN={SERIALS[n % len(SERIALS)]}&table=ATTLOG", content=body)
            resend = time.perf_counter() - t1
    finally:
        server.terminate()
        server.wait(10)
    with Session(get_engine()) as session:
        stored = session.exec(select(func.count()).select_from(Punch)).one()
    table([
        ("database", url),
        ("uploads x lines", f"{UPLOADS} x {LINES} = {UPLOADS * LINES:,}"),
        ("terminals uploading at once", str(len(SERIALS))),
        ("failed uploads", str(errors)),
        ("time", f"{elapsed:.2f} s"),
        ("punches/s ingested", f"{UPLOADS * LINES / elapsed:,.0f}  (target >= 5,000)"),
        ("resent uploads (all duplicates), punches/s", f"{50 * LINES / resend:,.0f}"),
        ("rows in the ledger", f"{stored:,}"),
    ])


if __name__ == "__main__":
    main()
