"""The administrator's pages in a real browser: devices (against the terminal simulator), faces, calendar, month."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from devices.service import add_device
from devices.sim_server import start_simulator
from tests.pages.conftest import DAY, add_user, log_in, seed_office

pytestmark = pytest.mark.slow


def test_devices_faces_calendar_and_month(server, browser, shots, session: Session, faces_dir) -> None:
    office = seed_office(session)
    add_user(session, "quantri", "admin", grants="biometrics.manage")
    with start_simulator(users=5, punches=12, seed=7) as simulator:
        serial = simulator.terminals[0].config.serial
        add_device(session=session, serial=serial, name="Máy cửa chính", host=simulator.host,
                   port=simulator.port, unit_id=office.root.id, actor="test")
        session.commit()
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        log_in(page, server, "quantri")

        # Devices: health before contact, then "pull now" against the simulated terminal.
        page.click("nav.menu a[href='/devices']")
        card = page.locator(".device", has_text=serial)
        assert "Chưa liên lạc" in card.inner_text()
        card.locator("button", has_text="Lấy dữ liệu ngay").click()
        result = card.locator(".action-result.flash")
        result.wait_for(timeout=15000)
        assert "Đã lấy 12 lượt chấm công từ máy: 12 lượt mới" in result.inner_text(), result.inner_text()
        # The devices API commits after its response is sent (see the report): allow it a moment.
        for _ in range(20):
            page.reload()
            card = page.locator(".device", has_text=serial)
            if "Hoạt động" in card.inner_text():
                break
            page.wait_for_timeout(100)
        assert "Hoạt động" in card.inner_text()
        page.screenshot(path=str(shots / "devices.png"), full_page=True)

    # Faces: no photo before consent; consent, a good photo with its quality, a bad one refused, erasure.
    page.goto(f"{server}/faces?staff={office.punctual.id}")
    assert page.locator("#photo-form").count() == 0
    page.check("input[name=agreed]")
    page.click("#consent button[type=submit]")
    page.set_input_files("#photo-input", str(faces_dir / "train" / "obama" / "obama.jpg"))
    page.click("#photo-form button[type=submit]")
    flash = page.locator("main > p.flash").inner_text()
    assert "Đã đăng ký mẫu khuôn mặt (1 mẫu)" in flash and "độ nét" in flash
    page.screenshot(path=str(shots / "faces-enrolled.png"), full_page=True)
    page.set_input_files("#photo-input", str(faces_dir / "group" / "two_people.jpg"))
    with page.expect_response(lambda r: r.url.endswith("/photos")) as info:
        page.click("#photo-form button[type=submit]")
    assert info.value.status == 422
    assert page.locator("main > p.flash.error").count() == 1
    page.screenshot(path=str(shots / "faces-refused.png"), full_page=True)
    page.fill("input[name=reason]", "Cán bộ rút lại sự đồng ý")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#consent button.danger")
    assert "Đã xóa 1 mẫu" in page.locator("main > p.flash").inner_text()

    # Calendar: a make-up Saturday, a seasonal schedule, and a bad one refused with the reason.
    page.goto(f"{server}/calendar?unit={office.root.id}&year=2026")
    assert "Tết Nguyên Đán" in page.locator("#holidays").inner_text()
    page.fill("#exceptions input[name=day]", "2026-12-05")
    page.select_option("#exceptions select[name=kind]", "workday")
    page.fill("#exceptions input[name=name]", "Làm bù ngày 2/1")
    page.click("#exceptions button[type=submit]")
    assert "Làm bù ngày 2/1" in page.locator("#exceptions").inner_text()
    form = page.locator("form.schedule-form")
    form.locator("input[name=name]").fill("Mùa đông 2026")
    form.locator("input[name=valid_from]").fill("2026-10-15")
    form.locator("input[name=morning_start]").fill("07:30")
    form.locator("input[name=afternoon_start]").fill("13:00")
    form.locator("input[name=afternoon_end]").fill("16:30")
    form.locator("button[type=submit]").click()
    assert "Mùa đông 2026" in page.locator("#schedules table").inner_text()
    page.screenshot(path=str(shots / "calendar.png"), full_page=True)
    form = page.locator("form.schedule-form")
    form.locator("input[name=valid_from]").fill("2027-01-01")
    form.locator("input[name=morning_start]").fill("11:00")
    form.locator("input[name=morning_end]").fill("08:00")
    form.locator("button[type=submit]").click()
    assert "Giờ phải tăng dần" in page.locator("main > p.flash.error").inner_text()

    # The month: figures, the two charts, the late person flagged in the table.
    page.goto(f"{server}/month?unit={office.root.id}&month={DAY:%Y-%m}")
    assert page.locator("#late-chart svg").count() == 1
    assert "Văn phòng" in page.locator("#late-chart svg").inner_html()
    assert page.locator("#arrival-chart svg rect").count() > 10
    row = page.locator("#people tr", has_text="Nguyễn Văn An")
    assert row.count() == 1
    page.screenshot(path=str(shots / "month.png"), full_page=True)
    row.locator("a").click()
    assert "Muộn 20 phút" in page.locator(f".calendar .day[data-date='{DAY.isoformat()}']").inner_text()
    context.close()
