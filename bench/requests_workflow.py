"""The requests' workflow at scale: a bulk decision of 200 requests, and the menu's pending badge.

    .venv/bin/python bench/requests_workflow.py [sqlite|postgresql|both] [--bulk 200] [--history 20000]

Seeds one office with as many people as the bulk decision needs, `--history` decided requests
(the whole history the list pages through) and the pending ones, then times
`decide_many` of 200 pending requests (each through the compare-and-set, with its audit entry,
committed once) and the badge's COUNT for a unit-scoped personnel account and for an administrator
(median and p95 of 200 reads). Figures only: no target is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, seed_office, table  # noqa: E402

FIRST = date(2027, 1, 4)


def seed(bulk: int, history: int) -> tuple[int, list[int]]:
    """(unit id, ids of the pending requests)."""
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.models import Request
    from attendance.timeutil import utcnow

    with Session(get_engine()) as session:
        unit, people = seed_office(session, max(bulk, 200))
        now = utcnow()
        rows = [Request(staff_id=people[n % len(people)].id, type="leave", kind="sick",
                        start_date=FIRST + timedelta(days=n // len(people)), end_date=FIRST + timedelta(days=n // len(people)),
                        status="approved" if n % 5 else "rejected", created_by="bench", created_at=now,
                        decided_by="user:bench", decided_at=now) for n in range(history)]
        pending = [Request(staff_id=people[n].id, type="leave", kind="sick", start_date=date(2028, 3, 1),
                           end_date=date(2028, 3, 1), created_by="bench", created_at=now) for n in range(bulk)]
        session.add_all(rows + pending)
        session.commit()
        return unit.id, [r.id for r in pending]


def principal(role: str, unit_ids: frozenset[int] | None):  # type: ignore[no-untyped-def]
    from api.auth.models import User
    from api.auth.principal import Principal
    from api.auth.roles import permissions_for

    user = User(username=f"bench.{role}", password_hash="-", role=role)
    return Principal(kind="user", actor=f"user:bench.{role}", permissions=permissions_for(role), unit_ids=unit_ids,
                     user=user)


def run(backend: str, bulk: int, history: int) -> list[list[object]]:
    from sqlmodel import Session

    from api.services.request_scope import pending_badge
    from attendance.db import get_engine
    from attendance.request_actions import decide_many

    with scratch_database(backend):
        unit_id, ids = seed(bulk, history)
        personnel, admin = principal("personnel", frozenset({unit_id})), principal("admin", None)
        rows: list[list[object]] = []
        for who, caller in (("personnel (1 unit)", personnel), ("admin (all)", admin)):
            with Session(get_engine()) as session:
                assert pending_badge(session, caller) == bulk
                times = []
                for _ in range(200):
                    started = time.perf_counter()
                    pending_badge(session, caller)
                    times.append((time.perf_counter() - started) * 1000)
            times.sort()
            rows.append([backend, f"badge, {who}", f"{history + bulk:,}",
                         f"{statistics.median(times):.2f} ms", f"{times[int(len(times) * 0.95)]:.2f} ms"])
        with Session(get_engine()) as session:
            started = time.perf_counter()
            outcome = decide_many(session=session, request_ids=ids, approve=True, actor="user:bench.personnel",
                                  comment="Đồng ý cả đợt")
            session.commit()
            elapsed = time.perf_counter() - started
        assert len(outcome.decided) == bulk and not outcome.refused
        rows.append([backend, f"bulk approve {bulk}", f"{history + bulk:,}", f"{elapsed * 1000:.0f} ms total",
                     f"{elapsed * 1000 / bulk:.2f} ms each"])
        return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--bulk", type=int, default=200)
    parser.add_argument("--history", type=int, default=20_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = [row for backend in backends for row in run(backend, args.bulk, args.history)]
    table(f"Requests workflow: bulk decision of {args.bulk} and the pending badge ({args.history:,} decided)",
          ["database", "what", "requests", "median / total", "p95 / per request"], rows)


if __name__ == "__main__":
    main()
