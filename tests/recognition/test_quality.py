"""Enrollment quality checks on real photos and on degraded copies of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from config.settings import FacePolicy
from recognition import quality
from recognition.engine import FaceEngine
from recognition.enrollment import extract_sample, limits_for
from recognition.errors import PhotoRejected
from recognition.imaging import read_photo

pytestmark = pytest.mark.db_independent


def _jpeg(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module")
def obama_rgb(faces_root: Path, face_policy: FacePolicy) -> np.ndarray:
    return read_photo(faces_root / "train/obama/obama2.jpg", limits_for(face_policy)).rgb


def _refusal(data: bytes, engine: FaceEngine, policy: FacePolicy) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        extract_sample(data, engine=engine, policy=policy)
    return caught.value


def test_every_training_photo_passes(faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    for photo in sorted((faces_root / "train").glob("*/*")):
        sample = extract_sample(photo.read_bytes(), engine=face_engine, policy=face_policy)
        assert sample.encoding.shape == (128,), photo
        assert sample.quality.face_px >= face_policy.min_face_px


def test_two_faces_are_refused(faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    refusal = _refusal((faces_root / "group/two_people.jpg").read_bytes(), face_engine, face_policy)
    assert refusal.code == "several_faces"
    assert "2 khuôn mặt" in str(refusal)


def test_no_face_is_refused(face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    wall = np.full((480, 640, 3), 180, np.uint8)
    assert _refusal(_jpeg(wall), face_engine, face_policy).code == "no_face"


def test_blurred_photo_is_refused(obama_rgb: np.ndarray, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    blurred = cv2.GaussianBlur(obama_rgb, (0, 0), 6)
    assert _refusal(_jpeg(blurred), face_engine, face_policy).code == "blurred"


def test_dark_photo_is_refused(obama_rgb: np.ndarray, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    dark = (obama_rgb.astype(np.float32) * 0.22).astype(np.uint8)
    refusal = _refusal(_jpeg(dark), face_engine, face_policy)
    assert refusal.code in {"too_dark", "no_face"}
    # the check itself, on the face the detector found in the normal photo
    box = face_engine.detect(obama_rgb)[0]
    with pytest.raises(PhotoRejected) as caught:
        quality.check(quality.measure(dark, box), face_policy)
    assert caught.value.code == "too_dark"
    assert "bật đèn" in str(caught.value)


def test_overexposed_and_flat_faces_are_refused(
    obama_rgb: np.ndarray, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    box = face_engine.detect(obama_rgb)[0]
    bright = np.clip(obama_rgb.astype(np.int16) + 120, 0, 255).astype(np.uint8)
    with pytest.raises(PhotoRejected) as caught:
        quality.check(quality.measure(bright, box), face_policy)
    assert caught.value.code == "too_bright"
    flat = (obama_rgb.astype(np.float32) * 0.2 + 100).astype(np.uint8)
    with pytest.raises(PhotoRejected) as caught:
        quality.check(quality.measure(flat, box), face_policy)
    assert caught.value.code == "low_contrast"


def test_small_face_is_refused(obama_rgb: np.ndarray, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    small = cv2.resize(obama_rgb, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    refusal = _refusal(_jpeg(small), face_engine, face_policy)
    assert refusal.code == "face_too_small"
    assert "gần máy ảnh" in str(refusal)
    assert "Move closer" in refusal.message("en")


def test_small_and_partial_faces_are_encoded(encode: Callable[[str], tuple[list, np.ndarray]]) -> None:
    for photo in (
        "test/obama/obama_small.jpg",
        "test/obama/obama-240p.jpg",
        "test/obama/obama_partial_face.jpg",
        "test/obama/obama_partial_face2.jpg",
        "test/obama/32bit.png",
    ):
        boxes, encodings = encode(photo)
        assert len(boxes) == 1 and encodings.shape == (1, 128), photo
