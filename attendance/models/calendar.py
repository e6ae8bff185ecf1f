"""Schedules (weekly pattern, session times, grace) and calendar exceptions."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from sqlmodel import Field, SQLModel


class ScheduleBase(SQLModel):
    valid_from: date
    valid_to: date | None = Field(default=None, description="inclusive; None = open-ended")
    workdays: str = Field(default="0,1,2,3,4", max_length=20, description="weekday numbers, Monday = 0")
    morning_start: time
    morning_end: time
    afternoon_start: time
    afternoon_end: time
    grace_minutes: int = Field(default=5, ge=0, le=120)
    name: str = Field(default="", max_length=100, description="e.g. 'Mùa hè 2026'")


class Schedule(ScheduleBase, table=True):
    __tablename__ = "schedules"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="units.id", index=True)


class ExceptionKind(StrEnum):
    HOLIDAY = "holiday"  # a day off (added by the admin)
    NOT_HOLIDAY = "not_holiday"  # removes a pre-filled national holiday
    WORKDAY = "workday"  # a make-up working day (ngày làm bù), e.g. a Saturday


class CalendarException(SQLModel, table=True):
    __tablename__ = "calendar_exceptions"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=200)
    unit_id: int | None = Field(default=None, foreign_key="units.id", description="None = every unit")
