"""Staff (cán bộ, công chức, viên chức) and the units they belong to over time."""

from __future__ import annotations

from datetime import date

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

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    pin: str | None = Field(default=None, unique=True, max_length=24)
    unit_id: int = Field(foreign_key="units.id", index=True, description="current unit")
    active: bool = True


class StaffAssignment(SQLModel, table=True):
    """A person's membership of a unit from `valid_from` to `valid_to` (inclusive; None = open)."""

    __tablename__ = "staff_assignments"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    unit_id: int = Field(foreign_key="units.id", index=True)
    valid_from: date
    valid_to: date | None = None
