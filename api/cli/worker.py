"""`attendance worker`: the scheduled notices, terminal alerts and daily backups, one active per deployment."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import typer

from api.worker import jobs
from api.worker.scheduler import Worker, schedule
from attendance.db import get_engine


def worker(
    once: str = typer.Option(None, "--once", help="Run one job now and exit (morning_reminders, afternoon_reminders, "
                             "pending_digest, terminal_notices, prune_notices, daily_backup); ignores the lease."),
) -> None:
    """Run the schedule under the database lease; a second worker waits and takes over if this one dies."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = get_engine()
    if once:
        found = {job.name: job.run for job in schedule()}
        found.setdefault("daily_backup", jobs.daily_backup)  # even when the schedule leaves backups out
        if once not in found:
            raise typer.BadParameter(f"không có việc {once!r}; chọn một trong: {', '.join(sorted(found))}")
        found[once](engine)
        return
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    Worker(engine).run(stop)
