"""One worker per deployment: wait for the lease, run the schedule while holding it, step down when it is lost.

A second worker waits, trying the lease every third of its lifetime; when the first dies its lease
expires and the second takes it. On taking the lease a worker first runs every job whose time today
has passed (the notices are made once, the day's backup is taken once), so a takeover at 12:03 still
sends the 12:00 reminders the dead worker did not.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlmodel import Session

from api.worker import jobs, lease
from attendance.timeutil import utcnow
from config import get_settings

log = logging.getLogger("attendance.worker")


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: Callable[[Engine], Any]
    at: str | None  # "HH:MM" daily, local time; None: every `alert_check_minutes`


def schedule() -> list[Job]:
    worker = get_settings().worker
    found = [Job("morning_reminders", jobs.morning_reminders, worker.morning_reminder_at),
             Job("afternoon_reminders", jobs.afternoon_reminders, worker.afternoon_reminder_at),
             Job("pending_digest", jobs.pending_digest, worker.digest_at),
             Job("terminal_notices", jobs.terminal_notices, None),
             Job("prune_notices", jobs.prune_notices, worker.backup_at)]
    if worker.backups:
        found.append(Job("daily_backup", jobs.daily_backup, worker.backup_at))
    return found


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """Holds the lease and the scheduler; `run` returns when `stop` is set."""

    def __init__(self, engine: Engine, *, holder: str | None = None) -> None:
        self.engine = engine
        self.holder = holder or default_holder()
        self.seconds = float(get_settings().worker.lease_seconds)

    def run(self, stop: threading.Event) -> None:
        log.info("worker %s chờ quyền chạy lịch (hạn %ds)", self.holder, self.seconds)
        try:
            while not stop.is_set():
                if self._take():
                    log.info("worker %s nhận quyền chạy lịch", self.holder)
                    self._lead(stop)
                else:
                    stop.wait(self.seconds / 3)
        finally:
            with Session(self.engine) as session:
                lease.release(session=session, holder=self.holder)
                session.commit()

    def _lead(self, stop: threading.Event) -> None:
        zone = get_settings().zone
        scheduler = BackgroundScheduler(timezone=zone, executors={"default": ThreadPoolExecutor(1)},
                                        job_defaults={"coalesce": True, "max_instances": 1,
                                                      "misfire_grace_time": 3600})
        now = datetime.now(zone)
        for job in schedule():
            run = self._guarded(job)
            if job.at is None:
                trigger: Any = IntervalTrigger(minutes=get_settings().worker.alert_check_minutes, timezone=zone)
                scheduler.add_job(run, trigger, id=job.name, next_run_time=now)
                continue
            hour, minute = (int(x) for x in job.at.split(":"))
            scheduler.add_job(run, CronTrigger(hour=hour, minute=minute, timezone=zone), id=job.name)
            if (now.hour, now.minute) >= (hour, minute):
                scheduler.add_job(run, id=f"{job.name}:catch-up", next_run_time=now)
        scheduler.start()
        try:
            while not stop.wait(self.seconds / 3):
                if not self._renew():
                    log.warning("worker %s mất quyền chạy lịch; dừng các việc đang lên lịch", self.holder)
                    return
        finally:
            scheduler.shutdown(wait=True)

    def _guarded(self, job: Job) -> Callable[[], None]:
        def run() -> None:
            if not self._renew():  # a worker that lost its lease must not act any more
                log.warning("bỏ qua %s: không còn giữ quyền chạy lịch", job.name)
                return
            try:
                job.run(self.engine)
            except Exception:  # noqa: BLE001 - one failing job must not stop the others
                log.exception("việc %s thất bại", job.name)
        return run

    def _take(self) -> bool:
        with Session(self.engine) as session:
            taken = lease.acquire(session=session, holder=self.holder, seconds=self.seconds, now=utcnow())
            session.commit()
            return taken

    def _renew(self) -> bool:
        with Session(self.engine) as session:
            held = lease.renew(session=session, holder=self.holder, seconds=self.seconds)
            session.commit()
            return held
