"""`attendance worker` in real processes: one holds the lease, a second takes over when the first is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from api.auth.models import User
from api.notify.models import Notice
from api.worker import lease
from attendance.models import Device, DeviceKind
from attendance.timeutil import utcnow
from tests.factories import make_unit

pytestmark = pytest.mark.slow
LEASE = 5


@pytest.fixture
def workers(inbox, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _start(started: list, tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ATTENDANCE_WORKER__LEASE_SECONDS=str(LEASE), ATTENDANCE_WORKER__BACKUPS="false",
               ATTENDANCE_WORKER__ALERT_CHECK_MINUTES="1")
    log = (tmp_path / f"{name}.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "api.cli.main", "worker"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    started.append(proc)
    return proc


def _holder(engine) -> str | None:
    with Session(engine) as session:
        return lease.holder_of(session=session)


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _silent(session, serial: str, unit) -> None:
    session.add(Device(serial=serial, name=serial, kind=DeviceKind.ZK_PUSH, unit_id=unit.id,
                       last_contact_at=utcnow() - timedelta(hours=3)))
    session.commit()


def test_a_second_worker_takes_over_when_the_first_is_killed(engine, session, inbox, workers, tmp_path) -> None:
    unit = make_unit(session, "UBND xã Tân Phú")
    session.add(User(username="tccb", password_hash="x", role="personnel", unit_id=unit.id,
                     email="tccb@tanphu.gov.vn", created_at=utcnow()))
    _silent(session, "GATE-A", unit)

    first = _start(workers, tmp_path, "first")
    assert _wait(lambda: _holder(engine) == f"{os.uname().nodename}:{first.pid}", 60), \
        (tmp_path / "first.log").read_text()
    second = _start(workers, tmp_path, "second")
    assert _wait(lambda: len(inbox.to("tccb@tanphu.gov.vn")) == 1, 30)  # the first runs the alert check
    time.sleep(LEASE + 3)  # the second is up and waiting by now, and must not take a held lease
    assert _holder(engine) == f"{os.uname().nodename}:{first.pid}"
    assert second.poll() is None

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    _silent(session, "GATE-B", unit)
    killed = time.monotonic()
    assert _wait(lambda: _holder(engine) == f"{os.uname().nodename}:{second.pid}", LEASE * 3), \
        (tmp_path / "second.log").read_text()
    took = time.monotonic() - killed
    assert took <= LEASE + LEASE / 3 + 2
    # The new worker catches up at once: the new terminal's notice, and not the old one's again.
    assert _wait(lambda: len(inbox.to("tccb@tanphu.gov.vn")) == 2, 30), (tmp_path / "second.log").read_text()
    subjects = sorted(str(m["Subject"]) for m in inbox.to("tccb@tanphu.gov.vn"))
    assert "GATE-A" in subjects[0] and "GATE-B" in subjects[1]
    assert len(session.exec(select(Notice)).all()) == 2

    second.terminate()  # a stopped worker frees its lease at once
    assert second.wait(timeout=30) == 0
    assert _holder(engine) is None


def test_worker_once_runs_one_job_and_names_the_jobs_on_a_typo(engine, session, inbox) -> None:
    unit = make_unit(session, "UBND xã Tân Phú")
    session.add(User(username="tccb", password_hash="x", role="personnel", unit_id=unit.id,
                     email="tccb@tanphu.gov.vn", created_at=utcnow()))
    _silent(session, "GATE-C", unit)
    done = subprocess.run([sys.executable, "-m", "api.cli.main", "worker", "--once", "terminal_notices"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(inbox.to("tccb@tanphu.gov.vn")) == 1 and "1 đã gửi" in done.stderr
    typo = subprocess.run([sys.executable, "-m", "api.cli.main", "worker", "--once", "nhac"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert typo.returncode == 2 and "pending_digest" in typo.stderr
