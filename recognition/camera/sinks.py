"""Where a camera sends punches and heartbeats and gets its gallery: in-process or over HTTP."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

import httpx

from recognition.camera.attempts import Attempt
from recognition.camera.outbox import OutboxPunch
from recognition.cameras import CameraHealth, CameraPunch, ingest_camera_punches, record_heartbeat
from recognition.crypto import TemplateCipher
from recognition.errors import DeliveryFailed
from recognition.gallery import Gallery

ATTEMPTS_PER_REQUEST = 20


def _attempt_json(attempt: Attempt) -> dict[str, object]:
    data = asdict(attempt)
    data["at"] = attempt.at.isoformat()
    for key in ("face_jpeg", "context_jpeg"):
        data[key] = base64.b64encode(data[key]).decode() if data[key] else None
    return data


@dataclass(frozen=True, slots=True)
class Receipt:
    stored: int
    duplicates: int
    rejected: tuple[tuple[int, str], ...] = ()  # (index in the batch, reason): refused for good


class PunchSink(Protocol):
    """The server as the camera sees it; every method raises DeliveryFailed when it is unreachable."""

    def deliver(self, serial: str, punches: Sequence[OutboxPunch]) -> Receipt: ...

    def heartbeat(self, serial: str, health: CameraHealth) -> None: ...

    def report_attempts(self, serial: str, attempts: Sequence[Attempt]) -> None:
        """Face decisions with their evidence, and the faces the liveness gate refused or flagged."""
        ...

    def report_prompt(self, serial: str, staff_id: int | None, challenge: str | None) -> None:
        """What the camera now asks of the face before it (for the door's kiosk); None clears it."""
        ...

    def fetch_gallery(self, known_version: str | None) -> Gallery | None:
        """The current gallery, or None when `known_version` is still current."""
        ...


class LocalSink:
    """In-process: the camera runs beside the server and uses its database directly."""

    def __init__(self, cipher: TemplateCipher, *, actor: str = "camera") -> None:
        self.cipher = cipher
        self.actor = actor

    def deliver(self, serial: str, punches: Sequence[OutboxPunch]) -> Receipt:
        from attendance.db import session_scope

        try:
            with session_scope() as session:
                result = ingest_camera_punches(
                    session=session,
                    serial=serial,
                    punches=[CameraPunch(p.pin, p.device_time, p.staff_id, p.note) for p in punches],
                )
        except Exception as err:  # a database outage must leave the punches in the outbox
            raise DeliveryFailed(f"database: {err}") from err
        return Receipt(result.stored, result.duplicates, tuple((r.index, r.reason) for r in result.rejected))

    def heartbeat(self, serial: str, health: CameraHealth) -> None:
        from attendance.db import session_scope

        try:
            with session_scope() as session:
                record_heartbeat(session=session, serial=serial, health=health)
        except Exception as err:
            raise DeliveryFailed(f"database: {err}") from err

    def report_attempts(self, serial: str, attempts: Sequence[Attempt]) -> None:
        from attendance.db import session_scope
        from config import get_settings
        from recognition.attempts import record_attempts

        try:
            with session_scope() as session:
                record_attempts(
                    session=session, serial=serial, attempts=attempts, cipher=self.cipher, policy=get_settings().faces
                )
        except Exception as err:
            raise DeliveryFailed(f"database: {err}") from err

    def report_prompt(self, serial: str, staff_id: int | None, challenge: str | None) -> None:
        from attendance.db import session_scope
        from recognition.attempts import set_prompt

        try:
            with session_scope() as session:
                set_prompt(session=session, serial=serial, staff_id=staff_id, challenge=challenge)
        except Exception as err:
            raise DeliveryFailed(f"database: {err}") from err

    def fetch_gallery(self, known_version: str | None) -> Gallery | None:
        from attendance.db import session_scope
        from recognition.enrollment import export_gallery

        try:
            with session_scope() as session:
                return export_gallery(
                    session=session, cipher=self.cipher, actor=self.actor, known_version=known_version
                )
        except Exception as err:
            raise DeliveryFailed(f"database: {err}") from err


class HttpSink:
    """The server's /api/faces routes over HTTP."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 5.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def deliver(self, serial: str, punches: Sequence[OutboxPunch]) -> Receipt:
        body = {
            "punches": [
                {
                    "pin": p.pin,
                    "staff_id": p.staff_id,
                    "device_time": p.device_time.isoformat(),
                    "note": p.note,
                }
                for p in punches
            ]
        }
        data = self._call("POST", f"/api/faces/cameras/{serial}/punches", json=body)
        try:
            rejected = tuple((int(r["index"]), str(r["reason"])) for r in data.get("rejected") or ())
            return Receipt(int(data["stored"]), int(data["duplicates"]), rejected)
        except (KeyError, TypeError, ValueError) as err:
            raise DeliveryFailed(f"unexpected answer to punches: {str(data)[:200]}") from err

    def heartbeat(self, serial: str, health: CameraHealth) -> None:
        self._call("POST", f"/api/faces/cameras/{serial}/heartbeat", json=asdict(health))

    def report_attempts(self, serial: str, attempts: Sequence[Attempt]) -> None:
        # Small batches: each decision carries two small JPEGs (about 15 KB), under the server's body limit.
        for start in range(0, len(attempts), ATTEMPTS_PER_REQUEST):
            body = {"attempts": [_attempt_json(a) for a in attempts[start : start + ATTEMPTS_PER_REQUEST]]}
            self._call("POST", f"/api/faces/cameras/{serial}/attempts", json=body)

    def report_prompt(self, serial: str, staff_id: int | None, challenge: str | None) -> None:
        body = {"staff_id": staff_id, "challenge": challenge}
        self._call("POST", f"/api/faces/cameras/{serial}/prompt", json=body)

    def fetch_gallery(self, known_version: str | None) -> Gallery | None:
        params = {"known_version": known_version} if known_version else {}
        data = self._call("GET", "/api/faces/gallery", params=params)
        if data.get("unchanged"):
            return None
        try:
            return Gallery.from_payload(data)
        except (KeyError, ValueError, TypeError) as err:
            raise DeliveryFailed(f"malformed gallery from server: {err}") from err

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: object) -> dict:  # type: ignore[type-arg]
        try:
            response = self._client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as err:
            raise DeliveryFailed(f"{method} {path}: {err}") from err
        if response.status_code >= 400:
            raise DeliveryFailed(f"{method} {path}: HTTP {response.status_code} {response.text[:200]}",
                                 status=response.status_code)
        try:
            data = response.json()
        except ValueError as err:
            raise DeliveryFailed(f"{method} {path}: not JSON: {response.text[:200]}") from err
        if not isinstance(data, dict):
            raise DeliveryFailed(f"{method} {path}: unexpected answer {str(data)[:200]}")
        return data
