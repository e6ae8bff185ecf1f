"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import auth, board, faces, health, iclock, users


def create_app() -> FastAPI:
    app = FastAPI(
        title="Chấm công — Attendance service",
        description="Staff attendance for Vietnamese government offices.",
        version="0.1.0",
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(board.router, prefix="/api")
    app.include_router(faces.router, prefix="/api")
    app.include_router(auth.router)
    app.include_router(users.router)
    app.include_router(iclock.router)
    return app
