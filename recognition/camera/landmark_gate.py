"""A liveness gate from landmark geometry: a blink, or a head turn that no flat picture can make."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from recognition.camera import landmark_geometry as geometry
from recognition.camera.liveness import LivenessVerdict
from recognition.engine import FaceBox

CHALLENGES = ("blink", "turn_left", "turn_right")


@dataclass(frozen=True, slots=True)
class LandmarkGateParams:
    """Thresholds, in the face's own unit (the interocular distance) where they are lengths.

    Measured (README "Liveness"): eight photos from shared/faces moved and tilted in front of a 640x480
    camera move the nose off the outline's plane (dlib's jitter and its shape prior) by at most 0.126 in
    one frame and 0.09 in a second at tilts up to 25 degrees, and by up to 0.147 in a second frame at 35
    degrees or with faces of 260 px; a head model turned 20 degrees gives 0.17, 26 degrees 0.23, 30
    degrees 0.27, so a turn must reach about 24 degrees. On those photos the eyes' rectified ratio stays
    at 0.80 or more of its median; a closed eye falls to about 0.3.
    """

    window: timedelta = timedelta(seconds=4)  # life must be shown within this (the voting window and a bit)
    gap: timedelta = timedelta(seconds=1.5)  # a face unseen this long starts a new track
    max_frames: int = 40  # frames kept per track (the window at 10 frames a second)
    min_interocular_px: float = 24.0  # smaller faces jitter too much to judge
    turn_parallax: float = 0.2
    turn_frames: int = 2
    blink_closed: float = 0.55
    blink_open: float = 0.8
    flat_motion: float = 0.08  # a face that moved this much with no parallax is a picture


@dataclass(slots=True)
class _Track:
    frames: deque[tuple[datetime, np.ndarray]] = field(default_factory=deque)
    proven: str | None = None
    challenge: str = "blink"
    # (nose parallax, rectified eye ratio, displacement) of each frame against frames[0]; cleared when
    # frames[0] changes, so a frame costs two small fits, not a refit of the whole track.
    measures: list[tuple[float, float, float]] = field(default_factory=list)


class LandmarkGate:
    """Keeps each matched person's recent landmarks and says when they have shown life."""

    def __init__(self, params: LandmarkGateParams | None = None, *, rng: random.Random | None = None) -> None:
        self.params = params or LandmarkGateParams()
        self._rng = rng or random.Random()
        self._tracks: dict[int, _Track] = {}

    def check(
        self,
        *,
        frame_rgb: np.ndarray,
        box: FaceBox,
        staff_id: int,
        landmarks: np.ndarray | None = None,
        at: datetime | None = None,
    ) -> LivenessVerdict:
        if landmarks is None or at is None:
            return LivenessVerdict(False, "no landmarks for this face", "pending")
        track = self._track(staff_id, at)
        points = np.asarray(landmarks, dtype=np.float64)
        if geometry.interocular(points) < self.params.min_interocular_px:
            return LivenessVerdict(False, "face too small to judge liveness", "too_small", track.challenge)
        track.frames.append((at, points))
        self._prune(track, at)
        if track.proven is None:
            track.proven = self._shown(track)
        if track.proven is not None:
            return LivenessVerdict(True, f"live: {track.proven}", track.proven)
        return self._not_yet(track)

    def assess(self, frames: list[np.ndarray]) -> str | None:
        """'blink' or 'turn' if this sequence of landmark sets shows life, else None (no state kept)."""
        track = _Track(deque((datetime.min, np.asarray(f, dtype=np.float64)) for f in frames))
        return self._shown(track)

    def forget(self, staff_id: int) -> None:
        """Start over for this person (after a punch or a recorded refusal)."""
        self._tracks.pop(staff_id, None)

    def _track(self, staff_id: int, at: datetime) -> _Track:
        track = self._tracks.get(staff_id)
        if track is None or (track.frames and at - track.frames[-1][0] > self.params.gap):
            track = _Track(challenge=self._rng.choice(CHALLENGES))
            self._tracks[staff_id] = track
            # a door sees a handful of people at once; drop tracks of faces long gone
            for other in [k for k, t in self._tracks.items() if t.frames and at - t.frames[-1][0] > self.params.window]:
                del self._tracks[other]
        return track

    def _prune(self, track: _Track, at: datetime) -> None:
        # Pruned in steps (down to a second inside the window, or 10 frames under the cap) so that the
        # reference frame, and with it every cached measure, changes about once a second, not every frame.
        slack = timedelta(seconds=1)
        if at - track.frames[0][0] <= self.params.window + slack and len(track.frames) <= self.params.max_frames:
            return
        while len(track.frames) > 1 and (
            at - track.frames[0][0] > self.params.window - slack or len(track.frames) > self.params.max_frames - 10
        ):
            track.frames.popleft()
        track.measures.clear()

    def _measure(self, track: _Track) -> list[tuple[float, float, float]]:
        reference = track.frames[0][1]
        for _, current in list(track.frames)[len(track.measures) :]:
            _, homography = geometry.planar_residual(reference, current)
            track.measures.append(
                (
                    geometry.nose_parallax(reference, current),
                    geometry.rectified_eye_ratio(current, homography),
                    geometry.displacement(reference, current),
                )
            )
        return track.measures

    def _shown(self, track: _Track) -> str | None:
        if len(track.frames) < 3:
            return None
        measures = self._measure(track)
        if _blinked(np.array([ratio for _, ratio, _ in measures]), self.params):
            return "blink"
        if sum(parallax >= self.params.turn_parallax for parallax, _, _ in measures) >= self.params.turn_frames:
            return "turn"
        return None

    def _not_yet(self, track: _Track) -> LivenessVerdict:
        moved = max((moved for _, _, moved in self._measure(track)), default=0.0)
        if len(track.frames) >= 3 and moved >= self.params.flat_motion:
            return LivenessVerdict(False, "moves like a flat picture (one plane's motion)", "flat", track.challenge)
        return LivenessVerdict(False, "no blink or head turn yet", "pending", track.challenge)


def _blinked(ratios: np.ndarray, params: LandmarkGateParams) -> bool:
    """Open, then closed, then open again, each relative to the track's median eye ratio."""
    baseline = float(np.median(ratios))
    if baseline <= 0:
        return False
    relative = ratios / baseline
    opened = False
    closed = False
    for value in relative:
        if not opened:
            opened = value >= params.blink_open
        elif not closed:
            closed = value <= params.blink_closed
        elif value >= params.blink_open:
            return True
    return False
