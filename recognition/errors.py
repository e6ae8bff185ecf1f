"""Face errors: domain exceptions (mapped to 4xx by api/) with messages in Vietnamese and English."""

from __future__ import annotations

from attendance.errors import AttendanceError, Conflict, InvalidInput
from recognition.messages import render


class PhotoRejected(InvalidInput):
    """A photo or frame cannot be used; `code` says why, `message(lang)` says what to do."""

    def __init__(self, code: str, *, language: str = "vi", **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(render(code, language, **params))

    def message(self, language: str = "vi") -> str:
        return render(self.code, language, **self.params)


class ConsentRequired(Conflict):
    """No recorded, unwithdrawn consent for this person (DOMAIN.md R13)."""


class TooManyTemplates(Conflict):
    """The person already has the maximum number of face templates."""


class TemplateUnreadable(AttendanceError):
    """A stored template cannot be decrypted (wrong key or tampered data)."""


class CameraUnavailable(AttendanceError):
    """The camera source cannot be opened or stopped delivering frames."""


class DeliveryFailed(AttendanceError):
    """Punches could not be delivered to the server; they stay in the outbox.

    `permanent`: the server refused the request itself (a 4xx other than 401/403/408/429), so
    sending it again cannot succeed; the camera sets such punches aside instead of retrying."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        return self.status is not None and 400 <= self.status < 500 and self.status not in (401, 403, 408, 429)
