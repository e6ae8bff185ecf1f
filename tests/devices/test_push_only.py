"""Terminals that only push: verify modes kept and shown in Vietnamese, ATTPHOTO kept sealed as evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from attendance.models import DeviceKind, Punch
from config import get_settings
from devices.service import add_device
from recognition.crypto import cipher_from_settings
from recognition.models import FaceEvidence
from tests.pages.conftest import DAY, PASSWORD, add_user, seed_office

SN = "SPEEDFACE01"
PHOTO = b"\xff\xd8\xff\xe0JFIF" + bytes(range(256)) * 8 + b"\xff\xd9"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def office(session):
    office = seed_office(session)
    add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=office.root.id)
    add_user(session, "nhansu.push", "personnel", unit=office.root, grants="biometrics.manage")
    session.commit()
    return office


def test_verify_modes_are_kept_on_each_punch_and_shown_in_vietnamese(client, session, office) -> None:
    pin = office.missing.pin
    day = DAY.isoformat()
    body = "".join(f"{pin}\t{day} {t}\t0\t{verify}\t0\t0\n" for t, verify in (
        ("06:01:00", 15), ("06:02:00", 25), ("06:03:00", 1), ("06:04:00", 2), ("06:05:00", 0), ("06:06:00", 99)))
    reply = client.post(f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=1", content=body)
    assert reply.text.startswith("OK: 6"), reply.text
    stored = session.exec(select(Punch.verify).where(Punch.device_serial == SN).order_by(Punch.device_time)).all()
    assert stored == [15, 25, 1, 2, 0, 99]
    assert client.post("/login", data={"username": "nhansu.push", "password": PASSWORD}).status_code == 303
    page = client.get(f"/people/{office.missing.id}/month?year={DAY.year}&month={DAY.month}").text
    for label in ("khuôn mặt", "lòng bàn tay", "vân tay", "thẻ", "mật khẩu", "khác (99)"):
        assert f'<small class="verify">{label}</small>' in page, label
    english = client.get(f"/people/{office.missing.id}/month?year={DAY.year}&month={DAY.month}&lang=en").text
    assert '<small class="verify">palm</small>' in english and '<small class="verify">face</small>' in english


def test_attphoto_is_kept_sealed_as_the_punchs_evidence(client, session, office) -> None:
    pin = office.missing.pin
    stamp = DAY.strftime("%Y%m%d") + "073012"
    head = f"PIN={stamp}-{pin}.jpg\nSN={SN}\nsize={len(PHOTO)}\nCMD=uploadphoto".encode()
    reply = client.post(f"/iclock/cdata?SN={SN}&table=ATTPHOTO&Stamp=5", content=head + b"\x00" + PHOTO)
    assert reply.status_code == 200 and reply.text.startswith("OK"), reply.text
    evidence = session.exec(select(FaceEvidence).where(FaceEvidence.device_serial == SN)).one()
    assert (evidence.pin, evidence.staff_id, evidence.outcome) == (pin, office.missing.id, "punched")
    local = evidence.device_time.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.date(), local.strftime("%H:%M:%S")) == (DAY, "07:30:12")
    assert PHOTO[16:64] not in evidence.face and PHOTO[16:64] not in evidence.context
    retention = timedelta(days=get_settings().faces.evidence_retention_days)
    assert evidence.expires_at - evidence.device_time == retention
    # Shown only with the biometric grant, through the same evidence route as the camera's frames.
    assert client.post("/login", data={"username": "nhansu.push", "password": PASSWORD}).status_code == 303
    image = client.get(f"/api/faces/evidence/{evidence.id}/face.jpg")
    assert image.status_code == 200 and image.content == PHOTO
    assert cipher_from_settings().open(evidence.face, context=f"evidence:{evidence.id}:face:{office.missing.id}") \
        == PHOTO
    bad = client.post(f"/iclock/cdata?SN={SN}&table=ATTPHOTO", content=b"PIN=not-a-name\nCMD=uploadphoto\x00xx")
    assert bad.status_code == 200 and bad.text.startswith("ERROR")
