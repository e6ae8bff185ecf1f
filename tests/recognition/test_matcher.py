"""The matcher on the real photos, and its vectorised arithmetic against a brute-force reference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from config.settings import FacePolicy
from recognition.gallery import Gallery, GalleryPerson, Matcher

pytestmark = pytest.mark.db_independent
Encode = Callable[[str], tuple[list, np.ndarray]]


@pytest.fixture(scope="module")
def matcher(train_gallery: Gallery, face_policy: FacePolicy) -> Matcher:
    return Matcher(train_gallery, threshold=face_policy.threshold, margin=face_policy.margin)


def test_every_test_photo_identifies_its_person(faces_root: Path, encode: Encode, matcher: Matcher) -> None:
    photos = [p for p in sorted((faces_root / "test").glob("*/*")) if p.parent.name != "_unknown"]
    assert len(photos) >= 12
    for photo in photos:
        boxes, encodings = encode(str(photo.relative_to(faces_root)))
        assert len(boxes) == 1, photo
        match = matcher.identify(encodings[0])
        assert match.person is not None and match.person.code == photo.parent.name, (photo, match)


def test_person_not_enrolled_is_unknown(encode: Encode, matcher: Matcher) -> None:
    _, encodings = encode("test/_unknown/lin-manuel-miranda.png")
    match = matcher.identify(encodings[0])
    assert match.person is None and match.reason == "too_far"
    assert match.distance > matcher.threshold


@pytest.mark.parametrize(
    ("photo", "expected"),
    [
        ("group/kit_with_rose.jpg", {"kit_harington", "rose_leslie"}),
        ("group/two_people.jpg", {"obama", "biden"}),
        ("group/obama_and_biden.jpg", {"obama", "biden", None}),
    ],
)
def test_group_photos(encode: Encode, matcher: Matcher, photo: str, expected: set[str | None]) -> None:
    _, encodings = encode(photo)
    found = [m.person.code if m.person else None for m in matcher.identify_many(encodings)]
    assert len(found) == len(expected)
    assert set(found) == expected


def test_distance_is_the_minimum_over_a_persons_encodings() -> None:
    rng = np.random.default_rng(7)
    sizes = rng.integers(1, 6, size=40)
    entries = [
        (GalleryPerson(i, str(i), f"P{i}", f"Person {i}"), rng.normal(0, 0.1, (n, 128))) for i, n in enumerate(sizes)
    ]
    gallery = Gallery(entries)
    queries = rng.normal(0, 0.1, (7, 128)).astype(np.float32)
    expected = np.array(
        [[np.linalg.norm(enc.astype(np.float32) - q, axis=1).min() for _, enc in entries] for q in queries]
    )
    np.testing.assert_allclose(gallery.person_distances(queries), expected, atol=2e-3)


def test_margin_makes_a_close_call_unknown() -> None:
    base = np.zeros(128, np.float32)
    a, b = base.copy(), base.copy()
    a[0], b[1] = 0.30, 0.33
    gallery = Gallery([(GalleryPerson(1, "1", "A", "A"), a), (GalleryPerson(2, "2", "B", "B"), b)])
    assert Matcher(gallery, threshold=0.6, margin=0.08).identify(base).reason == "ambiguous"
    decided = Matcher(gallery, threshold=0.6, margin=0.0).identify(base)
    assert decided.person is not None and decided.person.code == "A"
    assert Matcher(Gallery([]), threshold=0.6, margin=0.0).identify(base).reason == "empty_gallery"


def test_payload_round_trip(train_gallery: Gallery) -> None:
    copy = Gallery.from_payload(train_gallery.to_payload())
    assert copy.version == train_gallery.version
    assert copy.people == train_gallery.people
    np.testing.assert_array_equal(copy.encodings, train_gallery.encodings)
    with pytest.raises(ValueError):
        Gallery.from_payload(
            {"people": [{"staff_id": 1, "pin": "1", "code": "x", "full_name": "x", "encodings": "AAAA"}]}
        )
