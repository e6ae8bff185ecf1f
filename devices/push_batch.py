"""Group commit for pushed uploads: concurrent uploads share one ledger ingest and one commit."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlmodel import Session

from attendance.db import writer_engine
from attendance.ledger import IngestResult, PunchIn, RejectedPunch, ingest_punches

MAX_ROWS = 5000


@dataclass(slots=True)
class _Job:
    punches: list[PunchIn]
    done: Future[IngestResult] = field(default_factory=Future)


class IngestBatcher:
    """One writer thread; each caller blocks until its punches are committed (or the batch failed)."""

    def __init__(self, *, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def ingest(self, punches: list[PunchIn], *, timeout: float = 120.0) -> IngestResult:
        """Ingest and commit `punches`; counts of stored/duplicates are the batch's business, rejects are ours."""
        job = _Job(punches)
        self._jobs.put(job)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="push-ingest", daemon=True)
                self._thread.start()
        return job.done.result(timeout)

    def _run(self) -> None:
        while True:
            jobs = [self._jobs.get()]
            rows = len(jobs[0].punches)
            while rows < self.max_rows:
                try:
                    jobs.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
                rows += len(jobs[-1].punches)
            self._write(jobs)

    def _write(self, jobs: list[_Job]) -> None:
        try:
            with Session(writer_engine()) as session:
                result = ingest_punches(session=session, punches=[p for job in jobs for p in job.punches])
                session.commit()
        except Exception as err:  # noqa: BLE001 - handed to the waiting caller(s)
            if len(jobs) > 1:
                # One terminal's upload must never fail another's: commit each on its own.
                for job in jobs:
                    self._write([job])
                return
            jobs[0].done.set_exception(err)
            return
        except BaseException as err:  # noqa: BLE001 - the writer is going away: nobody may wait forever
            for job in jobs:
                job.done.set_exception(err)
            raise
        offset = 0
        for job in jobs:
            size = len(job.punches)
            rejected = [RejectedPunch(r.index - offset, r.reason) for r in result.rejected
                        if offset <= r.index < offset + size]
            job.done.set_result(IngestResult(received=size, rejected=rejected))
            offset += size


BATCHER = IngestBatcher()
