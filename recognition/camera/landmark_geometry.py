"""Geometry of dlib's 68 face landmarks that tells a live face from a picture (pure numpy).

- A picture is a plane: however a print or a phone is moved and tilted in front of the camera, its
  landmarks in one frame are a homography of those in another, up to the detector's jitter. A head
  that turns is not a plane (the nose stands out of the cheeks and jaw): no homography explains it.
- A blink closes the eyes and opens them again; the eye aspect ratio (Soukupová and Čech, 2016) falls
  and recovers. It is measured after undoing the rigid points' homography, so tilting a picture (which
  squashes the eyes like the rest of the face) is not mistaken for a blink.
"""

from __future__ import annotations

import numpy as np

JAW = slice(0, 17)
RIGHT_EYE = slice(36, 42)
LEFT_EYE = slice(42, 48)
# Points that an expression barely moves: jaw outline, brows, nose (eyes and mouth left out).
RIGID = np.r_[0:17, 17:27, 27:36]
OUTLINE = np.r_[0:27]
NOSE = np.r_[27:36]


def eye_aspect_ratio(eye: np.ndarray) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) of one eye's six points; about 0.3 open, under 0.15 closed."""
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    horizontal = np.linalg.norm(eye[0] - eye[3])
    return float(vertical / (2.0 * horizontal)) if horizontal > 0 else 0.0


def eyes_aspect_ratio(landmarks: np.ndarray) -> float:
    """Mean aspect ratio of both eyes."""
    return (eye_aspect_ratio(landmarks[RIGHT_EYE]) + eye_aspect_ratio(landmarks[LEFT_EYE])) / 2.0


def interocular(landmarks: np.ndarray) -> float:
    """Distance between the eye centres: the face's own unit of length."""
    return float(np.linalg.norm(landmarks[RIGHT_EYE].mean(axis=0) - landmarks[LEFT_EYE].mean(axis=0)))


def fit_homography(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 3x3 homography taking `source` points to `target` in the least-squares (normalised DLT) sense."""
    src_norm, src_points = _normalise(source)
    dst_norm, dst_points = _normalise(target)
    x, y = src_points[:, 0], src_points[:, 1]
    u, v = dst_points[:, 0], dst_points[:, 1]
    zeros, ones = np.zeros_like(x), np.ones_like(x)
    rows = np.concatenate(
        [
            np.stack([-x, -y, -ones, zeros, zeros, zeros, u * x, u * y, u], axis=1),
            np.stack([zeros, zeros, zeros, -x, -y, -ones, v * x, v * y, v], axis=1),
        ]
    )
    _, _, vt = np.linalg.svd(rows)
    normalised = vt[-1].reshape(3, 3)
    homography = np.linalg.inv(dst_norm) @ normalised @ src_norm
    return homography / homography[2, 2] if abs(homography[2, 2]) > 1e-12 else homography


def apply_homography(homography: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Points (N, 2) mapped through a homography."""
    homogeneous = np.c_[points, np.ones(len(points))] @ homography.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


def planar_residual(reference: np.ndarray, current: np.ndarray) -> tuple[float, np.ndarray]:
    """How far the rigid landmarks are from one plane's motion (RMS, in interocular units), and the fit."""
    homography = fit_homography(reference[RIGID], current[RIGID])
    error = apply_homography(homography, reference[RIGID]) - current[RIGID]
    rms = float(np.sqrt((error**2).sum(axis=1).mean()))
    return rms / max(interocular(current), 1e-6), homography


def nose_parallax(reference: np.ndarray, current: np.ndarray) -> float:
    """How far the nose moved off the plane of the face's outline (jaw and brows), in interocular units.

    The nose stands 2-3 cm out of that outline: a head turning by a few degrees moves it sideways against
    the outline's homography, while a picture's nose stays on its plane. Averaging the nine nose points
    keeps the detector's jitter down.
    """
    homography = fit_homography(reference[OUTLINE], current[OUTLINE])
    error = apply_homography(homography, reference[NOSE]) - current[NOSE]
    return float(np.linalg.norm(error.mean(axis=0))) / max(interocular(current), 1e-6)


def rectified_eye_ratio(current: np.ndarray, homography: np.ndarray) -> float:
    """The eyes' aspect ratio once the rigid points' homography (reference -> current) is undone."""
    back = np.linalg.inv(homography)
    return (
        eye_aspect_ratio(apply_homography(back, current[RIGHT_EYE]))
        + eye_aspect_ratio(apply_homography(back, current[LEFT_EYE]))
    ) / 2.0


def displacement(reference: np.ndarray, current: np.ndarray) -> float:
    """Mean landmark movement between two frames after removing translation and scale (interocular units)."""
    a = reference - reference.mean(axis=0)
    b = current - current.mean(axis=0)
    a = a / max(np.sqrt((a**2).sum(axis=1).mean()), 1e-9)
    b = b / max(np.sqrt((b**2).sum(axis=1).mean()), 1e-9)
    scale = np.sqrt(((current - current.mean(axis=0)) ** 2).sum(axis=1).mean()) / max(interocular(current), 1e-6)
    return float(np.linalg.norm(a - b, axis=1).mean() * scale)


def _normalise(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Hartley's normalisation: centroid at the origin, mean distance sqrt(2); keeps the SVD well conditioned.
    centroid = points.mean(axis=0)
    spread = np.sqrt(((points - centroid) ** 2).sum(axis=1)).mean()
    scale = np.sqrt(2) / spread if spread > 0 else 1.0
    transform = np.array([[scale, 0, -scale * centroid[0]], [0, scale, -scale * centroid[1]], [0, 0, 1.0]])
    return transform, (points - centroid) * scale
