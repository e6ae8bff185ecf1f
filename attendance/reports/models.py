"""Tables of the reports: month closures with their frozen figures, and per-unit report rules."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class ClosureStatus(StrEnum):
    CLOSED = "closed"
    REOPENED = "reopened"


class MonthClosure(SQLModel, table=True):
    """A unit's month as the personnel office closed it; `discipline`/`timesheet` are frozen."""

    __tablename__ = "month_closures"
    __table_args__ = (UniqueConstraint("unit_id", "year", "month", name="uq_month_closure"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="units.id", index=True)
    year: int
    month: int
    status: str = Field(default=ClosureStatus.CLOSED, max_length=16)
    closed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_by: str = Field(max_length=200)
    reopened_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reopened_by: str | None = Field(default=None, max_length=200)
    reopen_reason: str | None = Field(default=None, max_length=2000)
    discipline: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    timesheet: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class ReportRules(SQLModel, table=True):
    """A unit's internal rules (quy chế) for reports from `valid_from`: thresholds and symbols.

    `unit_id` None = every unit; the nearest unit's rules in force on the month's first day win.
    Keys left out fall back to the defaults in `attendance.reports.config`.
    """

    __tablename__ = "report_rules"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    valid_from: date
    thresholds: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    symbols: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    #: The unit's deduction table for the monthly evaluation (R16); None = no suggested score.
    deductions: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    note: str = Field(default="", max_length=500)
