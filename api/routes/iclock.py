"""ADMS ("iclock") push receiver: the URLs ZKTeco terminals call, mounted at /iclock (no /api prefix)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep
from attendance.errors import UnknownDevice
from attendance.models import Device
from devices import adms
from devices.attlog import decode_body
from devices.push_batch import BATCHER

router = APIRouter(prefix="/iclock", tags=["terminals (push)"])
log = logging.getLogger(__name__)
MAX_BODY = 8 * 1024 * 1024


def _text(body: str, status: int = 200) -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status)


def _with_device(session: SessionDep, serial: str | None, action: Callable[[Device], str]) -> PlainTextResponse:
    try:
        device = adms.registered_device(session=session, serial=serial)
    except UnknownDevice as err:
        log.warning("iclock: refused serial %r", serial)
        return _text(f"ERROR: {err}\n", 403)
    return _text(action(device))


@router.get("/cdata")
def handshake(session: SessionDep, serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    """The terminal asks for its options when it starts."""
    return _with_device(session, serial, lambda d: adms.handshake(session=session, device=d))


@router.post("/cdata")
async def upload(
    request: Request,
    session: SessionDep,
    serial: str | None = Query(None, alias="SN"),
    table: str = Query("", alias="table"),
    stamp: str | None = Query(None, alias="Stamp"),
) -> PlainTextResponse:
    """ATTLOG (punches) and OPERLOG (users, operations) uploads; other tables are acknowledged."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return _text("ERROR: body too large\n", 413)
    body = decode_body(raw)
    kind = table.upper()

    def receive(device: Device) -> str:
        if kind == "ATTLOG":
            return adms.receive_attlog(session=session, device=device, body=body, stamp=stamp,
                                       batcher=BATCHER).reply()
        if kind == "OPERLOG":
            return adms.receive_operlog(session=session, device=device, body=body, stamp=stamp).reply()
        return "OK\n"

    return await run_in_threadpool(_with_device, session, serial, receive)


@router.get("/getrequest")
def getrequest(session: SessionDep, serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    """Queued commands for the terminal, or OK."""
    return _with_device(session, serial, lambda d: adms.next_commands(session=session, device=d))


@router.post("/devicecmd")
async def devicecmd(request: Request, session: SessionDep,
                    serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    """The terminal reports the results of commands it ran."""
    body = decode_body((await request.body())[:MAX_BODY])
    return await run_in_threadpool(_with_device, session, serial, lambda d: (
        adms.command_results(session=session, device=d, body=body), "OK")[1])


@router.get("/ping")
def ping(session: SessionDep, serial: str | None = Query(None, alias="SN")) -> PlainTextResponse:
    return _with_device(session, serial, lambda d: "OK")
