"""HOG face detection and 128-d encoding through face_recognition (dlib), behind one small class."""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

import numpy as np
from PIL import ImageFile

from recognition.imaging import downscale

MODEL_NAME = "dlib_resnet_v1"


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face rectangle in pixel coordinates of the image it was found in."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    def scaled(self, factor: float) -> FaceBox:
        """The same box in an image `factor` times as large."""
        return FaceBox(*(round(v * factor) for v in (self.top, self.right, self.bottom, self.left)))

    def as_css(self) -> tuple[int, int, int, int]:
        return self.top, self.right, self.bottom, self.left


class FaceEngine:
    """Detection and encoding; one instance per process (the models load once)."""

    def __init__(self, *, landmarks: str = "large", jitters: int = 1) -> None:
        self._fr = _face_recognition()
        self.landmarks = landmarks
        self.jitters = jitters
        # dlib's models keep per-call state (the network's layer outputs): one call at a time, since
        # the API runs uploads on a thread pool.
        self._lock = threading.Lock()

    def detect(self, rgb: np.ndarray, *, upsample: int = 1) -> list[FaceBox]:
        """Faces found by dlib's HOG detector, largest first."""
        with self._lock:
            locations = self._fr.face_locations(rgb, upsample, "hog")
        boxes = [FaceBox(*loc) for loc in locations]
        return sorted(boxes, key=lambda b: b.height * b.width, reverse=True)

    def detect_downscaled(self, rgb: np.ndarray, *, max_width: int, upsample: int) -> list[FaceBox]:
        """Detect on a copy no wider than `max_width`; boxes come back in `rgb` coordinates."""
        small, scale = downscale(rgb, max_width)
        boxes = self.detect(small, upsample=upsample)
        if scale == 1.0:
            return boxes
        height, width = rgb.shape[:2]
        return [_clip(box.scaled(1 / scale), width, height) for box in boxes]

    def encode(self, rgb: np.ndarray, boxes: list[FaceBox]) -> np.ndarray:
        """One 128-d float32 encoding per box, shape (len(boxes), 128)."""
        if not boxes:
            return np.empty((0, 128), dtype=np.float32)
        with self._lock:
            encodings = self._fr.face_encodings(
                rgb, [b.as_css() for b in boxes], num_jitters=self.jitters, model=self.landmarks
            )
        return np.asarray(encodings, dtype=np.float32).reshape(len(boxes), 128)

    def encode_with_landmarks(self, rgb: np.ndarray, boxes: list[FaceBox]) -> tuple[np.ndarray, np.ndarray]:
        """Encodings (n, 128) and dlib's 68 landmarks (n, 68, 2) of each box, from one landmark pass.

        The 128-d encoder aligns the face on these same 68 points, so the liveness gate gets them for free.
        """
        if not boxes:
            return np.empty((0, 128), dtype=np.float32), np.empty((0, 68, 2), dtype=np.float32)
        api = self._fr.api
        with self._lock:
            shapes = [api.pose_predictor_68_point(rgb, api._css_to_rect(b.as_css())) for b in boxes]
            encodings = [np.array(api.face_encoder.compute_face_descriptor(rgb, s, self.jitters)) for s in shapes]
        landmarks = np.array([[(p.x, p.y) for p in shape.parts()] for shape in shapes], dtype=np.float32)
        return np.asarray(encodings, dtype=np.float32).reshape(len(boxes), 128), landmarks


@lru_cache(maxsize=1)
def get_engine() -> FaceEngine:
    """The process-wide engine (loading dlib's models takes about a second)."""
    return FaceEngine()


def _clip(box: FaceBox, width: int, height: int) -> FaceBox:
    return FaceBox(max(0, box.top), min(width, box.right), min(height, box.bottom), max(0, box.left))


@lru_cache(maxsize=1)
def _face_recognition() -> ModuleType:
    # face_recognition_models still imports pkg_resources (setuptools < 81), which warns on import.
    # face_recognition also turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which would
    # let a cut-off upload through as a half-grey photo: put the setting back.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition
    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return face_recognition
