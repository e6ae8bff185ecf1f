"""Prometheus metrics in the text exposition format."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from api.metrics import install_device_collector
from config import get_settings

router = APIRouter(tags=["health"])


@router.get("/metrics", summary="Prometheus metrics (request latency, punches ingested, device health)",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    """No serials, PINs or names in any series; behind a bearer token when `ATTENDANCE_METRICS_TOKEN` is set."""
    token = get_settings().metrics_token
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(401, "metrics need the configured bearer token", headers={"WWW-Authenticate": "Bearer"})
    install_device_collector()
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
