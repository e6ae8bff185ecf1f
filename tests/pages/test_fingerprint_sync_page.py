"""The devices page's fingerprint button in a real browser: it asks first, then says what it did in Vietnamese."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from devices.fingerprints import store
from devices.service import add_device
from devices.sim_server import start_simulator
from tests.pages.conftest import add_user, log_in, seed_office

pytestmark = pytest.mark.slow


def test_fingerprint_sync_button_asks_then_copies(server, browser, shots, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "quantri.vt", "admin")
    person = office.punctual
    store.record_consent(session=session, staff_id=person.id, actor="test", method="signed form")
    session.commit()
    with start_simulator(count=2, users=0, punches=0) as simulator:
        a, b = simulator.terminals
        a.add_user(person.pin, "Punctual")
        a.enroll_finger(person.pin, 0, b"thumb-template" * 40)
        for i, term in enumerate(simulator.terminals):
            add_device(session=session, serial=term.config.serial, host=simulator.host, port=simulator.ports[i],
                       unit_id=office.root.id, actor="test")
        session.commit()
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        log_in(page, server, "quantri.vt")
        page.goto(f"{server}/devices")
        card = page.locator(".fingerprint-sync")
        card.locator("button", has_text="Đồng bộ vân tay").click()
        dialog = card.locator("dialog.confirm-action")
        dialog.wait_for(state="visible", timeout=15000)
        question = dialog.locator(".question").inner_text()
        assert "Đồng bộ vân tay giữa 2 máy: lưu mới 1, ghi 1, xoá 0 mẫu" in question, question
        assert b.fingers_of(person.pin) == {}  # asking changed nothing
        page.screenshot(path=str(shots / "devices-fingerprints-ask.png"), full_page=True)
        dialog.locator("button.yes").click()
        result = card.locator(".action-result.flash")
        result.wait_for(timeout=20000)
        assert "Đã đồng bộ vân tay giữa 2 máy: lưu mới 1, ghi hoặc xếp lệnh 1, xoá 0 mẫu" in result.inner_text()
        assert b.fingers_of(person.pin) == {0: b"thumb-template" * 40}
        context.close()
