"""The punch ledger over HTTP: list and filter, manual punches with a reason, batch ingest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import AwareDatetime
from sqlmodel import col, select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, SessionDep, require
from api.metrics import count_ingest
from api.schemas.activity import BatchIn, BatchPunchIn, IngestOut, ManualPunchIn, PunchPublic, RejectedOut
from api.schemas.common import COMMON_RESPONSES, Page
from api.services.paging import Limit, Offset, paginate
from api.services.scope import apply, ensure_own_device, staff_condition, visible_staff
from attendance import audit
from attendance.leave import add_manual_punch
from attendance.ledger import IngestResult, PunchIn, RejectedPunch, ingest_punches
from attendance.models import Punch, PunchSource, Staff

router = APIRouter(prefix="/api/punches", tags=["punches"], responses=COMMON_RESPONSES)
PunchesRead = Annotated[Principal, Depends(require(Permission.PUNCHES_READ))]
PunchesManual = Annotated[Principal, Depends(require(Permission.PUNCHES_MANUAL))]
PunchesIngest = Annotated[Principal, Depends(require(Permission.PUNCHES_INGEST))]


@router.get("", summary="Raw punches, newest first; quarantined ones flagged, never hidden")
def list_punches(session: SessionDep, principal: PunchesRead, limit: Limit = 100, offset: Offset = 0,
                 staff_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                 device_serial: Annotated[str | None, Query(max_length=64)] = None,
                 pin: Annotated[str | None, Query(max_length=24)] = None,
                 source: PunchSource | None = None, quarantined: bool | None = None,
                 unmatched: Annotated[bool | None, Query(description="only punches with no known person")] = None,
                 since: AwareDatetime | None = None, until: AwareDatetime | None = None) -> Page[PunchPublic]:
    query = select(Punch)
    if principal.unit_ids is not None:
        # Unit-scoped callers see their people's punches; unmatched PINs belong to nobody in scope.
        query = query.join(Staff, col(Staff.id) == col(Punch.staff_id))
        query = apply(query, staff_condition(principal, Staff.id, Staff.unit_id))
    filters = [(staff_id, Punch.staff_id), (device_serial, Punch.device_serial), (pin, Punch.pin),
               (source, Punch.source), (quarantined, Punch.quarantined)]
    for value, column in filters:
        if value is not None:
            query = query.where(col(column) == value)
    if unmatched is not None:
        query = query.where(col(Punch.staff_id).is_(None) if unmatched else col(Punch.staff_id).is_not(None))
    if since is not None:
        query = query.where(col(Punch.punched_at) >= since)
    if until is not None:
        query = query.where(col(Punch.punched_at) < until)
    return paginate(session, query, model=PunchPublic, order_by=[col(Punch.punched_at).desc(), col(Punch.id).desc()],
                    limit=limit, offset=offset)


@router.post("/manual", status_code=201, summary="Record a punch the person made but no device kept (with reason)")
def manual_punch(body: ManualPunchIn, session: SessionDep, principal: PunchesManual) -> IngestOut:
    staff = visible_staff(session, principal, body.staff_id)
    result = add_manual_punch(session=session, staff=staff, at=body.at, reason=body.reason, actor=principal.actor,
                              actor_staff_id=principal.staff_id)
    count_ingest(PunchSource.MANUAL, result)
    return _out(result)


@router.post("/batch", summary="Ingest a batch of punches (idempotent: re-sending stores nothing twice)")
def batch(body: BatchIn, session: SessionDep, principal: PunchesIngest) -> IngestOut:
    if any(p.source == PunchSource.MANUAL for p in body.punches):
        raise HTTPException(422, "manual punches go through POST /api/punches/manual, with a reason")
    for serial in {p.device_serial for p in body.punches}:
        ensure_own_device(session, principal, serial)
    result = IngestResult(received=len(body.punches))
    by_source: dict[PunchSource, list[int]] = {}
    for index, punch in enumerate(body.punches):
        by_source.setdefault(punch.source, []).append(index)
    for source, indexes in by_source.items():
        part = ingest_punches(session=session, punches=[_punch_in(body.punches[i], principal) for i in indexes])
        count_ingest(source, part)
        part.received = 0  # counted once above
        part.rejected = [RejectedPunch(indexes[r.index], r.reason) for r in part.rejected]
        result.merge(part)
    audit.record(session=session, actor=principal.actor, action="punch.ingest", entity="punch_batch",
                 after={"received": result.received, "stored": result.stored, "duplicates": result.duplicates,
                        "quarantined": result.quarantined, "rejected": len(result.rejected),
                        "sources": sorted(s.value for s in by_source)})
    return _out(result)


def _punch_in(p: BatchPunchIn, principal: Principal) -> PunchIn:
    return PunchIn(source=p.source, device_serial=p.device_serial, pin=p.pin, device_time=p.device_time,
                   timezone=p.timezone, state=p.state, verify=p.verify, created_by=principal.actor)


def _out(result: IngestResult) -> IngestOut:
    return IngestOut(received=result.received, stored=result.stored, duplicates=result.duplicates,
                     quarantined=result.quarantined, unmatched=result.unmatched,
                     rejected=[RejectedOut(index=r.index, reason=r.reason) for r in result.rejected])

