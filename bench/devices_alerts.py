"""Alert detection delay: how long after a terminal stops answering its 'silent' alert opens.

A pull terminal polled every 5 s is silent after 3 intervals (15 s, the default rule); the poller
re-reads health every 5 s (ALERT_SECONDS), so the alert should open 15-20 s after the last contact.
Real simulator, real pyzk, the poller loop as `attendance devices poll --loop` runs it.

Usage: .venv/bin/python bench/devices_alerts.py [RUNS] [--pg]
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devices_common import fresh_database, table  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
RUNS = int(ARGS[0]) if ARGS else 3


def main() -> None:
    url = fresh_database()
    from sqlmodel import Session

    from attendance.db import get_engine
    from devices import alerts
    from devices.models import AlertKind
    from devices.poller import Poller
    from devices.service import add_device
    from devices.sim_server import start_simulator

    rows = []
    for run in range(RUNS):
        handle = start_simulator(users=5, punches=100, serial_prefix=f"AL{run}")
        term = handle.terminals[0]
        with Session(get_engine()) as session:
            device = add_device(session=session, serial=term.config.serial, host=handle.host, port=handle.ports[0],
                                actor="bench", poll_interval_seconds=5)
            session.commit()
            device_id = device.id or 0
        stop = threading.Event()
        poller = Poller(engine=get_engine(), tick_seconds=0.2, timeout=2)
        runner = threading.Thread(target=poller.run, kwargs={"stop": stop})
        runner.start()
        time.sleep(6)  # a poll or two while it answers
        handle.stop()
        stopped = time.monotonic()
        opened = None
        while time.monotonic() - stopped < 60:
            with Session(get_engine()) as session:
                kinds = {a.kind for a in alerts.open_alerts(session=session).get(device_id, [])}
            if AlertKind.SILENT in kinds:
                opened = time.monotonic() - stopped
                break
            time.sleep(0.2)
        stop.set()
        runner.join()
        delay = f"{opened:.1f} s" if opened is not None else "not within 60 s"
        rows.append((f"run {run + 1}: silent alert after the terminal stopped (threshold 15 s)", delay))
    print(f"Alert detection delay ({url})")
    table(rows)


if __name__ == "__main__":
    main()
