"""Local dates come from the unit's zone, inherited by sub-units; a person who moves keeps each day in its unit's zone."""

from __future__ import annotations

from datetime import date, datetime

from attendance.evaluation import evaluate_period
from attendance.ledger import PunchIn, ingest_punches
from attendance.models import PunchSource
from attendance.rules import SessionStatus
from attendance.staff import move_staff
from tests.factories import make_staff, make_unit


def _punch(session, pin: str, zone: str, *moments: datetime) -> None:
    ingest_punches(session=session, punches=[PunchIn(source=PunchSource.TERMINAL_PUSH, device_serial=f"T-{zone}",
                                                     pin=pin, device_time=m, timezone=zone) for m in moments])


def test_a_move_between_zones_reads_each_day_in_its_units_zone(session, service_zone) -> None:
    hanoi, tokyo = make_unit(session, "Sở A"), make_unit(session, "Văn phòng Tokyo")
    hanoi.timezone, tokyo.timezone = "Asia/Ho_Chi_Minh", "Asia/Tokyo"
    desk = make_unit(session, "Văn phòng Tokyo / Lãnh sự")  # declares no zone: inherits Tokyo's
    person = make_staff(session, make_unit(session, "Sở A / Văn phòng"), pin="77", start_date=date(2020, 1, 1))
    move_staff(session=session, staff=person, unit_id=desk.id, effective=date(2026, 11, 18), actor="test")
    for day, zone in ((17, "Asia/Ho_Chi_Minh"), (18, "Asia/Tokyo")):
        _punch(session, "77", zone, *(datetime(2026, 11, day, h, m) for h, m in ((7, 25), (11, 35), (13, 25), (17, 5))))
    session.commit()
    days = evaluate_period(session=session, start=date(2026, 11, 17), end=date(2026, 11, 18),
                           staff_ids=[person.id])[0].days
    for day in days:
        assert [s.status for s in day.sessions] == [SessionStatus.PRESENT, SessionStatus.PRESENT], day
        assert day.morning.check_in is not None and day.morning.check_in.strftime("%H:%M") == "07:25"
