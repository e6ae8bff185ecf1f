"""The camera loop on a clip written from the stills, and the outbox across a server outage."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
import uvicorn
from sqlmodel import Session, select

from api.main import create_app
from attendance.models import Device, Punch
from config.settings import FacePolicy
from recognition import enrollment
from recognition.camera.attempts import Attempt
from recognition.camera.capture import FrameSource
from recognition.camera.device_key import CameraKey
from recognition.camera.gallery_cache import GalleryCache
from recognition.camera.liveness import LivenessVerdict
from recognition.camera.outbox import Outbox, OutboxPunch
from recognition.camera.service import CameraService
from recognition.camera.sinks import HttpSink, LocalSink
from recognition.camera.snapshots import SnapshotFolder
from recognition.crypto import TemplateCipher, cipher_from_settings
from recognition.engine import FaceBox, FaceEngine
from recognition.gallery import Gallery
from recognition.models import CameraPrompt, FaceAttempt, FaceEvidence
from tests.api.helpers import admin_headers, device_token
from tests.factories import make_staff
from tests.recognition.liveness_sequences import hand_held

FPS = 5
CAMERA_KEY = CameraKey("dev_" + "k" * 43, origin="device-token")
SIZE = (640, 480)


def _framed(path: Path) -> np.ndarray:
    """The photo letterboxed into a 640x480 BGR frame, as a door camera would see it."""
    image = cv2.imread(str(path))
    scale = min(SIZE[0] / image.shape[1], SIZE[1] / image.shape[0])
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((SIZE[1], SIZE[0], 3), 40, np.uint8)
    top, left = (SIZE[1] - resized.shape[0]) // 2, (SIZE[0] - resized.shape[1]) // 2
    frame[top : top + resized.shape[0], left : left + resized.shape[1]] = resized
    return frame


@pytest.fixture(scope="module")
def clip(faces_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 s of empty corridor, 2 s of obama, 2 s of a stranger, at 5 frames per second."""
    path = tmp_path_factory.mktemp("clip") / "door.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, SIZE)
    empty = np.full((SIZE[1], SIZE[0], 3), 40, np.uint8)
    for frame in (
        empty,
        _framed(faces_root / "test/obama/obama1.jpg"),
        _framed(faces_root / "test/_unknown/lin-manuel-miranda.png"),
    ):
        for _ in range(2 * FPS):
            writer.write(frame)
    writer.release()
    return path


class _Clock:
    """The clip's own time: one frame every 1/FPS seconds."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1 / FPS)
        return self.now


def _enroll_obama(session: Session, faces_root: Path, engine: FaceEngine, policy: FacePolicy) -> int:
    obama = make_staff(session, full_name="Barack Obama", pin="4401")
    enrollment.record_consent(session=session, staff_id=obama.id or 0, actor="hr", method="kiosk")
    for name in ("obama.jpg", "obama2.jpg"):
        enrollment.enroll_photo(
            session=session,
            staff_id=obama.id or 0,
            actor="hr",
            engine=engine,
            policy=policy,
            data=(faces_root / "train/obama" / name).read_bytes(),
            cipher=cipher_from_settings(),
        )
    make_staff(session, full_name="Joe Biden")
    session.commit()
    return obama.id or 0


def test_clip_punches_obama_once_and_never_the_stranger(
    session: Session, faces_root: Path, clip: Path, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path
) -> None:
    obama_id = _enroll_obama(session, faces_root, face_engine, face_policy)
    # The clip is made of still photos, which the liveness gate rightly refuses: this test is the pipeline's.
    policy = face_policy.model_copy(update={"unknown_snapshot_limit": 3, "liveness": "off"})
    outbox = Outbox(tmp_path / "outbox.sqlite3", key=CAMERA_KEY)
    cache = GalleryCache(tmp_path / "gallery.bin", TemplateCipher("camera key", purpose="camera-gallery"))
    service = CameraService(
        serial="CAM-DOOR",
        engine=face_engine,
        sink=LocalSink(cipher_from_settings()),
        outbox=outbox,
        policy=policy,
        gallery_cache=cache,
        snapshots=SnapshotFolder(tmp_path / "unknown", CAMERA_KEY),
        clock=_Clock(),
    )
    source = FrameSource(str(clip))
    stats = service.run(source.frames())
    source.close()
    assert stats.frames == 6 * FPS
    assert stats.punches_queued == 1 and stats.delivered == 1
    assert stats.unknown_events == 1
    [snapshot] = service.snapshots.names() if service.snapshots else []
    assert service.snapshots and service.snapshots.read(snapshot)[:2] == b"\xff\xd8"  # a JPEG, sealed on disk
    assert not list((tmp_path / "unknown").glob("*.jpg"))
    session.expire_all()
    punches = session.exec(select(Punch)).all()
    assert [(p.staff_id, p.pin, p.source, p.device_serial) for p in punches] == [
        (obama_id, "4401", "camera", "CAM-DOOR")
    ]
    assert outbox.counts() == (0, 1)
    cached = cache.load()  # the camera can start without the server next time
    assert cached is not None and [p.staff_id for p in cached.people] == [obama_id]
    assert b"Obama" not in cache.path.read_bytes()


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def start_server(free_port: int) -> Iterator[Callable[[], None]]:
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def _start() -> None:
        server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=free_port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        servers.append((server, thread))

    yield _start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


def test_outbox_waits_for_the_server_and_delivers_once(
    session: Session, free_port: int, start_server, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path
) -> None:
    staff = make_staff(session)
    session.commit()
    outbox = Outbox(tmp_path / "outbox.sqlite3", key=CAMERA_KEY)
    clock = _Clock()
    service = CameraService(
        serial="CAM-GATE",
        engine=face_engine,
        sink=HttpSink(f"http://127.0.0.1:{free_port}", token=device_token(session), timeout=2),
        outbox=outbox,
        policy=face_policy,
        clock=clock,
    )
    moment = datetime(2026, 11, 25, 0, 31, 7, tzinfo=UTC)
    assert outbox.add(OutboxPunch("CAM-GATE", staff.pin or "", staff.id, moment))
    assert not outbox.add(OutboxPunch("CAM-GATE", staff.pin or "", staff.id, moment))  # queued once

    assert service.flush(force=True) == 0  # server down: nothing lost
    assert outbox.counts() == (1, 0) and service.stats.delivery_failures == 1
    assert session.exec(select(Punch)).all() == []

    start_server()
    assert service.flush() == 0  # still backing off
    clock.now += timedelta(seconds=5)
    assert service.flush() == 1
    assert outbox.counts() == (0, 1)
    # the acknowledgement was lost: the camera sends again, the ledger keeps one
    outbox._db.execute("UPDATE outbox SET delivered_at = NULL")
    assert service.flush(force=True) == 1
    session.expire_all()
    punches = session.exec(select(Punch)).all()
    assert [(p.staff_id, p.source, p.device_serial, p.punched_at) for p in punches] == [
        (staff.id, "camera", "CAM-GATE", moment)
    ]


def test_gallery_sync_and_heartbeat_over_http(
    session: Session,
    free_port: int,
    start_server: Callable[[], None],
    faces_root: Path,
    face_engine: FaceEngine,
    face_policy: FacePolicy,
    tmp_path: Path,
) -> None:
    obama_id = _enroll_obama(session, faces_root, face_engine, face_policy)
    sink = HttpSink(f"http://127.0.0.1:{free_port}", token=device_token(session), timeout=2)
    cache = GalleryCache(tmp_path / "gallery.bin", TemplateCipher("camera key", purpose="camera-gallery"))
    service = CameraService(
        serial="CAM-SYNC",
        engine=face_engine,
        sink=sink,
        outbox=Outbox(tmp_path / "o.sqlite3", key=CAMERA_KEY),
        policy=face_policy,
        gallery_cache=cache,
    )
    service.start()  # server down: the camera starts with what it has (nothing yet)
    assert len(service.matcher.gallery) == 0 and service.stats.last_error
    start_server()
    assert service.sync_gallery()
    assert [p.staff_id for p in service.matcher.gallery.people] == [obama_id]
    assert len(service.matcher.gallery.encodings) == 2
    assert not service.sync_gallery()  # unchanged: nothing sent again
    service.heartbeat()
    assert service.stats.last_error is None, service.stats.last_error
    device = _eventually(session, select(Device).where(Device.serial == "CAM-SYNC"))
    assert device.kind == "camera" and device.user_count == 1 and device.last_contact_at is not None
    refused = Attempt(datetime(2026, 11, 25, 0, 31, tzinfo=UTC), obama_id, "4401", 0.31, 0.8, "refused", "flat")
    service.attempts.add(refused)
    service.flush(force=True)
    assert len(service.attempts) == 0  # the server has it
    stored = _eventually(session, select(FaceAttempt).where(FaceAttempt.device_serial == "CAM-SYNC"))
    assert (stored.staff_id, stored.outcome, stored.reason, stored.at) == (obama_id, "refused", "flat", refused.at)
    listed = httpx.get(
        f"http://127.0.0.1:{free_port}/api/faces/attempts", headers=admin_headers(session), params={"serial": "CAM-SYNC"}
    )
    assert listed.status_code == 200 and [(a["staff_id"], a["reason"]) for a in listed.json()] == [(obama_id, "flat")]
    restarted = CameraService(
        serial="CAM-SYNC",
        engine=face_engine,
        sink=sink,
        outbox=Outbox(tmp_path / "p.sqlite3", key=CAMERA_KEY),
        policy=face_policy,
        gallery_cache=cache,
    )
    restarted.matcher = restarted._matcher(cache.load() or restarted.matcher.gallery)
    assert restarted.matcher.gallery.version == service.matcher.gallery.version


def _eventually(session: Session, query):  # type: ignore[no-untyped-def]
    """The row as the server left it (polls briefly, in case the commit trails the answer)."""
    deadline = time.monotonic() + 5
    while True:
        session.rollback()
        row = session.exec(query).first()
        if row is not None or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


class _RefuseAll:
    """A liveness gate that takes every face for a photo held up to the camera."""

    def __init__(self) -> None:
        self.checked: list[int] = []

    def check(
        self,
        *,
        frame_rgb: np.ndarray,
        box: FaceBox,
        staff_id: int,
        landmarks: np.ndarray | None = None,
        at: datetime | None = None,
    ) -> LivenessVerdict:
        self.checked.append(staff_id)
        assert landmarks is not None and landmarks.shape == (68, 2)
        return LivenessVerdict(False, "printed photo", "flat")


@pytest.mark.db_independent
def test_liveness_gate_sits_between_match_and_punch(
    faces_root: Path, train_gallery: Gallery, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path
) -> None:
    frame = _framed(faces_root / "test/obama/obama1.jpg")
    at = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
    results = {}
    for name, gate, policy in (
        ("refused", _RefuseAll(), face_policy),
        ("off", None, face_policy.model_copy(update={"liveness": "off"})),
    ):
        service = CameraService(
            serial="CAM-LIVE",
            engine=face_engine,
            sink=LocalSink(cipher_from_settings()),
            outbox=Outbox(tmp_path / f"{name}.sqlite3", key=CAMERA_KEY),
            policy=policy,
            liveness=gate,
        )
        service.matcher = service._matcher(train_gallery)
        punched = [service.process_frame(frame, at).punched for _ in range(face_policy.camera_k)]
        results[name] = (punched, service.outbox.counts())
    obama = next(p.staff_id for p in train_gallery.people if p.code == "obama")
    assert results["refused"] == ([[]] * face_policy.camera_k, (0, 0))
    assert results["off"][0][-1] == [obama] and results["off"][1] == (1, 0)


def _photo_held_up(faces_root: Path, seconds: int) -> list[np.ndarray]:
    """obama1.jpg held up to the door camera by a hand that moves and tilts it, at FPS frames a second."""
    rng = np.random.default_rng(11)
    return hand_held(_framed(faces_root / "test/obama/obama1.jpg"), seconds * FPS, rng, tilt_degrees=20)


@pytest.mark.parametrize("policy_name", ["enforce", "observe"])
def test_a_photo_at_the_door_is_refused_in_enforce_and_flagged_in_observe(
    policy_name: str, session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path
) -> None:
    obama_id = _enroll_obama(session, faces_root, face_engine, face_policy)
    policy = face_policy.model_copy(update={"liveness": policy_name})
    service = CameraService(
        serial="CAM-SPOOF",
        engine=face_engine,
        sink=LocalSink(cipher_from_settings()),
        outbox=Outbox(tmp_path / "outbox.sqlite3", key=CAMERA_KEY),
        policy=policy,
        clock=_Clock(),
    )
    prompts, shown = set(), set()
    service.start()
    for frame in _photo_held_up(faces_root, 7):
        now = service.clock()
        service.process_frame(frame, now)
        prompts |= set(service.prompts.values())
        service.send_prompt(now)
        session.expire_all()
        row = session.get(CameraPrompt, "CAM-SPOOF")
        if row is not None and row.challenge:
            shown.add((row.staff_id, row.challenge))
    service.flush(force=True)
    session.expire_all()
    punches = session.exec(select(Punch)).all()
    attempts = session.exec(select(FaceAttempt)).all()
    evidence = session.exec(select(FaceEvidence)).all()
    assert [(e.staff_id, e.outcome) for e in evidence] == [(obama_id, "refused" if policy_name == "enforce" else "flagged")]
    assert len(evidence[0].face) + len(evidence[0].context) <= 30_000  # the issue's bound per punch
    assert b"JFIF" not in evidence[0].face  # sealed, not a plain JPEG
    if policy_name == "enforce":
        assert punches == [] and service.stats.spoofs_refused == 1
        assert [(a.staff_id, a.outcome, a.device_serial) for a in attempts] == [(obama_id, "refused", "CAM-SPOOF")]
        assert attempts[0].reason in {"flat", "pending"} and attempts[0].distance is not None
        assert prompts and prompts <= {"blink", "turn_left", "turn_right"}
        assert {challenge for _, challenge in shown} == prompts and {who for who, _ in shown} == {obama_id}
    else:
        assert [(p.staff_id, p.note) for p in punches] == [(obama_id, "camera; liveness not shown")]
        assert (evidence[0].device_serial, evidence[0].pin, evidence[0].device_time) == (
            punches[0].device_serial,
            punches[0].pin,
            punches[0].punched_at,
        )  # keyed to the punch by the camera's ledger key (serial, PIN, the instant it sent)
        assert [(a.staff_id, a.outcome) for a in attempts] == [(obama_id, "flagged")]
