"""Deciding a request happens once: two people deciding at the same moment, one wins, one gets 409."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from attendance.leave import file_request
from attendance.models import AuditEntry, Request

TRIES = 15


def test_of_two_concurrent_decisions_exactly_one_wins(app, session, office) -> None:
    ids = []
    for n in range(TRIES):
        row = file_request(session=session, staff=office.colleague, type="leave", kind="sick",
                           start_date=date(2027, 3, 1) + timedelta(days=n), reason="Ốm", actor="test")
        ids.append(row.id)
    session.commit()
    deciders = [("approve", office.headers["head"]), ("reject", office.headers["admin"])]
    clients = [TestClient(app), TestClient(app)]
    for request_id in ids:
        barrier = threading.Barrier(2)
        replies: dict[str, object] = {}

        def decide(index: int, request_id: int = request_id, barrier: threading.Barrier = barrier,
                   replies: dict[str, object] = replies) -> None:
            action, headers = deciders[index]
            barrier.wait()
            replies[action] = clients[index].post(f"/api/requests/{request_id}/{action}", headers=headers, json={})

        threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes = sorted(reply.status_code for reply in replies.values())  # type: ignore[attr-defined]
        assert codes == [200, 409], {k: (r.status_code, r.text) for k, r in replies.items()}  # type: ignore[attr-defined]
        winner = next(k for k, r in replies.items() if r.status_code == 200)  # type: ignore[attr-defined]
        loser = next(r for r in replies.values() if r.status_code == 409)  # type: ignore[attr-defined]
        session.expire_all()
        stored = session.get(Request, request_id)
        assert stored is not None and stored.status == ("approved" if winner == "approve" else "rejected")
        assert f"already {stored.status} by {stored.decided_by}" in loser.json()["detail"]
        decisions = session.exec(select(AuditEntry).where(AuditEntry.entity == "request",
                                                          AuditEntry.entity_id == str(request_id),
                                                          AuditEntry.action != "leave.file")).all()
        assert len(decisions) == 1
