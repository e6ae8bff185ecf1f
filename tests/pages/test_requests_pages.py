"""The requests pages (issue 13.3 and 13.6): filters and full history, bulk decisions, revocation,
attachments, the pending badge, two-step approval, forms that keep their input, questions first.

Over HTTP with the real app first; then in Chromium: bulk-approving 20 requests, filing an
explanation with a document on a phone and seeing the head's approval change the person's month."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from attendance.leave import decide, file_request
from attendance.models import AuditEntry, Request, RequestAttachment
from tests.pages.conftest import DAY, add_user, log_in, login, seed_office

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office_with_accounts(session: Session):  # type: ignore[no-untyped-def]
    office = seed_office(session)
    add_user(session, "truongphong", "head", unit=office.office, staff=office.punctual)
    add_user(session, "phongtc", "personnel", unit=office.root)
    add_user(session, "binh", "staff", staff=office.missing)
    session.commit()
    return office


def _flash(client: TestClient, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    match = re.search(r'<p class="flash[^"]*" role="status">(.*?)</p>', page.text, re.S)
    return match.group(1) if match else ""


def test_a_refused_form_comes_back_with_what_was_typed(client, session) -> None:
    office = _office_with_accounts(session)
    login(client, "phongtc")
    reason = "Đi khám bệnh theo giấy hẹn của bệnh viện tỉnh"
    response = client.post("/requests", data={
        "type": "leave", "kind": "sick", "start_date": "20/11/2026", "end_date": "19/11/2026", "part": "morning",
        "reason": reason, "staff_id": office.late.id})
    assert response.status_code == 422
    assert "Ngày kết thúc trước ngày bắt đầu" in response.text
    assert f">{reason}</textarea>" in response.text
    assert '<option value="sick" selected' in response.text
    assert '<option value="morning" selected' in response.text
    assert f'<option value="{office.late.id}" selected' in response.text
    assert 'value="19/11/2026"' in response.text
    # An unreadable date is the same: the form comes back, not an error page.
    response = client.post("/requests", data={"type": "explanation", "start_date": "31/02/2026",
                                              "reason": reason, "staff_id": office.late.id})
    assert response.status_code == 422 and f">{reason}</textarea>" in response.text
    assert "Ngày không hợp lệ" in response.text


def test_withdrawing_and_revoking_ask_first(client, session) -> None:
    office = _office_with_accounts(session)
    own = file_request(session=session, staff=office.missing, type="explanation", kind=None, start_date=DAY,
                       reason="máy không nhận", actor="test")
    session.commit()
    login(client, "binh")
    page = client.get("/requests").text
    withdraw = re.search(rf'action="/requests/{own.id}/cancel"><button[^>]*>', page)
    assert withdraw and "data-confirm=\"Rút đơn này?" in withdraw.group(0)
    login(client, "truongphong")
    assert client.post(f"/requests/{own.id}/decide", data={"decision": "approve"}).status_code == 303
    page = client.get("/requests").text
    revoke = re.search(rf'action="/requests/{own.id}/revoke">.*?</form>', page, re.S)
    assert revoke and "data-confirm=\"Thu hồi đơn đã duyệt?" in revoke.group(0)


def test_history_is_whole_paged_filtered_and_names_the_decider(client, session) -> None:
    office = _office_with_accounts(session)
    first = date(2026, 1, 5)
    for n in range(70):
        row = file_request(session=session, staff=office.late, type="leave", kind="sick",
                           start_date=first + timedelta(days=n), reason=f"ốm {n}", actor="test")
        decide(session=session, request=row, approve=n % 7 != 0, actor="user:truongphong")
    session.commit()
    login(client, "phongtc")
    page = client.get("/requests").text
    assert "1–50 trong 70 · trang 1/2" in page
    decided = page[page.index('id="decided"'):]
    assert "Lê Văn Cường" in decided and "truongphong" not in decided  # the person, not the login
    assert page.count('class="lead"') == 50
    second = client.get("/requests?page=2").text
    assert "trang 2/2" in second and second.count('class="lead"') == 20
    rejected = client.get("/requests?status=rejected").text
    assert "1–10 trong 10 · trang 1/1" in rejected and "Đã duyệt</span>" not in rejected
    by_date = client.get("/requests?start=05/01/2026&end=09/01/2026").text
    assert "1–5 trong 5 ·" in by_date
    by_person = client.get("/requests?person=" + office.late.code).text
    assert "trong 70 ·" in by_person
    assert "trong 70 ·" in client.get(f"/requests?unit={office.office.id}").text
    assert "Không có đơn nào." in client.get(f"/requests?unit={office.economy.id}").text
    english = client.get("/requests?lang=en&status=rejected").text
    assert "1–10 of 10 · page 1 of 1" in english


def test_the_menu_shows_how_many_requests_wait_for_the_user(client, session) -> None:
    office = _office_with_accounts(session)
    for n in range(3):
        file_request(session=session, staff=office.late, type="leave", kind="sick",
                     start_date=DAY + timedelta(days=n), actor="test")
    file_request(session=session, staff=office.punctual, type="leave", kind="sick", start_date=DAY, actor="test")
    session.commit()
    login(client, "truongphong")
    menu = client.get("/requests").text.split("</nav>")[0]
    assert re.search(r'href="/requests"[^>]*>Đơn từ <span class="badge"[^>]*>3</span>', menu), menu
    login(client, "phongtc")
    assert re.search(r'>Đơn từ <span class="badge"[^>]*>4</span>', client.get("/today").text)
    login(client, "binh")
    assert 'class="badge"' not in client.get("/requests").text


def test_bulk_decision_from_the_page_reports_in_sentences(client, session) -> None:
    office = _office_with_accounts(session)
    rows = [file_request(session=session, staff=office.late, type="leave", kind="sick",
                         start_date=DAY + timedelta(days=n), actor="test") for n in range(4)]
    session.commit()
    decide(session=session, request=rows[0], approve=False, actor="user:phongtc")  # decided meanwhile
    session.commit()
    login(client, "truongphong")
    response = client.post("/requests/decisions", data={
        "decision": "approve", "comment": "Đồng ý", "request_ids": [str(r.id) for r in rows]})
    message = _flash(client, response)
    assert "Đã duyệt 3 đơn." in message
    assert "1 đơn không xử lý được" in message and "Đơn này đã được xử lý trước đó." in message
    session.expire_all()
    assert [session.get(Request, r.id).status for r in rows] == ["rejected", "approved", "approved", "approved"]
    assert _flash(client, client.post("/requests/decisions", data={"decision": "approve"})) == "Chưa chọn đơn nào."


def test_revoking_from_the_page_undoes_the_explanation(client, session) -> None:
    office = _office_with_accounts(session)
    row = file_request(session=session, staff=office.missing, type="explanation", kind=None, start_date=DAY,
                       part="morning", reason="máy không nhận", actor="test")
    decide(session=session, request=row, approve=True, actor="user:truongphong")
    session.commit()
    login(client, "truongphong")
    month = f"/people/{office.missing.id}/month?year={DAY.year}&month={DAY.month}"
    assert "Giải trình" in _day_cell(client.get(month).text)
    refused = client.post(f"/requests/{row.id}/revoke", data={"reason": ""})
    assert refused.status_code == 422 and "Thu hồi đơn cần ghi lý do." in refused.text
    message = _flash(client, client.post(f"/requests/{row.id}/revoke", data={"reason": "Camera không thấy"}))
    assert message.startswith("Đã thu hồi đơn của Trần Thị Bình")
    assert "Giải trình" not in _day_cell(client.get(month).text)
    again = client.post(f"/requests/{row.id}/revoke", data={"reason": "lần nữa"})
    assert again.status_code == 422 and "Chỉ thu hồi được đơn đã được duyệt." in again.text
    assert 'id="decided"' in again.text  # the list, with its menu, not an error page
    login(client, "binh")
    assert client.post(f"/requests/{row.id}/revoke", data={"reason": "x"}).status_code == 403


def test_a_decision_on_a_request_decided_meanwhile_is_said_on_the_list(client, session) -> None:
    office = _office_with_accounts(session)
    row = file_request(session=session, staff=office.late, type="leave", kind="sick", start_date=DAY, actor="test")
    decide(session=session, request=row, approve=False, actor="user:phongtc")
    session.commit()
    login(client, "truongphong")
    reply = client.post(f"/requests/{row.id}/decide", data={"decision": "approve"})
    assert reply.status_code == 422 and "Đơn này đã được xử lý trước đó." in reply.text
    session.expire_all()
    assert session.get(Request, row.id).status == "rejected"


def test_documents_filed_with_the_form_are_served_only_in_scope(client, session) -> None:
    office = _office_with_accounts(session)
    add_user(session, "truongkt", "head", unit=office.economy)
    session.commit()
    login(client, "binh")
    response = client.post("/requests", data={"type": "explanation", "start_date": DAY.isoformat(),
                                              "part": "morning", "reason": "Đi họp theo giấy mời"},
                           files={"attachment": ("giấy mời.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    stored = session.exec(select(RequestAttachment)).one()
    link = f"/requests/{stored.request_id}/attachments/{stored.id}"
    assert link in client.get("/requests").text
    assert client.get(link).content == PDF
    fake = client.post("/requests", data={"type": "explanation", "start_date": DAY.isoformat(),
                                          "part": "afternoon", "reason": "Đi cơ sở"},
                       files={"attachment": ("anh.png", b"GIF89a....", "image/png")})
    assert fake.status_code == 422 and "không phải PDF, JPEG hay PNG" in fake.text
    assert ">Đi cơ sở</textarea>" in fake.text
    login(client, "truongphong")
    assert client.get(link).status_code == 200
    login(client, "truongkt")
    assert client.get(link).status_code == 403
    viewers = [e.actor for e in session.exec(select(AuditEntry).where(AuditEntry.action == "attachment.view"))]
    assert sorted(viewers) == ["user:binh", "user:truongphong"]


def test_two_step_units_show_the_second_approval_to_the_personnel_office(client, session) -> None:
    office = _office_with_accounts(session)
    office.root.two_step_approval = True
    session.add(office.root)
    row = file_request(session=session, staff=office.late, type="leave", kind="sick", start_date=DAY,
                       actor="test")
    session.commit()
    login(client, "truongphong")
    assert "duyệt tiếp" in _flash(client, client.post(f"/requests/{row.id}/decide", data={"decision": "approve"}))
    page = client.get("/requests").text
    assert "Chờ phòng TCCB duyệt" in page and f'name="request_ids" value="{row.id}"' not in page
    assert client.post(f"/requests/{row.id}/decide", data={"decision": "approve"}).status_code == 403
    login(client, "phongtc")
    page = client.get("/requests").text
    assert "Bước 1: Lê Văn Cường" in page and f'name="request_ids" value="{row.id}"' in page
    assert "Đã duyệt đơn" in _flash(client, client.post(f"/requests/{row.id}/decide", data={"decision": "approve"}))
    session.expire_all()
    assert session.get(Request, row.id).status == "approved"


def test_a_punch_request_from_the_page_and_no_manual_punch_for_oneself(client, session) -> None:
    office = _office_with_accounts(session)
    login(client, "binh")
    response = client.post("/requests", data={"type": "punch", "start_date": DAY.strftime("%d/%m/%Y"),
                                              "punch_time": "07:24", "reason": "Quên chấm công buổi sáng"})
    assert response.status_code == 303, response.text
    row = session.exec(select(Request).where(Request.type == "punch")).one()
    login(client, "truongphong")
    assert "07:24 18/11/2026" in client.get("/requests").text  # what approving does
    assert client.post(f"/requests/{row.id}/decide", data={"decision": "approve"}).status_code == 303
    month = client.get(f"/people/{office.missing.id}/month?year={DAY.year}&month={DAY.month}").text
    assert "07:24:00" in month
    page = client.post(f"/people/{office.punctual.id}/punches",
                       data={"day": DAY.isoformat(), "at": "07:30", "reason": "tự thêm"})
    assert page.status_code == 403


def _day_cell(page: str) -> str:
    match = re.search(rf'data-date="{DAY.isoformat()}">(.*?)</div>\s*(?:<div class="day|</div>)', page, re.S)
    assert match, "no day cell"
    return match.group(1)


# --- in the browser ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_head_bulk_approves_twenty_requests(server, browser, shots, session: Session) -> None:
    office = _office_with_accounts(session)
    ids = [file_request(session=session, staff=office.late if n % 2 else office.missing, type="leave",
                        kind="annual_leave", start_date=date(2027, 2, 1) + timedelta(days=n), part="morning",
                        actor="test").id for n in range(20)]
    session.commit()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, server, "truongphong")
    page.goto(f"{server}/requests")
    assert page.locator("nav.menu a[href='/requests'] .badge").inner_text() == "20"
    page.check("#bulk input.select-all")
    assert page.locator("input[name=request_ids]:checked").count() == 20
    page.fill("#bulk input[name=comment]", "Đồng ý cả đợt")
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("#bulk button[value=approve]")
    page.wait_for_load_state()
    assert questions == ["Xử lý tất cả các đơn đã chọn?"]
    assert page.locator("main > p.flash").inner_text() == "Đã duyệt 20 đơn."
    assert page.locator("nav.menu a[href='/requests'] .badge").count() == 0
    assert page.locator("#decided tr[data-request]", has_text="Đồng ý cả đợt").count() == 20
    page.screenshot(path=str(shots / "requests-bulk.png"), full_page=True)
    context.close()
    session.expire_all()
    assert {session.get(Request, i).status for i in ids} == {"approved"}
    assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "leave.approved")).all()) == 20


@pytest.mark.slow
def test_an_explanation_with_a_document_approved_by_the_head_on_a_phone(server, browser, shots, tmp_path,
                                                                       session: Session) -> None:
    office = _office_with_accounts(session)
    document = tmp_path / "giay-moi.pdf"
    document.write_bytes(PDF)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = phone.new_page()
    log_in(page, server, "binh")
    page.goto(f"{server}/requests?type=explanation&date={DAY.isoformat()}")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert page.locator("#new-request select[name=kind]").is_hidden()
    page.select_option("#new-request select[name=part]", "morning")
    page.fill("#new-request textarea[name=reason]", "Đi họp tại UBND huyện theo giấy mời")
    page.set_input_files("#new-request input[name=attachment]", str(document))
    page.click("#new-request button[type=submit]")
    assert "Đã gửi đơn" in page.locator("main > p.flash").inner_text()
    assert page.locator("#pending a.attachment", has_text="giay-moi.pdf").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.screenshot(path=str(shots / "requests-attachment-phone.png"), full_page=True)

    head = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    head_page = head.new_page()
    log_in(head_page, server, "truongphong")
    head_page.goto(f"{server}/requests")
    card = head_page.locator("#pending .request", has_text="Trần Thị Bình")
    with head_page.expect_download() as info:
        card.locator("a.attachment").click()
    assert info.value.suggested_filename == "giay-moi.pdf"
    assert head_page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    card.locator("input[name=comment]").fill("Có giấy mời")
    card.locator("button[value=approve]").click()
    assert "Đã duyệt đơn" in head_page.locator("main > p.flash").inner_text()
    assert head_page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    head_page.screenshot(path=str(shots / "requests-head-phone.png"), full_page=True)
    head_page.goto(f"{server}/today?day={DAY.isoformat()}")
    assert "Giải trình" in head_page.locator(
        f"tr[data-staff='{office.missing.id}'] td[data-session=morning]").inner_text()
    head.close()

    page.goto(f"{server}/people/{office.missing.id}/month?year={DAY.year}&month={DAY.month}")
    cell = page.locator(f".calendar .day[data-date='{DAY.isoformat()}'] .s").first
    assert "Giải trình" in (cell.get_attribute("title") or "")
    # Withdrawing asks first; declining leaves the request as it was.
    phone.close()


@pytest.mark.slow
def test_withdrawing_in_the_browser_asks_and_can_be_declined(server, browser, session: Session) -> None:
    office = _office_with_accounts(session)
    row = file_request(session=session, staff=office.missing, type="leave", kind="sick", start_date=DAY,
                       actor="test")
    session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, server, "binh")
    page.goto(f"{server}/requests")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"form[action='/requests/{row.id}/cancel'] button")
    session.expire_all()
    assert session.get(Request, row.id).status == "pending"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"form[action='/requests/{row.id}/cancel'] button")
    page.wait_for_load_state()
    assert page.locator("main > p.flash").inner_text() == "Đã rút đơn."
    session.expire_all()
    assert session.get(Request, row.id).status == "cancelled"
    context.close()

