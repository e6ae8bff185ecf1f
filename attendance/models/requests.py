"""Leave requests and explanations (giải trình), with their approval state."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class RequestType(StrEnum):
    LEAVE = "leave"
    EXPLANATION = "explanation"


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
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Request(SQLModel, table=True):
    __tablename__ = "requests"

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
