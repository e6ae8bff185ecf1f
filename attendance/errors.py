"""Domain exceptions with one root; `api/` maps them to HTTP status codes once."""


class AttendanceError(Exception):
    """Root of every error a user can cause in the domain."""


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
