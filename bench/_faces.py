"""Shared helpers for the face benchmarks: one core, the shared photos, 640x480 frames."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FACES = ROOT.parent / "shared" / "faces"
FRAME = (640, 480)
sys.path.insert(0, str(ROOT))


def one_core() -> str:
    """Pin the process to one CPU and one BLAS thread (call before numpy is imported)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        return "pinned to 1 core"
    return "not pinned"


def framed(path: Path) -> np.ndarray:
    """A photo letterboxed into a 640x480 BGR frame."""
    import cv2
    import numpy as np

    image = cv2.imread(str(path))
    scale = min(FRAME[0] / image.shape[1], FRAME[1] / image.shape[0])
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((FRAME[1], FRAME[0], 3), 40, np.uint8)
    top, left = (FRAME[1] - resized.shape[0]) // 2, (FRAME[0] - resized.shape[1]) // 2
    frame[top : top + resized.shape[0], left : left + resized.shape[1]] = resized
    return frame


def ms(samples: list[float]) -> tuple[str, str, str]:
    """p50, p95, min in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{statistics.median(ordered) * 1e3:.1f}", f"{p95 * 1e3:.1f}", f"{ordered[0] * 1e3:.1f}"
