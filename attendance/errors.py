"""Domain exceptions with one root; `api/` maps them to HTTP status codes once."""


class AttendanceError(Exception):
    """Root of every error a user can cause in the domain.

    `code` and `params` name the message in `attendance.messages`, which says it in Vietnamese or
    English; `str(err)` stays the English text API clients and logs read."""

    code: str = ""
    params: dict[str, object]

    def __init__(self, message: str = "", /, *, code: str | None = None, **params: object) -> None:
        if code is not None:
            self.code, self.params = code, dict(params)
        elif not hasattr(self, "params"):
            self.params = {}
        if not message and self.code:
            from attendance.messages import render

            message = render(self.code, "en", **self.params)
        super().__init__(message)

    def message(self, language: str = "vi") -> str:
        """What the person reads: the catalogue's sentence for `code`, else the class's general one."""
        from attendance.messages import explain

        return explain(self, language)


class NotFound(AttendanceError):
    """A referenced unit, staff member, device or request does not exist."""


class UnknownUnit(NotFound):
    pass


class UnknownStaff(NotFound):
    pass


class UnknownDevice(NotFound):
    pass


class InvalidInput(AttendanceError):
    """A value is out of range or inconsistent (dates, times, kinds)."""


class InvalidSchedule(InvalidInput):
    pass


class OverlappingSchedule(InvalidSchedule):
    pass


class Conflict(AttendanceError):
    """The change clashes with existing data (a duplicate code, a decided request)."""


class OutsideEmployment(InvalidInput):
    """A request or punch falls outside the person's employment."""


class MonthClosed(Conflict):
    """The month is closed; reopen it explicitly before changing what it covers."""


class Forbidden(AttendanceError):
    """The actor may not do this to this record (e.g. a manual punch for oneself)."""
