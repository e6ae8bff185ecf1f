"""One body limit per route: phone photos up to the face policy's limit, terminal backlogs up to 16 MiB."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from config import get_settings
from tests.api.conftest import Office
from tests.api.helpers import admin_headers


def test_a_phone_photo_is_judged_by_the_face_policy_not_cut_at_one_megabyte(
        client: TestClient, office: Office, session: Session) -> None:
    from recognition import enrollment

    headers = admin_headers(session)
    enrollment.record_consent(session=session, staff_id=office.clerk.id or 0, actor="hr", method="paper")
    session.commit()
    limit = get_settings().faces.max_upload_bytes
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * 3_000_000  # 3 MB, as phones take them (not a real JPEG)
    reply = client.post(f"/api/faces/{office.clerk.id}/photos", headers=headers,
                        files={"photo": ("phone.jpg", photo, "image/jpeg")})
    assert reply.status_code != 413 and reply.status_code == 422, reply.text  # refused for what it is
    too_big = client.post(f"/api/faces/{office.clerk.id}/photos", headers=headers,
                          files={"photo": ("huge.jpg", b"\x00" * (limit + 200_000), "image/jpeg")})
    assert too_big.status_code == 413


def test_other_routes_keep_the_ordinary_limit(client: TestClient, office: Office) -> None:
    reply = client.post("/api/units", headers=office.headers["admin"], content=b"{" + b" " * 1_100_000 + b"}")
    assert reply.status_code == 413
