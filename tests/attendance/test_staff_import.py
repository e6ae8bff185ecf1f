"""`attendance staff import`: CSV and XLSX, English or Vietnamese headers, each bad row reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import select

from attendance.calendar import day_schedule
from attendance.models import Staff, Unit
from attendance.staff_import import import_staff

CSV = """code,full_name,unit,pin,card,position,start_date
TP001,Nguyễn Văn An,UBND xã Tân Phú / Văn phòng,1,12345,Chuyên viên,2020-03-01
TP002,Trần Thị Bình,UBND xã Tân Phú / Phòng Kinh tế,2,,,01/06/2021
TP003,,UBND xã Tân Phú / Văn phòng,3,,,
TP004,Lê Văn Cường,UBND xã Tân Phú / Văn phòng,1,,,
TP005,Phạm Thị Dung,UBND xã Tân Phú / Văn phòng,5,,,31/02/2024
TP006,Hoàng Văn Em,,6,,,
TP007,Đỗ Thị Giang,UBND xã Tân Phú / Văn phòng,abc,,,
"""


def test_csv_import_reports_each_bad_row_and_keeps_the_good(session, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(CSV, encoding="utf-8-sig")
    report = import_staff(session=session, path=path, actor="hr")
    session.commit()
    assert (report.created, len(report.errors), report.units_created) == (2, 5, 3)
    reasons = {e.row: e.reason for e in report.errors}
    assert reasons[4] == "full name is empty"
    assert "PIN) '1' đã được cấp cho một người khác" in reasons[5] and "TP001" not in reasons[5]
    assert "not a date" in reasons[6]
    assert reasons[7] == "unit is empty"
    assert "PIN must be digits" in reasons[8]
    codes = {s.code: s for s in session.exec(select(Staff))}
    assert set(codes) == {"TP001", "TP002"}
    assert codes["TP002"].start_date.isoformat() == "2021-06-01" and codes["TP001"].card == "12345"
    units = {u.path for u in session.exec(select(Unit))}
    assert units == {"UBND xã Tân Phú", "UBND xã Tân Phú / Văn phòng", "UBND xã Tân Phú / Phòng Kinh tế"}
    # A new unit has the default schedule until an admin sets its own.
    office = session.exec(select(Unit).where(Unit.path == "UBND xã Tân Phú / Văn phòng")).one()
    from datetime import date, time
    monday = day_schedule(session=session, unit=office, day=date(2026, 11, 23))
    assert (monday.morning.start, monday.afternoon.end, monday.grace_minutes) == (time(7, 30), time(17, 0), 5)


def test_xlsx_with_vietnamese_headers_and_reimport_updates(session, tmp_path: Path) -> None:
    path = tmp_path / "danh_sach.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã cán bộ", "Họ và tên", "Đơn vị", "Mã chấm công", "Chức vụ"])
    sheet.append(["A1", "Ngô Thị Hạnh", "UBND phường Hòa Bình / Văn phòng", 11, "Văn thư"])
    sheet.append(["A2", "Dương Văn Khánh", "UBND phường Hòa Bình / Văn phòng", 12, None])
    book.save(path)
    first = import_staff(session=session, path=path, actor="hr")
    assert (first.created, first.errors) == (2, [])
    sheet.cell(row=2, column=2, value="Ngô Thị Hạnh Mai")
    sheet.cell(row=3, column=3, value="UBND phường Hòa Bình / Phòng Kinh tế")
    book.save(path)
    second = import_staff(session=session, path=path, actor="hr")
    assert (second.created, second.updated, second.errors) == (0, 2, [])
    a1 = session.exec(select(Staff).where(Staff.code == "A1")).one()
    assert a1.full_name == "Ngô Thị Hạnh Mai" and a1.pin == "11"


def test_cli_import_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("code,full_name,unit,pin\nX1,Vũ Văn Long,Sở Nội vụ / Văn phòng,41\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("ten,don vi\nVũ Văn Long,Sở Nội vụ\n", encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "api.cli.main", "staff", "import", str(good)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Thêm mới 1" in ok.stdout
    refused = subprocess.run([sys.executable, "-m", "api.cli.main", "staff", "import", str(bad)],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "missing columns: code" in refused.stdout
