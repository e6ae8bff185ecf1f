"""Refused and flagged face attempts on the faces and devices pages (only with the biometric grant)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session

from recognition.attempts import record_attempts
from recognition.camera.attempts import Attempt
from tests.pages.conftest import PASSWORD, add_user, seed_office


def test_attempts_are_listed_with_whom_they_resembled_and_why(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "sinhtrac", "admin", grants="biometrics.manage")
    add_user(session, "thietbi", "admin")
    at = datetime(2026, 11, 25, 0, 31, 5, tzinfo=UTC)
    record_attempts(
        session=session,
        serial="CAM-CUA",
        attempts=[
            Attempt(at, office.late.id, office.late.pin, 0.31, 0.9, "refused", "flat"),
            Attempt(at.replace(minute=40), office.missing.id, office.missing.pin, 0.42, 0.8, "flagged", "pending"),
        ],
    )
    session.commit()
    assert client.post("/login", data={"username": "sinhtrac", "password": PASSWORD}).status_code == 303
    faces = client.get("/faces")
    assert faces.status_code == 200
    assert "Nguyễn Văn An" in faces.text and "chuyển động như ảnh phẳng" in faces.text and "bị từ chối" in faces.text
    assert "Trần Thị Bình" in faces.text and "gắn cờ" in faces.text and "07:31:05" in faces.text
    devices = client.get("/devices?lang=en")
    assert devices.status_code == 200 and "CAM-CUA" in devices.text
    assert "moved like a flat picture" in devices.text and "Nguyễn Văn An" in devices.text
    client.cookies.clear()
    assert client.post("/login", data={"username": "thietbi", "password": PASSWORD}).status_code == 303
    without_grant = client.get("/devices")
    assert without_grant.status_code == 200 and "CAM-CUA" in without_grant.text
    assert "Nguyễn Văn An" not in without_grant.text  # whom a face resembled needs the biometric grant


def test_a_persons_month_shows_the_evidence_of_face_punches_only_with_the_grant(
    client: TestClient, session: Session, faces_dir
) -> None:
    import numpy as np
    from PIL import Image

    from config import get_settings
    from recognition.camera.evidence import evidence_images
    from recognition.crypto import cipher_from_settings
    from recognition.engine import FaceBox

    office = seed_office(session)
    add_user(session, "sinhtrac", "admin", grants="biometrics.manage")
    add_user(session, "nhansu", "admin")
    frame = np.asarray(Image.open(faces_dir / "test/obama/obama-480p.jpg").convert("RGB").resize((640, 480)))
    face, context = evidence_images(frame, FaceBox(100, 400, 400, 200))
    at = datetime(2026, 11, 18, 0, 25, tzinfo=UTC)
    record_attempts(
        session=session,
        serial="CAM-CUA",
        cipher=cipher_from_settings(),
        policy=get_settings().faces,
        attempts=[Attempt(at, office.late.id, office.late.pin, 0.3, 0.9, "punched", "blink", face, context)],
    )
    session.commit()
    url = f"/people/{office.late.id}/month?year=2026&month=11"
    assert client.post("/login", data={"username": "sinhtrac", "password": PASSWORD}).status_code == 303
    page = client.get(url)
    assert page.status_code == 200 and 'id="evidence"' in page.text and "18/11/2026 07:25:00" in page.text
    image_path = "/api/faces/evidence/" + page.text.split('src="/api/faces/evidence/')[1].split('"')[0]
    image = client.get(image_path)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    client.cookies.clear()
    assert client.post("/login", data={"username": "nhansu", "password": PASSWORD}).status_code == 303
    assert 'id="evidence"' not in client.get(url).text


def test_the_calibration_panel_shows_rates_plot_and_close_pairs(client: TestClient, session: Session) -> None:
    import numpy as np

    from recognition.crypto import cipher_from_settings
    from recognition.enrollment import record_consent
    from recognition.models import FaceTemplate
    from tests.factories import make_staff

    add_user(session, "sinhtrac", "admin", grants="biometrics.manage")
    session.commit()
    assert client.post("/login", data={"username": "sinhtrac", "password": PASSWORD}).status_code == 303
    assert 'id="calibration-empty"' in client.get("/faces/calibration").text
    rng = np.random.default_rng(3)
    centre = rng.normal(0, 0.09, 128)
    cipher = cipher_from_settings()
    for index, offset in enumerate((0.0, 0.004, 0.5)):  # the first two are nearly the same face
        staff = make_staff(session, code=f"CAL-{index}")
        consent = record_consent(session=session, staff_id=staff.id, actor="test", method="signed_form")
        for _ in range(2):
            encoding = (centre + offset + rng.normal(0, 0.02, 128)).astype(np.float32)
            session.add(
                FaceTemplate(
                    staff_id=staff.id,
                    consent_id=consent.id,
                    model="dlib_resnet_v1",
                    encoding=cipher.seal_encoding(encoding, staff_id=staff.id),
                    created_at=datetime.now(UTC),
                    created_by="test",
                )
            )
    session.commit()
    page = client.get("/faces/calibration?lang=en")
    assert page.status_code == 200 and "3 people, 6 templates." in page.text
    assert "CAL-0 · CAL-1" in page.text  # too alike, named
    plot = client.get("/faces/calibration.png")
    assert plot.status_code == 200 and plot.content[:4] == b"\x89PNG"


def test_the_kiosk_shows_what_its_camera_asks_while_it_asks(client: TestClient, session: Session) -> None:
    from datetime import timedelta

    from recognition.models import CameraPrompt
    from tests.api.helpers import device_token

    office = seed_office(session)
    add_user(session, "cua", "admin")
    token = device_token(session)
    session.commit()
    asked = client.post(
        "/api/faces/cameras/CAM-CUA/prompt",
        json={"staff_id": office.late.id, "challenge": "blink"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert asked.status_code == 200, asked.text
    assert client.post("/login", data={"username": "cua", "password": PASSWORD}).status_code == 303
    assert 'data-device="CAM-CUA"' in client.get("/kiosk?device=CAM-CUA").text
    shown = client.get("/kiosk/prompt", params={"device": "CAM-CUA"}).json()
    assert shown == {"challenge": "blink", "text": "Hãy chớp mắt", "name": "Nguyễn Văn An"}
    english = client.get("/kiosk/prompt", params={"device": "CAM-CUA", "lang": "en"}).json()
    assert english["text"] == "Please blink"
    row = session.get(CameraPrompt, "CAM-CUA")
    row.at -= timedelta(seconds=30)  # the camera stopped asking long ago
    session.add(row)
    session.commit()
    assert client.get("/kiosk/prompt", params={"device": "CAM-CUA"}).json() == {}
