"""Settings of the e-mail notifications and the scheduled worker (ATTENDANCE_MAIL__*, ATTENDANCE_WORKER__*)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator


class MailSettings(BaseModel):
    """The SMTP server notices leave through; no host means no e-mail is sent (the pages still show them)."""

    host: str = Field("", description="SMTP server; empty turns e-mail off")
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="STARTTLS on the submission port | TLS from the start (465) | plain (local relay)")
    user: str = ""
    password: SecretStr = SecretStr("")
    sender: str = Field("cham-cong@localhost", description="the From address")
    sender_name: str = Field("Hệ thống chấm công", description="the From display name")
    timeout_seconds: float = Field(30, gt=0, le=600)
    ca_file: Path | None = Field(None, description="CA certificates to trust for the server (an office's own CA)")

    @property
    def enabled(self) -> bool:
        return bool(self.host)


class WorkerSettings(BaseModel):
    """What `attendance worker` runs and when (local time of the service's time zone)."""

    lease_seconds: int = Field(60, ge=5, le=3600, description="a dead worker's lease frees after this long")
    morning_reminder_at: str = Field("12:00", description="reminders of the morning's faults")
    afternoon_reminder_at: str = Field("17:30", description="reminders of the afternoon's faults")
    digest_at: str = Field("08:00", description="heads' digest of pending requests")
    alert_check_minutes: int = Field(5, ge=1, le=1440, description="terminal alerts are checked this often")
    backup_at: str = Field("01:30", description="the daily database backup")
    backup_keep: int = Field(14, ge=1, le=3650, description="daily backups kept")
    backups: bool = Field(True, description="take the daily backup")
    # Longer than any reminder's subject can be re-evaluated (a day, a pending request, an open alert).
    notice_keep_days: int = Field(400, ge=7, le=3650, description="notices older than this are deleted")

    @field_validator("morning_reminder_at", "afternoon_reminder_at", "digest_at", "backup_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and 0 <= int(hour) < 24 and 0 <= int(minute) < 60):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return f"{int(hour):02d}:{int(minute):02d}"
