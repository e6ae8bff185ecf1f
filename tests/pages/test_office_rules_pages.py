"""The last gaps of the office pages (issue 13): timesheet symbols and the two-step approval switch on
/month/close, the requests' accent-free person search, one pager, coded account errors on /users.
Real app, real database; one Chromium run of the symbols form on a 390 px phone."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from attendance.errors import InvalidInput
from attendance.leave import file_request
from attendance.models import AuditEntry, ExcuseKind, Unit
from attendance.reports.config import rules_for, set_report_rules
from tests.pages.conftest import add_user, log_in, login, seed_office

NOVEMBER = date(2026, 11, 1)


def _symbol_fields(html: str) -> dict[str, str]:
    """The symbol rows of the rules form as the page shows them."""
    return dict(re.findall(r'name="(s_(?:was|code|label)_\d+)"[^>]*?value="([^"]*)"', html))


def _row_of(fields: dict[str, str], code: str) -> str:
    return next(key.removeprefix("s_was_") for key, value in fields.items()
                if key.startswith("s_was_") and value == code)


def test_symbols_are_renamed_from_a_date_audited_and_followed_by_the_excuses(client: TestClient,
                                                                            session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    where = {"unit": office.root.id, "month": "2026-11"}
    fields = _symbol_fields(client.get("/month/close", params=where).text)
    leave = _row_of(fields, "P")
    assert fields[f"s_label_{leave}"] == "Nghỉ phép"
    saved = client.post("/month/rules", data={**where, "valid_from": "01/11/2026", **fields,
                                              f"s_code_{leave}": "Pn", f"s_label_{leave}": "Nghỉ phép năm"})
    assert saved.status_code == 303, saved.text
    session.expire_all()
    symbols = rules_for(session=session, unit=office.office, on=NOVEMBER).symbols
    assert symbols.by_code()["Pn"].label == "Nghỉ phép năm" and "P" not in symbols.by_code()
    assert symbols.excuses[ExcuseKind.ANNUAL_LEAVE] == "Pn"  # what mapped to "P" follows the new code
    assert rules_for(session=session, unit=office.office, on=date(2026, 10, 31)).symbols.excuses[
        ExcuseKind.ANNUAL_LEAVE] == "P"  # from the date, not before
    assert "<b class=\"code\">Pn</b> Nghỉ phép năm" in client.get("/month/close", params=where).text
    audited = session.exec(select(AuditEntry).where(AuditEntry.action == "report_rules.set")).one()
    assert audited.actor == "user:phongtc" and "Pn" in str(audited.after)


@pytest.mark.parametrize(("code", "label", "said"), [
    ("", "Nghỉ phép", "Ký hiệu của “Nghỉ phép” không được để trống."),
    ("Ô", "Nghỉ phép", "Ký hiệu “Ô” dùng cho hai loại ngày công"),
    ("PHEPX", "Nghỉ phép", "Ký hiệu “PHEPX” dài quá 4 ký tự."),
    ("P", "  ", "Ký hiệu “P” cần một diễn giải"),
])
def test_a_refused_symbol_is_said_in_vietnamese_and_the_input_is_kept(client: TestClient, session: Session,
                                                                      code: str, label: str, said: str) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    where = {"unit": office.root.id, "month": "2026-11"}
    fields = _symbol_fields(client.get("/month/close", params=where).text)
    leave = _row_of(fields, "P")
    refused = client.post("/month/rules", data={**where, "valid_from": "01/11/2026", **fields,
                                                f"s_code_{leave}": code, f"s_label_{leave}": label,
                                                "note": "Quy chế số 7"})
    assert refused.status_code == 422
    assert said in refused.text
    kept = _symbol_fields(refused.text)
    assert kept[f"s_code_{leave}"] == code and kept[f"s_label_{leave}"] == label
    assert 'value="Quy chế số 7"' in refused.text
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "report_rules.set")).first() is None


def test_the_command_line_checks_symbols_through_the_same_core_function(session: Session) -> None:
    office = seed_office(session)
    session.commit()
    current = rules_for(session=session, unit=office.root, on=NOVEMBER).symbols.model_dump(mode="json")
    twice = [*current["symbols"], {**current["symbols"][0], "label": "Lần nữa"}]
    with pytest.raises(InvalidInput) as refused:
        set_report_rules(session=session, unit_id=office.root.id, valid_from=NOVEMBER,
                         symbols={"symbols": twice}, actor="cli")
    assert refused.value.code == "symbols.code_duplicate"
    assert refused.value.message() == "Ký hiệu “+” dùng cho hai loại ngày công; mỗi ký hiệu chỉ một nghĩa."


def test_the_two_step_switch_is_set_by_an_administrator_and_audited(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "quantri", "admin")
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    root_where = {"unit": office.root.id, "month": "2026-11"}
    office_where = {"unit": office.office.id, "month": "2026-11"}
    login(client, "phongtc")
    assert 'id="approval"' not in client.get("/month/close", params=root_where).text  # units.write only
    assert client.post("/month/approval", data={**root_where, "two_step": "on"}).status_code == 403
    client.post("/logout")
    login(client, "quantri")
    assert "Đang áp dụng cho đơn vị này: một lần duyệt." in client.get("/month/close", params=office_where).text
    assert client.post("/month/approval", data={**root_where, "two_step": "on"}).status_code == 303
    inherited = client.get("/month/close", params=office_where).text
    assert "Đang áp dụng cho đơn vị này: trưởng phòng duyệt, rồi phòng tổ chức duyệt." in inherited
    assert re.search(r'<option value="" selected>Theo đơn vị cấp trên', inherited)
    assert client.post("/month/approval", data={**office_where, "two_step": "off"}).status_code == 303
    session.expire_all()
    assert (session.get(Unit, office.root.id).two_step_approval,
            session.get(Unit, office.office.id).two_step_approval) == (True, False)
    assert client.post("/month/approval", data={**office_where, "two_step": ""}).status_code == 303
    session.expire_all()
    assert session.get(Unit, office.office.id).two_step_approval is None  # as the parent again
    changes = session.exec(select(AuditEntry).where(AuditEntry.action == "unit.update")
                           .order_by(col(AuditEntry.id))).all()
    assert [(c.entity_id, c.actor) for c in changes] == [(str(office.root.id), "user:quantri"),
                                                       (str(office.office.id), "user:quantri"),
                                                       (str(office.office.id), "user:quantri")]


def test_the_requests_person_search_ignores_accents_and_case(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    for person in (office.late, office.missing):
        file_request(session=session, staff=person, type="leave", kind="sick", start_date=date(2026, 11, 20),
                     reason="ốm", actor="test")
    session.commit()
    login(client, "phongtc")

    def found(query: str) -> list[str]:
        page = client.get("/requests", params={"person": query}).text
        pending = page[page.index('id="pending"'):page.index('id="new-request"')]
        return sorted(set(re.findall(r"(Nguyễn Văn An|Trần Thị Bình)", pending)))

    assert found("nguyen an") == ["Nguyễn Văn An"]
    assert found("NGUYỄN") == ["Nguyễn Văn An"]
    assert found("binh tran") == ["Trần Thị Bình"]  # every word, in any order
    assert found(office.missing.code.lower()) == ["Trần Thị Bình"]
    assert found("nguyen binh") == []


def test_the_requests_list_pages_with_the_shared_pager(client: TestClient, session: Session) -> None:
    css = (Path(__file__).resolve().parents[2] / "api" / "pages" / "static" / "app.css").read_text("utf-8")
    assert len(re.findall(r"(?m)^\.pager \{", css)) == 1
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    for day in range(1, 60):
        row = file_request(session=session, staff=office.late, type="leave", kind="sick",
                           start_date=date(2026, 1, 1).replace(month=1 + day // 28, day=1 + day % 28),
                           reason="ốm", actor="test")
        row.status = "rejected"
    session.commit()
    login(client, "phongtc")
    page = client.get("/requests", params={"person": "nguyen", "page": 2}).text
    nav = page[page.index('<nav class="pager" aria-label="Chuyển trang">'):]
    assert "51–59 trong 59 · trang 2/2" in nav
    assert re.search(r'href="/requests\?person=nguyen&amp;page=1" rel="prev"', nav)  # the filter is kept


def test_account_errors_say_the_specific_reason(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "quantri", "admin")
    add_user(session, "phongtc", "personnel", unit=office.root, staff=office.late)
    session.commit()
    login(client, "quantri")
    for data, said in [
        ({"username": "phongtc", "role": "personnel", "unit": str(office.root.id)},
         "Tên đăng nhập “phongtc” đã có người dùng; hãy chọn tên khác."),
        ({"username": "ab", "role": "personnel", "unit": str(office.root.id)},
         "Tên đăng nhập dài 3–100 ký tự"),
        ({"username": "tp.kinhte", "role": "head"}, "Tài khoản vai trò này cần chọn đơn vị."),
        ({"username": "an.nguyen", "role": "staff", "staff_code": office.late.code},
         "Cán bộ này đã có tài khoản; mỗi người chỉ có một tài khoản."),
    ]:
        refused = client.post("/users", data=data)
        assert refused.status_code == 422
        assert said in refused.text, data
        assert f'value="{data["username"]}"' in refused.text


@pytest.mark.slow
def test_the_symbols_form_on_a_phone(server, browser, shots, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "phongtc")
    page.goto(f"{server}/month/close?unit={office.root.id}&month=2026-11")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    row = page.locator("#symbol-edit li", has=page.locator("input[type=hidden][value='P']"))
    row.locator("input.code").fill("Ô")
    row.locator("input:not(.code):not([type=hidden])").fill("Phép năm")
    page.click("#set-rules button[type=submit]")
    assert "Ký hiệu “Ô” dùng cho hai loại ngày công" in page.locator("main p.flash.error").inner_text()
    row = page.locator("#symbol-edit li", has=page.locator("input[type=hidden][value='P']"))
    assert row.locator("input.code").input_value() == "Ô"  # what was typed comes back
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.screenshot(path=str(shots / "month-symbols-refused-390.png"), full_page=True)
    row.locator("input.code").fill("Pn")
    page.click("#set-rules button[type=submit]")
    page.wait_for_load_state()
    assert "Pn" in page.locator("#rules ul.symbols").inner_text()
    assert "Phép năm" in page.locator("#rules ul.symbols").inner_text()
    context.close()
