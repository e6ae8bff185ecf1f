"""Every notice made, once per recipient, kind and subject: the pages list them, the mailer never repeats one."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class NoticeKind(StrEnum):
    DAY_FAULTS = "day_faults"  # a person's late arrival or missing punch in a session
    PENDING_DIGEST = "pending_digest"  # a head's requests waiting for a decision
    TERMINAL_ALERT = "terminal_alert"  # a terminal silent or with a drifting clock, to personnel


class Delivery(StrEnum):
    """Where a notice's e-mail stands. SENDING is claimed and not yet confirmed: never sent again."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # refused before the server took it: a later run may try again
    UNKNOWN = "unknown"  # the connection broke while the server had the message: not retried
    OPTED_OUT = "opted_out"
    NO_ADDRESS = "no_address"
    MAIL_OFF = "mail_off"


class Notice(SQLModel, table=True):
    """One notice to one recipient ('staff:12' or 'user:3'); its key names the subject (a day and session, an alert)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("recipient", "kind", "subject_key", name="uq_notices_recipient_kind_key"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=32, index=True)
    kind: str = Field(max_length=32)
    subject_key: str = Field(max_length=100)
    name: str = Field(default="", max_length=200, description="whom the greeting names")
    subject: str = Field(max_length=300)
    summary: str = Field(sa_column=Column(Text(), nullable=False), description="the body's lines")
    link: str = Field(default="", max_length=500)
    link_label: str = Field(default="", max_length=100)
    email: str | None = Field(default=None, max_length=254, description="the address it was sent to")
    delivery: str = Field(max_length=16, index=True)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))

