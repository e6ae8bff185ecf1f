"""Terminals and cameras: register, list, health, and actions (pull now, clock, user sync)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlmodel import col, select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, CurrentDevice, SessionDep, require
from api.schemas.common import COMMON_RESPONSES, Page
from api.schemas.devices import ActionResult, DeviceAction, DeviceCreate, DeviceHealth, DevicePublic
from api.services.paging import Limit, Offset, paginate
from api.services.scope import apply, ensure_unit_in_scope, unit_condition
from attendance.errors import Conflict, InvalidInput
from attendance.models import Device, DeviceKind
from devices import adms, health, lease
from devices.pull import pull_device, terminal_params
from devices.service import add_device
from devices.sync import UserSyncPlan, check_clock, set_clock, sync_users
from devices.zk_pull import open_pyzk

router = APIRouter(prefix="/api/devices", tags=["devices"], responses=COMMON_RESPONSES)
DevicesRead = Annotated[Principal, Depends(require(Permission.DEVICES_READ))]
DevicesManage = Annotated[Principal, Depends(require(Permission.DEVICES_MANAGE))]
ACTION_TIMEOUT = 10.0
ACTION_LEASE_SECONDS = 120.0


@router.get("", summary="Devices of the caller's units, filterable and paginated")
def list_devices(session: SessionDep, principal: DevicesRead, limit: Limit = 100, offset: Offset = 0,
                 kind: DeviceKind | None = None, enabled: bool | None = None,
                 unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                 failing: Annotated[bool | None, Query(description="only devices whose last contact failed")] = None,
                 ) -> Page[DevicePublic]:
    query = apply(select(Device), unit_condition(principal, Device.unit_id))
    for value, column in ((kind, Device.kind), (enabled, Device.enabled), (unit_id, Device.unit_id)):
        if value is not None:
            query = query.where(col(column) == value)
    if failing is not None:
        query = query.where(col(Device.consecutive_failures) > 0 if failing else col(Device.consecutive_failures) == 0)
    return paginate(session, query, model=DevicePublic, order_by=[col(Device.serial)], limit=limit, offset=offset)


@router.post("", status_code=201, summary="Register a terminal or camera (only registered serials may send)")
def register(body: DeviceCreate, session: SessionDep, principal: DevicesManage) -> DevicePublic:
    ensure_unit_in_scope(principal, body.unit_id)
    device = add_device(session=session, actor=principal.actor, **body.model_dump())
    return DevicePublic.model_validate(device)


@router.get("/{device_id}", summary="One device")
def read(device: CurrentDevice, _: DevicesRead) -> DevicePublic:
    return DevicePublic.model_validate(device)


@router.get("/{device_id}/health", summary="Last contact, errors, clock offset, log size, poller lease")
def device_health(device: CurrentDevice, session: SessionDep, _: DevicesRead) -> DeviceHealth:
    assert device.id is not None
    state = health.sync_state(session=session, device_id=device.id)
    return DeviceHealth(
        serial=device.serial, enabled=device.enabled, last_contact_at=device.last_contact_at,
        last_success_at=device.last_success_at, last_error=device.last_error, last_error_at=device.last_error_at,
        consecutive_failures=device.consecutive_failures, next_poll_at=device.next_poll_at,
        record_count=device.record_count, record_capacity=device.record_capacity, user_count=device.user_count,
        clock_offset_seconds=device.clock_offset_seconds, clock_drift_flagged=health.drift_flagged(device),
        firmware=device.firmware, lease_holder=lease.holder_of(session=session, device_id=device.id),
        synced_record_count=state.synced_record_count, synced_at=state.synced_at)


@router.post("/{device_id}/actions/{action}", summary="Pull the log now, check or set the clock, sync users")
def act(device: CurrentDevice, action: Annotated[DeviceAction, Path()], session: SessionDep,
        principal: DevicesManage) -> ActionResult:
    if action in (DeviceAction.CONFIRM_ADDRESS, DeviceAction.REJECT_ADDRESS):
        address = device.push_pending_address
        if action is DeviceAction.CONFIRM_ADDRESS:
            detail: dict[str, object] = {"address": address, "punches_released": adms.confirm_address(
                session=session, device=device, actor=principal.actor)}
        else:
            detail = {"address": address, "held_uploads": adms.reject_address(
                session=session, device=device, actor=principal.actor)}
        return ActionResult(action=action, serial=device.serial, detail=detail)
    if device.kind == DeviceKind.ZK_PUSH and action in (DeviceAction.SYNC_USERS, DeviceAction.SYNC_USERS_DRY_RUN):
        plan = adms.queue_user_sync(session=session, device=device, actor=principal.actor,
                                    dry_run=action is DeviceAction.SYNC_USERS_DRY_RUN)
        return ActionResult(action=action, serial=device.serial, detail=_plan(plan))
    if device.kind != DeviceKind.ZK_PULL or not device.host:
        raise InvalidInput(f"{action.value} needs a pull terminal with an address; {device.serial} is {device.kind}")
    assert device.id is not None
    holder = f"api:{principal.actor}"
    if not lease.acquire(session=session, device_id=device.id, holder=holder, seconds=ACTION_LEASE_SECONDS):
        raise Conflict(f"{device.serial} is busy with {lease.holder_of(session=session, device_id=device.id)}")
    try:
        return _run(action, device, session, principal)
    finally:
        lease.release(session=session, device_id=device.id, holder=holder)


def _run(action: DeviceAction, device: Device, session: SessionDep, principal: Principal) -> ActionResult:
    if action is DeviceAction.PULL:
        result = pull_device(session=session, device=device, opener=open_pyzk, timeout=ACTION_TIMEOUT, force=True)
        return ActionResult(action=action, serial=device.serial, detail={
            "downloaded": result.downloaded, "stored": result.ingest.stored, "duplicates": result.ingest.duplicates,
            "quarantined": result.ingest.quarantined, "seconds": round(result.seconds, 2)})
    with open_pyzk(terminal_params(device, timeout=ACTION_TIMEOUT)) as terminal:
        if action in (DeviceAction.CHECK_CLOCK, DeviceAction.SET_CLOCK):
            report = (set_clock(session=session, device=device, terminal=terminal, actor=principal.actor)
                      if action is DeviceAction.SET_CLOCK
                      else check_clock(session=session, device=device, terminal=terminal))
            return ActionResult(action=action, serial=device.serial, detail={
                "offset_seconds": report.offset_seconds, "flagged": report.flagged,
                "device_time": report.device_time.isoformat(), "was_set": report.was_set})
        plan = sync_users(session=session, device=device, terminal=terminal, actor=principal.actor,
                          dry_run=action is DeviceAction.SYNC_USERS_DRY_RUN)
        return ActionResult(action=action, serial=device.serial, detail=_plan(plan))


def _plan(plan: UserSyncPlan) -> dict[str, object]:
    return {"add": [u.pin for u in plan.add], "update": [u.pin for u in plan.update],
            "remove": [u.pin for u in plan.remove], "unknown": [u.pin for u in plan.unknown]}
