"""Staff (cán bộ, công chức, viên chức) and the units they belong to over time."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import LargeBinary, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from attendance.search_text import SEARCH_TEXT_MAX, name_order_of, search_text_of


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
    # Derived from name, code and PIN on every write (attendance/search_text.py); never set by hand.
    search_text: str | None = Field(default=None, max_length=SEARCH_TEXT_MAX, index=True,
                                    sa_column_kwargs={"default": lambda ctx: _derived(ctx)[0]})
    name_order: bytes | None = Field(default=None, sa_type=LargeBinary, index=True,
                                     sa_column_kwargs={"default": lambda ctx: _derived(ctx)[1]})

    # Left out of audit snapshots: they follow from the fields beside them.
    __audit_exclude__ = ("search_text", "name_order")


def _derived(context: Any) -> tuple[str, bytes]:
    """search_text and name_order of the row being inserted (ORM or bulk insert alike)."""
    row = context.get_current_parameters()
    return (search_text_of(row.get("full_name"), row.get("code"), row.get("pin")),
            name_order_of(row.get("full_name"), row.get("code")))


@event.listens_for(Staff, "before_update")
def _refresh_derived(_mapper: Any, _connection: Any, staff: Staff) -> None:
    staff.search_text = search_text_of(staff.full_name, staff.code, staff.pin)
    staff.name_order = name_order_of(staff.full_name, staff.code)


class StaffAssignment(SQLModel, table=True):
    """A person's membership of a unit from `valid_from` to `valid_to` (inclusive; None = open)."""

    __tablename__ = "staff_assignments"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    unit_id: int = Field(foreign_key="units.id", index=True)
    valid_from: date
    valid_to: date | None = None
