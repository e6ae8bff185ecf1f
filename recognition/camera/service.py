"""The camera loop: frame, detect, encode, match, liveness, k-of-n, debounce, outbox, server."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import cv2
import numpy as np

from attendance.timeutil import utcnow
from config.settings import FacePolicy
from recognition.camera.attempt_queue import AttemptQueue
from recognition.camera.attempts import Attempt
from recognition.camera.evidence import evidence_images
from recognition.camera.gallery_cache import GalleryCache
from recognition.camera.landmark_gate import LandmarkGate
from recognition.camera.liveness import LivenessGate, LivenessPolicy, LivenessVerdict, PassThroughGate
from recognition.camera.outbox import Outbox, OutboxPunch
from recognition.camera.sinks import PunchSink
from recognition.camera.snapshots import SnapshotFolder
from recognition.camera.voting import UNKNOWN, Debouncer, Voter
from recognition.cameras import CameraHealth
from recognition.engine import FaceBox, FaceEngine
from recognition.errors import DeliveryFailed
from recognition.gallery import Gallery, Match, Matcher
from recognition.imaging import bgr_to_rgb

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(seconds=60)
PROMPT_HOLD = timedelta(seconds=1)  # a prompt stays this long after its face was last seen
DELIVERED_KEPT = timedelta(days=7)  # delivered punches stay in the outbox this long, as a local trail


@dataclass(slots=True)
class CameraStats:
    frames: int = 0
    faces: int = 0
    decisions: int = 0
    punches_queued: int = 0
    unknown_events: int = 0
    spoofs_refused: int = 0  # attempts refused for showing no sign of life (policy enforce)
    liveness_flagged: int = 0  # punches made without a sign of life (policy observe)
    delivered: int = 0
    delivery_failures: int = 0
    last_error: str | None = None
    frame_seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Seen:
    """The latest frame in which a person was matched, and what the liveness gate said of it."""

    verdict: LivenessVerdict
    match: Match
    rgb: np.ndarray
    box: FaceBox


@dataclass(frozen=True, slots=True)
class FrameResult:
    boxes: list[FaceBox]
    matches: list[Match]
    decided: list[int]
    punched: list[int]
    seconds: float


class CameraService:
    """One camera: owns its voter, debouncer, outbox and gallery copy; delivers through a `PunchSink`."""

    def __init__(
        self,
        *,
        serial: str,
        engine: FaceEngine,
        sink: PunchSink,
        outbox: Outbox,
        policy: FacePolicy,
        gallery_cache: GalleryCache | None = None,
        liveness: LivenessGate | None = None,
        snapshots: SnapshotFolder | None = None,
        attempts: AttemptQueue | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.serial = serial
        self.engine = engine
        self.sink = sink
        self.outbox = outbox
        self.policy = policy
        self.cache = gallery_cache
        self.liveness_policy = LivenessPolicy(policy.liveness)
        if liveness is not None:
            self.liveness: LivenessGate = liveness
        elif self.liveness_policy == LivenessPolicy.OFF:
            self.liveness = PassThroughGate()
        else:
            self.liveness = LandmarkGate()
        # Face decisions' evidence and refused/flagged attempts wait here until the server has them.
        self.attempts = attempts if attempts is not None else AttemptQueue()
        self.prompts: dict[int, str] = {}  # matched people not yet shown live -> what to ask of them
        self._verdicts: dict[int, _Seen] = {}
        self._waiting_since: dict[int, datetime] = {}
        self._prompt_seen: dict[int, datetime] = {}
        self._prompt_sent: tuple[int | None, str | None] = (None, None)
        self._prompt_resend = datetime.min.replace(tzinfo=utcnow().tzinfo)
        self.snapshots = snapshots
        self.clock = clock
        self.stats = CameraStats()
        self.voter = Voter(policy.camera_k, policy.camera_n)
        window = timedelta(seconds=policy.debounce_seconds)
        self.debouncer = Debouncer(window)
        self.unknown_debouncer = Debouncer(window)
        self.attempt_debouncer = Debouncer(window)
        self.matcher = self._matcher(Gallery([]))
        self._next_delivery = self._next_heartbeat = self._next_sync = datetime.min.replace(tzinfo=utcnow().tzinfo)
        self._backoff = timedelta(seconds=2)
        self._last_unknown: np.ndarray | None = None

    def start(self) -> None:
        """Load the cached gallery, then try the server's current one."""
        cached = self.cache.load() if self.cache else None
        if cached is not None:
            self.matcher = self._matcher(cached)
        self.sync_gallery()

    def run(self, frames: Iterable[np.ndarray], *, max_frames: int | None = None) -> CameraStats:
        """Process frames until the source ends (or `max_frames`), then deliver what is pending."""
        self.start()
        for frame in frames:
            now = self.clock()
            self.process_frame(frame, now)
            self.tick(now)
            if max_frames is not None and self.stats.frames >= max_frames:
                break
        self.flush(force=True)
        self.heartbeat()
        return self.stats

    def process_frame(self, frame_bgr: np.ndarray, at: datetime) -> FrameResult:
        """Everything one frame contributes; punches go to the outbox, not yet to the server."""
        started = time.perf_counter()
        rgb = bgr_to_rgb(frame_bgr)
        boxes = self.engine.detect_downscaled(
            rgb, max_width=self.policy.camera_detect_width, upsample=self.policy.camera_upsample
        )
        encodings, landmarks = self.engine.encode_with_landmarks(rgb, boxes)
        matches = self.matcher.identify_many(encodings) if boxes else []
        labels = {
            self._label(rgb, box, match, points, at)
            for box, match, points in zip(boxes, matches, landmarks, strict=True)
        }
        decided = self.voter.push(labels)
        for gone in [staff_id for staff_id, seen in self._prompt_seen.items() if at - seen > PROMPT_HOLD]:
            self.prompts.pop(gone, None)  # the face left: stop asking
            del self._prompt_seen[gone]
        punched = [label for label in decided if self._decide(label, at)]
        seconds = time.perf_counter() - started
        self.stats.frames += 1
        self.stats.faces += len(boxes)
        if boxes and len(self.stats.frame_seconds) < 100_000:
            self.stats.frame_seconds.append(seconds)
        return FrameResult(boxes, matches, decided, punched, seconds)

    def tick(self, now: datetime) -> None:
        """Periodic work between frames: the kiosk's prompt, delivery, heartbeat, gallery sync."""
        self.send_prompt(now)
        self.flush()
        if now >= self._next_heartbeat:
            self.heartbeat()
        if now >= self._next_sync:
            self.sync_gallery()

    def send_prompt(self, now: datetime) -> None:
        """Tell the server what to ask at the door when it changed (and every 2 s while it stands)."""
        staff_id = next(iter(self.prompts), None)
        wanted = (staff_id, self.prompts.get(staff_id) if staff_id is not None else None)
        if wanted == self._prompt_sent and (wanted[1] is None or now < self._prompt_resend):
            return
        try:
            self.sink.report_prompt(self.serial, *wanted)
        except DeliveryFailed as err:
            log.debug("prompt not delivered: %s", err)
            return
        self._prompt_sent, self._prompt_resend = wanted, now + timedelta(seconds=2)

    def flush(self, *, force: bool = False) -> int:
        """Deliver pending punches; on failure keep them and back off (2 s doubling to 60 s)."""
        now = self.clock()
        if not force and now < self._next_delivery:
            return 0
        delivered = 0
        while batch := self.outbox.pending(200):
            ids = [p.id for p in batch if p.id is not None]
            try:
                delivered += self._deliver(batch)
            except DeliveryFailed as err:
                self.outbox.mark_failed(ids, str(err))
                self._failed(str(err), now)
                return delivered
        self._deliver_attempts()
        self.stats.delivered += delivered
        self.stats.last_error = None
        self._backoff = timedelta(seconds=2)
        self._next_delivery = now
        return delivered

    def _deliver(self, batch: list[OutboxPunch]) -> int:
        """Deliver a batch; punches the server refuses for good go to the dead letters, the rest through.

        A request refused as a whole (one punch the server cannot take makes the batch a 422) is split
        in halves until the refused punches stand alone. Raises DeliveryFailed for passing failures."""
        try:
            receipt = self.sink.deliver(self.serial, batch)
        except DeliveryFailed as err:
            if not err.permanent:
                raise
            if len(batch) == 1:
                self.outbox.mark_dead([(batch[0].id or 0, str(err))])
                return 0
            middle = len(batch) // 2
            return self._deliver(batch[:middle]) + self._deliver(batch[middle:])
        refused = {index: reason for index, reason in receipt.rejected if 0 <= index < len(batch)}
        if refused:
            self.outbox.mark_dead([(batch[i].id or 0, reason) for i, reason in refused.items()])
        # marked only after the server has acknowledged; a lost ack means a resend the ledger dedupes
        kept = [p.id for i, p in enumerate(batch) if i not in refused and p.id is not None]
        self.outbox.mark_delivered(kept)
        return len(kept)

    def heartbeat(self) -> None:
        pending, delivered = self.outbox.counts()
        health = CameraHealth(
            self.stats.frames,
            self.stats.decisions,
            pending,
            delivered,
            len(self.matcher.gallery),
            self.stats.last_error,
            self.outbox.dead_count(),
        )
        now = self.clock()
        self._next_heartbeat = now + timedelta(seconds=self.policy.heartbeat_seconds)
        self.outbox.purge_delivered(now - DELIVERED_KEPT)
        try:
            self.sink.heartbeat(self.serial, health)
        except DeliveryFailed as err:
            self.stats.last_error = str(err)

    def sync_gallery(self) -> bool:
        """Replace the gallery if the server has a newer one; True if it changed."""
        now = self.clock()
        self._next_sync = now + timedelta(seconds=self.policy.gallery_sync_seconds)
        try:
            gallery = self.sink.fetch_gallery(self.matcher.gallery.version)
        except DeliveryFailed as err:
            self.stats.last_error = str(err)
            log.warning("gallery sync failed, keeping %d people: %s", len(self.matcher.gallery), err)
            return False
        self.stats.last_error = None
        if gallery is None:
            return False
        self.matcher = self._matcher(gallery)
        if self.cache:
            self.cache.save(gallery)
        return True

    def _label(
        self, rgb: np.ndarray, box: FaceBox, match: Match, landmarks: np.ndarray, at: datetime
    ) -> int:
        if match.person is None:
            self._last_unknown = rgb[box.top : box.bottom, box.left : box.right]
            return UNKNOWN
        staff_id = match.person.staff_id
        verdict = self.liveness.check(frame_rgb=rgb, box=box, staff_id=staff_id, landmarks=landmarks, at=at)
        self._verdicts[staff_id] = _Seen(verdict, match, rgb, box)
        if verdict.live:
            self.prompts.pop(staff_id, None)
        elif verdict.challenge:
            self.prompts[staff_id] = verdict.challenge
            self._prompt_seen[staff_id] = at
        return staff_id

    def _decide(self, label: int, at: datetime) -> bool:
        if label == UNKNOWN:
            self.voter.forget(label)
            if self.unknown_debouncer.allow(UNKNOWN, at):
                self.stats.unknown_events += 1
                self._keep_snapshot(at)
            return False
        seen = self._verdicts.get(label)
        verdict = seen.verdict if seen else LivenessVerdict(False, "not checked", "pending")
        if not verdict.live and self.liveness_policy == LivenessPolicy.ENFORCE:
            # Matched in k of n frames but no sign of life yet: keep the votes while the person is asked to
            # blink or turn; once the liveness window has passed without one, record the refused attempt.
            since = self._waiting_since.setdefault(label, at)
            if at - since < self._liveness_wait():
                return False
            self.voter.forget(label)
            self._waiting_since.pop(label, None)
            self._forget_track(label)
            if self.attempt_debouncer.allow(label, at):
                self.stats.spoofs_refused += 1
                self._attempt(at, seen, "refused")
                log.warning("liveness refused staff %s: %s", label, verdict.reason)
            return False
        self.voter.forget(label)
        self._waiting_since.pop(label, None)
        self.stats.decisions += 1
        person = next((p for p in self.matcher.gallery.people if p.staff_id == label), None)
        if person is None or not self.debouncer.allow(label, at):
            return False  # None: the person left the gallery at a sync since the votes were cast
        flagged = not verdict.live and self.liveness_policy == LivenessPolicy.OBSERVE
        note = "camera; liveness not shown" if flagged else "camera"
        queued = self.outbox.add(
            OutboxPunch(self.serial, person.pin, person.staff_id, at.replace(microsecond=0), note=note)
        )
        self.stats.punches_queued += int(queued)
        self.prompts.pop(label, None)
        self._forget_track(label)
        if flagged and queued:
            self.stats.liveness_flagged += 1
        if queued:
            self._attempt(at, seen, "flagged" if flagged else "punched")
        return queued

    def _liveness_wait(self) -> timedelta:
        window = getattr(self.liveness, "params", None)
        return getattr(window, "window", timedelta(seconds=4))

    def _forget_track(self, label: int) -> None:
        forget = getattr(self.liveness, "forget", None)
        if forget is not None:
            forget(label)

    def _attempt(self, at: datetime, seen: _Seen | None, outcome: str) -> None:
        """Queue the decision's evidence (and, unless punched cleanly, the attempt) for the server."""
        match = seen.match if seen else None
        person = match.person if match else None
        face, context = evidence_images(seen.rgb, seen.box) if seen else (None, None)
        self.attempts.add(
            Attempt(
                at=at.replace(microsecond=0),
                staff_id=person.staff_id if person else None,
                pin=person.pin if person else None,
                distance=round(match.distance, 4) if match else None,
                runner_up=round(match.runner_up, 4) if match and np.isfinite(match.runner_up) else None,
                outcome=outcome,
                reason=(seen.verdict.code if seen else "") or "pending",
                face_jpeg=face,
                context_jpeg=context,
            )
        )

    def _deliver_attempts(self) -> None:
        # Punches come first: an attempt that cannot be delivered waits for the next flush, punches do not.
        while batch := self.attempts.pending(100):
            try:
                self.sink.report_attempts(self.serial, [attempt for _, attempt in batch])
            except DeliveryFailed as err:
                log.warning("%d face decisions wait for the server: %s", len(self.attempts), err)
                return
            self.attempts.remove([row_id for row_id, _ in batch])

    def _keep_snapshot(self, at: datetime) -> None:
        limit = self.policy.unknown_snapshot_limit
        if not limit or self.snapshots is None or self._last_unknown is None or not self._last_unknown.size:
            return
        crop = self._last_unknown
        scale = 96 / max(crop.shape[:2])
        if scale < 1:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
        if ok:
            self.snapshots.keep(at, jpeg.tobytes(), limit=limit)

    def _failed(self, error: str, now: datetime) -> None:
        self.stats.delivery_failures += 1
        self.stats.last_error = error
        self._next_delivery = now + self._backoff
        self._backoff = min(self._backoff * 2, MAX_BACKOFF)
        log.warning("delivery failed, punches stay in the outbox: %s", error)

    def _matcher(self, gallery: Gallery) -> Matcher:
        return Matcher(gallery, threshold=self.policy.threshold, margin=self.policy.margin)
