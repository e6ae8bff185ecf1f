"""Domain errors mapped to HTTP status codes, once, for every route."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from attendance.errors import AttendanceError, Conflict, InvalidInput, NotFound

STATUS_BY_ERROR: list[tuple[type[AttendanceError], int]] = [
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (AttendanceError, 400),
]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AttendanceError)
    async def _domain_error(_request: Request, exc: AttendanceError) -> JSONResponse:
        status = next(code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind))
        return JSONResponse(status_code=status, content={"detail": str(exc), "error": type(exc).__name__})
