"""The audit log in the browser (administrators): who, what, when, which record; newest first, paged."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, func, select
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageRoute, PageUser, require
from api.pages.pager import PAGE_SIZE, PageQuery, offset_of, pager
from api.pages.render import render
from api.services.account_scope import audit_condition
from api.services.scope import apply
from attendance.audit_log import audit_query, changes
from attendance.local_input import parse_day
from attendance.models import AuditEntry
from config import get_settings

router = APIRouter(route_class=PageRoute)

Text = Annotated[str, Query(max_length=200)]


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, session: SessionDep, user: PageUser, actor: Text = "", action: Text = "",
               entity: Text = "", entity_id: Text = "", since: Text = "", until: Text = "",
               page: PageQuery = 1) -> HTMLResponse:
    require(user, Permission.AUDIT_READ)
    zone = get_settings().zone
    # Days are the office's days: "from 01/12" starts at local midnight, "to 03/12" includes that day.
    start = datetime.combine(parse_day(since), time(), zone) if since.strip() else None
    end = datetime.combine(parse_day(until) + timedelta(days=1), time(), zone) if until.strip() else None
    query = apply(audit_query(entity=entity.strip() or None, entity_id=entity_id.strip() or None,
                              actor=_actor(actor), action=action.strip() or None, since=start, until=end),
                  audit_condition(user))
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    entries = list(session.exec(query.order_by(col(AuditEntry.id).desc()).limit(PAGE_SIZE)
                                .offset(offset_of(page))))
    entities = session.exec(select(AuditEntry.entity).distinct().order_by(col(AuditEntry.entity))).all()
    return render(request, "audit.html", {
        "entries": [(e, changes(e)) for e in entries], "pager": pager(request, total=total, page=page),
        "entities": entities, "form": {"actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                                       "since": since, "until": until},
    }, user=user)


def _actor(value: str) -> str | None:
    """An account name as typed ("quantri") or as stored ("user:quantri")."""
    value = value.strip()
    if not value:
        return None
    return value if ":" in value else f"user:{value}"
