"""ADMS ("iclock") push receiver: the URLs ZKTeco terminals call, mounted at /iclock (no /api prefix).

The protocol has no credentials: a request is believed only for a registered push terminal and
only from the address it is bound to (`devices.binding`). Uploads from a changed address are held,
and acknowledged, so the terminal moves on and nothing is lost or counted before an admin decides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep, client_address
from api.services import attphoto
from attendance.errors import InvalidInput, UnknownDevice
from attendance.models import Device
from devices import adms, binding
from devices.attlog import decode_body
from devices.push_batch import BATCHER

router = APIRouter(prefix="/iclock", tags=["terminals (push)"])
log = logging.getLogger(__name__)
# What a terminal may do from where: (verdict) -> reply when the request is not simply allowed.
Action = Callable[[Device, binding.Verdict, str], str]


def _text(body: str, status: int = 200) -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status)


def _with_device(session: SessionDep, serial: str | None, address: str, action: Action) -> PlainTextResponse:
    try:
        device = adms.registered_device(session=session, serial=serial)
    except UnknownDevice as err:
        log.warning("iclock: refused serial %r from %s", (serial or "")[:64], address)
        return _text(f"ERROR: {err}\n", 403)
    verdict = binding.check(session, device, address)
    if verdict is binding.Verdict.REFUSE:
        log.warning("iclock: %s refused from %s (outside its networks)", device.serial, address)
        return _text(f"ERROR: máy {device.serial} không được phép gửi từ địa chỉ {address}\n", 403)
    return _text(action(device, verdict, address))


@router.get("/cdata")
def handshake(request: Request, session: SessionDep, serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    """The terminal asks for its options when it starts."""
    return _with_device(session, serial, client_address(request), lambda d, v, a: adms.handshake(session=session, device=d))


@router.post("/cdata")
async def upload(
    request: Request,
    session: SessionDep,
    serial: str | None = Query(None, alias="SN"),
    table: str = Query("", alias="table"),
    stamp: str | None = Query(None, alias="Stamp"),
) -> PlainTextResponse:
    """ATTLOG (punches), OPERLOG (users, fingers) and ATTPHOTO (punch photos) uploads; others are acknowledged.

    The body limit (a whole backlog) is the one `api.limits` gives this route."""
    raw = await request.body()
    kind = table.upper()
    body = "" if kind == "ATTPHOTO" else decode_body(raw)

    def receive(device: Device, verdict: binding.Verdict, address: str) -> str:
        if kind == "ATTPHOTO" and verdict is binding.Verdict.ALLOW:
            try:
                return attphoto.receive_photo(session=session, device=device, body=raw)
            except InvalidInput as err:
                return f"ERROR: {err}\n"  # a malformed photo is refused, never a 500; the punch stands
        if kind not in ("ATTLOG", "OPERLOG"):
            return "OK\n"
        if verdict is binding.Verdict.HOLD:
            adms.hold_upload(session=session, device=device, address=address, table=kind, stamp=stamp, body=body)
            return "OK\n"
        if kind == "ATTLOG":
            # Hand the connection back before waiting on the group commit (which has its own): a
            # burst of uploads must not hold the whole pool idle while getrequests queue for it.
            session.commit()
            return adms.receive_attlog(session=session, device=device, body=body, stamp=stamp,
                                       batcher=BATCHER).reply()
        return adms.receive_operlog(session=session, device=device, body=body, stamp=stamp).reply()

    return await run_in_threadpool(_with_device, session, serial, client_address(request), receive)


@router.get("/getrequest")
def getrequest(request: Request, session: SessionDep,
               serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    """Queued commands for the terminal, or OK (never to an unconfirmed address: they carry names and PINs)."""
    return _with_device(session, serial, client_address(request), lambda d, v, a: (
        adms.next_commands(session=session, device=d) if v is binding.Verdict.ALLOW else "OK"))


@router.post("/devicecmd")
async def devicecmd(request: Request, session: SessionDep,
                    serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    """The terminal reports the results of commands it ran (whole body, within the route's limit)."""
    body = decode_body(await request.body())

    def results(device: Device, verdict: binding.Verdict, address: str) -> str:
        if verdict is binding.Verdict.ALLOW:
            adms.command_results(session=session, device=device, body=body)
        return "OK"

    return await run_in_threadpool(_with_device, session, serial, client_address(request), results)


@router.get("/ping")
def ping(request: Request, session: SessionDep, serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    return _with_device(session, serial, client_address(request), lambda d, v, a: "OK")
