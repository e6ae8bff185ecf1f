"""Evaluate the matcher on a folder laid out like shared/faces (train/<person>/, test/<person>/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from config.settings import FacePolicy
from recognition.engine import FaceEngine
from recognition.enrollment import extract_sample, limits_for
from recognition.errors import PhotoRejected
from recognition.gallery import Gallery, GalleryPerson, Matcher
from recognition.imaging import read_photo

UNKNOWN = "_unknown"


@dataclass(frozen=True, slots=True)
class Identification:
    path: str
    expected: str | None
    predicted: str | None
    distance: float | None
    genuine_distance: float | None
    impostor_distance: float | None
    outcome: str  # correct | false_accept | false_reject | no_face


@dataclass(slots=True)
class Evaluation:
    threshold: float
    margin: float
    enrolled: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)
    refused_tests: list[tuple[str, str]] = field(default_factory=list)
    results: list[Identification] = field(default_factory=list)

    @property
    def tests(self) -> int:
        return len(self.results)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def accuracy(self) -> float:
        return self.count("correct") / self.tests if self.tests else 0.0

    def distribution(self, kind: str) -> dict[str, float | int]:
        values = [getattr(r, f"{kind}_distance") for r in self.results]
        data = np.array([v for v in values if v is not None])
        if not len(data):
            return {"n": 0}
        return {
            "n": int(len(data)),
            "min": round(float(data.min()), 3),
            "median": round(float(np.median(data)), 3),
            "max": round(float(data.max()), 3),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "accuracy": round(self.accuracy, 4),
            "false_accepts": self.count("false_accept"),
            "false_rejects": self.count("false_reject") + self.count("no_face"),
            "tests": self.tests,
            "threshold": self.threshold,
            "margin": self.margin,
            "enrolled_people": len(self.enrolled),
            "enrolled_photos": sum(self.enrolled.values()),
            "refused_enrollment_photos": len(self.refused),
            "refused_test_photos": len(self.refused_tests),
            "genuine_distance": self.distribution("genuine"),
            "impostor_distance": self.distribution("impostor"),
        }


def photos_in(folder: Path) -> list[Path]:
    """Every visible file: the decoder tells a photo by its content (a ".jpg" may hold WEBP or HEIC)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def evaluate(
    dataset: Path,
    *,
    engine: FaceEngine,
    policy: FacePolicy,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Enroll train/ into a scratch in-memory gallery and identify every photo of test/."""
    train, test = dataset / "train", dataset / "test"
    if not train.is_dir() or not test.is_dir():
        raise FileNotFoundError(f"{dataset} needs train/ and test/ folders")
    report = Evaluation(policy.threshold, policy.margin)
    entries: list[tuple[GalleryPerson, np.ndarray]] = []
    for index, person_dir in enumerate(sorted(d for d in train.iterdir() if d.is_dir())):
        encodings = []
        for photo in photos_in(person_dir):
            if progress:
                progress(str(photo.relative_to(dataset)))
            try:
                encodings.append(
                    extract_sample(photo.read_bytes(), engine=engine, policy=policy, language="en").encoding
                )
            except PhotoRejected as err:
                report.refused.append((str(photo.relative_to(dataset)), err.message("en")))
            except OSError as err:
                report.refused.append((str(photo.relative_to(dataset)), f"cannot read the file: {err.strerror}"))
        if encodings:
            name = person_dir.name
            entries.append((GalleryPerson(index + 1, name, name, name), np.stack(encodings)))
            report.enrolled[name] = len(encodings)
    matcher = Matcher(Gallery(entries), threshold=policy.threshold, margin=policy.margin)
    for person_dir in sorted(d for d in test.iterdir() if d.is_dir()):
        expected = None if person_dir.name == UNKNOWN else person_dir.name
        for photo in photos_in(person_dir):
            if progress:
                progress(str(photo.relative_to(dataset)))
            try:
                report.results.append(_identify(photo, dataset, expected, engine, matcher, policy))
            except PhotoRejected as err:
                report.refused_tests.append((str(photo.relative_to(dataset)), err.message("en")))
            except OSError as err:
                report.refused_tests.append((str(photo.relative_to(dataset)), f"cannot read the file: {err.strerror}"))
    return report


def _identify(
    photo: Path, dataset: Path, expected: str | None, engine: FaceEngine, matcher: Matcher, policy: FacePolicy
) -> Identification:
    name = str(photo.relative_to(dataset))
    image = read_photo(photo, limits_for(policy, "en"))
    boxes = engine.detect(image.rgb, upsample=1)
    if not boxes:
        return Identification(name, expected, None, None, None, None, "no_face" if expected else "correct")
    encoding = engine.encode(image.rgb, boxes[:1])[0]
    match = matcher.identify(encoding)
    row = matcher.gallery.person_distances(encoding)[0]
    codes = [p.code for p in matcher.gallery.people]
    genuine = float(row[codes.index(expected)]) if expected in codes else None
    others = [float(d) for code, d in zip(codes, row, strict=True) if code != expected]
    impostor = min(others) if others else None
    predicted = match.person.code if match.person else None
    if predicted == expected:
        outcome = "correct"
    elif predicted is None:
        outcome = "false_reject"
    else:
        outcome = "false_accept"
    return Identification(name, expected, predicted, match.distance, genuine, impostor, outcome)
