"""Leave requests and explanations (giải trình), with their approval state."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, LargeBinary
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class RequestType(StrEnum):
    LEAVE = "leave"
    EXPLANATION = "explanation"
    PUNCH = "punch"  # forgot to punch: asks for a manual punch, added when approved


class ExcuseKind(StrEnum):
    """Kinds of excused absence (DOMAIN.md R8); EXPLANATION is an approved giải trình."""

    ANNUAL_LEAVE = "annual_leave"
    PERSONAL_LEAVE = "personal_leave"
    SICK = "sick"
    CHILD_SICK = "child_sick"
    MATERNITY = "maternity"
    WORK_ACCIDENT = "work_accident"
    TRAINING = "training"
    BUSINESS_TRIP = "business_trip"
    COMPENSATORY = "compensatory"
    UNPAID = "unpaid"
    EXPLANATION = "explanation"


class SessionPart(StrEnum):
    ALL = "all"
    MORNING = "morning"
    AFTERNOON = "afternoon"


class RequestStatus(StrEnum):
    PENDING = "pending"
    AWAITING_SECOND = "awaiting_second"  # the head approved; the personnel office decides (two-step units)
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    REVOKED = "revoked"  # was approved; its effect is undone


# A decision is still to be made in these states.
OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.AWAITING_SECOND)


class Request(SQLModel, table=True):
    __tablename__ = "requests"
    # The pending badge and the open list: requests in a state, per person (one index lookup each).
    __table_args__ = (Index("ix_requests_status_staff", "status", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    type: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    start_date: date
    end_date: date
    part: str = Field(default=SessionPart.ALL, max_length=16, description="which sessions of each day")
    reason: str = Field(default="", max_length=2000)
    status: str = Field(default=RequestStatus.PENDING, max_length=16, index=True)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    decision_comment: str | None = Field(default=None, max_length=2000)
    # Two-step units: the first approval (the head's), before the personnel office decides.
    first_decided_by: str | None = Field(default=None, max_length=200)
    first_decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    first_comment: str | None = Field(default=None, max_length=2000)
    revoked_by: str | None = Field(default=None, max_length=200)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoke_reason: str | None = Field(default=None, max_length=2000)
    # type=punch: the punch asked for, and the manual punch its approval added (voided on revocation).
    punch_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    punch_id: int | None = Field(default=None, foreign_key="punches.id")


class RequestAttachment(SQLModel, table=True):
    """A document filed with a request (giấy mời, giấy khám bệnh), sealed at rest like face templates."""

    __tablename__ = "request_attachments"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=50, description="recognised from the content, not the name")
    size: int
    sealed: bytes = Field(sa_column=Column(LargeBinary(), nullable=False))
    uploaded_by: str = Field(max_length=200)
    uploaded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
