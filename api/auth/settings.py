"""Authentication settings (ATTENDANCE_AUTH_<NAME>), read once per process."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    """Token lifetimes, cookie flags and login limits."""

    model_config = SettingsConfigDict(env_prefix="ATTENDANCE_AUTH_", env_file=".env", extra="ignore")

    access_token_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    session_minutes: int = Field(8 * 60, ge=1, le=30 * 24 * 60, description="cookie session absolute lifetime")
    idle_minutes: int = Field(60, ge=1, le=30 * 24 * 60, description="a session unused this long ends")
    cookie_name: str = "attendance_session"
    cookie_secure: bool | None = Field(None, description="None = secure except in development and test")
    max_failures_per_user: int = Field(5, ge=1, description="failed password checks per account and address")
    max_failures_per_client: int = Field(20, ge=1, description="failed password checks per address, any account")
    failure_window_minutes: int = Field(15, ge=1)
    min_password_length: int = Field(10, ge=8)
    require_2fa_roles: str = Field("", description="roles that must use two-factor sign-in, e.g. 'admin,personnel'")
    second_factor_minutes: int = Field(5, ge=1, le=30, description="time to type the code after the password")


@lru_cache
def get_auth_settings() -> AuthSettings:
    """The process's auth settings; tests clear the cache to override."""
    return AuthSettings()
