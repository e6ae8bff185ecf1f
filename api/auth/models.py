"""Login accounts, device tokens and failed-login records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class User(SQLModel, table=True):
    """A login account; `unit_id` scopes personnel offices and heads, `staff_id` links a person."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=100)
    full_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=16)
    grants: str = Field(default="", max_length=500, description="extra permissions, comma-separated")
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", unique=True)
    active: bool = True
    token_version: int = Field(default=1, description="bumped to invalidate every token issued before")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_login_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    totp_secret: bytes | None = Field(default=None, sa_column=Column(LargeBinary),
                                      description="the TOTP seed, sealed under the service secret")
    totp_enabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    totp_last_step: int | None = Field(default=None, description="the last 30 s step whose code was used")
    recovery_codes: str = Field(default="", max_length=2000, description="SHA-256 of unused codes, comma-separated")
    # An account linked to a person uses the person's address and choice; these serve the others.
    email: str | None = Field(default=None, max_length=254, description="where notices go")
    notify_email: bool = Field(default=True, description="False: no e-mail notices")

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None


class DeviceToken(SQLModel, table=True):
    """A bearer token for a machine (a camera service); only its SHA-256 is stored."""

    __tablename__ = "device_tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    scopes: str = Field(max_length=500, description="permissions, comma-separated")
    device_id: int | None = Field(default=None, foreign_key="devices.id", index=True)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AuthSession(SQLModel, table=True):
    """One signed-in browser or API client; a token is valid only while its session row is open."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(unique=True, max_length=64, description="random id carried in the token")
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=16, description="cookie | token")
    client: str = Field(default="", max_length=100)
    user_agent: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    end_reason: str | None = Field(default=None, max_length=50)


class ThrottleCounter(SQLModel, table=True):
    """Failed password checks for one key ('account|address' or 'address'), shared by every process."""

    __tablename__ = "auth_throttle"

    key: str = Field(primary_key=True, max_length=250)
    failures: int = 0
    window_start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    blocked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
