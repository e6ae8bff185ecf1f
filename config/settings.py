"""One settings class, read from the environment and `.env` (prefix ATTENDANCE_, plus DATABASE_URL)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.notify import MailSettings, WorkerSettings
from config.requests import RequestPolicy
from config.secret import SecretUnusable, check_secret, load_or_create_secret


class AttendancePolicy(BaseModel):
    """Defaults a unit uses until its own schedule or rules say otherwise (DOMAIN.md R3-R4)."""

    grace_minutes: int = Field(5, ge=0, le=120)
    window_before_minutes: int = Field(90, ge=0, le=360, description="session window opens before start")
    window_after_minutes: int = Field(90, ge=0, le=360, description="session window closes after end")
    duplicate_window_seconds: int = Field(60, ge=0, le=3600, description="presses this close are one punch")
    drift_threshold_seconds: int = Field(60, ge=1, description="clock offset that flags a terminal")
    future_tolerance_hours: int = Field(24, ge=0, description="punches further ahead are quarantined")
    earliest_valid_year: int = Field(2010, ge=1990)
    morning_start: str = "07:30"
    morning_end: str = "11:30"
    afternoon_start: str = "13:30"
    afternoon_end: str = "17:00"
    workdays: str = Field("0,1,2,3,4", description="weekday numbers, Monday = 0")


class FacePolicy(BaseModel):
    """Face enrollment, matching and camera settings (ATTENDANCE_FACES__<NAME>)."""

    # Measured on shared/faces (HOG + dlib ResNet): same person 0.04-0.53, nearest other person 0.695.
    # 0.58 sits nearer the genuine side because a false accept is someone else's punch.
    threshold: float = Field(0.58, gt=0, lt=2, description="largest distance that still matches")
    margin: float = Field(0.08, ge=0, lt=2, description="runner-up must be this much further away")
    max_upload_bytes: int = Field(10_000_000, ge=1_000)
    max_image_pixels: int = Field(40_000_000, ge=10_000, description="refuse larger images (pixel bombs)")
    work_max_side: int = Field(1024, ge=160, description="photos are downscaled to this before detection")
    min_face_px: int = Field(80, ge=20, description="smallest face height accepted for enrollment")
    min_sharpness: float = Field(25.0, ge=0, description="variance of Laplacian on the 160 px face crop")
    min_brightness: float = Field(50.0, ge=0, le=255)
    max_brightness: float = Field(215.0, ge=0, le=255)
    min_contrast: float = Field(20.0, ge=0, le=128, description="standard deviation of the face crop")
    max_templates_per_person: int = Field(5, ge=1, le=20)
    keep_photos: bool = Field(False, description="keep enrolled photos (encrypted); off by default (R13)")
    camera_detect_width: int = Field(480, ge=160, description="frames are downscaled to this for detection")
    camera_upsample: int = Field(0, ge=0, le=2, description="HOG upsampling of the detection frame")
    camera_k: int = Field(3, ge=1, description="agreeing frames needed...")
    camera_n: int = Field(5, ge=1, description="...out of this many recent frames")
    debounce_seconds: int = Field(60, ge=0, description="one punch per person per window")
    evidence_retention_days: int = Field(60, ge=1, le=3650, description="deciding frames of face punches kept")
    liveness: Literal["enforce", "observe", "off"] = Field(
        "enforce", description="cameras: punch only a face seen live | punch but flag | no check"
    )
    unknown_snapshot_limit: int = Field(0, ge=0, description="small unknown-face snapshots kept; 0 = none")
    heartbeat_seconds: int = Field(30, ge=1)
    gallery_sync_seconds: int = Field(300, ge=5)


class TerminalPolicy(BaseModel):
    """Terminals and what reaches them (ATTENDANCE_TERMINALS__<NAME>)."""

    trusted_proxies: str = Field("", description="reverse proxies (addresses/networks, comma-separated) whose "
                                 "X-Forwarded-For is believed; none by default")
    max_upload_bytes: int = Field(16 * 1024 * 1024, ge=1_000, description="largest push upload (a whole backlog)")
    command_resend_seconds: int = Field(120, ge=5, description="a sent command unconfirmed this long is sent again")
    command_max_attempts: int = Field(3, ge=1, description="sends before a command is marked failed")
    fingerprint_records: int = Field(8, ge=1, le=1000, description="newest records a pull compares before skipping")
    silent_intervals: int = Field(3, ge=1, description="a pull terminal is silent after this many poll intervals")
    push_silent_minutes: int = Field(10, ge=1, description="a push terminal (or camera) is silent after this long")
    log_full_ratio: float = Field(0.9, gt=0, le=1, description="a log this full raises an alert")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        # Every request's client address reads this: a typo must stop the start, not fail each login.
        for part in value.replace(";", ",").replace(" ", ",").split(","):
            if part:
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError as err:
                    raise ValueError(f"not an IP address or network: {part[:60]!r}") from err
        return value


class DatabasePool(BaseModel, frozen=True):
    """Connections each process keeps to PostgreSQL (ATTENDANCE_DATABASE_POOL__<NAME>).

    A province runs several API processes, pollers and the worker on one server whose default
    limit is 100 connections: 6 processes x (5 + 10) stays under it, where the library's 10 + 20
    each did not (the last ones refused with "too many clients" as pools refilled after a restart)."""

    size: int = Field(5, ge=1, le=100, description="connections kept open per process")
    max_overflow: int = Field(10, ge=0, le=200, description="extra connections opened under load, closed after")
    timeout_seconds: float = Field(10.0, gt=0, description="a request waits this long for a free connection")


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="ATTENDANCE_", env_file=".env", env_nested_delimiter="__", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "ATTENDANCE_DATABASE_URL")
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    # Empty: the installation's own key, generated on first start in data_dir/secret.key.
    secret_key: str = ""
    language: str = "vi"
    policy: AttendancePolicy = AttendancePolicy()
    faces: FacePolicy = FacePolicy()
    terminals: TerminalPolicy = TerminalPolicy()
    database_pool: DatabasePool = DatabasePool()
    metrics_token: str | None = Field(None, description="when set, /metrics requires 'Authorization: Bearer <it>'")
    # E-mail notices and the worker that sends them; links in e-mails start with public_url.
    mail: MailSettings = MailSettings()
    worker: WorkerSettings = WorkerSettings()
    requests: RequestPolicy = RequestPolicy()
    public_url: str = Field("http://localhost:8000", description="the service's address as staff open it")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {value!r}") from err
        return value

    @model_validator(mode="after")
    def _usable_secret(self) -> Settings:
        try:
            if not self.secret_key:
                self.secret_key = load_or_create_secret(self.data_dir)
            check_secret(self.secret_key, production=self.environment == "production")
        except SecretUnusable as err:
            raise ValueError(str(err)) from err
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.data_dir / 'attendance.sqlite3').resolve()}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    """The process's settings; tests and the CLI clear the cache to override."""
    return Settings()
