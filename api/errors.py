"""Errors mapped to HTTP status codes, once, for every route: never a 500 for client input."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.service import LoginFailed, SecondFactorRequired, TooManyAttempts, TwoFactorEnrolmentRequired
from api.limits import body_limit
from api.schemas.common import COMMON_RESPONSES
from attendance.errors import AttendanceError, Conflict, Forbidden, InvalidInput, NotFound

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[AttendanceError], int]] = [
    (LoginFailed, 401),
    (SecondFactorRequired, 401),
    (TwoFactorEnrolmentRequired, 403),
    (TooManyAttempts, 429),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (AttendanceError, 400),
]

DATABASE_RETRY_SECONDS = 5

# Paths whose callers are programs (API clients, terminals, scrapers): errors stay JSON there.
MACHINE_PATHS = ("/api/", "/api", "/iclock", "/metrics", "/health", "/docs", "/openapi.json", "/redoc")


def install_error_handlers(app: FastAPI) -> None:
    """Map errors to status codes, and document those codes on every route included after this."""
    app.router.responses = {**COMMON_RESPONSES, **app.router.responses}

    @app.exception_handler(AttendanceError)
    async def _domain_error(request: Request, exc: AttendanceError) -> JSONResponse:
        from api.pages.i18n import language_of

        status = next(code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind))
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        return JSONResponse(status_code=status, headers=headers, content={
            "detail": str(exc), "error": type(exc).__name__, "code": exc.code or None,
            "message": exc.message(language_of(request))})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content=validation_body(exc.errors()))

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error: %s", exc.orig)
        return JSONResponse(status_code=409, content={"detail": "conflicts with existing data",
                                                      "error": "Conflict"})

    @app.exception_handler(sqlite3.IntegrityError)
    async def _raw_integrity(_request: Request, exc: sqlite3.IntegrityError) -> JSONResponse:
        # Bulk paths use the DB-API cursor directly, so its errors arrive unwrapped.
        log.info("integrity error: %s", exc)
        return JSONResponse(status_code=409, content={"detail": "conflicts with existing data (e.g. an unknown id)",
                                                      "error": "Conflict"})

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        log.info("data error: %s", exc.orig)
        return JSONResponse(status_code=422, content={"detail": "a value is out of range or malformed",
                                                      "errors": []})

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # PostgreSQL restarting, unreachable, or every pooled connection busy: the service is briefly
        # unavailable, not broken. 503 + Retry-After tells terminals and balancers to come back (and
        # keeps a restart from filling the log with tracebacks).
        log.warning("database unavailable for %s %s: %s", request.method, request.url.path,
                    str(exc).splitlines()[0][:300])
        return JSONResponse(status_code=503, headers={"Retry-After": str(DATABASE_RETRY_SECONDS)},
                            content={"detail": "the database is unavailable; try again shortly",
                                     "error": "DatabaseUnavailable"})

    @app.exception_handler(OverflowError)
    async def _overflow(_request: Request, exc: OverflowError) -> JSONResponse:
        # SQLite refuses integers beyond 64 bits; only a client can send one.
        log.info("overflow: %s", exc)
        return JSONResponse(status_code=422, content={"detail": "a number is out of range", "errors": []})

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        # Unknown URLs and wrong methods: browsers get the service's page, machines JSON.
        if request.url.path.startswith(MACHINE_PATHS):
            return await http_exception_handler(request, exc)
        from api.pages.deps import error_page
        from api.pages.i18n import language_of, translate

        language = language_of(request)
        key = {404: "error.not_found", 405: "error.method", 403: "error.forbidden"}.get(exc.status_code,
                                                                                        "error.invalid")
        page = error_page(request, exc.status_code, translate(key, language))
        for name, value in (exc.headers or {}).items():
            page.headers[name] = value
        return page

    app.add_middleware(BodySizeLimit)


def validation_body(errors: Any) -> dict[str, Any]:
    """FastAPI's error list, plus one {field, reason} per error."""
    fields = [{"field": ".".join(str(part) for part in err.get("loc", ())), "reason": str(err.get("msg", ""))}
              for err in errors]
    detail = jsonable_encoder([{k: v for k, v in err.items() if k in ("loc", "msg", "type")} for err in errors])
    return {"detail": detail, "errors": fields}


class BodySizeLimit:
    """413 for bodies over the limit, by Content-Length or by counting streamed bytes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""))
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _too_large(send, limit)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, limit)


class _BodyTooLarge(HTTPException):
    """Raised while reading the body; FastAPI lets HTTP exceptions through its body parsing."""

    def __init__(self) -> None:
        super().__init__(413, "body too large")


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail":"body larger than {limit} bytes","error":"PayloadTooLarge"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
