"""The camera outbox never blocks; a camera token speaks only for its own camera; every enrolled
person can be punched for. Real HTTP to the running app, real face_recognition on the real photos."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from attendance.models import Device, Punch
from config.settings import FacePolicy
from recognition import enrollment
from recognition.camera.device_key import CameraKey
from recognition.camera.outbox import Outbox, OutboxPunch
from recognition.camera.service import CameraService
from recognition.camera.sinks import HttpSink
from recognition.crypto import cipher_from_settings
from recognition.engine import FaceEngine
from tests.api.helpers import device_token
from tests.factories import make_staff
from tests.live_server import running_app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_app("camera-uvicorn") as url:
        yield url


def test_a_punch_the_server_refuses_for_good_is_set_aside_and_the_rest_flow(
        session: Session, base_url: str, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path) -> None:
    first, second = make_staff(session, pin="11"), make_staff(session, pin="12")
    session.commit()
    outbox = Outbox(tmp_path / "outbox.sqlite3", key=CameraKey.ephemeral())
    moment = datetime(2026, 12, 2, 0, 25, tzinfo=UTC)
    outbox.add(OutboxPunch("CAM-DOOR", "11", first.id, moment))
    # Queued by an older camera version for a person with no PIN and a 29-character code: the server
    # refuses the whole request (422, PIN at most 24 characters), every time.
    outbox.add(OutboxPunch("CAM-DOOR", "X" * 29, None, moment))
    outbox.add(OutboxPunch("CAM-DOOR", "12", second.id, moment))
    service = CameraService(serial="CAM-DOOR", engine=face_engine, outbox=outbox, policy=face_policy,
                            sink=HttpSink(base_url, token=device_token(session), timeout=5))
    assert service.flush(force=True) == 2
    assert outbox.counts() == (0, 2)
    [(dead, reason)] = outbox.dead_letters()
    assert dead.pin == "X" * 29 and "422" in reason
    session.expire_all()
    assert {p.staff_id for p in session.exec(select(Punch))} == {first.id, second.id}
    service.heartbeat()
    session.expire_all()
    camera = session.exec(select(Device).where(Device.serial == "CAM-DOOR")).one()
    assert "1 lượt chấm công bị máy chủ từ chối" in (camera.last_error or "")
    assert service.flush(force=True) == 0  # set aside, not retried for ever


def test_a_camera_token_touches_only_its_own_camera(session: Session, base_url: str) -> None:
    token = device_token(session)
    headers = {"Authorization": f"Bearer {token}"}
    beat = {"frames": 1}
    with httpx.Client(base_url=base_url, headers=headers, timeout=5) as http:
        assert http.post("/api/faces/cameras/CAM-A/heartbeat", json=beat).status_code == 200
        assert http.post("/api/faces/cameras/CAM-B/heartbeat", json=beat).status_code == 403
        assert http.post("/api/faces/cameras/cam-a/heartbeat", json=beat).status_code == 200  # the same camera
        other = {"Authorization": f"Bearer {device_token(session)}"}
        assert http.post("/api/faces/cameras/CAM-A/heartbeat", json=beat, headers=other).status_code == 403
        for serial in ("%20", "X" * 3000, "a%09b", "-lead"):
            reply = http.post(f"/api/faces/cameras/{serial}/heartbeat", json=beat,
                              headers={"Authorization": f"Bearer {device_token(session)}"})
            assert reply.status_code in (404, 422), (serial, reply.status_code)
    session.expire_all()
    assert session.exec(select(Device.serial)).all() == ["CAM-A"]


def test_a_person_without_a_pin_can_be_punched_for_by_the_camera(
        session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    person = make_staff(session, code="UBND-TANPHU-VANPHONG-00000042", full_name="Barack Obama", pin="")
    assert person.pin is None and len(person.code) == 29
    enrollment.record_consent(session=session, staff_id=person.id or 0, actor="hr", method="kiosk")
    enrollment.enroll_photo(session=session, staff_id=person.id or 0, actor="hr", engine=face_engine,
                            policy=face_policy, data=(faces_root / "train/obama/obama.jpg").read_bytes(),
                            cipher=cipher_from_settings())
    session.commit()
    gallery = enrollment.export_gallery(session=session, cipher=cipher_from_settings(), actor="test")
    assert gallery is not None
    [entry] = gallery.people
    assert entry.pin == f"staff-{person.id}" and len(entry.pin) <= 24


def test_a_clear_outbox_is_sealed_at_start_and_delivered_exactly_once_across_restarts(
        session: Session, base_url: str, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path) -> None:
    staff = make_staff(session, pin="31")
    session.commit()
    token = device_token(session)
    path = tmp_path / "outbox.sqlite3"
    moment = datetime(2026, 12, 2, 0, 26, 9, tzinfo=UTC)
    clear = sqlite3.connect(path)  # what the previous version left: one punch waiting, in clear
    clear.executescript("CREATE TABLE outbox (id INTEGER PRIMARY KEY, device_serial TEXT NOT NULL, pin TEXT NOT"
                        " NULL, staff_id INTEGER, device_time TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL,"
                        " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, delivered_at TEXT)")
    clear.execute("INSERT INTO outbox (device_serial, pin, staff_id, device_time, note, created_at)"
                  " VALUES ('CAM-SEAL', '31', ?, ?, 'camera', ?)", (staff.id, moment.isoformat(), moment.isoformat()))
    clear.commit()
    clear.close()
    key = CameraKey.for_camera(folder=tmp_path, token=token)

    def camera(server: str) -> CameraService:
        return CameraService(serial="CAM-SEAL", engine=face_engine, outbox=Outbox(path, key=key),
                             policy=face_policy, sink=HttpSink(server, token=token, timeout=5))

    down = camera("http://127.0.0.1:9")  # started while the server is away: sealed, kept
    assert down.flush(force=True) == 0 and down.outbox.counts() == (1, 0)
    down.outbox.close()
    with sqlite3.connect(path) as sealed:  # converted: no column holds the PIN any more
        assert "pin" not in {row[1] for row in sealed.execute("PRAGMA table_info(outbox)")}
    up = camera(base_url)  # restarted, the server back
    assert up.flush(force=True) == 1
    up.outbox.close()
    again = camera(base_url)  # restarted once more: nothing left to send
    assert again.flush(force=True) == 0 and again.outbox.counts() == (0, 1)
    again.outbox.close()
    session.expire_all()
    assert [(p.staff_id, p.punched_at) for p in session.exec(select(Punch).where(Punch.device_serial == "CAM-SEAL"))] \
        == [(staff.id, moment)]
