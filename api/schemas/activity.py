"""Bodies of the punch, request, board and audit routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.schemas.wall_clock import DeviceDateTime
from attendance.models import ExcuseKind, PunchSource, RequestStatus, RequestType, SessionPart

MAX_BATCH = 5000
_ID = Field(ge=1, le=2_147_483_647)
_DAY = Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))


class PunchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str = Field(examples=["terminal_pull"])
    device_serial: str
    pin: str
    device_time: DeviceDateTime = Field(description="as the device reported it, naive device-local")
    punched_at: datetime
    staff_id: int | None
    state: int | None
    verify: int | None
    quarantined: bool
    quarantine_reason: str | None
    note: str | None
    created_by: str | None
    ingested_at: datetime


class ManualPunchIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"staff_id": 7, "at": "2026-11-24T07:28:00+07:00", "reason": "Máy chấm công mất điện, đã xác nhận"}]})

    staff_id: int = _ID
    at: AwareDatetime
    reason: str = Field(min_length=1, max_length=1000)


class BatchPunchIn(BaseModel):
    source: PunchSource = Field(examples=["terminal_push"])
    device_serial: str = Field(min_length=1, max_length=64, examples=["CEXJ230260123"])
    pin: str = Field(min_length=1, max_length=24, examples=["1042"])
    device_time: datetime = Field(description="naive = device-local time in `timezone`; aware = an instant")
    timezone: str | None = Field(None, max_length=64, examples=["Asia/Ho_Chi_Minh"])
    state: int | None = Field(None, ge=-1_000_000, le=1_000_000)
    verify: int | None = Field(None, ge=-1_000_000, le=1_000_000)


class BatchIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"punches": [
        {"source": "terminal_push", "device_serial": "CEXJ230260123", "pin": "1042",
         "device_time": "2026-11-24T07:28:13"}]}]})

    punches: list[BatchPunchIn] = Field(min_length=1, max_length=MAX_BATCH)


class RejectedOut(BaseModel):
    index: int
    reason: str


class IngestOut(BaseModel):
    received: int
    stored: int
    duplicates: int
    quarantined: int
    unmatched: int
    rejected: list[RejectedOut]


class RequestPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    type: RequestType
    kind: ExcuseKind
    start_date: date
    end_date: date
    part: SessionPart
    reason: str
    status: RequestStatus
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None
    first_decided_by: str | None = None
    first_decided_at: datetime | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    punch_at: datetime | None = None
    decided_by_name: str | None = Field(None, description="the decider's name (lists only)")


class RequestCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"type": "leave", "kind": "annual_leave", "start_date": "2026-12-01", "end_date": "2026-12-02",
         "part": "all", "reason": "Việc gia đình"},
        {"type": "explanation", "start_date": "2026-11-24", "part": "morning",
         "reason": "Tôi đã chấm công nhưng máy không ghi nhận"}]})

    staff_id: int | None = Field(None, ge=1, le=2_147_483_647, description="omit to file for oneself")
    type: RequestType
    kind: ExcuseKind | None = Field(None, description="for leave; explanations ignore it")
    start_date: date = _DAY
    end_date: date | None = Field(None, ge=date(1900, 1, 1), le=date(2200, 12, 31))
    part: SessionPart = SessionPart.ALL
    reason: str = Field("", max_length=2000)
    punch_at: AwareDatetime | None = Field(None, description="type=punch: when the person punched (with zone)")


class DecisionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "Đồng ý"}]})

    comment: str | None = Field(None, max_length=2000)


class AuditPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str = Field(examples=["staff.move"])
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    client: str | None = Field(None, description="address the request came from (security events)")


class SessionOut(BaseModel):
    session: str = Field(examples=["morning"])
    status: str = Field(examples=["late"])
    check_in: str | None = Field(examples=["07:41:00"])
    check_out: str | None
    late_minutes: int
    early_minutes: int
    excuse_kind: str | None
    explained_late_minutes: int = Field(0, description="lateness excused by an approved explanation")
    explained_early_minutes: int = Field(0, description="early leave excused by an approved explanation")
    explained_missing: bool = Field(False, description="a missing punch completed by an approved explanation")


class BoardRowOut(BaseModel):
    staff_id: int
    code: str
    full_name: str
    unit_id: int | None
    morning: SessionOut
    afternoon: SessionOut


class UnitRef(BaseModel):
    id: int
    path: str


class BoardOut(BaseModel):
    unit: UnitRef
    date: date
    staff: list[BoardRowOut]
    summary: dict[str, int]


class DayOut(BaseModel):
    date: date
    morning: SessionOut
    afternoon: SessionOut


class MonthPunch(BaseModel):
    id: int
    at: str = Field(description="local time")
    source: str
    device: str
    quarantined: bool
    note: str | None
    verify: int | None = Field(None, description="the terminal's verify mode: 1 fingerprint, 2 card, 15 face, ...")


class StaffRef(BaseModel):
    id: int
    code: str
    full_name: str
    unit_id: int


class LeaveBalanceOut(BaseModel):
    year: int
    entitled_days: float
    used_days: float
    remaining_days: float


class PersonMonthOut(BaseModel):
    staff: StaffRef
    year: int
    month: int
    days: list[DayOut]
    punches: list[MonthPunch]
    totals: dict[str, int]
    leave_balance: LeaveBalanceOut
