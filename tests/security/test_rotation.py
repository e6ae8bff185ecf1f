"""`attendance secret rotate`: templates re-encrypted, every session logged out, the new key kept."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.auth import two_factor
from api.auth.models import AuthSession, User
from api.cli.main import app as cli
from attendance import request_files
from attendance.leave import file_request
from attendance.models import AuditEntry
from attendance.timeutil import utcnow
from config import Settings, get_settings
from config.secret import secret_path
from recognition.camera.device_key import CameraKey
from recognition.camera.outbox import OutboxPunch
from recognition.camera.stores import open_camera_stores
from recognition.crypto import TemplateCipher
from recognition.models import FaceConsent, FaceTemplate
from tests.api.conftest import Office
from tests.security.test_secret import default_install  # noqa: F401


def test_rotation_reencrypts_templates_and_ends_every_session(default_install, client: TestClient,  # noqa: F811
                                                              office: Office, session: Session) -> None:
    old_key = get_settings().secret_key
    consent = FaceConsent(staff_id=office.clerk.id, method="văn bản", recorded_by="test", given_at=utcnow())
    session.add(consent)
    session.flush()
    encoding = np.arange(128, dtype=np.float32) / 128
    session.add(FaceTemplate(staff_id=office.clerk.id, consent_id=consent.id, model="dlib", created_by="test",
                             encoding=TemplateCipher(old_key).seal_encoding(encoding, staff_id=office.clerk.id),
                             created_at=utcnow()))
    seed = two_factor.start_enrolment(session=session, user=office.users["head"]).secret
    filed = file_request(session=session, staff=office.clerk, type="explanation", kind=None,
                         start_date=date(2027, 3, 17), reason="Đi họp theo giấy mời", actor="user:staff")
    document = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    kept = request_files.attach(session=session, request=filed, filename="giay-moi.pdf", data=document,
                                actor="user:staff", sealer=request_files.sealer(secret_key=old_key),
                                max_bytes=10_000, max_count=5)
    session.commit()
    # An in-process camera's stores: sealed with its own key, so rotating the service's leaves them readable.
    camera_folder = default_install / "camera" / "CAM-IN"
    stores = open_camera_stores(camera_folder, CameraKey.for_camera(folder=camera_folder, token=None))
    stores.outbox.add(OutboxPunch("CAM-IN", "4401", office.clerk.id, utcnow()))
    stores.close()
    before = client.get("/api/auth/me", headers=office.headers["head"])
    assert before.status_code == 200

    result = CliRunner().invoke(cli, ["secret", "rotate"])
    assert result.exit_code == 0, result.output

    new_key = Settings().secret_key
    assert new_key != old_key and secret_path(default_install).read_text().strip() == new_key
    session.expire_all()
    template = session.exec(select(FaceTemplate)).one()
    opened = TemplateCipher(new_key).open_encoding(template.encoding, staff_id=office.clerk.id)
    assert np.allclose(opened, encoding)
    _, reopened_document = request_files.open_attachment(session=session, request=filed, attachment_id=kept.id or 0,
                                                         actor="test", sealer=request_files.sealer(secret_key=new_key))
    assert reopened_document == document  # a filed document still opens under the new key
    get_settings.cache_clear()
    assert client.get("/api/auth/me", headers=office.headers["head"]).status_code == 401
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "secret.rotate")).one()
    assert all(row.ended_at is not None for row in session.exec(select(AuthSession)))
    reopened = open_camera_stores(camera_folder, CameraKey.for_camera(folder=camera_folder, token=None))
    assert [p.pin for p in reopened.outbox.pending()] == ["4401"]
    reopened.close()
    head = session.get(User, office.users["head"].id)
    assert head is not None and (two_factor.pending_enrolment(head) or pytest.fail("no seed")).secret == seed
