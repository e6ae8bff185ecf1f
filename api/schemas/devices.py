"""Bodies of the device routes (terminals and cameras)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from attendance.models import DeviceKind


class DevicePublic(BaseModel):
    """A registered device; the comm key is never shown."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    serial: str = Field(examples=["CEXJ230260123"])
    name: str
    kind: DeviceKind
    unit_id: int | None
    host: str | None
    port: int
    transport: str
    timezone: str | None
    poll_interval_seconds: int
    live_mode: bool
    enabled: bool
    clear_log_allowed: bool
    push_allowed_from: str | None = None
    push_pinned_address: str | None = None
    push_pending_address: str | None = Field(None, description="a changed address whose uploads are held")


class DeviceCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"serial": "CEXJ230260123", "name": "Cổng chính", "kind": "zk_pull", "host": "192.168.1.201",
         "port": 4370, "unit_id": 1}]})

    serial: str = Field(min_length=1, max_length=64)
    name: str = Field("", max_length=200)
    kind: DeviceKind = DeviceKind.ZK_PULL
    unit_id: int | None = Field(None, ge=1, le=2_147_483_647)
    host: str | None = Field(None, max_length=255)
    port: int = Field(4370, ge=1, le=65535)
    transport: str = Field("tcp", pattern="^(tcp|udp)$")
    comm_key: int = Field(0, ge=0, le=999_999_999)
    timezone: str | None = Field(None, max_length=64)
    poll_interval_seconds: int = Field(60, ge=5, le=86_400)
    live_mode: bool = False
    clear_log_allowed: bool = False
    push_allowed_from: str | None = Field(None, max_length=500, examples=["10.1.2.0/24"],
                                          description="push terminals: the addresses/networks they may send from")


class DeviceHealth(BaseModel):
    serial: str
    enabled: bool
    last_contact_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_poll_at: datetime | None
    record_count: int | None
    record_capacity: int | None
    user_count: int | None
    clock_offset_seconds: float | None
    clock_drift_flagged: bool
    firmware: str | None
    lease_holder: str | None = Field(description="the poller that holds the device now, if any")
    synced_record_count: int | None
    synced_at: datetime | None


class DeviceAction(StrEnum):
    PULL = "pull"
    CHECK_CLOCK = "check-clock"
    SET_CLOCK = "set-clock"
    SYNC_USERS = "sync-users"
    SYNC_USERS_DRY_RUN = "sync-users-dry-run"
    CONFIRM_ADDRESS = "confirm-address"  # push: trust its new address, ingest what it sent meanwhile
    REJECT_ADDRESS = "reject-address"  # push: keep what it sent meanwhile as evidence only


class ActionResult(BaseModel):
    action: DeviceAction
    serial: str
    detail: dict[str, object] = Field(examples=[{"offset_seconds": 2.0, "flagged": False}])
