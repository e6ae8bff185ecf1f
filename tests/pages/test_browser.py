"""The pages in a real browser, as a new user would use them (Debian's chromium through Playwright)."""

from __future__ import annotations

import time
from datetime import datetime

import openpyxl
import pytest
from sqlmodel import Session

from api.pages.scope import today as local_today
from attendance.calendar import day_schedule
from attendance.ledger import PunchIn, ingest_punches
from attendance.models import PunchSource
from tests.pages.conftest import DAY, add_user, log_in, seed_office

pytestmark = pytest.mark.slow


def test_personnel_office_and_staff_scenario(server, browser, shots, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    add_user(session, "binh", "staff", staff=office.missing)
    session.commit()
    late_id, missing_id = office.late.id, office.missing.id

    # Staff: sees only their own record, files an explanation for the forgotten punch.
    staff_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = staff_context.new_page()
    log_in(page, server, "binh")
    assert page.url.endswith(f"/people/{missing_id}/month")
    assert page.locator("nav.menu a", has_text="Hôm nay").count() == 0
    page.goto(f"{server}/people/{missing_id}/month?year={DAY.year}&month={DAY.month}")
    cell = page.locator(f".calendar .day[data-date='{DAY.isoformat()}']")
    assert "?" in cell.inner_text()  # a phone shows one glyph per session; the words stay in the tooltip
    assert "Thiếu chấm vào" in (cell.locator(".s").first.get_attribute("title") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.screenshot(path=str(shots / "staff-month-phone.png"), full_page=True)
    cell.locator("a.explain").click()
    page.fill("textarea[name=reason]", "Tôi đã chấm công lúc 07:25 nhưng máy không ghi nhận")
    page.select_option("select[name=part]", "morning")
    page.click("#new-request button[type=submit]")
    assert "Đã gửi đơn" in page.locator("main > p.flash").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "staff-requests-phone.png"), full_page=True)
    response = page.goto(f"{server}/people/{late_id}/month")
    assert response is not None and response.status == 403
    assert "không có quyền" in page.content()
    assert page.goto(f"{server}/today").status == 403
    staff_context.close()

    # Personnel office: logs in from the start page, reads the board, follows the late person.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.screenshot(path=str(shots / "login.png"))
    log_in(page, server, "phongtc")
    assert page.url.endswith("/today")
    page.fill("input[name=day]", DAY.isoformat())
    page.click("form.filters button[type=submit]")
    late_list = page.locator("#late-list").inner_text()
    assert "Nguyễn Văn An" in late_list and "Muộn 20 phút" in late_list
    assert "Trần Thị Bình" in page.locator("#missing-list").inner_text()
    assert page.locator("#summary [data-count=missing]").inner_text() == "1"
    page.screenshot(path=str(shots / "board-before.png"), full_page=True)
    page.locator("#late-list a", has_text="Nguyễn Văn An").click()
    assert "Nguyễn Văn An" in page.locator("h1").inner_text()
    assert "Muộn 20 phút" in page.locator(f".calendar .day[data-date='{DAY.isoformat()}']").inner_text()
    assert "07:50:00" in page.locator("#punches").inner_text()
    page.screenshot(path=str(shots / "person-month.png"), full_page=True)

    # Approves the explanation, seeing first what it changes.
    page.click("nav.menu a[href='/requests']")
    pending = page.locator("#pending .request", has_text="Trần Thị Bình")
    assert "1 buổi" in pending.locator(".effect").inner_text()
    assert "Thiếu chấm vào" in pending.locator(".effect").inner_text()
    page.screenshot(path=str(shots / "requests.png"), full_page=True)
    pending.locator("input[name=comment]").fill("Đã xác minh với camera hành lang")
    pending.locator("button[value=approve]").click()
    assert "Đã duyệt" in page.locator("main > p.flash").inner_text()
    assert "Đã xác minh" in page.locator("#decided").inner_text()

    page.goto(f"{server}/today?day={DAY.isoformat()}")
    row = page.locator(f"tr[data-staff='{missing_id}'] td[data-session=morning]")
    assert "Giải trình" in row.inner_text()
    assert "Trần Thị Bình" not in page.locator("#missing-list").inner_text()
    assert page.locator("#summary [data-count=missing]").inner_text() == "0"
    page.screenshot(path=str(shots / "board-after.png"), full_page=True)

    # Downloads the month's discipline report from the month page.
    page.goto(f"{server}/month?unit={office.root.id}&month={DAY:%Y-%m}")
    page.screenshot(path=str(shots / "month-scenario.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("#downloads a", has_text="Báo cáo kỷ luật (Excel)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = shots / "discipline.xlsx"
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    cells = [str(c) for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "Nguyễn Văn An" in cells and "Trần Thị Bình" in cells

    page.goto(f"{server}/today?day={DAY.isoformat()}&lang=en")
    assert "Late 20 min" in page.locator("#late-list").inner_text()
    page.goto(f"{server}/today?day={DAY.isoformat()}&lang=vi")
    context.close()


def wait_until(page, expression: str, *, timeout: float) -> None:
    """Poll an expression from outside the page. Playwright's wait_for_function evaluates its string
    with eval inside the page, which the pages' Content-Security-Policy (no 'unsafe-eval') forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        time.sleep(0.05)


def test_kiosk_and_board_show_a_punch_within_two_seconds(server, browser, shots, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    today = local_today()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "phongtc")
    board = context.new_page()
    board.goto(f"{server}/today?unit={office.office.id}")
    page.goto(f"{server}/kiosk")
    page.wait_for_selector("#kiosk[data-ready='1']", timeout=5000)
    wait_until(board, "document.getElementById('live-state').textContent.length > 0", timeout=30)

    moment = datetime.combine(today, datetime.min.time()).replace(hour=7, minute=45)
    started = time.monotonic()
    ingest_punches(session=session, punches=[PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="SIM0001",
                                                     pin=office.late.pin, device_time=moment)])
    session.commit()
    page.wait_for_selector("#kiosk-current[data-punch] .who", timeout=2000)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    current = page.locator("#kiosk-current").inner_text()
    assert "Nguyễn Văn An" in current and "07:45:00" in current
    workday = day_schedule(session=session, unit=office.office, day=today).workday
    assert ("Muộn 15 phút" if workday else "Ngày nghỉ") in current
    page.screenshot(path=str(shots / "kiosk.png"))

    wait_until(board, f"document.querySelector(\"tr[data-staff='{office.late.id}']\").textContent.includes('07:45')",
               timeout=3)
    board.screenshot(path=str(shots / "board-live.png"), full_page=True)
    context.close()
