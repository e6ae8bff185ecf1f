"""January 2026 in UBND xã Tân Phú: four people, two departments, figures computed by hand.

Calendar: Thu 1/1 national holiday, Fri 2/1 holiday by swap, Sat 10/1 make-up workday
-> 21 workdays (42 sessions). Schedule 07:30-11:30, 13:30-17:00, grace 5 minutes.

- An (Văn phòng): every workday, 07:35 on 5/1 (inside grace), 07:42 on 6/1 (12 min late),
  16:50 out on 7/1 (10 min early), no afternoon check-out on 8/1 (forgotten punch).
- Bình (Văn phòng): annual leave 12-13/1, sick leave afternoon 14/1, absent all of 15/1,
  absent morning 16/1, 07:40 in on 19, 20, 21/1 (10 min late each).
- Cường (Địa chính): joins 19/1; on 22/1 only an 11:35 morning punch (no check-in), excused by an
  approved explanation.
- Dung (Địa chính): business trip 26-30/1, every other workday in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session

from attendance.calendar import add_exception, add_schedule
from attendance.leave import decide, file_request
from attendance.models import Staff, Unit
from tests.factories import make_staff, make_unit, punch_at

ROOT = "UBND xã Tân Phú"
OFFICE = "UBND xã Tân Phú / Văn phòng"
LAND = "UBND xã Tân Phú / Địa chính"
MONTH = "2026-01"
WORKDAYS = [5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30]
NORMAL = (time(7, 25), time(11, 35), time(13, 25), time(17, 5))


@dataclass
class Scenario:
    root: Unit
    office: Unit
    land: Unit
    an: Staff
    binh: Staff
    cuong: Staff
    dung: Staff


def build(session: Session) -> Scenario:
    root = make_unit(session, ROOT)
    root.budget_code = "1234567"
    office, land = make_unit(session, OFFICE), make_unit(session, LAND)
    add_schedule(session=session, unit_id=root.id, actor="test", schedule={
        "valid_from": date(2025, 1, 1), "morning_start": time(7, 30), "morning_end": time(11, 30),
        "afternoon_start": time(13, 30), "afternoon_end": time(17, 0), "grace_minutes": 5})
    add_exception(session=session, day=date(2026, 1, 2), kind="holiday", name="Nghỉ hoán đổi", actor="test")
    add_exception(session=session, day=date(2026, 1, 10), kind="workday", name="Làm bù", actor="test")
    an = make_staff(session, office, full_name="Nguyễn Văn An", start_date=date(2020, 1, 1))
    binh = make_staff(session, office, full_name="Trần Thị Bình", start_date=date(2020, 1, 1))
    cuong = make_staff(session, land, full_name="Lê Văn Cường", start_date=date(2026, 1, 19))
    dung = make_staff(session, land, full_name="Phạm Thị Dung", start_date=date(2020, 1, 1))

    _days(session, an, WORKDAYS, {5: {0: time(7, 35)}, 6: {0: time(7, 42)}, 7: {3: time(16, 50)}, 8: {3: None}})
    binh_days = [d for d in WORKDAYS if d not in (12, 13, 15)]
    _days(session, binh, binh_days, {14: {2: None, 3: None}, 16: {0: None, 1: None},
                                     19: {0: time(7, 40)}, 20: {0: time(7, 40)}, 21: {0: time(7, 40)}})
    _approve(session, binh, "annual_leave", date(2026, 1, 12), date(2026, 1, 13))
    _approve(session, binh, "sick", date(2026, 1, 14), part="afternoon")
    _days(session, cuong, [d for d in WORKDAYS if d >= 19], {22: {0: None}})
    _approve(session, cuong, None, date(2026, 1, 22), part="morning", type_="explanation")
    _days(session, dung, [d for d in WORKDAYS if d < 26], {})
    _approve(session, dung, "business_trip", date(2026, 1, 26), date(2026, 1, 30))
    session.commit()
    return Scenario(root, office, land, an, binh, cuong, dung)


def _days(session: Session, staff: Staff, days: list[int], changes: dict[int, dict[int, time | None]]) -> None:
    moments = []
    for day in days:
        times = list(NORMAL)
        for index, replacement in changes.get(day, {}).items():
            times[index] = replacement  # type: ignore[call-overload]
        moments += [datetime.combine(date(2026, 1, day), t) for t in times if t is not None]
    punch_at(session, staff, *moments)


def _approve(session: Session, staff: Staff, kind: str | None, start: date, end: date | None = None,
             part: str = "all", type_: str = "leave") -> None:
    request = file_request(session=session, staff=staff, type=type_, kind=kind, start_date=start, end_date=end,
                           part=part, reason="Có lý do", actor="test")
    decide(session=session, request=request, approve=True, actor="head")
