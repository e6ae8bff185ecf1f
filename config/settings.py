"""One settings class, read from the environment and `.env` (prefix ATTENDANCE_, plus DATABASE_URL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-insecure-development-secret"


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


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="ATTENDANCE_", env_file=".env", env_nested_delimiter="__", extra="ignore"
    )

    environment: str = Field("development", description="development | test | production")
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "ATTENDANCE_DATABASE_URL")
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    secret_key: str = DEFAULT_SECRET
    language: str = "vi"
    policy: AttendancePolicy = AttendancePolicy()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {value!r}") from err
        return value

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("ATTENDANCE_SECRET_KEY must be set in production")
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
