"""Frame and landmark sequences for the liveness tests: pictures held up to the camera, and 3-D faces.

No video of a live person exists here. Spoofs are real images: a photo from shared/faces, moved and tilted
in front of a 640x480 camera as a hand-held print or phone would be (a random walk of the plane's pose,
projected with a pinhole camera), with sensor noise; dlib finds the landmarks on each frame. Live faces
are landmark geometry only: a real photo's 68 points given a depth profile of a human face (in units of
the interocular distance), rotated and projected, or with the eyelids closing and opening, plus jitter.
"""

from __future__ import annotations

import numpy as np

from recognition.camera import landmark_geometry as geometry

SIZE = (640, 480)
FOCAL = 700.0


def face_crop(image: np.ndarray, box: tuple[int, int, int, int], face_px: int = 170) -> np.ndarray:
    """The photo around its face (box: top, right, bottom, left), scaled so the face is `face_px` wide."""
    import cv2

    top, right, bottom, left = box
    side = max(bottom - top, right - left)
    cy, cx = (top + bottom) // 2, (left + right) // 2
    half = int(side * 1.3)
    y0, x0 = max(0, cy - half), max(0, cx - half)
    crop = image[y0 : cy + half, x0 : cx + half]
    scale = face_px / side
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def hand_held(picture: np.ndarray, frames: int, rng: np.random.Generator, tilt_degrees: float = 25) -> list[np.ndarray]:
    """The picture as a 640x480 camera sees it while a hand moves and tilts it (BGR frames)."""
    import cv2

    h, w = picture.shape[:2]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) - [w / 2, h / 2]
    pose = np.zeros(6)  # pitch, yaw, roll (degrees), x, y (px), distance factor - 1
    limits = np.array([tilt_degrees, tilt_degrees, 10, 60, 40, 0.15])
    out = []
    for _ in range(frames):
        pose = np.clip(pose + rng.normal(0, limits / 3), -limits, limits)
        pitch, yaw, roll = np.radians(pose[:3])
        rx = np.array([[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)], [0, np.sin(pitch), np.cos(pitch)]])
        ry = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
        rz = np.array([[np.cos(roll), -np.sin(roll), 0], [np.sin(roll), np.cos(roll), 0], [0, 0, 1]])
        placed = np.c_[corners, np.zeros(4)] @ (rz @ ry @ rx).T + [pose[3], pose[4], FOCAL * (1 + pose[5])]
        projected = placed[:, :2] / placed[:, 2:3] * FOCAL + [SIZE[0] / 2, SIZE[1] / 2]
        source = (corners + [w / 2, h / 2]).astype(np.float32)
        warp = cv2.getPerspectiveTransform(source, projected.astype(np.float32))
        frame = cv2.warpPerspective(picture, warp, SIZE, borderValue=(40, 40, 40)).astype(np.float64)
        out.append(np.clip(frame + rng.normal(0, 4, frame.shape), 0, 255).astype(np.uint8))
    return out


def face_depth(landmarks: np.ndarray) -> np.ndarray:
    """Depth of each of the 68 points towards the camera, in interocular units (a generic human face).

    Eyes at 0; nose tip +0.55; cheeks and jaw recede to -0.9 at the ears; brows +0.1 at the centre; mouth +0.25.
    """
    centred = (landmarks - landmarks[27:36].mean(axis=0)) / geometry.interocular(landmarks)
    depth = np.zeros(68)
    jaw = np.abs(centred[0:17, 0]) / np.abs(centred[0:17, 0]).max()
    depth[0:17] = 0.15 - 1.05 * jaw**2
    brows = np.abs(centred[17:27, 0]) / np.abs(centred[17:27, 0]).max()
    depth[17:27] = 0.1 - 0.3 * brows**2
    depth[27:31] = np.linspace(0.15, 0.55, 4)
    depth[31:36] = [0.3, 0.36, 0.4, 0.36, 0.3]
    depth[48:68] = 0.25
    return depth


def turning_head(
    landmarks: np.ndarray, yaws: list[float], rng: np.random.Generator, jitter: float = 0.02
) -> list[np.ndarray]:
    """A 3-D face built on `landmarks` turning through `yaws` (degrees), projected; jitter in interocular units."""
    iod = geometry.interocular(landmarks)
    centre = landmarks[27:36].mean(axis=0)
    model = np.c_[(landmarks - centre) / iod, face_depth(landmarks)]
    distance = 9.0  # camera about 55 cm away for a 6.3 cm interocular distance
    frames = []
    for yaw in yaws:
        t = np.radians(yaw)
        rotation = np.array([[np.cos(t), 0, np.sin(t)], [0, 1, 0], [-np.sin(t), 0, np.cos(t)]])
        points = model @ rotation.T
        projected = points[:, :2] / (distance - points[:, 2:3]) * distance * iod + centre
        frames.append(projected + rng.normal(0, jitter * iod, projected.shape))
    return frames


def blinking(
    landmarks: np.ndarray, openness: list[float], rng: np.random.Generator, jitter: float = 0.02
) -> list[np.ndarray]:
    """The face with its eyelids at `openness` (1 open, 0 shut) in turn, moving a little, with jitter."""
    iod = geometry.interocular(landmarks)
    frames = []
    for value in openness:
        points = landmarks.astype(np.float64).copy()
        for eye in (geometry.RIGHT_EYE, geometry.LEFT_EYE):
            corners_mid = (points[eye][0] + points[eye][3]) / 2
            lids = points[eye][[1, 2, 4, 5]]
            points[eye.start + np.array([1, 2, 4, 5])] = corners_mid + (lids - corners_mid) * np.array([1, value])
        angle = np.radians(rng.normal(0, 2))
        turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        centre = points.mean(axis=0)
        points = (points - centre) @ turn.T * rng.uniform(0.97, 1.03) + centre + rng.normal(0, 0.1 * iod, 2)
        frames.append(points + rng.normal(0, jitter * iod, points.shape))
    return frames
