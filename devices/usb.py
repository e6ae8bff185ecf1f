"""USB import: a terminal's log copied to a stick, ingested through the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from attendance import audit
from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import DeviceKind, PunchSource
from devices.attlog import LineError, decode_body, parse_attlog
from devices.errors import BadDeviceInput
from devices.pull import Progress
from devices.service import add_device, find_device


@dataclass(slots=True)
class UsbImportResult:
    serial: str
    lines: int = 0
    registered: bool = False
    errors: list[LineError] = field(default_factory=list)
    ingest: IngestResult = field(default_factory=IngestResult)


def import_usb_file(
    *,
    session: Session,
    path: Path,
    serial: str,
    actor: str,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> UsbImportResult:
    """Ingest an attlog file for terminal `serial` (registered as offline if unknown).

    Commits after each batch: an interrupted import re-run stores the rest exactly once.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise BadDeviceInput(f"không đọc được tệp {path}: {err.strerror or err}") from err
    parsed = parse_attlog(decode_body(raw))
    device = find_device(session=session, serial=serial)
    result = UsbImportResult(serial=serial.strip(), errors=parsed.errors)
    if device is None:
        device = add_device(session=session, serial=serial, actor=actor, kind=DeviceKind.OFFLINE,
                            name="Máy nhập từ USB")
        result.registered = True
        session.commit()
    result.serial = device.serial
    result.lines = len(parsed.punches) + len(parsed.errors)
    total = len(parsed.punches)
    for start in range(0, total, batch_size):
        batch = [PunchIn(source=PunchSource.USB, device_serial=device.serial, pin=p.pin, device_time=p.device_time,
                         timezone=device.timezone, state=p.status, verify=p.verify, created_by=actor)
                 for p in parsed.punches[start : start + batch_size]]
        result.ingest.merge(ingest_punches(session=session, punches=batch))
        session.commit()
        if progress is not None:
            progress(min(start + batch_size, total), total)
    audit.record(session=session, actor=actor, action="device.import_usb", entity="device", entity_id=device.id,
                 after={"file": path.name, "lines": result.lines, "stored": result.ingest.stored,
                        "duplicates": result.ingest.duplicates, "bad_lines": len(parsed.errors)})
    session.commit()
    return result
