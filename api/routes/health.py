"""Liveness, readiness and database health, for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from api.deps import SessionDep
from attendance.db import get_engine

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 2.0


@router.get("/health", summary="Service and database health")
def health(session: SessionDep) -> dict[str, str]:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok", "database": "ok"}


@router.get("/health/live", summary="Liveness: the process answers (no database check)")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready", summary="Readiness: the database answers SELECT 1 in time",
            responses={503: {"description": "the database is down or too slow; `reason` says which"}})
async def ready() -> JSONResponse:
    # The probe runs in a thread with a deadline: a database that hangs must not hang the probe, and a
    # node whose database is gone should leave the balancer's pool rather than answer 500s.
    try:
        await asyncio.wait_for(asyncio.to_thread(_select_one, get_engine()), timeout=READY_TIMEOUT_SECONDS)
    except TimeoutError:
        return _unavailable("database_timeout")
    except Exception as err:  # noqa: BLE001 - any failure to reach the database means not ready
        log.warning("readiness check failed: %s", err)
        return _unavailable("database_unreachable")
    return JSONResponse({"status": "ok", "database": "ok"})


def _select_one(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _unavailable(reason: str) -> JSONResponse:
    # The reason is a code, not the driver's message: that names hosts and ports to anonymous callers.
    return JSONResponse({"status": "unavailable", "database": "error", "reason": reason}, status_code=503)
