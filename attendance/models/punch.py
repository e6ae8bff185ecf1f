"""The raw punch ledger: append-only; everything else is derived from it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class PunchSource(StrEnum):
    TERMINAL_PULL = "terminal_pull"
    TERMINAL_PUSH = "terminal_push"
    USB = "usb"
    CAMERA = "camera"
    MANUAL = "manual"


class Punch(SQLModel, table=True):
    __tablename__ = "punches"
    __table_args__ = (
        # The idempotency key: one source punch is stored once however often it is delivered.
        UniqueConstraint("device_serial", "pin", "device_time", name="uq_punch_source"),
        Index("ix_punches_pin_punched_at", "pin", "punched_at"),
        Index("ix_punches_staff_punched_at", "staff_id", "punched_at"),
        # Covers the period scan of the evaluation engine (no table lookups for 100,000s of rows).
        Index("ix_punches_period", "punched_at", "staff_id", "pin", "quarantined"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    device_serial: str = Field(max_length=64)
    pin: str = Field(max_length=24, description="the device's user id")
    device_time: datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False),
                                  description="as the device reported it, naive device-local")
    punched_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    pin_scope_id: int | None = Field(default=None, description="the organisation whose PIN this is (R14)")
    state: int | None = Field(default=None, description="device in/out key: evidence only")
    verify: int | None = None
    quarantined: bool = False
    quarantine_reason: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=1000)
    created_by: str | None = Field(default=None, max_length=200)
    ingested_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
