"""The worker's lease: one row held by one process until it expires, so one worker runs per deployment."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class WorkerLease(SQLModel, table=True):
    """Who runs the scheduled jobs: one row per job group, held by one process until it expires."""

    __tablename__ = "worker_leases"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=200)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    taken_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
