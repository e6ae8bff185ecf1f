"""Recording that a person has left erases their face templates (DOMAIN.md R13)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import func, select

from config import get_settings
from recognition import enrollment
from recognition.crypto import cipher_from_settings
from recognition.engine import get_engine
from recognition.models import FaceTemplate
from tests.api.helpers import admin_headers
from tests.factories import make_staff


def test_leaving_erases_face_templates(client: TestClient, session, faces_dir) -> None:
    staff = make_staff(session, full_name="Barack Obama")
    enrollment.record_consent(session=session, staff_id=staff.id, actor="hr", method="văn bản")
    enrollment.enroll_photo(session=session, staff_id=staff.id, actor="hr",
                            data=(faces_dir / "train" / "obama" / "obama.jpg").read_bytes(),
                            engine=get_engine(), policy=get_settings().faces, cipher=cipher_from_settings())
    session.commit()
    count = select(func.count()).select_from(FaceTemplate).where(FaceTemplate.staff_id == staff.id)
    assert session.exec(count).one() == 1
    headers = admin_headers(session)
    answer = client.post(f"/api/staff/{staff.id}/leave", headers=headers,
                         json={"last_day": (date.today() - timedelta(days=1)).isoformat()})
    assert answer.status_code == 200, answer.text
    session.expire_all()
    assert session.exec(count).one() == 0


def test_leaving_erases_fingerprint_templates(client: TestClient, session) -> None:
    from devices.fingerprints import store
    from devices.fingerprints.models import FingerprintTemplate

    staff = make_staff(session, full_name="Nguyễn Văn Vân", pin="7788")
    consent = store.record_consent(session=session, staff_id=staff.id, actor="hr", method="văn bản")
    store.store(session=session, row=None, staff_id=staff.id, finger=store.Finger("7788", 3, b"tmpl" * 50),
                consent_id=consent.id, device_id=None, seal=store.sealer())
    session.commit()
    count = select(func.count()).select_from(FingerprintTemplate).where(FingerprintTemplate.staff_id == staff.id)
    assert session.exec(count).one() == 1
    answer = client.post(f"/api/staff/{staff.id}/leave", headers=admin_headers(session),
                         json={"last_day": (date.today() - timedelta(days=1)).isoformat()})
    assert answer.status_code == 200, answer.text
    session.expire_all()
    assert session.exec(count).one() == 0
