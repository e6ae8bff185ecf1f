"""The mergers page in Chromium: an administrator merges a commune into another from a date; a refusal is shown."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from attendance.models import StaffAssignment
from attendance.org import get_unit_by_path
from tests.factories import make_staff, make_unit
from tests.pages.conftest import add_user, log_in


def test_an_administrator_merges_a_commune_and_sees_it_done(server, browser, shots, session: Session) -> None:
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    make_unit(session, "UBND xã Tân Hòa")
    person = make_staff(session, office, start_date=date(2020, 1, 1))
    add_user(session, "quantri", "admin")
    add_user(session, "tochuc", "personnel", unit=get_unit_by_path(session=session, path="UBND xã Tân Phú"))
    session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "quantri")
    page.click("nav.menu a[href='/units/changes']")
    page.select_option("#merge select[name=source]", label="UBND xã Tân Phú")
    page.select_option("#merge select[name=target]", label="UBND xã Tân Phú / Văn phòng")
    page.fill("#merge-effective", "01/07/2025")
    page.click("#merge button[type=submit]")
    assert "Không thể sáp nhập" in page.locator("main > p.flash.error").inner_text()
    page.select_option("#merge select[name=target]", label="UBND xã Tân Hòa")
    page.click("#merge button[type=submit]")
    assert "chuyển 1 cán bộ" in page.locator("main > p.flash").inner_text()
    assert "UBND xã Tân Phú -> UBND xã Tân Hòa" in page.locator("#history").inner_text()
    page.screenshot(path=str(shots / "units-merged.png"), full_page=True)
    options = page.locator("#merge select[name=source] option").all_inner_texts()
    assert "UBND xã Tân Phú" not in options  # dissolved: no longer offered
    context.close()
    session.expire_all()
    spans = session.exec(select(StaffAssignment.valid_to).where(StaffAssignment.staff_id == person.id)
                         .order_by(col(StaffAssignment.valid_from))).all()
    assert list(spans) == [date(2025, 6, 30), None]
    other = browser.new_context(locale="vi-VN").new_page()
    log_in(other, server, "tochuc")
    assert other.locator("nav.menu a[href='/units/changes']").count() == 0
    assert other.goto(f"{server}/units/changes").status == 403
