"""The short province soak: 30 terminals, 3 API processes, 2 pollers, the worker, every fault; nothing lost or doubled.

PostgreSQL only (the soak is about PostgreSQL under several processes). It runs on a private
PostgreSQL server (tests/soak_cluster.py), so restarting PostgreSQL mid-run cannot disturb the
other tests of the suite, which use the shared cluster. Times are printed, not asserted: they
depend on the machine; what is asserted is that every punch made is stored once and every fault
was recovered from.
"""

from __future__ import annotations

import pytest

from tests.conftest import backend
from tests.soak import SoakPlan, run_soak
from tests.soak_cluster import available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(backend() != "postgresql", reason="the soak runs on PostgreSQL (TEST_DATABASE=postgresql)"),
    pytest.mark.skipif(not available(), reason="no PostgreSQL server binaries to start a private server"),
]


def test_short_soak_stores_every_punch_exactly_once_through_every_fault() -> None:
    report = run_soak(SoakPlan(push_terminals=25, pull_terminals=5, seconds=75.0, peak_punches_per_second=10.0,
                               getrequests_per_second=30.0))
    for row in report.rows():
        print(*row, sep=": ")
    assert report.made > 3000  # the pull cut alone adds 3,000: the soak ran and the terminals punched
    assert (report.lost, report.duplicates, report.unexpected) == (0, 0, 0), report.logs
    assert report.stored == report.made
    faults = {r.fault: r for r in report.recoveries}
    assert set(faults) == {"API process SIGKILL", "poller SIGKILL", "postgres restart", "pull cut mid-transfer"}
    assert all(r.service_seconds is not None for r in report.recoveries), report.recoveries
    assert faults["API process SIGKILL"].note == "killed mid-upload"
    assert faults["pull cut mid-transfer"].note == "the cut happened"
    assert report.failed_uploads > 0  # the faults reached the terminals, which re-sent
    assert report.worker_alive
