"""Enrollment photo checks: one face, big enough, sharp and well lit; pure functions over arrays."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from config.settings import FacePolicy
from recognition.engine import FaceBox
from recognition.errors import PhotoRejected

CROP_SIDE = 160  # sharpness is measured at one size so it does not depend on the photo's resolution


@dataclass(frozen=True, slots=True)
class FaceQuality:
    face_px: int
    sharpness: float
    brightness: float
    contrast: float

    def as_dict(self) -> dict[str, float]:
        return {key: round(float(value), 1) for key, value in asdict(self).items()}


def measure(rgb: np.ndarray, box: FaceBox) -> FaceQuality:
    """Size, sharpness (variance of Laplacian), brightness and contrast of the face crop."""
    height, width = rgb.shape[:2]
    crop = rgb[max(0, box.top) : min(height, box.bottom), max(0, box.left) : min(width, box.right)]
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    resized = cv2.resize(gray, (CROP_SIDE, CROP_SIDE), interpolation=cv2.INTER_AREA)
    sharpness = float(cv2.Laplacian(resized, cv2.CV_64F).var())
    return FaceQuality(
        face_px=min(box.height, box.width),
        sharpness=sharpness,
        brightness=float(gray.mean()),
        contrast=float(gray.std()),
    )


def require_one_face(boxes: list[FaceBox], *, language: str = "vi") -> FaceBox:
    """The single face of an enrollment photo, or a refusal saying why."""
    if not boxes:
        raise PhotoRejected("no_face", language=language)
    if len(boxes) > 1:
        raise PhotoRejected("several_faces", language=language, count=len(boxes))
    return boxes[0]


def check(quality: FaceQuality, policy: FacePolicy, *, language: str = "vi") -> None:
    """Refuse a face that is too small, too dark, too bright, flat or blurred (lighting first: it skews sharpness)."""
    if quality.face_px < policy.min_face_px:
        raise PhotoRejected("face_too_small", language=language, size=quality.face_px, minimum=policy.min_face_px)
    if quality.brightness < policy.min_brightness:
        raise PhotoRejected(
            "too_dark",
            language=language,
            value=round(quality.brightness),
            minimum=round(policy.min_brightness),
        )
    if quality.brightness > policy.max_brightness:
        raise PhotoRejected(
            "too_bright",
            language=language,
            value=round(quality.brightness),
            maximum=round(policy.max_brightness),
        )
    if quality.contrast < policy.min_contrast:
        raise PhotoRejected(
            "low_contrast",
            language=language,
            value=round(quality.contrast),
            minimum=round(policy.min_contrast),
        )
    if quality.sharpness < policy.min_sharpness:
        raise PhotoRejected(
            "blurred", language=language, value=round(quality.sharpness), minimum=round(policy.min_sharpness)
        )
