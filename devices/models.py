"""Tables of the terminal side: pull/push cursors, the ADMS command queue, users terminals report."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class DeviceSyncState(SQLModel, table=True):
    """Where the service stands with one terminal's log (pull count, push stamps)."""

    __tablename__ = "device_sync_state"

    device_id: int = Field(foreign_key="devices.id", primary_key=True)
    synced_record_count: int | None = Field(default=None, description="log size when last fully ingested")
    synced_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    unreadable_records: int = 0
    newest_fingerprint: str | None = Field(default=None, max_length=64,
                                           description="hash of the newest records when last fully ingested")
    attlog_stamp: str | None = Field(default=None, max_length=32)
    operlog_stamp: str | None = Field(default=None, max_length=32)
    biodata: bool = Field(default=False, description="push: the terminal uploads BIODATA lines, so it is sent them")
    harvest_users: int | None = Field(default=None, description="pull: user count when its fingers were last read")
    harvest_fingers: int | None = Field(default=None, description="pull: finger count when its fingers were last read")
    harvest_cards: int | None = Field(default=None, description="pull: card count when its fingers were last read")
    harvested_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    users_stale: bool = Field(default=False, description="pull: a card learnt elsewhere: sync users at next poll")


class CommandStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"


class DeviceCommand(SQLModel, table=True):
    """A command waiting for a push terminal to fetch it with getrequest (ADMS)."""

    __tablename__ = "device_commands"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="devices.id", index=True)
    command: str = Field(max_length=8000)
    status: str = Field(default=CommandStatus.QUEUED, max_length=8, index=True)
    return_code: int | None = None
    attempts: int = Field(default=0, description="how many times it was sent without a confirmation")
    created_by: str = Field(default="system", max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class DeviceUser(SQLModel, table=True):
    """A user record a terminal reported (OPERLOG USER lines of push terminals)."""

    __tablename__ = "device_users"

    device_id: int = Field(foreign_key="devices.id", primary_key=True)
    pin: str = Field(max_length=24, primary_key=True)
    name: str = Field(default="", max_length=100)
    privilege: int = 0
    card: str | None = Field(default=None, max_length=32)
    seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PushHold(SQLModel, table=True):
    """An upload from a push terminal's new, unconfirmed address: kept whole until an admin decides."""

    __tablename__ = "push_holds"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="devices.id", index=True)
    address: str = Field(max_length=64)
    table_name: str = Field(max_length=16, description="ATTLOG | OPERLOG")
    stamp: str | None = Field(default=None, max_length=32)
    body: str = Field(sa_column=Column(Text(), nullable=False))
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    released_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    released_by: str | None = Field(default=None, max_length=200)


class AlertKind(StrEnum):
    SILENT = "silent"  # no contact beyond its threshold
    CLOCK_DRIFT = "clock_drift"
    LOG_FULL = "log_full"  # log near capacity
    UNREADABLE = "unreadable"  # records with no real date on the terminal
    ADDRESS_CHANGED = "address_changed"  # push terminal sending from an unconfirmed address


class DeviceAlert(SQLModel, table=True):
    """A condition of one terminal, from when it was first seen to when it ended (None: still open)."""

    __tablename__ = "device_alerts"
    # At most one open alert per device and kind: `open` is True while open, NULL once ended.
    __table_args__ = (UniqueConstraint("device_id", "kind", "open", name="uq_device_alert_open"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="devices.id", index=True)
    kind: str = Field(max_length=32)
    open: bool | None = Field(default=True)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    detail: str = Field(default="", max_length=500)
