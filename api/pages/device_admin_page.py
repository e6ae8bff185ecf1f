"""Adding, editing and retiring terminals from the browser, through devices.service and devices.admin
(the registration the API uses), each change audited; the edit page shows the health and address binding."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.params import IdPath
from api.pages.render import flash_redirect, render
from api.pages.scope import visible_units
from attendance.errors import AttendanceError, UnknownDevice
from attendance.models import Device, DeviceKind
from devices.admin import retire_device, update_device
from devices.health import drift_flagged
from devices.service import add_device

router = APIRouter(route_class=PageRoute)

KINDS = (DeviceKind.ZK_PULL, DeviceKind.ZK_PUSH, DeviceKind.CAMERA, DeviceKind.OFFLINE)
Text = Annotated[str, Form(max_length=500)]


@router.get("/devices/new", response_class=HTMLResponse, include_in_schema=False)
def new_device_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return _form_view(request, session, user, device=None)


@router.post("/devices/new", include_in_schema=False)
def new_device(request: Request, session: SessionDep, user: PageUser, serial: Annotated[str, Form(max_length=64)],
               kind: Annotated[str, Form(max_length=16)], unit: Annotated[str, Form(max_length=12)] = "",
               name: Text = "", host: Text = "", port: Text = "4370", transport: Text = "tcp",
               poll_interval_seconds: Text = "60", timezone: Text = "", push_allowed_from: Text = "") -> Response:
    require(user, Permission.DEVICES_MANAGE)
    typed = {"serial": serial, "kind": kind, "unit": unit, "name": name, "host": host, "port": port,
             "transport": transport, "poll_interval_seconds": poll_interval_seconds, "timezone": timezone,
             "push_allowed_from": push_allowed_from}
    try:
        values = _values(user, typed, language_of(request))
        if kind not in KINDS:
            raise ValueError(translate("devadm.bad_kind", language_of(request)))
        device = add_device(session=session, serial=serial, kind=DeviceKind(kind), actor=user.actor, **values)
    except (AttendanceError, ValueError) as err:
        session.rollback()
        return _form_view(request, session, user, device=None, error=_message(err, request), form=typed)
    return flash_redirect(session, "/devices", translate("devadm.added", language_of(request),
                                                         name=device.name or device.serial))


@router.get("/devices/{device_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_device_page(request: Request, session: SessionDep, user: PageUser, device_id: IdPath) -> HTMLResponse:
    return _form_view(request, session, user, device=_device(session, user, device_id))


@router.post("/devices/{device_id}/edit", include_in_schema=False)
def edit_device(request: Request, session: SessionDep, user: PageUser, device_id: IdPath,
                unit: Annotated[str, Form(max_length=12)] = "", name: Text = "", host: Text = "",
                port: Text = "4370", transport: Text = "tcp", poll_interval_seconds: Text = "60", timezone: Text = "",
                push_allowed_from: Text = "") -> Response:
    require(user, Permission.DEVICES_MANAGE)
    device = _device(session, user, device_id)
    typed = {"unit": unit, "name": name, "host": host, "port": port, "transport": transport,
             "poll_interval_seconds": poll_interval_seconds, "timezone": timezone,
             "push_allowed_from": push_allowed_from}
    try:
        values = _values(user, typed, language_of(request))
        if device.kind != DeviceKind.ZK_PUSH:
            values.pop("push_allowed_from")
        update_device(session=session, device=device, changes=values, actor=user.actor)
    except (AttendanceError, ValueError) as err:
        session.rollback()
        return _form_view(request, session, user, device=_device(session, user, device_id),
                          error=_message(err, request), form=typed)
    return flash_redirect(session, f"/devices/{device_id}/edit", translate("common.saved", language_of(request)))


@router.post("/devices/{device_id}/retire", include_in_schema=False)
def retire(request: Request, session: SessionDep, user: PageUser, device_id: IdPath,
           reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    require(user, Permission.DEVICES_MANAGE)
    device = _device(session, user, device_id)
    retire_device(session=session, device=device, actor=user.actor, reason=reason.strip() or None)
    return flash_redirect(session, "/devices", translate("devadm.retired", language_of(request),
                                                         name=device.name or device.serial))


def _form_view(request: Request, session: SessionDep, user: Principal, *, device: Device | None,
               error: str | None = None, form: dict[str, str] | None = None) -> HTMLResponse:
    require(user, Permission.DEVICES_MANAGE)
    shown: dict[str, Any] = {"kind": DeviceKind.ZK_PULL, "port": 4370, "transport": "tcp", "poll_interval_seconds": 60}
    if device is not None:
        shown = {key: getattr(device, key) for key in ("serial", "kind", "name", "host", "port", "transport",
                                                        "poll_interval_seconds", "timezone", "push_allowed_from")}
        shown["unit"] = device.unit_id
    shown.update(form or {})
    return render(request, "device_form.html", {
        "device": device, "shown": {k: "" if v is None else v for k, v in shown.items()}, "kinds": KINDS,
        "units": visible_units(session=session, principal=user),
        "drift": drift_flagged(device) if device is not None else False, "error": error,
    }, user=user, status_code=422 if error else 200)


def _values(user: Principal, typed: dict[str, str], language: str) -> dict[str, Any]:
    """The form's text as add_device / update_device arguments; ValueError in words for a non-number."""
    unit_id = _number(typed["unit"], "common.unit", language) if typed["unit"].strip() else None
    if not user.sees_unit(unit_id):
        raise PageForbidden
    return {"unit_id": unit_id, "name": typed["name"], "host": typed["host"].strip() or None,
            "port": _number(typed["port"], "devadm.port", language), "transport": typed["transport"],
            "poll_interval_seconds": _number(typed["poll_interval_seconds"], "devadm.interval", language),
            "timezone": typed["timezone"].strip() or None,
            "push_allowed_from": typed["push_allowed_from"].strip() or None}


def _number(text: str, label: str, language: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(translate("devadm.not_a_number", language, field=translate(label, language))) from None
    if not 0 <= value <= 2_147_483_647:
        raise ValueError(translate("devadm.not_a_number", language, field=translate(label, language)))
    return value


def _device(session: SessionDep, user: Principal, device_id: int) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise UnknownDevice(f"no device with id {device_id}")
    if not user.sees_unit(device.unit_id):
        raise PageForbidden
    return device


def _message(err: Exception, request: Request) -> str:
    return err.message(language_of(request)) if isinstance(err, AttendanceError) else str(err)
