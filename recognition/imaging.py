"""Decoding uploaded photos safely (size and pixel limits before decoding) and downscaling frames.

The format is read from the content, never from the file's name: phones and messaging apps save WEBP
or HEIC under a ".jpg" name.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from recognition.errors import PhotoRejected

# MPO: JPEG with extra frames, written by many phone cameras; HEIF: iPhones' HEIC (through pillow-heif).
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}


@dataclass(frozen=True, slots=True)
class Limits:
    """What a decoder accepts; built from `FacePolicy` by the callers."""

    max_bytes: int
    max_pixels: int
    max_side: int
    language: str = "vi"


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """An RGB uint8 array, downscaled to the working size, and the factor applied."""

    rgb: np.ndarray
    original_size: tuple[int, int]
    scale: float


def read_photo(path: Path, limits: Limits) -> DecodedImage:
    """Decode a photo file, refusing an oversize file before reading it."""
    size = path.stat().st_size
    _check_bytes(size, limits)
    return decode_photo(path.read_bytes(), limits)


def decode_photo(data: bytes, limits: Limits) -> DecodedImage:
    """Decode JPEG/PNG/WEBP/HEIC bytes to RGB: alpha dropped, EXIF orientation applied, bombs refused."""
    _check_bytes(len(data), limits)
    _register_heif()
    lang = limits.language
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as err:
        raise _too_many_pixels(_pixels_in_message(str(err)), limits) from err
    except UnidentifiedImageError as err:
        raise PhotoRejected("not_an_image", language=lang) from err
    except (OSError, ValueError, SyntaxError) as err:
        raise PhotoRejected("not_an_image", language=lang) from err
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoRejected("unsupported_format", language=lang, format=image.format or "?")
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_many_pixels(width * height, limits)
    try:
        if image.format in {"JPEG", "MPO"}:
            # JPEG can decode at 1/2, 1/4, 1/8 directly: far less work for large phone photos.
            image.draft("RGB", (limits.max_side, limits.max_side))
        image.load()
        rgb_image = (ImageOps.exif_transpose(image) or image).convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as err:
        raise PhotoRejected("corrupt", language=lang) from err
    rgb_image = _shrink(rgb_image, limits.max_side)
    scale = max(rgb_image.size) / max(width, height)
    return DecodedImage(np.ascontiguousarray(np.asarray(rgb_image)), (width, height), scale)


def downscale(rgb: np.ndarray, max_width: int) -> tuple[np.ndarray, float]:
    """A frame no wider than `max_width` (area interpolation) and the factor applied."""
    height, width = rgb.shape[:2]
    if width <= max_width:
        return rgb, 1.0
    scale = max_width / width
    small = cv2.resize(rgb, (max_width, max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    return small, scale


def bgr_to_rgb(frame: np.ndarray) -> np.ndarray:
    """OpenCV frames are BGR; dlib wants contiguous RGB."""
    return np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))


@cache
def _register_heif() -> None:
    # Registered on first use rather than at import; the plugin checks Pillow's pixel limit like the others.
    pillow_heif.register_heif_opener()


def _check_bytes(size: int, limits: Limits) -> None:
    if size == 0:
        raise PhotoRejected("empty_file", language=limits.language)
    if size > limits.max_bytes:
        raise PhotoRejected(
            "too_large",
            language=limits.language,
            size_mb=round(size / 1e6, 1),
            limit_mb=round(limits.max_bytes / 1e6, 1),
        )


def _too_many_pixels(pixels: int | None, limits: Limits) -> PhotoRejected:
    return PhotoRejected(
        "too_many_pixels",
        language=limits.language,
        megapixels="?" if pixels is None else round(pixels / 1e6, 1),
        limit_mp=round(limits.max_pixels / 1e6, 1),
    )


def _pixels_in_message(message: str) -> int | None:
    # Pillow refuses huge images inside open(); its message is the only place the size is given.
    found = re.search(r"\((\d+) pixels\)", message)
    return int(found.group(1)) if found else None


def _shrink(image: Image.Image, max_side: int) -> Image.Image:
    width, height = image.size
    longest = max(width, height)
    if longest <= max_side:
        return image
    scale = max_side / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
