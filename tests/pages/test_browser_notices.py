"""In Chromium: the reminder e-mail's link opens the explanation form, filed from there; the menu's Thông báo."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from api.notify.runs import remind
from attendance.models import Request, RequestType
from attendance.rules import SessionName
from tests.notify.conftest import PUBLIC_URL, body_text
from tests.notify.conftest import inbox as inbox  # the real SMTP server, as a fixture here too
from tests.pages.conftest import DAY, add_user, log_in, seed_office


def test_the_reminders_link_files_an_explanation(server, browser, shots, engine, session: Session, inbox) -> None:
    office = seed_office(session)
    office.late.email = "an.nv@tanphu.gov.vn"
    session.add(office.late)
    add_user(session, "annv", "staff", staff=office.late)
    session.commit()
    remind(engine=engine, day=DAY, part=SessionName.MORNING,
           now=(datetime.combine(DAY, time(12, 0)) - timedelta(hours=7)).replace(tzinfo=UTC))

    [message] = inbox.to("an.nv@tanphu.gov.vn")
    link = re.search(rf"{re.escape(PUBLIC_URL)}\S+", body_text(message))
    assert link is not None and "type=explanation" in link.group(0)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # on a phone, as people open e-mail
    try:
        log_in(page, server, "annv")
        page.click("nav.menu a[href='/notifications']")
        assert "Nhắc đi muộn buổi sáng" in page.inner_text("main")
        page.goto(link.group(0).replace(PUBLIC_URL, server))
        assert page.input_value("select[name=type]") == "explanation"
        assert page.input_value("input[name=start_date]") == f"{DAY:%d/%m/%Y}"  # the form's dd/mm/yyyy
        page.select_option("select[name=part]", "morning")
        page.fill("textarea[name=reason]", "Đi họp ở Uỷ ban huyện, về muộn")
        page.screenshot(path=str(shots / "notice-explain-390.png"), full_page=True)
        page.click("form[action='/requests'] button[type=submit]")
        page.wait_for_load_state()
    finally:
        page.close()
    filed = session.exec(select(Request).where(Request.staff_id == office.late.id)).one()
    assert filed.type == RequestType.EXPLANATION and filed.start_date == DAY and filed.part == "morning"
