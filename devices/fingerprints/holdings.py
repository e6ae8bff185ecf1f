"""Which template version each terminal holds (TerminalFingerprint rows): read, upsert, forget."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from attendance.timeutil import utcnow
from devices.fingerprints.models import TerminalFingerprint


def of_device(session: Session, device_id: int) -> dict[tuple[int, int], TerminalFingerprint]:
    """(staff id, finger) -> what the service knows the terminal holds or was sent."""
    rows = session.exec(select(TerminalFingerprint).where(TerminalFingerprint.device_id == device_id))
    return {(r.staff_id, r.finger): r for r in rows}


def note(session: Session, known: dict[tuple[int, int], TerminalFingerprint], *, device_id: int, staff_id: int,
         finger: int, version: int, confirmed: bool, command_id: int | None = None) -> None:
    row = known.get((staff_id, finger))
    if row is None:
        row = TerminalFingerprint(device_id=device_id, staff_id=staff_id, finger=finger, updated_at=utcnow())
        known[(staff_id, finger)] = row
    row.version, row.confirmed, row.command_id, row.updated_at = version, confirmed, command_id, utcnow()
    session.add(row)


def forget(session: Session, known: dict[tuple[int, int], TerminalFingerprint], *, device_id: int,
           staff_id: int, finger: int) -> None:
    known.pop((staff_id, finger), None)
    session.execute(delete(TerminalFingerprint).where(
        col(TerminalFingerprint.device_id) == device_id, col(TerminalFingerprint.staff_id) == staff_id,
        col(TerminalFingerprint.finger) == finger))
