"""Settings and the default attendance policy, read by every other package."""

from config.settings import AttendancePolicy, Settings, get_settings

__all__ = ["AttendancePolicy", "Settings", "get_settings"]
