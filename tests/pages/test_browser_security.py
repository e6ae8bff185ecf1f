"""In Chromium: the security policy breaks no page, and two-factor enrolment and login work."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlmodel import Session

from tests.pages.conftest import PASSWORD, add_user, log_in, seed_office


@pytest.mark.slow
def test_chromium_reports_no_policy_violation(server, browser, session: Session) -> None:  # type: ignore[no-untyped-def]
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root, grants="biometrics.manage")
    session.commit()
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(page, server, "phongtc")
    for path in [
        "/today",
        f"/people/{office.late.id}/month",
        "/month",
        "/calendar",
        "/faces",
        "/requests",
        "/kiosk",
        "/devices",
    ]:
        response = page.goto(server + path)
        assert response is not None and response.status < 500, path
        page.wait_for_load_state("networkidle") if path != "/kiosk" else page.wait_for_timeout(500)
    context.close()
    assert violations == []


@pytest.mark.slow
def test_enrolment_and_login_in_chromium(server, browser, session: Session) -> None:  # type: ignore[no-untyped-def]
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.goto(f"{server}/account")
    assert page.locator("#two-factor-status").inner_text() == "Chưa bật."
    page.click("form[action='/account/2fa/setup'] button")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("form[action='/account/2fa/enable'] button")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{6}-[0-9a-f]{6}", c) for c in codes)
    assert page.locator("#two-factor-status").inner_text() == "Đang bật."
    page.click("form[action='/logout'] button")
    page.fill("input[name=username]", "phongtc")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    assert "xác thực hai lớp" in page.locator("main").inner_text()
    page.fill("input[name=code]", "000000")
    page.click("form[action='/login/code'] button")
    assert "Mã xác thực không đúng" in page.locator("main").inner_text()
    # The enrolment spent this 30 s step's code (a code works once): the next step's is accepted too.
    page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("form[action='/login/code'] button")
    page.wait_for_url(f"{server}/today")
    assert page.locator("nav.menu").count() == 1
    context.close()
