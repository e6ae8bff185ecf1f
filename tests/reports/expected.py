"""The scenario's figures, computed by hand from tests/reports/scenario.py."""

from __future__ import annotations

ZERO = {"late_count": 0, "late_minutes": 0, "early_count": 0, "early_minutes": 0, "missing_punches": 0,
        "absent_sessions": 0, "absent_days": 0}

PEOPLE = {
    "Nguyễn Văn An": {**ZERO, "department": "Văn phòng", "sessions_scheduled": 42, "sessions_present": 42,
                      "late_count": 1, "late_minutes": 12, "early_count": 1, "early_minutes": 10,
                      "missing_punches": 1, "excused_sessions": 0, "excused_by_kind": {}, "flags": []},
    "Trần Thị Bình": {**ZERO, "department": "Văn phòng", "sessions_scheduled": 42, "sessions_present": 34,
                      "late_count": 3, "late_minutes": 30, "absent_sessions": 3, "absent_days": 1,
                      "excused_sessions": 5, "excused_by_kind": {"annual_leave": 4, "sick": 1},
                      "flags": ["late_count", "absent_sessions"]},
    # 22/1 morning: one punch (no check-in), explained: present and complete, the missing punch explained.
    "Lê Văn Cường": {**ZERO, "department": "Địa chính", "sessions_scheduled": 20, "sessions_present": 20,
                     "excused_sessions": 0, "excused_by_kind": {}, "explained_missing_punches": 1,
                     "flags": []},
    "Phạm Thị Dung": {**ZERO, "department": "Địa chính", "sessions_scheduled": 42, "sessions_present": 32,
                      "excused_sessions": 10, "excused_by_kind": {"business_trip": 10}, "flags": []},
}

#: Report order: by department path in Vietnamese letter order ('Địa chính' before 'Văn phòng': Đ comes
#: after D, not after V as in code points), then by given name.
LAND = ["Lê Văn Cường", "Phạm Thị Dung"]
OFFICE = ["Nguyễn Văn An", "Trần Thị Bình"]
ORDER = LAND + OFFICE

_H, _W = "L", "+"


def _month(marks: dict[int, str], worked: list[int], holidays: bool = True) -> list[str]:
    cells = [""] * 31
    if holidays:
        cells[0] = cells[1] = _H
    for day in worked:
        cells[day - 1] = _W
    for day, mark in marks.items():
        cells[day - 1] = mark
    return cells


_WORKDAYS = [5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30]

#: Timesheet cells (days 1-31) and totals (32) time, (33) unpaid, (34) social insurance.
TIMESHEET = {
    "Nguyễn Văn An": (_month({}, _WORKDAYS), 23, 0, 0),
    "Trần Thị Bình": (_month({12: "P", 13: "P", 14: "+/Ô", 15: "", 16: "/+"}, _WORKDAYS), 21, 1.5, 0.5),
    "Lê Văn Cường": (_month({}, [d for d in _WORKDAYS if d >= 19], holidays=False), 10, 0, 0),
    "Phạm Thị Dung": (_month({d: "CT" for d in (26, 27, 28, 29, 30)}, _WORKDAYS), 23, 0, 0),
}
