"""The /api/faces routes through the real app and database."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from api.main import create_app
from attendance.models import Device, Punch
from config import get_settings
from tests.api.helpers import admin_headers
from tests.factories import make_staff


@pytest.fixture
def client(session: Session) -> TestClient:
    return TestClient(create_app(), headers=admin_headers(session))


def test_consent_enroll_list_gallery_erase(client: TestClient, session: Session, faces_root: Path) -> None:
    staff = make_staff(session, full_name="Barack Obama")
    session.commit()
    photo = (faces_root / "train/obama/obama2.jpg").read_bytes()
    refused = client.post(f"/api/faces/{staff.id}/photos", files={"photo": ("a.jpg", photo, "image/jpeg")})
    assert refused.status_code == 409  # no consent yet
    given = client.post("/api/faces/consents", json={"staff_id": staff.id, "method": "kiosk"})
    assert given.status_code == 201, given.text
    enrolled = client.post(f"/api/faces/{staff.id}/photos", files={"photo": ("a.jpg", photo, "image/jpeg")})
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["templates"] == 1
    bad = client.post(f"/api/faces/{staff.id}/photos", files={"photo": ("b.jpg", b"hello", "image/jpeg")})
    assert bad.status_code == 422
    assert "WEBP hoặc HEIC" in bad.json()["detail"]
    listed = client.get("/api/faces").json()
    assert [(row["code"], row["templates"]) for row in listed] == [(staff.code, 1)]
    gallery = client.get("/api/faces/gallery").json()
    assert [p["staff_id"] for p in gallery["people"]] == [staff.id]
    again = client.get("/api/faces/gallery", params={"known_version": gallery["version"]}).json()
    assert again["unchanged"] is True
    erased = client.delete(f"/api/faces/{staff.id}", params={"reason": "nghỉ việc"})
    assert erased.json() == {"staff_id": staff.id, "templates": 1, "photos": 0}
    assert client.get("/api/faces/gallery").json()["people"] == []
    assert client.post("/api/faces/consents", json={"staff_id": 999999, "method": "x"}).status_code == 404


def test_a_phone_photo_up_to_the_face_policys_limit_is_not_refused_by_the_body_limit(
    client: TestClient, session: Session, faces_root: Path
) -> None:
    staff = make_staff(session, full_name="Barack Obama")
    session.commit()
    assert client.post("/api/faces/consents", json={"staff_id": staff.id, "method": "kiosk"}).status_code == 201
    image = Image.open(faces_root / "train/obama/obama.jpg").convert("RGB")
    buffer = io.BytesIO()
    image.resize((image.width * 4, image.height * 4)).save(buffer, format="JPEG", quality=97)
    photo = buffer.getvalue()
    assert 1_000_000 < len(photo) < get_settings().faces.max_upload_bytes  # over the generic 1 MB body limit
    enrolled = client.post(f"/api/faces/{staff.id}/photos", files={"photo": ("big.jpg", photo, "image/jpeg")})
    assert enrolled.status_code == 201, enrolled.text
    too_big = photo + b"\0" * get_settings().faces.max_upload_bytes
    refused = client.post(f"/api/faces/{staff.id}/photos", files={"photo": ("huge.jpg", too_big, "image/jpeg")})
    assert refused.status_code == 413


def test_camera_punches_are_idempotent_and_heartbeat_records_health(client: TestClient, session: Session) -> None:
    staff = make_staff(session)
    session.commit()
    moment = datetime(2026, 11, 25, 0, 31, 5, tzinfo=UTC).isoformat()
    body = {"punches": [{"pin": staff.pin, "staff_id": staff.id, "device_time": moment}]}
    first = client.post("/api/faces/cameras/CAM-01/punches", json=body).json()
    second = client.post("/api/faces/cameras/CAM-01/punches", json=body).json()
    assert (first["stored"], second["stored"], second["duplicates"]) == (1, 0, 1)
    naive = {"punches": [{"pin": staff.pin, "device_time": "2026-11-25T07:31:05"}]}
    assert client.post("/api/faces/cameras/CAM-01/punches", json=naive).status_code == 422
    beat = client.post("/api/faces/cameras/CAM-01/heartbeat", json={"frames": 10, "delivered": 1, "gallery_people": 3})
    assert beat.status_code == 200
    session.expire_all()
    punch = session.exec(select(Punch)).one()
    assert (punch.source, punch.staff_id, punch.device_serial) == ("camera", staff.id, "CAM-01")
    device = session.exec(select(Device).where(Device.serial == "CAM-01")).one()
    assert device.kind == "camera" and device.last_success_at is not None and device.user_count == 3
