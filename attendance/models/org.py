"""Organisation units: a tree of any depth (unit -> sub-unit -> department)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

PATH_SEPARATOR = " / "


class UnitBase(SQLModel):
    name: str = Field(max_length=200)
    code: str | None = Field(default=None, max_length=50)
    budget_code: str | None = Field(default=None, max_length=50, description="mã QHNS")
    timezone: str | None = Field(default=None, max_length=64, description="None = the service's zone")


class Unit(UnitBase, table=True):
    __tablename__ = "units"

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    path: str = Field(unique=True, max_length=1000, description="'UBND xã Tân Phú / Văn phòng'")
    pin_namespace: bool = Field(default=False, description="PINs are unique within this unit's subtree (R14); "
                                "top-level units always are")
    push_allowed_from: str | None = Field(default=None, max_length=500,
                                          description="addresses/networks its push terminals may send from")
    two_step_approval: bool | None = Field(default=None, description="requests need the head, then the personnel "
                                           "office; None = as the parent unit")
    # A merger or split (attendance.mergers) keeps the unit and its history; from this date it has no
    # staff or terminals, and successor_id is where they went.
    dissolved_on: date | None = Field(default=None, description="merged away from this date")
    successor_id: int | None = Field(default=None, foreign_key="units.id")
