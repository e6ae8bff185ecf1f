"""Vietnamese conventions, forms and phones in a real browser: no sideways scrolling at 390 px on any page of
any role, dd/mm/yyyy and 24-hour fields in an English Chromium, the clock set only after asking, the language
switch keeping the page's parameters, error pages in words with the menu kept."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from attendance.leave import file_request
from attendance.models.audit import AuditEntry
from devices.service import add_device
from devices.sim_server import start_simulator
from tests.pages.conftest import DAY, add_user, log_in, seed_office
from tests.reports.readback import pdf_text

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
WIDE_FIT = "document.documentElement.scrollWidth <= window.innerWidth"
NATIVE_PICKERS = "input[type=date], input[type=time], input[type=month], input[type=datetime-local]"


def _drift(terminal) -> float:
    """How far the simulated terminal's clock is from the real local time, in seconds."""
    local = datetime.now(UTC).astimezone(ZoneInfo(terminal.config.timezone)).replace(tzinfo=None)
    return (terminal.now() - local).total_seconds()


def _seed(session: Session):
    office = seed_office(session)
    add_user(session, "quantri", "admin", grants="biometrics.manage")
    add_user(session, "phongtc", "personnel", unit=office.root)
    add_user(session, "truongphong", "head", unit=office.office)
    add_user(session, "binh", "staff", staff=office.missing)
    add_device(session=session, serial="SIMCUA000000001", name="Máy chấm công cửa chính của trụ sở UBND xã",
               host="192.0.2.10", port=4370, unit_id=office.root.id, actor="test")
    file_request(session=session, staff=office.missing, type="explanation", kind=None, start_date=DAY,
                 reason="Tôi đã chấm công lúc 07:25 nhưng máy không ghi nhận, đề nghị xem xét", actor="test")
    session.commit()
    return office


def test_no_page_scrolls_sideways_on_a_phone(server, browser, shots, session: Session) -> None:
    office = _seed(session)
    person = f"/people/{office.late.id}/month?year={DAY.year}&month={DAY.month}"
    extras = {
        "quantri": [f"/today?unit={office.root.id}&day={DAY.isoformat()}", f"/month?unit={office.root.id}&month={DAY:%Y-%m}",
                    person, f"/calendar?unit={office.root.id}&year=2026", "/faces", f"/faces?staff={office.late.id}",
                    "/kiosk", "/account", "/people/999999/month", "/no-such-page"],
        "phongtc": [f"/today?day={DAY.isoformat()}", f"/month?month={DAY:%Y-%m}", person, "/requests", "/devices"],
        "truongphong": [f"/today?day={DAY.isoformat()}", f"/month?month={DAY:%Y-%m}", person, "/requests"],
        "binh": [f"/people/{office.missing.id}/month?year={DAY.year}&month={DAY.month}", "/requests", "/account"],
    }
    anonymous = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = anonymous.new_page()
    page.goto(server + "/login")
    assert page.evaluate(WIDE_FIT), "/login"
    anonymous.close()
    checked = 0
    for username, urls in extras.items():
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        log_in(page, server, username)
        menu = [a.get_attribute("href") for a in page.locator("nav.menu a").all()]
        for url in dict.fromkeys([*menu, *urls]):
            page.goto(server + url)
            page.wait_for_load_state()
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if not page.evaluate(WIDE_FIT) or username == "phongtc":
                page.screenshot(path=str(shots / f"phone-{username}{url.split('?')[0].replace('/', '_')}.png"),
                                full_page=True)
            assert width[0] <= width[1], f"{username} {url}: {width[0]} px wide on a {width[1]} px screen"
            assert page.locator(NATIVE_PICKERS).count() == 0, f"{username} {url}: a native date or time picker"
            checked += 1
        context.close()
    assert checked >= 25


def test_date_and_time_fields_read_dd_mm_yyyy_and_24_hours_in_an_english_browser(server, browser, session) -> None:
    office = _seed(session)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, server, "quantri")
    page.goto(f"{server}/today?unit={office.root.id}&day={DAY.isoformat()}")
    day = page.locator("form.filters input[name=day]")
    assert day.input_value() == "18/11/2026" and day.get_attribute("placeholder") == "dd/mm/yyyy"
    page.goto(f"{server}/calendar?unit={office.root.id}&year=2026")
    form = page.locator("form.schedule-form")
    assert form.locator("input[name=morning_start]").input_value() == "07:30"
    assert form.locator("input[name=afternoon_end]").input_value() == "17:00"
    page.fill("#exceptions input[name=day]", "05/12/2026")
    page.fill("#exceptions input[name=name]", "Làm bù ngày 2/1")
    page.select_option("#exceptions select[name=kind]", "workday")
    page.click("#exceptions button[type=submit]")
    assert "05/12/2026" in page.locator("#exceptions").inner_text()
    # A refused form keeps what was typed and says why in the page's language.
    form.locator("input[name=name]").fill("Mùa đông")
    form.locator("input[name=valid_from]").fill("15/10/2026")
    form.locator("input[name=morning_start]").fill("11:00")
    form.locator("input[name=morning_end]").fill("08:00")
    form.locator("button[type=submit]").click()
    assert "Giờ phải tăng dần" in page.locator("main > p.flash.error").inner_text()
    form = page.locator("form.schedule-form")
    assert form.locator("input[name=name]").input_value() == "Mùa đông"
    assert form.locator("input[name=valid_from]").input_value() == "15/10/2026"
    assert form.locator("input[name=morning_start]").input_value() == "11:00"
    # A date that does not exist is refused in words, not with a framework message.
    page.goto(f"{server}/today?day=31/02/2026")
    text = page.locator("main").inner_text()
    assert "31/02/2026" in text and "Input should" not in text
    context.close()


def test_setting_a_terminal_clock_measures_and_asks_first(server, browser, session: Session) -> None:
    office = _seed(session)
    with start_simulator(users=3, drift_seconds=-95, seed=3) as simulator:
        serial = simulator.terminals[0].config.serial
        add_device(session=session, serial=serial, name="Máy cổng phụ", host=simulator.host, port=simulator.port,
                   unit_id=office.root.id, actor="test")
        session.commit()
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        log_in(page, server, "phongtc")
        page.goto(server + "/devices")
        card = page.locator(".device", has_text=serial)
        dialog = card.locator("dialog.confirm-action")
        card.locator("button", has_text="Đồng bộ giờ").click()
        dialog.wait_for(state="visible", timeout=15000)
        question = dialog.locator(".question").inner_text()
        assert "Máy cổng phụ" in question and "lệch -9" in question and "giây" in question, question
        dialog.locator("button", has_text="Huỷ").click()
        session.expire_all()
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "device.set_clock")).first() is None
        assert abs(_drift(simulator.terminals[0]) + 95) < 3

        card.locator("button", has_text="Đồng bộ giờ").click()
        dialog.wait_for(state="visible", timeout=15000)
        dialog.locator("button", has_text="Đặt lại giờ máy").click()
        result = card.locator(".action-result.flash")
        result.wait_for(timeout=15000)
        assert "Đã đặt lại giờ máy theo giờ hệ thống" in result.inner_text(), result.inner_text()
        assert "offset_seconds" not in result.inner_text() and "was_set" not in result.inner_text()
        assert abs(_drift(simulator.terminals[0])) < 3
        context.close()


def test_the_language_switch_keeps_the_pages_parameters(server, browser, session: Session) -> None:
    office = _seed(session)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.goto(f"{server}/month?unit={office.office.id}&month={DAY:%Y-%m}")
    assert page.locator("h1").inner_text() == "Tổng hợp kỷ luật tháng 11/2026"
    page.click("a.lang")
    page.wait_for_load_state()
    assert f"unit={office.office.id}" in page.url and "month=2026-11" in page.url and "lang=en" in page.url
    assert page.locator("h1").inner_text() == "Discipline 11/2026"
    assert "Văn phòng" in page.locator("h1 ~ form select[name=unit] option[selected]").inner_text()
    page.click("a.lang")
    assert f"unit={office.office.id}" in page.url and "lang=vi" in page.url
    context.close()


def test_error_pages_speak_the_users_language_and_keep_the_menu(server, browser, session: Session) -> None:
    office = _seed(session)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "phongtc")
    for url, words in (("/people/9999/month", "Không tìm thấy cán bộ này"),
                       (f"/people/{office.late.id}/month?month=13", "Tháng"),
                       ("/people/abc/month", "Cán bộ: phải là một số nguyên"),
                       ("/month?month=13/2026", "Tháng không hợp lệ")):
        page.goto(server + url)
        text = page.locator("main").inner_text()
        assert words in text, (url, text)
        for internal in ("no staff member", "Input should", "no month", "staff_id", "not a month"):
            assert internal not in text, (url, text)
        assert page.locator("nav.menu a").count() >= 3, url
    page.goto(f"{server}/people/9999/month?lang=en")
    assert "This page or record does not exist." in page.locator("main").inner_text()
    assert page.locator("nav.menu a", has_text="Today").count() == 1
    context.close()


def test_board_month_and_report_print_on_a4_without_the_menu(server, browser, shots, session: Session) -> None:
    office = _seed(session)
    context = browser.new_context(viewport={"width": 794, "height": 1123}, locale="vi-VN")  # A4 at 96 dpi
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.emulate_media(media="print")
    for name, url in (("board", f"/today?day={DAY.isoformat()}"),
                      ("person", f"/people/{office.late.id}/month?year={DAY.year}&month={DAY.month}"),
                      ("report", f"/month?month={DAY:%Y-%m}")):
        page.goto(server + url)
        assert not page.locator("header.top").is_visible(), name
        assert page.locator("form.filters").count() == 0 or not page.locator("form.filters").first.is_visible(), name
        assert page.evaluate(WIDE_FIT), f"{name} is wider than A4"
        printed = page.pdf(path=str(shots / f"print-{name}.pdf"), format="A4")
        assert "Đăng xuất" not in pdf_text(printed)  # the menu and its buttons stay off paper
    context.close()
