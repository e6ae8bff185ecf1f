"""Bodies of the organisation, staff, schedule and calendar routes."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.wall_clock import LocalTime
from attendance.models import ExceptionKind

_ID = Field(ge=1, le=2_147_483_647)
_DAY = Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))
# Letters and digits only: a PIN travels to terminals, where a tab or newline would inject fields.
PIN_PATTERN = r"^\s*[0-9A-Za-z]*\s*$"


class UnitPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str = Field(examples=["Văn phòng"])
    path: str = Field(examples=["UBND xã Tân Phú / Văn phòng"])
    parent_id: int | None
    code: str | None
    budget_code: str | None = Field(description="mã QHNS")
    timezone: str | None
    pin_namespace: bool = Field(False, description="PINs are unique within this unit (top-level units always)")
    push_allowed_from: str | None = Field(None, description="networks its push terminals may send from")
    two_step_approval: bool | None = Field(None, description="requests need the head, then the personnel office; "
                                           "null = as the parent unit")


class UnitCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"path": "UBND xã Tân Phú / Văn phòng",
                                                               "code": "VP", "budget_code": "1234567"}]})

    path: str = Field(min_length=1, max_length=1000, description="the full path; missing parents are created")
    code: str | None = Field(None, max_length=50)
    budget_code: str | None = Field(None, max_length=50)
    timezone: str | None = Field(None, max_length=64)


class UnitUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "VP", "timezone": "Asia/Ho_Chi_Minh"}]})

    code: str | None = Field(None, max_length=50)
    budget_code: str | None = Field(None, max_length=50)
    timezone: str | None = Field(None, max_length=64)
    pin_namespace: bool | None = Field(None, description="make this unit its own PIN namespace (R14)")
    push_allowed_from: str | None = Field(None, max_length=500, examples=["10.1.2.0/24"])
    two_step_approval: bool | None = Field(None, description="true: the head, then the personnel office approve; "
                                           "null: as the parent unit")


class StaffPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str = Field(examples=["NV0001"])
    full_name: str = Field(examples=["Nguyễn Văn An"])
    position: str | None
    pin: str | None = Field(description="terminal user id")
    card: str | None
    unit_id: int
    start_date: date | None
    end_date: date | None
    active: bool
    email: str | None = None
    notify_email: bool = True


class StaffCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"unit_id": 2, "code": "NV0042", "full_name": "Lê Thị Cúc", "pin": "42", "position": "Chuyên viên",
         "start_date": "2024-03-01"}]})

    unit_id: int = _ID
    code: str = Field(min_length=1, max_length=50)
    full_name: str = Field(min_length=1, max_length=200)
    pin: str | None = Field(None, max_length=24, pattern=PIN_PATTERN)
    card: str | None = Field(None, max_length=32)
    position: str | None = Field(None, max_length=200)
    start_date: date | None = Field(None, ge=date(1900, 1, 1), le=date(2200, 12, 31))


class StaffUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"position": "Phó phòng", "card": "0012345678"}]})

    full_name: str | None = Field(None, min_length=1, max_length=200)
    position: str | None = Field(None, max_length=200)
    card: str | None = Field(None, max_length=32)
    start_date: date | None = Field(None, ge=date(1900, 1, 1), le=date(2200, 12, 31))
    email: str | None = Field(None, max_length=254, description="where notices go; empty removes it")
    notify_email: bool | None = Field(None, description="false: the person wants no e-mail notices")


class PinIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"pin": "1042"}]})

    pin: str | None = Field(max_length=24, pattern=PIN_PATTERN, description="null removes the PIN")


class MoveIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"unit_id": 3, "effective": "2026-07-01"}]})

    unit_id: int = _ID
    effective: date = _DAY


class LeaveIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"last_day": "2026-12-31"}]})

    last_day: date = _DAY


class AssignmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    unit_id: int
    valid_from: date
    valid_to: date | None


class SchedulePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    name: str
    valid_from: date
    valid_to: date | None
    workdays: str = Field(examples=["0,1,2,3,4"])
    morning_start: LocalTime
    morning_end: LocalTime
    afternoon_start: LocalTime
    afternoon_end: LocalTime
    grace_minutes: int


class ScheduleCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "Mùa hè 2026", "valid_from": "2026-04-16", "valid_to": "2026-10-15", "workdays": "0,1,2,3,4",
         "morning_start": "07:00", "morning_end": "11:30", "afternoon_start": "13:30", "afternoon_end": "17:00",
         "grace_minutes": 5}]})

    name: str = Field("", max_length=100)
    valid_from: date = _DAY
    valid_to: date | None = Field(None, ge=date(1900, 1, 1), le=date(2200, 12, 31))
    workdays: str = Field("0,1,2,3,4", max_length=20, pattern=r"^[0-6](,[0-6])*$")
    morning_start: LocalTime
    morning_end: LocalTime
    afternoon_start: LocalTime
    afternoon_end: LocalTime
    grace_minutes: int = Field(5, ge=0, le=120)


class ExceptionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    day: date
    kind: ExceptionKind
    name: str
    unit_id: int | None


class ExceptionCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"day": "2026-01-10", "kind": "workday", "name": "Làm bù cho ngày 2/1"}]})

    day: date = _DAY
    kind: ExceptionKind
    name: str = Field("", max_length=200)
    unit_id: int | None = Field(None, ge=1, le=2_147_483_647, description="null = every unit (admins only)")


class CalendarDay(BaseModel):
    date: date
    workday: bool
    holiday_name: str | None
    morning_start: LocalTime
    morning_end: LocalTime
    afternoon_start: LocalTime
    afternoon_end: LocalTime
    grace_minutes: int
