"""Seed a realistic commune office for the demo: units, ~40 staff, a month of punches, requests."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from attendance.calendar import unit_calendar
from attendance.leave import decide, file_request
from attendance.ledger import PunchIn, ingest_punches
from attendance.models import Device, DeviceKind, PunchSource, Staff, Unit
from attendance.org import ensure_unit_path
from attendance.staff import create_staff
from attendance.timeutil import to_local, utcnow
from config import get_settings

COMMUNE = "UBND xã Tân Phú"
DEPARTMENTS = {
    "Văn phòng HĐND và UBND": 12,
    "Phòng Kinh tế": 9,
    "Phòng Văn hóa - Xã hội": 9,
    "Trung tâm Phục vụ hành chính công": 10,
}
DEMO_DEVICE = "DEMO-ZK01"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý"]
MIDDLE = {"m": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành"],
          "f": ["Thị", "Ngọc", "Thu", "Thanh", "Mai", "Phương", "Kim"]}
GIVEN = {"m": ["An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn",
               "Việt", "Hiếu", "Thắng", "Trung"],
         "f": ["Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Nga", "Nhung",
               "Oanh", "Thảo", "Trang", "Yến"]}
POSITIONS = ["Chuyên viên", "Chuyên viên", "Chuyên viên", "Cán sự", "Phó Trưởng phòng", "Trưởng phòng"]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    units: int
    staff: int
    punches: int
    start: date
    end: date


def seed_demo(*, session: Session, today: date | None = None, days: int = 31, seed: int = 2026,
              progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Create the demo office if it is not there yet; deterministic for a given seed and day."""
    rnd = random.Random(seed)
    zone = get_settings().timezone
    now = utcnow()
    today = today or to_local(now, zone).date()
    existing = session.exec(select(Unit).where(Unit.path == COMMUNE)).first()
    if existing is not None:
        count = len(session.exec(select(Staff.id)).all())
        return DemoSummary(0, count, 0, today - timedelta(days=days - 1), today)
    say = progress or (lambda _msg: None)
    say("Tạo đơn vị và cán bộ…")
    commune, _ = ensure_unit_path(session=session, path=COMMUNE)
    commune.code, commune.budget_code = "TP-UBND", "1234567"
    session.add(Device(serial=DEMO_DEVICE, name="Máy chấm công cửa chính", kind=DeviceKind.ZK_PULL,
                       unit_id=commune.id, host="127.0.0.1"))
    people: list[tuple[Staff, Unit]] = []
    number = 0
    for department, size in DEPARTMENTS.items():
        unit, _ = ensure_unit_path(session=session, path=f"{COMMUNE} / {department}")
        assert unit.id is not None
        for _ in range(size):
            number += 1
            sex = rnd.choice("mf")
            name = f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE[sex])} {rnd.choice(GIVEN[sex])}"
            staff = create_staff(session=session, unit_id=unit.id, code=f"TP{number:03d}", full_name=name,
                                 pin=str(number), position=rnd.choice(POSITIONS),
                                 start_date=date(2015 + rnd.randrange(10), rnd.randrange(1, 13), 1), actor="demo")
            people.append((staff, unit))
    # One person joins in the middle of the period.
    newcomer = people[-1][0]
    newcomer.start_date = today - timedelta(days=days // 2)
    session.add(newcomer)
    session.flush()
    start = today - timedelta(days=days - 1)
    say("Sinh dữ liệu chấm công một tháng…")
    calendars = {unit.id: unit_calendar(session=session, unit=unit, start=start, end=today) for _, unit in people}
    habits = {staff.id: (rnd.random() < 0.15, rnd.random() < 0.1) for staff, _ in people}  # (often late, forgetful)
    punches: list[PunchIn] = []
    now_local = to_local(now, zone)
    for offset in range(days):
        day = start + timedelta(days=offset)
        for staff, unit in people:
            schedule = calendars[unit.id].day(day)
            if not schedule.workday or (staff.start_date and day < staff.start_date):
                continue
            if rnd.random() < 0.02:  # absent without a word
                continue
            often_late, forgetful = habits[staff.id]
            for times in (schedule.morning, schedule.afternoon):
                for moment in _session_punches(rnd, day, times.start, times.end, often_late, forgetful):
                    if moment <= now_local:
                        punches.append(PunchIn(PunchSource.TERMINAL_PULL, DEMO_DEVICE, staff.pin or "",
                                               moment, state=rnd.choice([0, 1, 255])))
    stored = 0
    for batch in range(0, len(punches), 1000):
        stored += ingest_punches(session=session, punches=punches[batch:batch + 1000], now=now).stored
    say("Tạo đơn xin nghỉ và giải trình…")
    _seed_requests(session, people, today)
    return DemoSummary(len(DEPARTMENTS) + 1, len(people), stored, start, today)


def _session_punches(rnd: random.Random, day: date, start: time, end: time, often_late: bool,
                     forgetful: bool) -> list[datetime]:
    begin, finish = datetime.combine(day, start), datetime.combine(day, end)
    late = rnd.random() < (0.3 if often_late else 0.06)
    arrive = begin + timedelta(seconds=rnd.randint(6 * 60, 40 * 60) if late else -rnd.randint(0, 25 * 60))
    leave = finish - timedelta(seconds=rnd.randint(6 * 60, 30 * 60)) if rnd.random() < 0.04 else (
        finish + timedelta(seconds=rnd.randint(0, 20 * 60)))
    moments = [arrive, leave]
    if rnd.random() < 0.15:  # pressed twice at the door
        moments.append(arrive + timedelta(seconds=rnd.randint(2, 20)))
    if rnd.random() < (0.12 if forgetful else 0.02):  # forgot one punch
        moments.pop(rnd.randrange(2))
    return moments


def _seed_requests(session: Session, people: list[tuple[Staff, Unit]], today: date) -> None:
    monday = today - timedelta(days=today.weekday())
    first, second, third = people[1][0], people[5][0], people[14][0]
    leave = file_request(session=session, staff=first, type="leave", kind="annual_leave",
                         start_date=monday - timedelta(days=7), end_date=monday - timedelta(days=6),
                         reason="Về quê giải quyết việc gia đình", actor=first.code)
    decide(session=session, request=leave, approve=True, actor="demo-head", comment="Đồng ý")
    file_request(session=session, staff=second, type="explanation", kind=None, start_date=monday,
                 part="morning", reason="Tôi đã chấm công nhưng máy không ghi nhận", actor=second.code)
    file_request(session=session, staff=third, type="leave", kind="sick", start_date=today + timedelta(days=1),
                 reason="Khám bệnh theo lịch hẹn", actor=third.code)
