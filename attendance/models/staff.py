"""Staff (cán bộ, công chức, viên chức) and the units they belong to over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class StaffBase(SQLModel):
    code: str = Field(max_length=50)
    full_name: str = Field(max_length=200)
    position: str | None = Field(default=None, max_length=200)
    pin: str | None = Field(default=None, max_length=24, description="terminal user id")
    card: str | None = Field(default=None, max_length=32)
    start_date: date | None = None
    end_date: date | None = Field(default=None, description="last working day; None while employed")


class Staff(StaffBase, table=True):
    __tablename__ = "staff"
    # A PIN is unique within an organisation only: every commune has its PIN 1 (DOMAIN.md R14).
    __table_args__ = (UniqueConstraint("pin_scope_id", "pin", name="uq_staff_scope_pin"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    pin: str | None = Field(default=None, max_length=24)
    unit_id: int = Field(foreign_key="units.id", index=True, description="current unit")
    pin_scope_id: int | None = Field(default=None, foreign_key="units.id", index=True,
                                     description="the organisation whose terminals know this PIN")
    active: bool = True
    email: str | None = Field(default=None, max_length=254, description="where notices go")
    notify_email: bool = Field(default=True, description="False: the person asked for no e-mail notices")


class StaffAssignment(SQLModel, table=True):
    """A person's membership of a unit from `valid_from` to `valid_to` (inclusive; None = open)."""

    __tablename__ = "staff_assignments"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    unit_id: int = Field(foreign_key="units.id", index=True)
    valid_from: date
    valid_to: date | None = None
