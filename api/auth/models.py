"""Login accounts, device tokens and failed-login records."""

from __future__ import annotations

from datetime import datetime

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


class LoginFailure(SQLModel, table=True):
    """One failed login, kept for rate limiting (shared by every API process)."""

    __tablename__ = "login_failures"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, index=True)
    client: str = Field(max_length=100, index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
