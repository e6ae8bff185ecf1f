"""Fingerprint consent and the template sync between terminals (DOMAIN.md R13)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlmodel import col, select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, RequireBiometrics, SessionDep, StaffId, require
from api.schemas.common import COMMON_RESPONSES
from api.services.scope import unit_condition, visible_staff
from attendance.db import get_engine
from attendance.models import Device, DeviceKind
from devices.fingerprints import store
from devices.fingerprints.service import leases, open_pull, sync_templates

router = APIRouter(prefix="/api/fingerprints", tags=["fingerprints"], responses=COMMON_RESPONSES)
DevicesManage = Annotated[Principal, Depends(require(Permission.DEVICES_MANAGE))]


class FingerprintConsentIn(BaseModel):
    staff_id: int = Field(ge=1, le=MAX_ID)
    method: str = Field(min_length=1, max_length=50, description="signed form, kiosk, web, ...")
    document_ref: str | None = Field(None, max_length=200)


class FingerprintConsentOut(BaseModel):
    id: int
    staff_id: int
    given_at: datetime
    method: str


class FingerprintErasureOut(BaseModel):
    staff_id: int
    templates: int


class TemplateSyncCounts(BaseModel):
    devices: int
    read: int
    kept: int
    written: int
    removed: int
    no_consent: int
    failed: int


class TemplateSyncOut(BaseModel):
    """Like the devices' ActionResult: the counts under `detail` (what the devices page fills in)."""

    detail: TemplateSyncCounts
    sentences: list[str]


@router.post("/consents", status_code=201, summary="Record a person's consent to keeping their fingerprints")
def give_consent(body: FingerprintConsentIn, session: SessionDep, principal: RequireBiometrics
                 ) -> FingerprintConsentOut:
    visible_staff(session, principal, body.staff_id)
    consent = store.record_consent(session=session, staff_id=body.staff_id, actor=principal.actor,
                                   method=body.method, document_ref=body.document_ref)
    return FingerprintConsentOut.model_validate(consent, from_attributes=True)


@router.post("/{staff_id}/withdraw", summary="Withdraw consent: stored fingers erased, terminals cleaned at the next sync")
def withdraw(staff_id: StaffId, session: SessionDep, principal: RequireBiometrics) -> FingerprintErasureOut:
    visible_staff(session, principal, staff_id)
    erased = store.withdraw_consent(session=session, staff_id=staff_id, actor=principal.actor)
    return FingerprintErasureOut(staff_id=staff_id, templates=erased)


@router.post("/sync", summary="Read new fingers from the terminals and copy them to every terminal that lacks them")
def sync(session: SessionDep, principal: DevicesManage,
         dry_run: Annotated[bool, Query(description="only say what would change")] = False) -> TemplateSyncOut:
    query = select(Device).where(col(Device.enabled), col(Device.kind).in_([DeviceKind.ZK_PULL, DeviceKind.ZK_PUSH]))
    condition = unit_condition(principal, Device.unit_id)
    if condition is not None:
        query = query.where(condition)
    devices = list(session.exec(query.order_by(col(Device.serial))))
    session.commit()  # the leases are taken outside any write of this session (SQLite has one writer)
    with leases(get_engine(), devices, f"api:{principal.actor}"):
        reports = sync_templates(session=session, devices=devices, open_terminal=open_pull, actor=principal.actor,
                                 dry_run=dry_run)
        session.commit()
    return TemplateSyncOut(detail=TemplateSyncCounts(
        devices=len(devices), read=sum(r.read for r in reports), kept=sum(len(r.kept) for r in reports),
        written=sum(len(r.written) for r in reports), removed=sum(len(r.removed) for r in reports),
        no_consent=len({p for r in reports for p in r.no_consent}), failed=sum(1 for r in reports if r.error)),
        sentences=[r.sentence() for r in reports])
