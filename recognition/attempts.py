"""Server side of face decisions reported by cameras: refused and flagged attempts, and their evidence.

Evidence images are sealed with the template cipher under a context bound to the record, so a row copied
onto another cannot be opened; every view is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, or_
from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import NotFound
from attendance.models import Staff
from attendance.timeutil import utcnow
from config.settings import FacePolicy
from recognition.camera.attempts import Attempt
from recognition.cameras import ensure_camera
from recognition.crypto import TemplateCipher
from recognition.models import CameraPrompt, FaceAttempt, FaceEvidence

PROMPT_FRESH = timedelta(seconds=5)  # a kiosk shows a camera's prompt this long after it was sent
LOW_MARGIN_SLACK = 0.05  # a punch whose runner-up was within margin + this is listed for review


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


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    id: int
    device_serial: str
    device_time: datetime
    staff_id: int | None
    staff_code: str | None
    full_name: str | None
    outcome: str
    reason: str
    distance: float | None
    runner_up: float | None


def record_attempts(
    *,
    session: Session,
    serial: str,
    attempts: Sequence[Attempt],
    cipher: TemplateCipher | None = None,
    policy: FacePolicy | None = None,
) -> int:
    """Store a camera's decisions: refused/flagged ones as attempts, and each one's images as evidence."""
    ensure_camera(session=session, serial=serial)
    ids = {a.staff_id for a in attempts if a.staff_id is not None}
    known = set(session.exec(select(Staff.id).where(col(Staff.id).in_(ids)))) if ids else set()
    received = utcnow()
    keep = timedelta(days=(policy or FacePolicy()).evidence_retention_days)
    for attempt in attempts:
        staff_id = attempt.staff_id if attempt.staff_id in known else None
        if attempt.outcome != "punched":
            session.add(
                FaceAttempt(
                    at=attempt.at,
                    device_serial=serial,
                    staff_id=staff_id,
                    distance=attempt.distance,
                    runner_up=attempt.runner_up,
                    outcome=attempt.outcome,
                    reason=attempt.reason[:20],
                    received_at=received,
                )
            )
        if cipher is not None and attempt.face_jpeg and attempt.context_jpeg:
            evidence = FaceEvidence(
                device_serial=serial,
                pin=attempt.pin,
                device_time=attempt.at,
                staff_id=staff_id,
                outcome=attempt.outcome,
                reason=attempt.reason[:20],
                distance=attempt.distance,
                runner_up=attempt.runner_up,
                face=b"",
                context=b"",
                created_at=received,
                expires_at=attempt.at + keep,
            )
            session.add(evidence)
            session.flush()
            evidence.face = cipher.seal(attempt.face_jpeg, context=_context(evidence, "face"))
            evidence.context = cipher.seal(attempt.context_jpeg, context=_context(evidence, "context"))
    purge_expired_evidence(session=session, now=received)
    session.flush()
    return len(attempts)


def record_terminal_photo(*, session: Session, serial: str, pin: str, at: datetime, staff_id: int | None,
                          photo: bytes, cipher: TemplateCipher, policy: FacePolicy | None = None) -> FaceEvidence:
    """A push terminal's photo of a punch (ATTPHOTO): kept as face evidence, sealed, under the same retention.

    The terminal's one picture is both the face and its context."""
    keep = timedelta(days=(policy or FacePolicy()).evidence_retention_days)
    evidence = FaceEvidence(device_serial=serial, pin=pin, device_time=at, staff_id=staff_id, outcome="punched",
                            reason="terminal_photo", face=b"", context=b"", created_at=utcnow(),
                            expires_at=at + keep)
    session.add(evidence)
    session.flush()
    evidence.face = cipher.seal(photo, context=_context(evidence, "face"))
    evidence.context = cipher.seal(photo, context=_context(evidence, "context"))
    session.add(evidence)
    session.flush()
    return evidence


def purge_expired_evidence(*, session: Session, now: datetime) -> int:
    """Delete evidence past its retention."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        delete(FaceEvidence).where(col(FaceEvidence.expires_at) < now)
    )
    return int(result.rowcount or 0)


def erase_evidence(*, session: Session, staff_id: int) -> int:
    """Delete every evidence image of a person (with the rest of their face data)."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        delete(FaceEvidence).where(col(FaceEvidence.staff_id) == staff_id)
    )
    return int(result.rowcount or 0)


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


def evidence_list(
    *,
    session: Session,
    staff_ids: set[int] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    review_margin: float | None = None,
    limit: int = 100,
) -> list[EvidenceRow]:
    """Evidence rows, newest first; with `review_margin`, only refused, flagged and low-margin decisions."""
    query = (
        select(FaceEvidence, Staff)
        .join(Staff, col(Staff.id) == FaceEvidence.staff_id, isouter=True)
        .order_by(col(FaceEvidence.device_time).desc(), col(FaceEvidence.id).desc())
        .limit(limit)
    )
    if staff_ids is not None:
        query = query.where(col(FaceEvidence.staff_id).in_(staff_ids))
    if start is not None:
        query = query.where(col(FaceEvidence.device_time) >= start)
    if end is not None:
        query = query.where(col(FaceEvidence.device_time) < end)
    if review_margin is not None:
        gap = col(FaceEvidence.runner_up) - col(FaceEvidence.distance)
        query = query.where(or_(col(FaceEvidence.outcome) != "punched", gap < review_margin + LOW_MARGIN_SLACK))
    return [
        EvidenceRow(
            int(e.id or 0),
            e.device_serial,
            e.device_time,
            e.staff_id,
            s.code if s else None,
            s.full_name if s else None,
            e.outcome,
            e.reason,
            e.distance,
            e.runner_up,
        )
        for e, s in session.exec(query)
    ]


def open_evidence(*, session: Session, evidence_id: int, part: str, cipher: TemplateCipher, actor: str) -> bytes:
    """One evidence image (part: face | context), decrypted; the view is audited."""
    evidence = session.get(FaceEvidence, evidence_id)
    if evidence is None or part not in {"face", "context"}:
        raise NotFound(f"no evidence {evidence_id}/{part}")
    data = cipher.open(getattr(evidence, part), context=_context(evidence, part))
    audit.record(
        session=session,
        actor=actor,
        action="faces.evidence_view",
        entity="face_evidence",
        entity_id=evidence_id,
        after={"part": part, "staff_id": evidence.staff_id, "device_time": evidence.device_time.isoformat()},
    )
    session.flush()
    return data


def evidence_staff(*, session: Session, evidence_id: int) -> int | None:
    """Whose evidence this is (for the scope check before opening it)."""
    evidence = session.get(FaceEvidence, evidence_id)
    if evidence is None:
        raise NotFound(f"no evidence {evidence_id}")
    return evidence.staff_id


def _context(evidence: FaceEvidence, part: str) -> str:
    return f"evidence:{evidence.id}:{part}:{evidence.staff_id}"


def set_prompt(*, session: Session, serial: str, staff_id: int | None, challenge: str | None) -> None:
    """Record what the camera asks now (None: nothing); one row per camera, replaced each time."""
    ensure_camera(session=session, serial=serial)
    known = staff_id is not None and session.get(Staff, staff_id) is not None
    row = session.get(CameraPrompt, serial) or CameraPrompt(device_serial=serial, at=utcnow())
    row.staff_id, row.challenge, row.at = (staff_id if known else None), challenge, utcnow()
    session.add(row)
    session.flush()


def current_prompt(*, session: Session, serial: str) -> tuple[str, str | None] | None:
    """(challenge, the person's name) the camera asked for in the last few seconds, if any."""
    row = session.get(CameraPrompt, serial)
    if row is None or row.challenge is None or utcnow() - row.at > PROMPT_FRESH:
        return None
    staff = session.get(Staff, row.staff_id) if row.staff_id else None
    return row.challenge, staff.full_name if staff else None
