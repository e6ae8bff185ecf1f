"""The morning reminder run for 2,000 staff against a local SMTP server (aiosmtpd in its own process).

    .venv/bin/python bench/notify_run.py [sqlite|postgresql] [--staff N]

Seeds N people (each with an e-mail address; 5 % opted out) whose morning went wrong (late, a missing
check-out, or no punch), starts `python -m aiosmtpd` on loopback, then times one `remind` run (the
evaluation, then one notice claimed and committed before each e-mail leaves, over one SMTP
connection) and a second run that must send nothing. Target: the run for 2,000 staff <= 30 s.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, seed_office, table  # noqa: E402

DAY = date(2026, 11, 23)  # a Monday


def seed(count: int) -> None:
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource

    rnd = random.Random(13)
    with Session(get_engine()) as session:
        _, people = seed_office(session, count, lambda i: {"email": f"cb{i:05d}@bench.gov.vn",
                                                        "notify_email": rnd.random() >= 0.05})
        punches = []
        for person in people:
            roll = rnd.random()
            if roll < 0.1:
                continue  # no punch at all
            moments = [datetime.combine(DAY, datetime.min.time()) + timedelta(hours=7, minutes=40 + rnd.randint(0, 40))]
            if roll >= 0.2:
                moments.append(datetime.combine(DAY, datetime.min.time()) + timedelta(hours=11, minutes=35))
            punches += [PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="BENCH01", pin=person.pin or "",
                                device_time=m) for m in moments]
        ingest_punches(session=session, punches=punches)
        session.commit()


def smtp_server() -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Sink"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("aiosmtpd did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--staff", type=int, default=2000)
    args = parser.parse_args()
    server, port = smtp_server()
    os.environ.setdefault("ATTENDANCE_DATA_DIR", tempfile.mkdtemp(prefix="attendance-bench-data-"))
    os.environ.update({"ATTENDANCE_MAIL__HOST": "127.0.0.1", "ATTENDANCE_MAIL__PORT": str(port),
                       "ATTENDANCE_MAIL__SECURITY": "none", "ATTENDANCE_PUBLIC_URL": "https://chamcong.bench.gov.vn"})
    try:
        with scratch_database(args.backend) as _url:
            from sqlmodel import Session

            from api.notify import day_faults
            from api.notify.runs import remind
            from attendance.db import get_engine
            from attendance.rules import SessionName

            started = time.perf_counter()
            seed(args.staff)
            print(f"seeded {args.staff} staff and their morning in {time.perf_counter() - started:.1f} s")
            engine = get_engine()
            now = (datetime.combine(DAY, datetime.min.time()) + timedelta(hours=5)).replace(tzinfo=UTC)  # 12:00
            started = time.perf_counter()
            with Session(engine) as session:
                drafts = day_faults.drafts(session=session, day=DAY, part=SessionName.MORNING,
                                           public_url="https://x", now=now)
            evaluate = time.perf_counter() - started
            started = time.perf_counter()
            first = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=now)
            total = time.perf_counter() - started
            started = time.perf_counter()
            second = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=now)
            again = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    table(f"Morning reminders, {args.staff} staff, {args.backend}, local aiosmtpd (one connection)",
          ["faulty", "e-mails sent", "not e-mailed", "failed", "evaluate s", "whole run s", "e-mails/s",
           "2nd run s", "2nd run sent", "target"],
          [[len(drafts), first.sent, first.not_emailed, first.failed + first.unknown, f"{evaluate:.2f}",
            f"{total:.2f}", f"{first.sent / total:.0f}", f"{again:.2f}", second.sent, "<= 30 s"]])


if __name__ == "__main__":
    main()
