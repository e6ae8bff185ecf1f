"""The deciding frame, made small: the face crop and a view of the whole frame, as JPEG (about 15 KB)."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.engine import FaceBox

FACE_SIDE = 160  # px, the crop's longer side
CONTEXT_WIDTH = 320  # px
FACE_QUALITY = 85
CONTEXT_QUALITY = 70


def evidence_images(rgb: np.ndarray, box: FaceBox) -> tuple[bytes, bytes]:
    """(face crop JPEG, context JPEG) of an RGB frame and the decided face's box."""
    height, width = rgb.shape[:2]
    pad_y, pad_x = box.height // 4, box.width // 4
    crop = rgb[
        max(0, box.top - pad_y) : min(height, box.bottom + pad_y),
        max(0, box.left - pad_x) : min(width, box.right + pad_x),
    ]
    return _jpeg(_fit(crop, FACE_SIDE), FACE_QUALITY), _jpeg(_fit(rgb, CONTEXT_WIDTH), CONTEXT_QUALITY)


def _fit(image: np.ndarray, side: int) -> np.ndarray:
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _jpeg(rgb: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV refuses only an empty image, and a face box is never empty
        raise ValueError("cannot encode the evidence image")
    return data.tobytes()
