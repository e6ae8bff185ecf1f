"""The landmark liveness gate: pictures never pass in enforce; blinks and head turns do.

See tests/recognition/liveness_sequences.py for how the sequences are made and README "Liveness" for
what this does and does not measure.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognition.camera import landmark_geometry as geometry
from recognition.camera.landmark_gate import LandmarkGate
from recognition.engine import FaceBox, FaceEngine
from recognition.imaging import bgr_to_rgb
from tests.recognition.liveness_sequences import blinking, face_crop, hand_held, turning_head

pytestmark = pytest.mark.db_independent
START = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
STEP = timedelta(seconds=0.2)  # 5 frames a second
SPOOF_PHOTOS = [
    "train/obama/obama.jpg",
    "train/obama/obama2.jpg",
    "train/biden/biden.jpg",
    "train/biden/biden2.jpg",
    "train/kit_harington/john1.jpeg",
    "train/kit_harington/john2.jpeg",
    "train/rose_leslie/img1.jpg",
    "train/alex_lacamoire/img1.jpg",
]
BOX = FaceBox(0, 1, 1, 0)


def _landmarks(engine: FaceEngine, frame_bgr: np.ndarray) -> np.ndarray | None:
    rgb = bgr_to_rgb(frame_bgr)
    boxes = engine.detect(rgb, upsample=0) or engine.detect(rgb, upsample=1)
    if not boxes:
        return None
    return engine.encode_with_landmarks(rgb, boxes[:1])[1][0]


def _run(gate: LandmarkGate, frames: list[np.ndarray], staff_id: int = 7) -> list[str]:
    codes = []
    for index, points in enumerate(frames):
        verdict = gate.check(
            frame_rgb=np.empty((1, 1, 3)), box=BOX, staff_id=staff_id, landmarks=points, at=START + index * STEP
        )
        codes.append(verdict.code if not verdict.live else "LIVE")
    return codes


@pytest.fixture(scope="module")
def frontal(faces_root: Path, face_engine: FaceEngine) -> np.ndarray:
    """A real face's 68 landmarks, open eyes, as dlib finds them (obama.jpg)."""
    points = _landmarks(face_engine, cv2.imread(str(faces_root / "train/obama/obama.jpg")))
    assert points is not None
    return points.astype(np.float64)


@pytest.mark.parametrize("photo", SPOOF_PHOTOS)
def test_a_photo_held_up_and_moved_never_passes(photo: str, faces_root: Path, face_engine: FaceEngine) -> None:
    image = cv2.imread(str(faces_root / photo))
    found = face_engine.detect(bgr_to_rgb(image), upsample=1)
    assert found, photo
    picture = face_crop(image, found[0].as_css())
    rng = np.random.default_rng(zlib.crc32(photo.encode()))
    sequences = {
        "repeated": hand_held(picture, 1, rng, tilt_degrees=0) * 6,  # the very same frame, again and again
        "hand-held": hand_held(picture, 14, rng),
        "tilted hard": hand_held(picture, 10, rng, tilt_degrees=35),
    }
    for name, frames in sequences.items():
        points = [p for p in (_landmarks(face_engine, f) for f in frames) if p is not None]
        assert len(points) >= len(frames) - 3, f"{photo} {name}: dlib lost the face too often"
        codes = _run(LandmarkGate(), points)
        assert "LIVE" not in codes, f"{photo} {name}: {codes}"
        assert set(codes) <= {"pending", "flat"}


def test_a_blink_passes_and_half_closing_does_not(frontal: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    blink = [1.0] * 5 + [0.5, 0.15, 0.1, 0.6] + [1.0] * 4
    codes = _run(LandmarkGate(), blinking(frontal, blink, rng))
    assert "LIVE" in codes and codes.index("LIVE") >= 8  # once the eyes open again, not before
    assert LandmarkGate().assess(blinking(frontal, blink, rng)) == "blink"
    squint = [1.0] * 5 + [0.8, 0.75, 0.8] + [1.0] * 5
    assert "LIVE" not in _run(LandmarkGate(), blinking(frontal, squint, rng))
    closing_only = [1.0] * 5 + [0.5, 0.1, 0.1, 0.1, 0.1]
    assert "LIVE" not in _run(LandmarkGate(), blinking(frontal, closing_only, rng))


@pytest.mark.parametrize("direction", [1, -1])
def test_a_head_turn_passes(frontal: np.ndarray, direction: int) -> None:
    rng = np.random.default_rng(2)
    yaws = [direction * y for y in (0, 0, 6, 14, 22, 30, 32, 24, 12, 0)]
    codes = _run(LandmarkGate(), turning_head(frontal, yaws, rng))
    assert "LIVE" in codes, codes


def test_a_turn_too_small_to_tell_from_a_picture_does_not_pass(frontal: np.ndarray) -> None:
    rng = np.random.default_rng(3)
    codes = _run(LandmarkGate(), turning_head(frontal, [0, 2, 4, 6, 6, 4, 2, 0, 0, 0], rng))
    assert "LIVE" not in codes


def test_a_turned_3d_face_is_no_homography_and_a_tilted_plane_is() -> None:
    rng = np.random.default_rng(4)
    flat = rng.uniform(0, 100, (68, 2))
    tilt = np.array([[1.05, 0.1, 3], [-0.05, 0.95, -2], [1e-4, 2e-4, 1]])
    moved = geometry.apply_homography(tilt, flat)
    assert geometry.nose_parallax(flat, moved) < 1e-6
    assert geometry.planar_residual(flat, moved)[0] < 1e-6


def test_the_gate_forgets_a_face_gone_for_a_while(frontal: np.ndarray) -> None:
    rng = np.random.default_rng(5)
    gate = LandmarkGate()
    blink = blinking(frontal, [1.0, 1.0, 0.1], rng)
    _run(gate, blink)
    reopened = blinking(frontal, [1.0], rng)[0]
    late = gate.check(
        frame_rgb=np.empty((1, 1, 3)), box=BOX, staff_id=7, landmarks=reopened, at=START + timedelta(seconds=30)
    )
    assert not late.live  # the closing seen 30 s ago does not complete a blink now
    assert late.challenge in {"blink", "turn_left", "turn_right"}
