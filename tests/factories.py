"""Builders shared by the tests: units, staff, punches at local times."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

from sqlmodel import Session

from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import PunchSource, Staff, Unit
from attendance.org import ensure_unit_path
from attendance.staff import create_staff

_codes = count(1)
ACTOR = "test"


def make_unit(session: Session, path: str = "UBND xã Tân Phú / Văn phòng") -> Unit:
    unit, _ = ensure_unit_path(session=session, path=path)
    return unit


def make_staff(session: Session, unit: Unit | None = None, *, code: str | None = None,
               full_name: str = "Nguyễn Văn An", pin: str | None = None,
               start_date: date | None = None) -> Staff:
    unit = unit or make_unit(session)
    number = next(_codes)
    assert unit.id is not None
    return create_staff(session=session, unit_id=unit.id, code=code or f"NV{number:04d}", full_name=full_name,
                        pin=pin if pin is not None else str(1000 + number), start_date=start_date, actor=ACTOR)


def punch_at(session: Session, staff: Staff, *moments: datetime, device: str = "SIM0001",
             source: PunchSource = PunchSource.TERMINAL_PULL) -> IngestResult:
    """Ingest punches at naive local (Asia/Ho_Chi_Minh) times for a person, as a terminal would."""
    assert staff.pin is not None
    return ingest_punches(session=session, punches=[
        PunchIn(source=source, device_serial=device, pin=staff.pin, device_time=m) for m in moments])
