"""Group commit of pushed uploads: every punch once, each caller gets its own rejects."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlmodel import func, select

from attendance.ledger import PunchIn
from attendance.models import Punch, PunchSource
from devices.push_batch import IngestBatcher


def punches(serial: str, start: int, count: int) -> list[PunchIn]:
    base = datetime(2026, 3, 2, 7, 0)
    return [PunchIn(source=PunchSource.TERMINAL_PUSH, device_serial=serial, pin=str(100 + i % 7),
                    device_time=base + timedelta(seconds=start + i)) for i in range(count)]


def test_concurrent_uploads_are_stored_once_and_rejects_map_back(session) -> None:
    batcher = IngestBatcher(max_rows=120)
    results: dict[int, object] = {}

    def upload(n: int) -> None:
        batch = punches(f"T{n % 3}", (n // 3) * 40, 50)  # overlapping ranges: duplicates across uploads
        if n == 5:
            batch[3] = PunchIn(source=PunchSource.TERMINAL_PUSH, device_serial="T2", pin="", device_time=batch[3].device_time)
        results[n] = batcher.ingest(batch)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    expected = set()
    for n in range(12):
        for i, p in enumerate(punches(f"T{n % 3}", (n // 3) * 40, 50)):
            if not (n == 5 and i == 3):
                expected.add((p.device_serial, p.pin, p.device_time))
    rows = session.exec(select(Punch.device_serial, Punch.pin, Punch.device_time)).all()
    assert len(rows) == len(set(rows)) and set(rows) == expected
    assert session.exec(select(func.count()).select_from(Punch)).one() == len(expected) < 12 * 50
    assert [r.index for r in results[5].rejected] == [3]  # type: ignore[attr-defined]
    assert all(not results[n].rejected for n in range(12) if n != 5)  # type: ignore[attr-defined]
