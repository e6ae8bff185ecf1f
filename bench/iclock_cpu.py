"""Server CPU per terminal request (one `attendance` API process on PostgreSQL), read from /proc.

Usage: .venv/bin/python bench/iclock_cpu.py [REQUESTS]
The soak's peak (100 getrequest/s + 30 one-line uploads/s) costs this much CPU per second of the
API processes together, whatever else shares the cores; the table says how much that is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402
from bench._server import running_service  # noqa: E402

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 500


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(port: str) -> int:
    out = subprocess.check_output(["ss", "-ltnpH", f"sport = :{port}"], text=True)
    return int(out.split("pid=")[1].split(",")[0])


def main() -> None:
    with scratch_database("postgresql") as url:
        from sqlmodel import Session

        from attendance.db import get_engine
        from attendance.models import DeviceKind
        from devices.service import add_device

        with Session(get_engine()) as session:
            add_device(session=session, serial="CPU01", actor="bench", kind=DeviceKind.ZK_PUSH,
                       push_allowed_from="127.0.0.1")
            session.commit()
        with running_service(url) as base, httpx.Client(base_url=base) as client:
            pid = server_pid(base.rsplit(":", 1)[1])
            kinds = [
                ("GET /health/live (no database)", lambda i: client.get("/health/live")),
                ("GET /health (session, SELECT 1)", lambda i: client.get("/health")),
                ("GET /iclock/getrequest", lambda i: client.get("/iclock/getrequest?SN=CPU01")),
                ("POST /iclock/cdata, 1 ATTLOG line", lambda i: client.post(
                    f"/iclock/cdata?SN=CPU01&table=ATTLOG&Stamp={i}",
                    content=f"{i % 50 + 1}\t2026-12-07 {7 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}\t0\t1\t0\t0\n"
                    .encode())),
            ]
            rows, per = [], {}
            for name, call in kinds:
                for i in range(30):
                    call(10_000 + i)
                started_cpu, started = cpu_seconds(pid), time.perf_counter()
                for i in range(REQUESTS):
                    call(i)
                cpu_ms = (cpu_seconds(pid) - started_cpu) / REQUESTS * 1000
                per[name] = cpu_ms
                rows.append([name, f"{cpu_ms:.2f}", f"{(time.perf_counter() - started) / REQUESTS * 1000:.2f}"])
    peak = 100 * per["GET /iclock/getrequest"] + 30 * per["POST /iclock/cdata, 1 ATTLOG line"]
    rows.append(["the 07:00 peak: 100 getrequest/s + 30 uploads/s", f"{peak / 1000:.2f} core", ""])
    table(f"Server CPU per request, one API process on PostgreSQL, {REQUESTS} requests each, "
          f"load average {os.getloadavg()[0]:.2f} (2 cores shared with 4 other helpers)",
          ["request", "server CPU ms", "wall ms (sequential)"], rows)


if __name__ == "__main__":
    main()
