"""What goes wrong with terminals, rooted in the domain's error tree."""

from attendance.errors import AttendanceError, Conflict, InvalidInput


class DeviceError(AttendanceError):
    """A terminal could not be read or written."""


class DeviceUnreachable(DeviceError):
    """No answer: network down, wrong address, timeout."""


class DeviceAuthFailed(DeviceError):
    """The terminal refused the comm key."""


class DeviceProtocolError(DeviceError):
    """The terminal answered something the protocol does not allow."""


class DeviceMismatch(Conflict):
    """The terminal at the address reports another serial number than the one registered."""


class UnsafeClear(Conflict):
    """Clearing the log now could lose punches."""


class BadDeviceInput(InvalidInput):
    """A device setting or uploaded file is invalid."""
