"""Prometheus metrics: request latency, punches ingested by source, device health (read at scrape)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlmodel import Session, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attendance.db import get_engine
from attendance.ledger import IngestResult
from attendance.models import Device, PunchSource
from attendance.timeutil import utcnow
from devices.alerts import open_alerts

REQUEST_LATENCY = Histogram(
    "attendance_http_request_duration_seconds", "HTTP request latency by route template",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PUNCHES_INGESTED = Counter(
    "attendance_punches_ingested_total", "Punches received through the API, by source and outcome",
    ["source", "outcome"],
)


def count_ingest(source: PunchSource | str, result: IngestResult) -> None:
    """Count one ingest's outcomes (routes that ingest punches call this after `ingest_punches`)."""
    name = PunchSource(source).value
    for outcome, value in (("received", result.received), ("stored", result.stored),
                           ("duplicate", result.duplicates), ("quarantined", result.quarantined),
                           ("unmatched", result.unmatched), ("rejected", len(result.rejected))):
        if value:
            PUNCHES_INGESTED.labels(name, outcome).inc(value)


class LatencyMiddleware:
    """Times every HTTP request, labelled with the route template (not the raw path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                # The server's own time up to the first byte (benchmarks read it: bench/pages_board_list.py).
                elapsed = f"app;dur={(time.perf_counter() - started) * 1000:.2f}".encode()
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"server-timing", elapsed)]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUEST_LATENCY.labels(scope.get("method", ""), template, str(status[0])).observe(
                time.perf_counter() - started)


class DeviceHealthCollector(Collector):
    """Reads every device's health from the database at scrape time (pollers run elsewhere).

    Series are labelled by device id and kind only: serials are what a forged push would need."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        since = GaugeMetricFamily("attendance_device_seconds_since_contact",
                                  "Seconds since the device was last reached", labels=["device_id", "kind"])
        failures = GaugeMetricFamily("attendance_device_consecutive_failures",
                                     "Failed contacts in a row", labels=["device_id", "kind"])
        offset = GaugeMetricFamily("attendance_device_clock_offset_seconds",
                                   "Device clock minus server clock at the last contact", labels=["device_id", "kind"])
        enabled = GaugeMetricFamily("attendance_device_enabled", "1 when the device is enabled",
                                    labels=["device_id", "kind"])
        alerting = GaugeMetricFamily("attendance_device_alert_open", "1 while an alert of this kind is open",
                                     labels=["device_id", "alert"])
        now = utcnow()
        for device in _devices():
            labels = [str(device.id), device.kind]
            if device.last_contact_at is not None:
                since.add_metric(labels, (now - device.last_contact_at).total_seconds())
            failures.add_metric(labels, device.consecutive_failures)
            if device.clock_offset_seconds is not None:
                offset.add_metric(labels, device.clock_offset_seconds)
            enabled.add_metric(labels, 1.0 if device.enabled else 0.0)
        for device_id, alert in _open_alerts():
            alerting.add_metric([str(device_id), alert], 1.0)
        yield from (since, failures, offset, enabled, alerting)


def install_device_collector() -> None:
    """Register the device collector once per process."""
    global _installed
    if not _installed:
        REGISTRY.register(DeviceHealthCollector())
        _installed = True


_installed = False


def _devices() -> Iterable[Device]:
    try:
        with Session(get_engine()) as session:
            return list(session.exec(select(Device)))
    except Exception:  # a scrape must not fail because the database is down: /health says so
        return []


def _open_alerts() -> list[tuple[int, str]]:
    try:
        with Session(get_engine()) as session:
            return [(device_id, a.kind) for device_id, rows in open_alerts(session=session).items() for a in rows]
    except Exception:  # as for the devices: a scrape must not fail because the database is down
        return []
