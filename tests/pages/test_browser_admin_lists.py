"""The staff directory and the board of 1,500 staff in a real browser, at desktop and phone widths."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert
from sqlmodel import Session, select

from attendance.ledger import PunchIn, ingest_punches
from attendance.models import DeviceKind, PunchSource, Staff, StaffAssignment
from tests.pages.conftest import DAY, add_user, log_in, seed_office

pytestmark = pytest.mark.slow

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_add_a_person_from_the_directory_and_find_them_without_accents(server, browser, shots,
                                                                       session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.click("nav.menu a[href='/staff']")
    form = page.locator("#add-staff form")
    form.locator("select[name=unit]").select_option(str(office.economy.id))
    form.locator("input[name=code]").fill("CB-777")
    form.locator("input[name=full_name]").fill("Đặng Thị Ánh")
    form.locator("input[name=pin]").fill("777")
    form.locator("input[name=start_date]").fill("01/12/2026")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã thêm Đặng Thị Ánh (CB-777)." in page.locator("main > p.flash").inner_text()
    assert page.url.endswith(f"/staff/{session.exec(select(Staff.id).where(Staff.code == 'CB-777')).one()}")
    page.goto(f"{server}/staff")
    page.fill("input[name=q]", "dang anh")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#staff-list .person-name").all_inner_texts() == ["Đặng Thị Ánh"], page.url + page.locator("main").inner_text()
    assert "CB-777" in page.locator("#staff-list").inner_text()
    page.screenshot(path=str(shots / "staff-directory.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    small = phone.new_page()
    log_in(small, server, "phongtc")
    staff_id = session.exec(select(Staff.id).where(Staff.code == "CB-777")).one()
    for url in ("/staff", "/staff?q=nguyen&status=all", f"/staff/{staff_id}",
                f"/today?unit={office.root.id}&day={DAY.isoformat()}"):
        small.goto(f"{server}{url}")
        assert small.evaluate(FITS), f"{url} scrolls sideways at 390 px"
    small.screenshot(path=str(shots / "staff-detail-phone.png"), full_page=True)
    context.close()
    phone.close()


def test_search_the_board_of_1500_staff(server, browser, shots, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.execute(insert(Staff), [{"code": f"BL{n:05d}", "full_name": f"Hoàng Văn Thử {n:04d}", "pin": str(50000 + n),
                                     "unit_id": office.economy.id, "active": True} for n in range(1500)])
    ids = session.exec(select(Staff.id).where(Staff.code.startswith("BL"))).all()  # type: ignore[attr-defined]
    session.execute(insert(StaffAssignment), [{"staff_id": i, "unit_id": office.economy.id,
                                               "valid_from": date(2000, 1, 1)} for i in ids])
    at = datetime.combine(DAY, datetime.min.time())
    ingest_punches(session=session, punches=[
        PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="SIM0001", pin=str(50000 + n),
                device_time=at.replace(hour=7, minute=40 + n % 15)) for n in range(0, 1500, 3)])
    session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.goto(f"{server}/today?unit={office.root.id}&day={DAY.isoformat()}")
    assert page.locator("#list tr[data-staff]").count() == 50
    assert "1–50 trong 1.503" in page.locator("#list .pager").inner_text()
    page.fill("input[name=q]", "thu 1234")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#list tr[data-staff]")
    assert rows.count() == 1 and "BL01234" in rows.inner_text(), rows.all_inner_texts()
    page.goto(f"{server}/today?unit={office.root.id}&day={DAY.isoformat()}")
    page.click("#summary a.stat.late")
    page.wait_for_load_state()
    assert "show=late" in page.url
    assert page.locator("#list tr[data-staff]").count() == 50  # 500 late people, first page
    page.click("#list a[rel=next]")
    page.wait_for_load_state()
    assert "page=2" in page.url and "show=late" in page.url
    page.screenshot(path=str(shots / "board-1500.png"))
    absent = page.locator("#absent-list").inner_text()
    # Once per person with the sessions missed: a morning punch alone leaves the afternoon absent.
    assert absent.startswith("Vắng (1.500)") and "Xem tất cả (1.500)" in absent
    assert "BL00000 · Chiều" in absent and "BL00001 · cả ngày" in absent
    context.close()


def test_add_a_terminal_from_the_pages_and_retire_it_after_confirming(server, browser, shots,
                                                                      session: Session) -> None:
    from attendance.models import Device

    office = seed_office(session)
    add_user(session, "quantri", "admin")
    session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    log_in(page, server, "quantri")
    page.goto(f"{server}/devices")
    page.click("#add-device")
    assert page.evaluate(FITS), "/devices/new scrolls sideways at 390 px"
    form = page.locator("#device-form form")
    form.locator("input[name=serial]").fill("CEXJ9001")
    form.locator("select[name=kind]").select_option("zk_pull")
    form.locator("input[name=name]").fill("Máy cổng chính")
    form.locator("select[name=unit]").select_option(str(office.office.id))
    form.locator("input[name=host]").fill("192.168.1.201")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã thêm thiết bị Máy cổng chính." in page.locator("main > p.flash").inner_text()
    device_id = session.exec(select(Device.id).where(Device.serial == "CEXJ9001")).one()
    page.click(f"a[href='/devices/{device_id}/edit']")
    assert page.evaluate(FITS), "the device page scrolls sideways at 390 px"
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first: "no" keeps the terminal
    page.click("#retire button[type=submit]")
    assert page.url.endswith(f"/devices/{device_id}/edit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#retire button[type=submit]")
    page.wait_for_url(f"{server}/devices")
    assert "Đã ngừng sử dụng thiết bị Máy cổng chính." in page.locator("main > p.flash").inner_text()
    for url in ("/audit", "/audit?action=device."):
        page.goto(f"{server}{url}")
        assert page.evaluate(FITS), f"{url} scrolls sideways at 390 px"
    assert "device.retire" in page.locator("#audit-list").inner_text()
    page.screenshot(path=str(shots / "audit-phone.png"), full_page=True)
    context.close()


def test_close_a_month_from_the_page(server, browser, shots, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.goto(f"{server}/month?unit={office.root.id}&month={DAY:%Y-%m}")
    page.click("#close-link")
    assert page.evaluate(FITS), "/month/close scrolls sideways at 390 px"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#closure form button[type=submit]")
    page.wait_for_load_state()
    assert "Đã khóa sổ tháng 11/2026." in page.locator("main > p.flash").inner_text()
    assert "Tháng đã khóa sổ" in page.locator("#closure").inner_text()
    page.fill("#closure input[name=reason]", "Bổ sung đơn nghỉ phép")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#closure form button[type=submit]")
    page.wait_for_load_state()
    assert "Đã mở lại tháng 11/2026." in page.locator("main > p.flash").inner_text()
    page.screenshot(path=str(shots / "month-close-phone.png"), full_page=True)
    context.close()


def test_every_new_page_fits_a_phone(server, browser, shots, session: Session) -> None:
    from datetime import time

    from api.auth.models import User
    from attendance.calendar import add_exception, add_schedule
    from devices.service import add_device

    office = seed_office(session)
    add_user(session, "quantri", "admin")
    entry = add_exception(session=session, day=date(2026, 12, 24), kind="holiday", name="Nghỉ bù dài tên "
                          "để thử xuống dòng trên điện thoại", unit_id=office.office.id, actor="test")
    winter = add_schedule(session=session, unit_id=office.office.id, actor="test", schedule={
        "valid_from": date(2026, 10, 16), "valid_to": None, "name": "Mùa đông", "workdays": "0,1,2,3,4",
        "morning_start": time(7, 30), "morning_end": time(11, 30), "afternoon_start": time(13, 0),
        "afternoon_end": time(17, 0), "grace_minutes": 5})
    device = add_device(session=session, serial="PUSH0001", name="Máy tự gửi", unit_id=office.root.id,
                        actor="test", kind=DeviceKind.ZK_PUSH, push_allowed_from="10.1.2.0/24")
    session.commit()
    admin_id = session.exec(select(User.id).where(User.username == "quantri")).one()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    log_in(page, server, "quantri")
    urls = ["/staff", f"/staff/{office.late.id}", "/users", f"/users/{admin_id}", "/audit", "/devices/new",
            f"/devices/{device.id}/edit", f"/month/close?unit={office.root.id}&month={DAY:%Y-%m}",
            f"/calendar/exceptions/{entry.id}/edit", f"/calendar/schedules/{winter.id}/edit",
            f"/today?unit={office.root.id}&day={DAY.isoformat()}&show=late",
            f"/calendar?unit={office.office.id}&year=2026"]
    wide = []
    for url in urls:
        response = page.goto(f"{server}{url}")
        assert response is not None and response.status == 200, url
        if not page.evaluate(FITS):
            wide.append((url, page.evaluate("document.documentElement.scrollWidth")))
    assert not wide, f"pages wider than 390 px: {wide}"
    page.goto(f"{server}/month/close?unit={office.root.id}&month={DAY:%Y-%m}")
    page.screenshot(path=str(shots / "month-close-rules-phone.png"), full_page=True)
    context.close()
