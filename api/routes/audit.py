"""The audit log: readable by administrators, never editable (there are no write routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import AwareDatetime
from sqlmodel import col, select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, SessionDep, require
from api.schemas.activity import AuditPublic
from api.schemas.common import COMMON_RESPONSES, Page
from api.services.account_scope import audit_condition
from api.services.paging import Limit, Offset, paginate
from api.services.scope import apply
from attendance.audit_log import audit_query
from attendance.models import AuditEntry

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=COMMON_RESPONSES)
AuditRead = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


@router.get("", summary="Audit entries, newest first, filterable")
def list_entries(session: SessionDep, principal: AuditRead, limit: Limit = 100, offset: Offset = 0,
                 entity: Annotated[str | None, Query(max_length=50, examples=["staff"])] = None,
                 entity_id: Annotated[str | None, Query(max_length=100)] = None,
                 actor: Annotated[str | None, Query(max_length=200, examples=["user:admin"])] = None,
                 action: Annotated[str | None, Query(max_length=100, description="exact, or a prefix ending in '.' (auth.: logins, lockouts, session ends)",
                                                     examples=["staff."])] = None,
                 client: Annotated[str | None, Query(max_length=100, description="address of the request",
                                                     examples=["10.0.0.7"])] = None,
                 since: AwareDatetime | None = None, until: AwareDatetime | None = None) -> Page[AuditPublic]:
    query = audit_query(entity=entity, entity_id=entity_id, actor=actor, action=action, client=client, since=since,
                        until=until)
    query = apply(query, audit_condition(principal))
    return paginate(session, query, model=AuditPublic, order_by=[col(AuditEntry.id).desc()], limit=limit,
                    offset=offset)


@router.get("/{entry_id}", summary="One audit entry")
def read(entry_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, principal: AuditRead) -> AuditPublic:
    condition = audit_condition(principal)
    query = select(AuditEntry).where(AuditEntry.id == entry_id)
    entry = session.exec(apply(query, condition)).first()
    if entry is None:
        raise HTTPException(404, f"no audit entry with id {entry_id}")
    return AuditPublic.model_validate(entry)
