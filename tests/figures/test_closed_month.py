"""A closed month refuses changes dated inside it and still stores real punches (R9b)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from attendance.leave import file_request
from attendance.reports.closing import close_month
from attendance.reports.export import render, report_data
from attendance.timeutil import utcnow
from tests.api.conftest import PASSWORD, add_user
from tests.figures import november
from tests.reports.readback import pdf_text, workbook

_DEC_2 = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def closed(session, web, tmp_path):
    world = november.build(session, web, tmp_path)
    pending = file_request(session=session, staff=world.binh, type="leave", kind="annual_leave",
                           start_date=date(2026, 11, 30), reason="", actor="staff")
    # Closed now (the clock), after every punch above was stored.
    close_month(session=session, unit=world.root, year=2026, month=11, actor="hr", now=max(utcnow(), _DEC_2))
    _, headers = add_user(session, "hr", "admin")
    session.commit()
    return world, pending, headers


def _refused(reply) -> None:
    assert reply.status_code == 409, reply.text
    body = reply.json()
    assert body["error"] == "MonthClosed" and "2026-11 is closed" in body["detail"]
    assert "attendance report reopen" in body["detail"] and "/api/reports/reopen" in body["detail"]


def test_changes_dated_inside_a_closed_month_are_refused(session, web, closed) -> None:
    world, pending, headers = closed
    _refused(web.post("/api/requests", headers=headers, json={
        "staff_id": world.an.id, "type": "leave", "kind": "sick", "start_date": "2026-11-27"}))
    _refused(web.post(f"/api/requests/{pending.id}/approve", headers=headers, json={}))
    _refused(web.post("/api/punches/manual", headers=headers, json={
        "staff_id": world.an.id, "at": "2026-11-03T17:04:00+07:00", "reason": "Máy mất điện"}))
    _refused(web.post("/api/calendar/exceptions", headers=headers, json={
        "day": "2026-11-20", "kind": "holiday", "name": "Nghỉ", "unit_id": world.office.id}))
    _refused(web.post("/api/calendar/exceptions", headers=headers, json={
        "day": "2026-11-20", "kind": "holiday", "name": "Nghỉ"}))
    schedule = {"morning_start": "07:00", "morning_end": "11:00", "afternoon_start": "13:00",
                "afternoon_end": "17:00"}
    _refused(web.post(f"/api/units/{world.office.id}/schedules", headers=headers,
                      json={**schedule, "valid_from": "2026-11-15", "valid_to": "2026-12-31"}))
    # The month after is open: the same changes dated there go through.
    assert web.post(f"/api/units/{world.office.id}/schedules", headers=headers,
                    json={**schedule, "valid_from": "2026-12-01"}).status_code == 201
    assert web.post("/api/punches/manual", headers=headers, json={
        "staff_id": world.an.id, "at": "2026-12-01T07:20:00+07:00", "reason": "Máy mất điện"}).status_code == 201
    # Reopening is explicit and audited; then the change is accepted.
    assert web.post("/api/reports/reopen", headers=headers, json={
        "unit": november.ROOT, "month": "2026-11", "reason": "Bổ sung đơn"}).status_code == 200
    assert web.post(f"/api/requests/{pending.id}/approve", headers=headers, json={}).status_code == 200


def test_a_terminal_punch_for_a_closed_month_is_stored_and_reported(session, web, closed) -> None:
    world, _, headers = closed
    frozen = report_data(session=session, kind="discipline", unit_path=november.ROOT, month=november.MONTH)
    november.push(web, world.binh.pin, [datetime(2026, 11, 28, 7, 24, 10)])
    after = report_data(session=session, kind="discipline", unit_path=november.ROOT, month=november.MONTH)
    assert after == frozen  # the closed month's figures do not move
    december = report_data(session=session, kind="discipline", unit_path=november.ROOT, month="2026-12",
                           now=datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    assert [(p["full_name"], p["at"], p["device"]) for p in december["arrived_after_closing"]] == [
        ("Trần Thị Bình", "2026-11-28T07:24:10", november.PUSH_SERIAL)]
    book = workbook(render(december, "xlsx"))
    rows = list(book["Sau khoá sổ"].iter_rows(values_only=True))
    assert (1, world.binh.code, "Trần Thị Bình", "2026-11-28 07:24:10", november.PUSH_SERIAL) in [r[:5] for r in rows]
    assert "Trần Thị Bình: 2026-11-28T07:24:10" in pdf_text(render(december, "pdf"))
    assert "Sau khoá sổ" not in workbook(render(frozen, "xlsx")).sheetnames
    assert web.post("/login", data={"username": "hr", "password": PASSWORD}).status_code in (200, 303)
    page = web.get(f"/month?unit={world.root.id}&month=2026-11")
    assert page.status_code == 200
    assert "1 lần chấm công nhận được sau khi khoá sổ" in page.text and "28/11/2026 07:24" in page.text
