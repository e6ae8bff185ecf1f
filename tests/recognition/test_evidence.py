"""Evidence of face decisions: sealed at rest, viewed only with the biometric grant and audited, kept for the
retention period, erased with the person's face data; refused, flagged and low-margin ones listed for review."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from api.main import create_app
from attendance.models import AuditEntry
from config import get_settings
from recognition import enrollment
from recognition.attempts import evidence_list, record_attempts
from recognition.camera.attempts import Attempt
from recognition.camera.evidence import evidence_images
from recognition.crypto import cipher_from_settings
from recognition.engine import FaceBox
from recognition.models import FaceEvidence
from tests.api.helpers import admin_headers
from tests.conftest import FACES
from tests.factories import make_staff

AT = datetime(2026, 11, 25, 0, 31, 5, tzinfo=UTC)


def _frame() -> np.ndarray:
    """A real photo (shared/faces) resized to a 640x480 RGB frame."""
    image = Image.open(FACES / "test/obama/obama-480p.jpg").convert("RGB").resize((640, 480))
    return np.asarray(image)


def _decision(staff_id: int, outcome: str, at: datetime, distance: float = 0.3, runner_up: float = 0.9) -> Attempt:
    face, context = evidence_images(_frame(), FaceBox(100, 400, 400, 200))
    return Attempt(at, staff_id, "4401", distance, runner_up, outcome, "blink", face, context)


def test_evidence_is_sealed_viewed_with_audit_listed_for_review_and_erased(session: Session, faces_root) -> None:
    staff = make_staff(session, full_name="Barack Obama", pin="4401")
    other = make_staff(session, full_name="Joe Biden")
    session.commit()
    policy = get_settings().faces
    decisions = [
        _decision(staff.id or 0, "punched", AT),
        _decision(staff.id or 0, "punched", AT + timedelta(hours=4), distance=0.4, runner_up=0.45),  # low margin
        _decision(other.id or 0, "refused", AT + timedelta(hours=5)),
    ]
    record_attempts(session=session, serial="CAM-EV", attempts=decisions, cipher=cipher_from_settings(), policy=policy)
    session.commit()
    rows = session.exec(select(FaceEvidence).order_by(FaceEvidence.id)).all()
    assert [(r.staff_id, r.outcome) for r in rows] == [
        (staff.id, "punched"),
        (staff.id, "punched"),
        (other.id, "refused"),
    ]
    assert all(b"JFIF" not in r.face and b"JFIF" not in r.context for r in rows)
    assert all(len(r.face) + len(r.context) <= 30_000 for r in rows)
    assert rows[0].expires_at == AT + timedelta(days=policy.evidence_retention_days)
    review = evidence_list(session=session, review_margin=policy.margin)
    assert [(r.staff_id, r.outcome) for r in review] == [(other.id, "refused"), (staff.id, "punched")]

    client = TestClient(create_app())
    url = f"/api/faces/evidence/{rows[0].id}/face.jpg"
    assert client.get(url, headers=admin_headers(session, grants="", username="no.grant")).status_code == 403
    granted = admin_headers(session)
    shown = client.get(url, headers=granted)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(shown.content)).size[0] <= 160
    context = client.get(f"/api/faces/evidence/{rows[0].id}/context.jpg", headers=granted)
    assert Image.open(io.BytesIO(context.content)).size == (320, 240)
    session.expire_all()
    views = session.exec(select(AuditEntry).where(AuditEntry.action == "faces.evidence_view")).all()
    assert [(v.actor, v.entity_id) for v in views][-2:] == [("user:test.admin", str(rows[0].id))] * 2

    enrollment.erase_faces(session=session, staff_id=staff.id or 0, actor="hr", reason="nghỉ việc")
    session.commit()
    left = session.exec(select(FaceEvidence)).all()
    assert [r.staff_id for r in left] == [other.id]


def test_evidence_past_its_retention_is_deleted(session: Session, faces_root) -> None:
    staff = make_staff(session)
    session.commit()
    policy = get_settings().faces.model_copy(update={"evidence_retention_days": 1})
    old = _decision(staff.id or 0, "punched", datetime.now(UTC) - timedelta(days=2))
    record_attempts(session=session, serial="CAM-OLD", attempts=[old], cipher=cipher_from_settings(), policy=policy)
    assert session.exec(select(FaceEvidence)).all() == []  # already expired when it arrived
    fresh = _decision(staff.id or 0, "punched", datetime.now(UTC))
    record_attempts(session=session, serial="CAM-OLD", attempts=[fresh], cipher=cipher_from_settings(), policy=policy)
    assert len(session.exec(select(FaceEvidence)).all()) == 1
