"""Terminals and cameras: health at a glance; the actions run through the devices API (same session cookie)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageRoute, PageUser, require
from api.pages.render import render
from attendance.models import Device, Unit
from config import get_settings
from devices import alerts
from devices.health import drift_flagged
from recognition.attempts import recent_attempts

router = APIRouter(route_class=PageRoute)


@router.get("/devices", response_class=HTMLResponse, include_in_schema=False)
def devices_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    require(user, Permission.DEVICES_READ)
    query = select(Device).order_by(col(Device.serial))
    rows = [d for d in session.exec(query) if user.sees_unit(d.unit_id)]
    units = {u.id: u.path for u in session.exec(select(Unit).where(
        col(Unit.id).in_({d.unit_id for d in rows if d.unit_id})))}
    zone = get_settings().zone
    opened = alerts.open_alerts(session=session, device_ids=[d.id for d in rows if d.id is not None])
    devices = [{
        "alerts": [{"label": alerts.LABELS_VI.get(a.kind, a.kind), "detail": a.detail,
                    "since": a.started_at.astimezone(zone).strftime("%H:%M %d/%m/%Y")} for a in opened.get(d.id or 0, [])],
        "device": d, "unit": units.get(d.unit_id, ""), "drift": drift_flagged(d),
        "last_contact": d.last_contact_at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S") if d.last_contact_at else None,
        "fill": round(100 * d.record_count / d.record_capacity) if d.record_count is not None and d.record_capacity
        else None,
        "actions": _actions(d.kind, bool(d.host)) + (
            [("confirm-address", "dev.confirm_address"), ("reject-address", "dev.reject_address")]
            if d.push_pending_address else []),
    } for d in rows]
    # Whom a refused face resembled is biometric information: only for those with the biometric grant.
    cameras = {d.serial for d in rows if d.kind == "camera"}
    seen = [a for a in recent_attempts(session=session, limit=200) if a.device_serial in cameras] \
        if cameras and user.can(Permission.BIOMETRICS_MANAGE) else []
    return render(request, "devices.html", {"devices": devices, "attempts": seen[:30],
                                            "can_manage": user.can(Permission.DEVICES_MANAGE)}, user=user)


def _actions(kind: str, has_host: bool) -> list[tuple[str, str]]:
    """(API action, label key) offered for a device of this kind."""
    if kind == "zk_pull" and has_host:
        return [("sync-users", "dev.sync_users"), ("set-clock", "dev.sync_clock"), ("pull", "dev.pull_now")]
    if kind == "zk_push":
        return [("sync-users", "dev.sync_users")]
    return []
