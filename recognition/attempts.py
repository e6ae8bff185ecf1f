"""Server side of refused and flagged face attempts: stored as the camera reports them, listed for review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from attendance.models import Staff
from attendance.timeutil import utcnow
from recognition.camera.attempts import Attempt
from recognition.cameras import ensure_camera
from recognition.models import FaceAttempt


@dataclass(frozen=True, slots=True)
class AttemptRow:
    at: datetime
    device_serial: str
    staff_id: int | None
    staff_code: str | None
    full_name: str | None
    distance: float | None
    outcome: str
    reason: str


def record_attempts(*, session: Session, serial: str, attempts: Sequence[Attempt]) -> int:
    """Store a camera's attempts; one whose staff id the server does not know keeps no person."""
    ensure_camera(session=session, serial=serial)
    ids = {a.staff_id for a in attempts if a.staff_id is not None}
    known = set(session.exec(select(Staff.id).where(col(Staff.id).in_(ids)))) if ids else set()
    received = utcnow()
    for attempt in attempts:
        session.add(
            FaceAttempt(
                at=attempt.at,
                device_serial=serial,
                staff_id=attempt.staff_id if attempt.staff_id in known else None,
                distance=attempt.distance,
                runner_up=attempt.runner_up,
                outcome=attempt.outcome,
                reason=attempt.reason[:20],
                received_at=received,
            )
        )
    session.flush()
    return len(attempts)


def recent_attempts(
    *, session: Session, serial: str | None = None, staff_ids: set[int] | None = None, limit: int = 50
) -> list[AttemptRow]:
    """The latest attempts, newest first (of one camera, of some people, when asked)."""
    query = (
        select(FaceAttempt, Staff)
        .join(Staff, col(Staff.id) == FaceAttempt.staff_id, isouter=True)
        .order_by(col(FaceAttempt.at).desc(), col(FaceAttempt.id).desc())
        .limit(limit)
    )
    if serial is not None:
        query = query.where(FaceAttempt.device_serial == serial)
    if staff_ids is not None:
        query = query.where(col(FaceAttempt.staff_id).in_(staff_ids))
    return [
        AttemptRow(
            a.at,
            a.device_serial,
            a.staff_id,
            s.code if s else None,
            s.full_name if s else None,
            a.distance,
            a.outcome,
            a.reason,
        )
        for a, s in session.exec(query)
    ]
