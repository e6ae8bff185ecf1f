"""Everything the camera writes to its disk is sealed with its own key; clear stores from before are
sealed once, nothing lost; a key that cannot open them stops the camera with a sentence, not a traceback."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli
from config import get_settings
from recognition.camera.attempts import Attempt
from recognition.camera.device_key import CameraKey
from recognition.camera.outbox import Outbox, OutboxPunch
from recognition.camera.sealed_store import CameraStoreUnreadable
from recognition.camera.stores import open_camera_stores
from recognition.gallery import Gallery, GalleryPerson

pytestmark = pytest.mark.db_independent
TOKEN_A, TOKEN_B = "dev_" + "a" * 43, "dev_" + "b" * 43
AT = datetime(2026, 12, 3, 0, 31, 5, tzinfo=UTC)
PIN, NAME = "4401", "Nguyễn Văn An"
ENCODING = np.full((1, 128), 0.3125, dtype=np.float32)
FACE = b"\xff\xd8\xff\xe0-face-crop-of-an"

# The stores as the previous version wrote them, in clear.
CLEAR_OUTBOX = """
CREATE TABLE outbox (id INTEGER PRIMARY KEY, device_serial TEXT NOT NULL, pin TEXT NOT NULL, staff_id INTEGER,
    device_time TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, delivered_at TEXT, dead_at TEXT, dead_reason TEXT, UNIQUE (device_serial, pin, device_time));
"""
CLEAR_ATTEMPTS = """
CREATE TABLE attempts (id INTEGER PRIMARY KEY, at TEXT NOT NULL, staff_id INTEGER, pin TEXT, distance REAL,
    runner_up REAL, outcome TEXT NOT NULL, reason TEXT NOT NULL, face_jpeg BLOB, context_jpeg BLOB);
"""


def _disk(folder: Path) -> bytes:
    """Every byte the camera left in its folder (WAL files included)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _fill(folder: Path, key: CameraKey) -> None:
    stores = open_camera_stores(folder, key)
    person = GalleryPerson(staff_id=7, pin=PIN, code="NV-7", full_name=NAME)
    stores.gallery.save(Gallery([(person, ENCODING)]))
    stores.outbox.add(OutboxPunch("CAM-1", PIN, 7, AT, note=f"camera {NAME}"))
    stores.outbox.mark_failed([1], f"422: PIN {PIN} refused")
    stores.attempts.add(Attempt(AT, 7, PIN, 0.31, None, "punched", "blink", FACE, FACE))
    stores.snapshots.keep(AT, FACE, limit=3)
    stores.close()


def _assert_nothing_in_clear(raw: bytes) -> None:
    assert PIN.encode() not in raw
    assert NAME.encode() not in raw and b"Nguy" not in raw
    assert ENCODING.tobytes()[:64] not in raw
    assert b"face-crop" not in raw


def test_no_pin_name_encoding_or_face_on_the_cameras_disk(tmp_path: Path) -> None:
    key = CameraKey.for_camera(folder=tmp_path, token=TOKEN_A)
    _fill(tmp_path, key)
    _assert_nothing_in_clear(_disk(tmp_path))
    assert get_settings().secret_key.encode() not in _disk(tmp_path)
    again = open_camera_stores(tmp_path, CameraKey.for_camera(folder=tmp_path, token=TOKEN_A))
    [punch] = again.outbox.pending()
    assert (punch.pin, punch.staff_id, punch.device_time, punch.note) == (PIN, 7, AT, f"camera {NAME}")
    assert not again.outbox.add(OutboxPunch("CAM-1", PIN, 7, AT))  # still idempotent on the ledger key
    [(_, attempt)] = again.attempts.pending()
    assert attempt.pin == PIN and attempt.face_jpeg == FACE
    assert again.snapshots.read(again.snapshots.names()[0]) == FACE
    gallery = again.gallery.load()
    assert gallery is not None and gallery.people[0].full_name == NAME
    again.close()


@pytest.mark.parametrize("victim", ["gallery.bin", "outbox.sqlite3", "attempts.sqlite3", "unknown"])
def test_another_token_cannot_open_any_store(tmp_path: Path, victim: str) -> None:
    _fill(tmp_path, CameraKey.for_camera(folder=tmp_path, token=TOKEN_A))
    for other in {"gallery.bin", "outbox.sqlite3", "attempts.sqlite3"} - {victim}:
        (tmp_path / other).unlink()
    if victim != "unknown":
        for crop in (tmp_path / "unknown").iterdir():
            crop.unlink()
    with pytest.raises(CameraStoreUnreadable) as caught:
        open_camera_stores(tmp_path, CameraKey.for_camera(folder=tmp_path, token=TOKEN_B))
    assert caught.value.path.name == victim
    assert "Không giải mã được" in caught.value.message("vi") and "cannot be decrypted" in caught.value.message("en")


def test_the_camera_refuses_to_start_on_an_outbox_it_cannot_read_and_says_why(tmp_path: Path) -> None:
    _fill(tmp_path, CameraKey.for_camera(folder=tmp_path, token=TOKEN_A))
    (tmp_path / "gallery.bin").unlink()
    result = CliRunner().invoke(cli, ["camera", "run", "--source", str(tmp_path / "no-such-clip.mp4"),
                                      "--serial", "CAM-1", "--server", "http://127.0.0.1:9", "--token", TOKEN_B,
                                      "--data-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    output = " ".join(result.output.split())
    assert "Không giải mã được hàng đợi chấm công" in output and "(1 lượt chưa gửi)" in output
    assert "cannot be decrypted" in output and "Traceback" not in output
    # Refused, not emptied: the old token still opens it.
    outbox = Outbox(tmp_path / "outbox.sqlite3", key=CameraKey.for_camera(folder=tmp_path, token=TOKEN_A))
    assert outbox.counts() == (1, 0)


def test_a_clear_outbox_from_before_is_sealed_once_with_its_delivery_state(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    clear = sqlite3.connect(path)
    clear.execute("PRAGMA journal_mode=WAL")
    clear.executescript(CLEAR_OUTBOX)
    rows = [(1, "4401", "2026-12-01T00:30:00+00:00", "2026-12-01T00:30:02+00:00", None, None),
            (2, "4402", "2026-12-01T00:31:00+00:00", None, None, None),
            (3, "X" * 29, "2026-12-01T00:32:00+00:00", None, "2026-12-01T00:33:00+00:00", "422 PIN XXXXXXXX")]
    for row_id, pin, moment, delivered, dead, reason in rows:
        clear.execute("INSERT INTO outbox (id, device_serial, pin, staff_id, device_time, note, created_at,"
                      " delivered_at, dead_at, dead_reason) VALUES (?, 'CAM-1', ?, 7, ?, 'camera', ?, ?, ?, ?)",
                      (row_id, pin, moment, moment, delivered, dead, reason))
    clear.commit()
    clear.close()
    key = CameraKey.for_camera(folder=tmp_path, token=TOKEN_A)

    outbox = Outbox(path, key=key)
    assert outbox.counts() == (1, 1) and outbox.dead_count() == 1
    [pending] = outbox.pending()
    assert (pending.id, pending.pin, pending.device_time) == (2, "4402", datetime(2026, 12, 1, 0, 31, tzinfo=UTC))
    [(dead, reason)] = outbox.dead_letters()
    assert dead.pin == "X" * 29 and reason == "422 PIN XXXXXXXX"
    # the delivered punch stays delivered: queued again, it is not sent a second time
    assert not outbox.add(OutboxPunch("CAM-1", "4401", 7, datetime(2026, 12, 1, 0, 30, tzinfo=UTC)))
    outbox.close()
    raw = _disk(tmp_path)
    assert b"4401" not in raw and b"4402" not in raw and b"XXXXXXXX" not in raw
    assert not list(tmp_path.glob("*.sealing"))

    reopened = Outbox(path, key=key)  # converted once: opening again changes nothing
    assert reopened.counts() == (1, 1) and [p.pin for p in reopened.pending()] == ["4402"]
    reopened.close()


def test_an_interrupted_conversion_starts_again_from_the_intact_clear_file(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    clear = sqlite3.connect(path)
    clear.executescript(CLEAR_OUTBOX)
    clear.execute("INSERT INTO outbox (device_serial, pin, staff_id, device_time, created_at)"
                  " VALUES ('CAM-1', '4402', 7, '2026-12-01T00:31:00+00:00', '2026-12-01T00:31:00+00:00')")
    clear.commit()
    clear.close()
    (tmp_path / "outbox.sqlite3.sealing").write_bytes(b"half-written by a camera that lost power")
    outbox = Outbox(path, key=CameraKey.for_camera(folder=tmp_path, token=TOKEN_A))
    assert [p.pin for p in outbox.pending()] == ["4402"]


def test_a_clear_attempt_queue_and_clear_crops_are_sealed_once(tmp_path: Path) -> None:
    clear = sqlite3.connect(tmp_path / "attempts.sqlite3")
    clear.executescript(CLEAR_ATTEMPTS)
    clear.execute("INSERT INTO attempts (at, staff_id, pin, distance, runner_up, outcome, reason, face_jpeg,"
                  " context_jpeg) VALUES (?, 7, ?, 0.31, NULL, 'refused', 'flat', ?, NULL)",
                  (AT.isoformat(), PIN, FACE))
    clear.commit()
    clear.close()
    (tmp_path / "unknown").mkdir()
    (tmp_path / "unknown" / "unknown-20261203T003105.jpg").write_bytes(FACE)
    stores = open_camera_stores(tmp_path, CameraKey.for_camera(folder=tmp_path, token=TOKEN_A))
    [(_, attempt)] = stores.attempts.pending()
    assert (attempt.at, attempt.pin, attempt.outcome, attempt.face_jpeg) == (AT, PIN, "refused", FACE)
    assert stores.snapshots.names() == ["unknown-20261203T003105.jpg.sealed"]
    assert stores.snapshots.read(stores.snapshots.names()[0]) == FACE
    stores.close()
    _assert_nothing_in_clear(_disk(tmp_path))
