"""Prometheus metrics in the text exposition format."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from api.metrics import install_device_collector

router = APIRouter(tags=["health"])


@router.get("/metrics", summary="Prometheus metrics (request latency, punches ingested, device health)",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics() -> Response:
    install_device_collector()
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
