"""`attendance serve`: the API and pages under uvicorn."""

from __future__ import annotations

import typer
import uvicorn


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="uvicorn worker processes."),
) -> None:
    """Serve the HTTP API and web pages."""
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; which proxies
    # are trusted is the service's setting (ATTENDANCE_TERMINALS__TRUSTED_PROXIES, see devices.binding).
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers, proxy_headers=False)
