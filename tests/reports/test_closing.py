"""Closing a month freezes its figures byte for byte; reopening is explicit and audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from attendance.errors import Conflict, InvalidInput, MonthClosed, NotFound
from attendance.leave import file_request
from attendance.models import AuditEntry
from attendance.reports.closing import close_month, closure_covering, reopen_month
from attendance.reports.export import render, report_data
from tests.factories import punch_at
from tests.reports import scenario
from tests.reports.conftest import NOW

CLOSED_AT = datetime(2026, 2, 3, 2, 0, tzinfo=UTC)


def _files(session, unit: str = scenario.ROOT) -> dict[str, bytes]:
    files = {}
    for kind in ("discipline", "timesheet"):
        data = report_data(session=session, kind=kind, unit_path=unit, month=scenario.MONTH, now=NOW)
        for fmt in ("json", "csv", "xlsx", "pdf"):
            files[f"{kind}.{fmt}"] = render(data, fmt)
    return files


def _binh(session, unit: str = scenario.ROOT) -> dict:
    data = report_data(session=session, kind="discipline", unit_path=unit, month=scenario.MONTH, now=NOW)
    return next(p for p in data["people"] if p["full_name"] == "Trần Thị Bình")


def test_a_closed_month_gives_the_same_bytes_whatever_happens_later(session, jan) -> None:
    close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr", now=CLOSED_AT)
    session.commit()
    first = _files(session)
    # Late evidence for the closed month: Bình's absent day gets terminal punches (stored), and a leave
    # request for it is refused until the month is reopened (R9b).
    punch_at(session, jan.binh, datetime(2026, 1, 15, 7, 20), datetime(2026, 1, 15, 11, 40))
    with pytest.raises(MonthClosed, match="reopen"):
        file_request(session=session, staff=jan.binh, type="leave", kind="sick", start_date=date(2026, 1, 15),
                     part="afternoon", reason="Ốm", actor="test")
    session.commit()
    again = _files(session)
    assert again == first
    assert _binh(session)["absent_sessions"] == 3
    assert b"2026-02-03T02:00:00+00:00" in first["discipline.json"]


def test_reopening_is_audited_and_makes_reports_live_again(session, jan) -> None:
    row = close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr", now=CLOSED_AT)
    punch_at(session, jan.binh, datetime(2026, 1, 15, 7, 20), datetime(2026, 1, 15, 11, 40))
    session.commit()
    assert _binh(session)["absent_sessions"] == 3
    with pytest.raises(InvalidInput):
        reopen_month(session=session, unit=jan.root, year=2026, month=1, actor="hr", reason="  ")
    reopen_month(session=session, unit=jan.root, year=2026, month=1, actor="truong.phong", reason="Bổ sung chấm công")
    session.commit()
    # The morning of the 15th now has both punches: absent the afternoon of the 15th and morning of the 16th.
    assert _binh(session)["absent_sessions"] == 2
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "month_closure")
                           .order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in entries] == [("month.close", "hr"), ("month.reopen", "truong.phong")]
    assert entries[1].reason == "Bổ sung chấm công" and entries[1].entity_id == str(row.id)
    assert "discipline" not in (entries[1].after or {})
    # Closing again freezes the new figures.
    close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr", now=CLOSED_AT)
    session.commit()
    assert _binh(session)["absent_sessions"] == 2


def test_a_department_of_a_closed_unit_is_served_from_the_frozen_figures(session, jan) -> None:
    close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr", now=CLOSED_AT)
    session.commit()
    frozen = _binh(session, scenario.OFFICE)
    punch_at(session, jan.binh, datetime(2026, 1, 15, 7, 20), datetime(2026, 1, 15, 11, 40))
    session.commit()
    office = report_data(session=session, kind="discipline", unit_path=scenario.OFFICE, month=scenario.MONTH)
    assert [p["full_name"] for p in office["people"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert office["unit"]["path"] == scenario.OFFICE and office["totals"]["people"] == 2
    assert _binh(session, scenario.OFFICE) == frozen
    sheets = report_data(session=session, kind="timesheet", unit_path=scenario.LAND, month=scenario.MONTH)["sheets"]
    assert [s["department"] for s in sheets] == ["Địa chính"]
    assert closure_covering(session=session, unit=jan.office, year=2026, month=1) is not None
    with pytest.raises(Conflict):
        close_month(session=session, unit=jan.office, year=2026, month=1, actor="hr", now=CLOSED_AT)
    with pytest.raises(NotFound):
        reopen_month(session=session, unit=jan.office, year=2026, month=1, actor="hr", reason="x")


def test_a_month_cannot_be_closed_before_it_ends_nor_twice(session, jan) -> None:
    with pytest.raises(InvalidInput):
        close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr",
                    now=datetime(2026, 1, 31, 16, 59, tzinfo=UTC))  # 23:59 on the 31st in Vietnam
    close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr",
                now=datetime(2026, 1, 31, 17, 0, tzinfo=UTC))
    with pytest.raises(Conflict):
        close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr", now=CLOSED_AT)
