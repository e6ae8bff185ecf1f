"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from api import pages
from api.errors import install_error_handlers
from api.metrics import LatencyMiddleware
from api.routes import (
    audit,
    auth,
    board,
    devices,
    faces,
    fingerprints,
    health,
    iclock,
    metrics,
    punches,
    reports,
    request_workflow,
    requests,
    staff,
    units,
    users,
)
from api.security_headers import SecurityHeaders
from config import get_settings


def create_app() -> FastAPI:
    get_settings()  # refuse to start with an unusable environment or secret, before serving anything
    app = FastAPI(
        title="Chấm công — Attendance service",
        description="Staff attendance for Vietnamese government offices.",
        version="0.1.0",
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(board.router, prefix="/api")
    app.include_router(reports.router, prefix="/api")
    app.include_router(faces.router, prefix="/api")
    app.include_router(auth.router)
    app.include_router(users.router)
    app.include_router(units.router)
    app.include_router(staff.router)
    app.include_router(punches.router)
    app.include_router(request_workflow.router)
    app.include_router(requests.router)
    app.include_router(audit.router)
    app.include_router(devices.router)
    app.include_router(fingerprints.router)
    app.include_router(metrics.router)
    app.add_middleware(LatencyMiddleware)
    app.add_middleware(SecurityHeaders)
    app.include_router(iclock.router)
    app.include_router(pages.router)
    app.mount("/static", pages.static_files(), name="static")
    return app
