"""November 2026 in UBND xã Hoà An (zone Asia/Ho_Chi_Minh), through the real ingest paths.

Calendar: Tue 24/11 national holiday (Ngày Văn hóa Việt Nam), Sat 28/11 a make-up workday
(admin exception) -> 21 workdays, 42 sessions. Schedule 07:30-11:30, 13:30-17:00, grace 5.
Punches are 07:25, 11:35, 13:25, 17:05 unless said otherwise.

- An (PIN 11, USB file): every workday; 08:07 in on 2/11 (37 min late, explanation approved for
  that morning); no check-out on the afternoon of 3/11 (explanation approved).
- Bình (PIN 12, ADMS push): annual leave Fri 6/11 - Mon 9/11 (over a weekend: 2 days), the
  morning of 10/11 (half a day) and 23-24/11 (24/11 is a holiday: 1 day) -> 3.5 days; absent the
  whole make-up Saturday 28/11.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from attendance.calendar import add_exception, add_schedule, month_days
from attendance.leave import decide, file_request
from attendance.models import DeviceKind, Staff, Unit
from devices.service import add_device
from devices.usb import import_usb_file
from tests.factories import make_staff, make_unit

ROOT = "UBND xã Hoà An"
OFFICE = "UBND xã Hoà An / Văn phòng"
ZONE = "Asia/Ho_Chi_Minh"
MONTH = "2026-11"
USB_SERIAL, PUSH_SERIAL = "USB-HOAAN", "PUSH-HOAAN"
WORKDAYS = [d.day for d in month_days(2026, 11) if d.weekday() < 5 and d.day != 24] + [28]
NORMAL = (time(7, 25), time(11, 35), time(13, 25), time(17, 5))
BINH_AWAY = {6, 9, 23, 28}


@dataclass
class November:
    root: Unit
    office: Unit
    an: Staff
    binh: Staff


def build(session: Session, client: TestClient, tmp_path: Path) -> November:
    root = make_unit(session, ROOT)
    root.timezone = ZONE
    office = make_unit(session, OFFICE)
    add_schedule(session=session, unit_id=root.id, actor="test", schedule={
        "valid_from": date(2025, 1, 1), "morning_start": time(7, 30), "morning_end": time(11, 30),
        "afternoon_start": time(13, 30), "afternoon_end": time(17, 0), "grace_minutes": 5})
    add_exception(session=session, day=date(2026, 11, 28), kind="workday", name="Làm bù", actor="test")
    an = make_staff(session, office, full_name="Nguyễn Văn An", pin="11", start_date=date(2020, 1, 1))
    binh = make_staff(session, office, full_name="Trần Thị Bình", pin="12", start_date=date(2020, 1, 1))
    for serial, kind in ((USB_SERIAL, DeviceKind.OFFLINE), (PUSH_SERIAL, DeviceKind.ZK_PUSH)):
        add_device(session=session, serial=serial, actor="test", kind=kind, timezone=ZONE)
    session.commit()

    an_times = {2: {0: time(8, 7)}, 3: {3: None}}
    lines = [f"{an.pin}\t{moment:%Y-%m-%d %H:%M:%S}\t0\t1\t0\t0" for moment in _moments(WORKDAYS, an_times)]
    usb = tmp_path / "1_attlog.dat"
    usb.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    import_usb_file(session=session, path=usb, serial=USB_SERIAL, actor="test")
    push(client, binh.pin or "", _moments([d for d in WORKDAYS if d not in BINH_AWAY], {10: {0: None, 1: None}}))

    approve(session, an, "explanation", date(2026, 11, 2), part="morning")
    approve(session, an, "explanation", date(2026, 11, 3), part="afternoon")
    approve(session, binh, "annual_leave", date(2026, 11, 6), date(2026, 11, 9))
    approve(session, binh, "annual_leave", date(2026, 11, 10), part="morning")
    approve(session, binh, "annual_leave", date(2026, 11, 23), date(2026, 11, 24))
    session.commit()
    return November(root, office, an, binh)


def push(client: TestClient, pin: str, moments: list[datetime]) -> None:
    body = "".join(f"{pin}\t{m:%Y-%m-%d %H:%M:%S}\t0\t1\t0\t0\t0\n" for m in moments)
    reply = client.post(f"/iclock/cdata?SN={PUSH_SERIAL}&table=ATTLOG&Stamp=1", content=body.encode())
    assert reply.status_code == 200 and reply.text.startswith(f"OK: {len(moments)}"), reply.text


def approve(session: Session, staff: Staff, kind: str, start: date, end: date | None = None,
            part: str = "all") -> None:
    type_ = "explanation" if kind == "explanation" else "leave"
    row = file_request(session=session, staff=staff, type=type_, kind=None if type_ == "explanation" else kind,
                       start_date=start, end_date=end, part=part, reason="Đi họp theo giấy mời", actor="staff")
    decide(session=session, request=row, approve=True, actor="head")


def _moments(days: list[int], changes: dict[int, dict[int, time | None]]) -> list[datetime]:
    moments = []
    for day in days:
        times: list[time | None] = list(NORMAL)
        for index, replacement in changes.get(day, {}).items():
            times[index] = replacement
        moments += [datetime.combine(date(2026, 11, day), t) for t in times if t is not None]
    return moments


#: The figures, computed by hand from the story above.
ZERO = {"late_count": 0, "late_minutes": 0, "early_count": 0, "early_minutes": 0, "missing_punches": 0,
        "absent_sessions": 0, "absent_days": 0, "explained_late_count": 0, "explained_late_minutes": 0,
        "explained_early_count": 0, "explained_early_minutes": 0, "explained_missing_punches": 0}
PEOPLE = {
    "Nguyễn Văn An": {**ZERO, "sessions_scheduled": 42, "sessions_present": 42, "excused_sessions": 0,
                      "explained_late_count": 1, "explained_late_minutes": 37, "explained_missing_punches": 1,
                      "excused_by_kind": {}, "flags": []},
    "Trần Thị Bình": {**ZERO, "sessions_scheduled": 42, "sessions_present": 33, "excused_sessions": 7,
                      "excused_by_kind": {"annual_leave": 7}, "absent_sessions": 2, "absent_days": 1,
                      "flags": ["absent_sessions"]},
}


def _cells(marks: dict[int, str]) -> list[str]:
    cells = [""] * 31
    for day in WORKDAYS:
        cells[day - 1] = "+"
    cells[23] = "L"
    for day, mark in marks.items():
        cells[day - 1] = mark
    return cells


#: Cells of days 1-31, then (32) time, (33) unpaid, (34) social insurance.
TIMESHEET = {
    "Nguyễn Văn An": (_cells({}), 22, 0, 0),
    "Trần Thị Bình": (_cells({6: "P", 9: "P", 10: "P/+", 23: "P", 28: ""}), 21, 1, 0),
}
LEAVE_USED_DAYS = 3.5
