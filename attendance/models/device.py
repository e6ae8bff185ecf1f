"""Terminals and cameras, their health, and the poller lease."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class DeviceKind(StrEnum):
    ZK_PULL = "zk_pull"  # polled over the binary protocol (pyzk)
    ZK_PUSH = "zk_push"  # pushes over ADMS/iclock HTTP
    OFFLINE = "offline"  # known only from USB imports
    CAMERA = "camera"


class Device(SQLModel, table=True):
    __tablename__ = "devices"

    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(unique=True, max_length=64)
    name: str = Field(default="", max_length=200)
    kind: str = Field(default=DeviceKind.ZK_PULL, max_length=16)
    unit_id: int | None = Field(default=None, foreign_key="units.id")
    pin_scope_id: int | None = Field(default=None, foreign_key="units.id",
                                     description="the organisation whose staff its PINs name")
    host: str | None = Field(default=None, max_length=255)
    port: int = 4370
    transport: str = Field(default="tcp", max_length=3, description="tcp | udp")
    comm_key: int = 0
    timezone: str | None = Field(default=None, max_length=64, description="None = the service's zone")
    poll_interval_seconds: int = 60
    live_mode: bool = False
    enabled: bool = True
    clear_log_allowed: bool = False
    # health, written at every contact
    last_contact_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_success_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_error: str | None = Field(default=None, max_length=2000)
    last_error_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    consecutive_failures: int = 0
    next_poll_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    record_count: int | None = None
    record_capacity: int | None = None
    user_count: int | None = None
    clock_offset_seconds: float | None = None
    firmware: str | None = Field(default=None, max_length=100)
    # push terminals: where they may send from (ADMS has no credentials)
    push_allowed_from: str | None = Field(default=None, max_length=500, description="addresses/networks; "
                                          "None = the unit's, else pinned at the first handshake")
    push_pinned_address: str | None = Field(default=None, max_length=64, description="trusted on first use")
    push_pending_address: str | None = Field(default=None, max_length=64,
                                             description="a changed address whose uploads are held")


class DeviceLease(SQLModel, table=True):
    """Which poller holds a device; the lease expires if its holder dies."""

    __tablename__ = "device_leases"

    device_id: int = Field(foreign_key="devices.id", primary_key=True)
    holder: str = Field(max_length=200)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
