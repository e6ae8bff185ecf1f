"""Face fixtures: one engine and one encoding cache per test session (dlib is the slow part)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from config import get_settings
from config.settings import FacePolicy
from recognition.engine import FaceBox, FaceEngine, get_engine
from recognition.enrollment import limits_for
from recognition.gallery import Gallery, GalleryPerson
from recognition.imaging import read_photo
from tests.conftest import FACES

Encoded = tuple[list[FaceBox], np.ndarray]


@pytest.fixture(scope="session")
def faces_root() -> Path:
    if not FACES.is_dir():
        pytest.skip(f"the shared face photos are not beside the checkout ({FACES})")
    return FACES


@pytest.fixture(scope="session")
def face_engine() -> FaceEngine:
    return get_engine()


@pytest.fixture(scope="session")
def face_policy() -> FacePolicy:
    return get_settings().faces


@pytest.fixture(scope="session")
def encode(faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy) -> Callable[[str], Encoded]:
    """Boxes and encodings of every face in a shared photo (path relative to shared/faces), cached."""
    cache: dict[str, Encoded] = {}

    def _encode(relative: str) -> Encoded:
        if relative not in cache:
            image = read_photo(faces_root / relative, limits_for(face_policy))
            boxes = face_engine.detect(image.rgb, upsample=1)
            cache[relative] = (boxes, face_engine.encode(image.rgb, boxes))
        return cache[relative]

    return _encode


@pytest.fixture(scope="session")
def train_gallery(faces_root: Path, encode: Callable[[str], Encoded]) -> Gallery:
    """Every train/<person>/ photo, one person per folder."""
    entries = []
    for index, person in enumerate(sorted(d for d in (faces_root / "train").iterdir() if d.is_dir())):
        photos = sorted(p for p in person.iterdir() if p.is_file())
        encodings = np.concatenate([encode(str(p.relative_to(faces_root)))[1] for p in photos])
        entries.append((GalleryPerson(index + 1, str(100 + index), person.name, person.name), encodings))
    return Gallery(entries)
