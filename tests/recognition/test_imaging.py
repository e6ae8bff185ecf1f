"""Decoding: formats, alpha, EXIF orientation, and clean refusals of bad files."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from config.settings import FacePolicy
from recognition.engine import get_engine
from recognition.enrollment import limits_for
from recognition.errors import PhotoRejected
from recognition.imaging import Limits, decode_photo, read_photo

pytestmark = pytest.mark.db_independent


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _blank_bilevel_png(width: int, height: int) -> bytes:
    """A complete, valid black 1-bit PNG, written directly (Pillow takes seconds to encode one this big)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = zlib.compress(bytes((1 + (width + 7) // 8) * height), 6)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _refusal(data: bytes, limits: Limits) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        decode_photo(data, limits)
    return caught.value


def test_32bit_png_drops_alpha(faces_root: Path, face_policy: FacePolicy) -> None:
    assert Image.open(faces_root / "test/obama/32bit.png").mode == "RGBA"
    image = read_photo(faces_root / "test/obama/32bit.png", limits_for(face_policy))
    assert image.rgb.shape[2] == 3 and image.rgb.dtype == np.uint8


def test_large_photo_is_downscaled(faces_root: Path, face_policy: FacePolicy) -> None:
    image = read_photo(faces_root / "test/obama/obama3.jpg", limits_for(face_policy))
    assert max(image.rgb.shape[:2]) <= face_policy.work_max_side
    assert image.original_size == (1434, 2333)
    assert 0 < image.scale < 1


def test_exif_orientation_is_applied(face_policy: FacePolicy) -> None:
    source = Image.new("RGB", (300, 100), "white")
    source.paste((255, 0, 0), (0, 0, 50, 100))  # red band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG", exif=exif.tobytes(), quality=95)
    rgb = decode_photo(buffer.getvalue(), limits_for(face_policy)).rgb
    assert rgb.shape[:2] == (300, 100)  # portrait once turned
    top, bottom = rgb[:40].reshape(-1, 3).mean(axis=0), rgb[-40:].reshape(-1, 3).mean(axis=0)
    assert top[0] > 200 and top[1] < 80  # the red band is now at the top
    assert bottom.min() > 200


def test_corrupt_jpeg_is_refused(faces_root: Path, face_policy: FacePolicy) -> None:
    get_engine()  # face_recognition's import must not make Pillow accept truncated files
    data = (faces_root / "test/obama/obama1.jpg").read_bytes()
    refusal = _refusal(data[: len(data) // 3], limits_for(face_policy))
    assert refusal.code == "corrupt"
    assert "hỏng" in str(refusal)
    assert "damaged" in refusal.message("en")


def test_text_renamed_jpg_is_refused(tmp_path: Path, face_policy: FacePolicy) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("Đây không phải là ảnh.\n")
    with pytest.raises(PhotoRejected) as caught:
        read_photo(fake, limits_for(face_policy))
    assert caught.value.code == "not_an_image"


def test_pixel_bomb_is_refused_before_decoding(face_policy: FacePolicy) -> None:
    bomb = _blank_bilevel_png(20_000, 20_000)
    assert len(bomb) < 1_000_000  # tiny on disk, 400 megapixels once decoded
    started = time.perf_counter()
    refusal = _refusal(bomb, limits_for(face_policy))
    assert refusal.code == "too_many_pixels"
    assert time.perf_counter() - started < 0.5  # refused from the header, not after decoding
    assert "400.0 triệu" in str(refusal)


def test_oversize_and_empty_files_are_refused(face_policy: FacePolicy) -> None:
    small = Limits(max_bytes=10_000, max_pixels=face_policy.max_image_pixels, max_side=1024)
    assert _refusal(b"\xff" * 10_001, small).code == "too_large"
    assert _refusal(b"", small).code == "empty_file"


def test_other_formats_are_refused(face_policy: FacePolicy) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, format="GIF")
    refusal = _refusal(buffer.getvalue(), limits_for(face_policy, "en"))
    assert refusal.code == "unsupported_format"
    assert "GIF" in str(refusal) and "Save the photo as JPEG" in str(refusal)
