"""The requests' workflow (issue 13.3): bulk decisions, revocation, attachments, two-step approval,
the pending count, filters and history, punch requests. Core and API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from api.auth.principal import Principal
from api.auth.roles import permissions_for
from api.services.request_scope import actor_names, pending_badge
from attendance.errors import Conflict, Forbidden, MonthClosed
from attendance.evaluation import evaluate_period
from attendance.leave import add_manual_punch, decide, file_request
from attendance.leave_charge import leave_balance
from attendance.models import AuditEntry, Punch, Request, RequestAttachment
from attendance.reports.closing import close_month
from attendance.request_actions import decide_many, revoke
from attendance.rules import SessionStatus
from config import get_settings
from tests.api.conftest import Office
from tests.factories import make_staff

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _leave(session: Session, staff, day: date, kind: str = "sick", **extra) -> Request:  # type: ignore[no-untyped-def]
    return file_request(session=session, staff=staff, type="leave", kind=kind, start_date=day, actor="test",
                        reason="Ốm", **extra)


def _audits(session: Session, request_id: int | None, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.entity == "request", AuditEntry.entity_id == str(request_id))
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.exec(query))


def _principal(office: Office, name: str) -> Principal:
    user = office.users[name]
    units = None if user.role == "admin" else (frozenset() if user.unit_id is None else frozenset(
        {u.id for u in (office.root, office.office, office.economy) if u.id is not None}
        if user.unit_id == office.root.id else {user.unit_id}))
    return Principal(kind="user", actor=f"user:{user.username}", permissions=permissions_for(user.role),
                     unit_ids=units, user=user)


# --- bulk decisions -------------------------------------------------------------------------------------------

def test_bulk_approve_decides_each_once_and_reports_those_decided_meanwhile(client, session, office) -> None:
    rows = [_leave(session, office.colleague, date(2027, 3, 1) + timedelta(days=n)) for n in range(6)]
    session.commit()
    # Someone else rejects one of them before the bulk decision arrives.
    decide(session=session, request=rows[2], approve=False, actor="user:personnel")
    session.commit()
    ids = [r.id for r in rows]
    reply = client.post("/api/requests/decisions", headers=office.headers["head"],
                        json={"request_ids": ids, "decision": "approve", "comment": "Đồng ý"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert sorted(r["id"] for r in body["decided"]) == sorted(set(ids) - {rows[2].id})
    assert [r["request_id"] for r in body["refused"]] == [rows[2].id]
    assert body["refused"][0]["code"] == "request.already_decided"
    assert body["refused"][0]["message"] == "Đơn này đã được xử lý trước đó."
    session.expire_all()
    assert session.get(Request, rows[2].id).status == "rejected"  # not overwritten
    for row in rows:
        stored = session.get(Request, row.id)
        if row.id != rows[2].id:
            assert stored.status == "approved" and stored.decision_comment == "Đồng ý"
            assert len(_audits(session, row.id, "leave.approved")) == 1


def test_bulk_decision_refuses_own_and_out_of_scope_requests(client, session, office) -> None:
    own = _leave(session, office.head_person, date(2027, 4, 1))
    outside = _leave(session, office.outsider, date(2027, 4, 2))
    mine_to_decide = _leave(session, office.colleague, date(2027, 4, 3))
    session.commit()
    reply = client.post("/api/requests/decisions", headers=office.headers["head"],
                        json={"request_ids": [own.id, outside.id, mine_to_decide.id, 999_999], "decision": "reject"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [r["id"] for r in body["decided"]] == [mine_to_decide.id]
    refused = {r["request_id"]: r["code"] for r in body["refused"]}
    assert refused == {own.id: "request.not_yours_to_decide", outside.id: "request.not_yours_to_decide",
                       999_999: "request.unknown_id"}
    session.expire_all()
    assert session.get(Request, own.id).status == "pending"
    assert session.get(Request, outside.id).status == "pending"
    assert client.post("/api/requests/decisions", headers=office.headers["staff"],
                       json={"request_ids": [mine_to_decide.id], "decision": "approve"}).status_code == 403


def test_a_decision_failing_half_way_leaves_nothing_behind(session, office) -> None:
    """The ledger refuses the punch only after the approval's compare-and-set: its savepoint undoes it."""
    person = make_staff(session, office.office, full_name="Vũ Thị Lan")  # no start date: any day is hers
    refused_later = file_request(session=session, staff=person, type="punch", kind=None, start_date=date(1999, 6, 1),
                                 punch_at=datetime(1999, 6, 1, 7, 30, tzinfo=ZONE), reason="quên", actor="test")
    fine = _leave(session, office.colleague, date(2027, 3, 23))
    session.commit()
    outcome = decide_many(session=session, request_ids=[refused_later.id, fine.id], approve=True, actor="user:head")
    session.commit()
    assert [r.id for r in outcome.decided] == [fine.id]
    assert [(r.request_id, r.error.code) for r in outcome.refused] == [(refused_later.id, "punch.rejected")]
    session.expire_all()
    assert session.get(Request, refused_later.id).status == "pending"
    assert session.exec(select(Punch)).first() is None
    assert _audits(session, refused_later.id, "punch.approved") == []
    assert len(_audits(session, fine.id, "leave.approved")) == 1


def test_core_bulk_decision_of_nothing_is_an_input_error(session, office) -> None:
    with pytest.raises(Exception) as caught:
        decide_many(session=session, request_ids=[], approve=True, actor="test")
    assert getattr(caught.value, "code", None) == "request.none_chosen"


# --- revocation -----------------------------------------------------------------------------------------------

def test_revoking_annual_leave_gives_back_the_balance_and_the_sessions(client, session, office) -> None:
    day = date(2027, 3, 8)  # a Monday
    row = _leave(session, office.colleague, day, kind="annual_leave")
    session.commit()
    assert client.post(f"/api/requests/{row.id}/approve", headers=office.headers["head"], json={}).status_code == 200
    session.expire_all()
    assert leave_balance(session=session, staff=office.colleague, year=2027).used_days == 1.0
    assert _statuses(session, office, day) == [SessionStatus.EXCUSED, SessionStatus.EXCUSED]

    assert client.post(f"/api/requests/{row.id}/revoke", headers=office.headers["head"],
                       json={"reason": ""}).status_code == 422
    reply = client.post(f"/api/requests/{row.id}/revoke", headers=office.headers["head"],
                        json={"reason": "Được triệu tập đi làm"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "revoked" and reply.json()["revoked_by"] == "user:head"
    session.expire_all()
    assert leave_balance(session=session, staff=office.colleague, year=2027).used_days == 0.0
    assert SessionStatus.EXCUSED not in _statuses(session, office, day)
    [entry] = _audits(session, row.id, "leave.revoke")
    assert entry.reason == "Được triệu tập đi làm" and entry.before["status"] == "approved"
    again = client.post(f"/api/requests/{row.id}/revoke", headers=office.headers["head"], json={"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "request.not_approved"


def test_revocation_is_refused_in_a_closed_month(client, session, office) -> None:
    row = _leave(session, office.colleague, date(2025, 3, 3))
    decide(session=session, request=row, approve=True, actor="user:head")
    close_month(session=session, unit=office.root, year=2025, month=3, actor="test")
    session.commit()
    with pytest.raises(MonthClosed):
        revoke(session=session, request=row, actor="user:head", reason="nhầm")
    session.rollback()
    reply = client.post(f"/api/requests/{row.id}/revoke", headers=office.headers["personnel"],
                        json={"reason": "nhầm"})
    assert reply.status_code == 409 and reply.json()["code"] == "month.closed"
    session.expire_all()
    assert session.get(Request, row.id).status == "approved"


def test_the_requester_cannot_revoke_their_own_approval(client, session, office) -> None:
    row = _leave(session, office.clerk, date(2027, 3, 9))
    decide(session=session, request=row, approve=True, actor="user:head")
    session.commit()
    assert client.post(f"/api/requests/{row.id}/revoke", headers=office.headers["staff"],
                       json={"reason": "x"}).status_code == 403


# --- punch requests -------------------------------------------------------------------------------------------

def test_a_punch_request_adds_the_punch_on_approval_and_revoking_voids_it(client, session, office) -> None:
    at = datetime(2026, 11, 10, 7, 25, tzinfo=ZONE)  # a Tuesday, in the past
    reply = client.post("/api/requests", headers=office.headers["staff"], json={
        "type": "punch", "start_date": "2026-11-10", "punch_at": at.isoformat(), "reason": "Quên chấm công"})
    assert reply.status_code == 201, reply.text
    request_id = reply.json()["id"]
    assert reply.json()["start_date"] == "2026-11-10"
    # The same day's afternoon can still be explained: a punch request excuses nothing itself.
    assert client.post("/api/requests", headers=office.headers["staff"], json={
        "type": "explanation", "start_date": "2026-11-10", "part": "afternoon", "reason": "Đi cơ sở"}
        ).status_code == 201
    assert client.post(f"/api/requests/{request_id}/approve", headers=office.headers["head"],
                       json={}).status_code == 200
    session.expire_all()
    row = session.get(Request, request_id)
    punch = session.get(Punch, row.punch_id)
    assert punch is not None and punch.source == "manual" and not punch.quarantined
    assert punch.note == "Quên chấm công" and punch.staff_id == office.clerk.id
    morning = evaluate_period(session=session, start=at.date(), end=at.date(), staff_ids=[office.clerk.id])[0]
    assert morning.days[0].morning.check_in is not None

    assert client.post(f"/api/requests/{request_id}/revoke", headers=office.headers["head"],
                       json={"reason": "Không đúng sự thật"}).status_code == 200
    session.expire_all()
    punch = session.get(Punch, row.punch_id)
    assert punch is not None, "a voided punch stays in the ledger"
    assert punch.quarantined and "revoked" in (punch.quarantine_reason or "")
    after = evaluate_period(session=session, start=at.date(), end=at.date(), staff_ids=[office.clerk.id])[0]
    assert after.days[0].morning.check_in is None
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "punch.void",
                                                 AuditEntry.entity_id == str(punch.id))).first() is not None


def test_nobody_adds_a_manual_punch_for_themselves(client, session, office) -> None:
    with pytest.raises(Forbidden):
        add_manual_punch(session=session, staff=office.head_person, at=datetime(2027, 3, 10, 7, 30, tzinfo=ZONE),
                         reason="x", actor="user:head", actor_staff_id=office.head_person.id)
    reply = client.post("/api/punches/manual", headers=office.headers["personnel"], json={
        "staff_id": office.colleague.id, "reason": "máy hỏng", "at": "2027-03-10T07:30:00+07:00"})
    assert reply.status_code == 201
    session.commit()
    from tests.api.conftest import add_user

    _, headers = add_user(session, "hr.self", "personnel", unit=office.root, staff=office.colleague)
    session.commit()
    reply = client.post("/api/punches/manual", headers=headers, json={
        "staff_id": office.colleague.id, "reason": "máy hỏng", "at": "2027-03-11T07:30:00+07:00"})
    assert reply.status_code == 403 and reply.json()["code"] == "punch.not_for_oneself"


# --- two-step approval ----------------------------------------------------------------------------------------

def test_two_step_units_need_the_head_then_the_personnel_office(client, session, office) -> None:
    office.root.two_step_approval = True  # the office inherits it from the commune
    session.add(office.root)
    row = _leave(session, office.colleague, date(2027, 3, 15))
    session.commit()
    first = client.post(f"/api/requests/{row.id}/approve", headers=office.headers["head"], json={"comment": "OK"})
    assert first.status_code == 200 and first.json()["status"] == "awaiting_second"
    assert first.json()["first_decided_by"] == "user:head"
    session.expire_all()
    assert _statuses(session, office, date(2027, 3, 15)) != [SessionStatus.EXCUSED] * 2  # not yet in effect
    # The head cannot give the second approval, the personnel office can.
    assert client.post(f"/api/requests/{row.id}/approve", headers=office.headers["head"],
                       json={}).status_code == 403
    assert pending_badge(session, _principal(office, "head")) == 0
    assert pending_badge(session, _principal(office, "personnel")) == 1
    second = client.post(f"/api/requests/{row.id}/approve", headers=office.headers["personnel"], json={})
    assert second.status_code == 200 and second.json()["status"] == "approved"
    session.expire_all()
    assert _statuses(session, office, date(2027, 3, 15)) == [SessionStatus.EXCUSED] * 2
    actions = [e.action for e in _audits(session, row.id)]
    assert actions == ["leave.file", "leave.first_approval", "leave.approved"]


def test_the_setting_is_changed_through_the_units_api(client, session, office) -> None:
    reply = client.patch(f"/api/units/{office.root.id}", headers=office.headers["admin"],
                         json={"two_step_approval": True})
    assert reply.status_code == 200 and reply.json()["two_step_approval"] is True
    assert client.get(f"/api/units/{office.office.id}", headers=office.headers["admin"]).json()[
        "two_step_approval"] is None  # inherits
    row = _leave(session, office.colleague, date(2027, 3, 22))
    session.commit()
    assert client.post(f"/api/requests/{row.id}/approve", headers=office.headers["head"],
                       json={}).json()["status"] == "awaiting_second"
    assert client.patch(f"/api/units/{office.root.id}", headers=office.headers["admin"],
                        json={"two_step_approval": None}).json()["two_step_approval"] is None


def test_a_unit_may_opt_out_below_a_two_step_parent_and_one_person_cannot_give_both(session, office) -> None:
    office.root.two_step_approval = True
    office.economy.two_step_approval = False
    session.add_all([office.root, office.economy])
    quick = _leave(session, office.economist, date(2027, 3, 16))
    slow = _leave(session, office.colleague, date(2027, 3, 16))
    session.flush()
    assert decide(session=session, request=quick, approve=True, actor="user:admin").status == "approved"
    assert decide(session=session, request=slow, approve=True, actor="user:admin").status == "awaiting_second"
    with pytest.raises(Conflict) as caught:
        decide(session=session, request=slow, approve=True, actor="user:admin")
    assert caught.value.code == "request.same_approver"


# --- attachments ----------------------------------------------------------------------------------------------

def test_attachments_are_recognised_by_content_sealed_and_shown_only_in_scope(client, session, office) -> None:
    row = file_request(session=session, staff=office.clerk, type="explanation", kind=None,
                       start_date=date(2027, 3, 17), reason="Đi họp theo giấy mời", actor="user:staff")
    session.commit()
    url = f"/api/requests/{row.id}/attachments"
    fake = client.post(url, headers=office.headers["staff"],
                       files={"file": ("giay-moi.pdf", b"<html>not a pdf</html>", "application/pdf")})
    assert fake.status_code == 422 and fake.json()["code"] == "attachment.bad_type"
    named_wrong = client.post(url, headers=office.headers["staff"],
                              files={"file": ("anh.txt", PNG, "text/plain")})
    assert named_wrong.status_code == 201 and named_wrong.json()["content_type"] == "image/png"
    good = client.post(url, headers=office.headers["staff"], files={"file": ("giấy mời.pdf", PDF, "text/plain")})
    assert good.status_code == 201, good.text
    attachment_id = good.json()["id"]
    stored = session.get(RequestAttachment, attachment_id)
    assert stored is not None and PDF not in stored.sealed and b"PDF" not in stored.sealed

    mine = client.get(f"{url}/{attachment_id}", headers=office.headers["staff"])
    assert mine.status_code == 200 and mine.content == PDF
    assert mine.headers["content-type"] == "application/pdf" and "attachment" in mine.headers["content-disposition"]
    assert client.get(f"{url}/{attachment_id}", headers=office.headers["head"]).status_code == 200
    assert len(client.get(url, headers=office.headers["head"]).json()) == 2
    # Another commune's personnel office does not see the request, nor its documents.
    from tests.api.conftest import add_user

    _, stranger = add_user(session, "hr.binh.an", "personnel", unit=office.other)
    session.commit()
    assert client.get(f"{url}/{attachment_id}", headers=stranger).status_code == 404
    assert client.get(url, headers=stranger).status_code == 404
    views = session.exec(select(AuditEntry).where(AuditEntry.action == "attachment.view")).all()
    assert sorted(v.actor for v in views) == ["user:head", "user:staff"]


def test_attachments_over_the_configured_size_are_refused(client, session, office, monkeypatch) -> None:
    monkeypatch.setattr(get_settings().requests, "max_attachment_bytes", 2_000)
    row = _leave(session, office.clerk, date(2027, 3, 18))
    session.commit()
    big = client.post(f"/api/requests/{row.id}/attachments", headers=office.headers["staff"],
                      files={"file": ("kham-benh.pdf", PDF + b"0" * 2_100, "application/pdf")})
    assert big.status_code in (413, 422)
    assert session.exec(select(RequestAttachment)).first() is None
    small = client.post(f"/api/requests/{row.id}/attachments", headers=office.headers["staff"],
                        files={"file": ("kham-benh.pdf", PDF, "application/pdf")})
    assert small.status_code == 201


def test_a_scanned_document_over_the_general_body_limit_is_accepted(client, session, office) -> None:
    row = _leave(session, office.clerk, date(2027, 3, 19))
    session.commit()
    scan = PDF + b"0" * 1_500_000  # over the 1 MB every other route accepts, under the 5 MB setting
    reply = client.post(f"/api/requests/{row.id}/attachments", headers=office.headers["staff"],
                        files={"file": ("giay-kham-benh.pdf", scan, "application/pdf")})
    assert reply.status_code == 201, reply.text
    assert client.post("/api/requests", headers=office.headers["staff"], content=b"{" + b" " * 1_100_000 + b"}",
                       ).status_code == 413  # filing itself keeps the general limit


# --- the pending count, the list ------------------------------------------------------------------------------

def test_the_pending_badge_counts_what_the_user_may_decide_in_one_query(client, session, office, engine) -> None:
    for n in range(3):
        _leave(session, office.colleague, date(2027, 5, 3) + timedelta(days=n))
    _leave(session, office.head_person, date(2027, 5, 3))  # the head's own: not theirs to decide
    _leave(session, office.outsider, date(2027, 5, 3))  # another commune
    decided = _leave(session, office.economist, date(2027, 5, 3))
    decide(session=session, request=decided, approve=True, actor="user:admin")
    session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    head = _principal(office, "head")
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert pending_badge(session, head) == 3
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1 and "count" in statements[0].lower()
    assert pending_badge(session, _principal(office, "personnel")) == 4
    assert pending_badge(session, _principal(office, "admin")) == 5
    assert client.get("/api/requests/pending/count", headers=office.headers["staff"]).json() == {"count": 0}
    assert client.get("/api/requests/pending/count", headers=office.headers["head"]).json() == {"count": 3}


def test_the_list_filters_on_the_server_and_keeps_the_whole_history(client, session, office) -> None:
    for n in range(60):
        row = _leave(session, office.colleague, date(2027, 1, 1) + timedelta(days=n),
                     kind="annual_leave" if n % 2 else "sick")
        decide(session=session, request=row, approve=n % 3 != 0, actor="user:head")
    _leave(session, office.economist, date(2027, 6, 1), kind="training")
    _leave(session, make_staff(session, office.economy, full_name="Đỗ Thị Hà", start_date=date(2020, 1, 1)),
           date(2027, 6, 2))
    session.commit()
    get = lambda **q: client.get("/api/requests", headers=office.headers["personnel"], params=q).json()  # noqa: E731
    assert get(limit=10)["total"] == 62
    assert len(get(limit=10, offset=55)["items"]) == 7
    assert get(status="rejected")["total"] == 20
    assert get(kind="sick", status="approved")["total"] == 20
    assert get(person="cường")["total"] == 1
    assert get(person="CƯỜNG")["total"] == 1
    assert get(person="đỗ thị")["total"] == 1
    assert get(person=office.economist.code.lower())["total"] == 1
    assert get(unit_id=office.economy.id)["total"] == 2
    assert get(unit_id=office.root.id)["total"] == 62
    assert get(start="2027-01-10", end="2027-01-19")["total"] == 10
    assert get(type="explanation")["total"] == 0
    decided = get(status="approved", limit=1)["items"][0]
    assert decided["decided_by"] == "user:head" and decided["decided_by_name"] == "Hoàng Văn Em"


def test_deciders_are_named_by_their_person(session, office) -> None:
    names = actor_names(session, ["user:head", "user:admin", "test", None])
    assert names["user:head"] == "Hoàng Văn Em"
    assert names["user:admin"] == "admin"
    assert "test" not in names


def _statuses(session: Session, office: Office, day: date) -> list[SessionStatus]:
    [period] = evaluate_period(session=session, start=day, end=day, staff_ids=[office.colleague.id])
    return [result.status for result in period.days[0].sessions]


def test_a_withdrawn_request_stays_in_the_history(session, office) -> None:
    row = _leave(session, office.colleague, date(2027, 7, 1))
    from attendance.leave import cancel

    cancel(session=session, request=row, actor="user:staff")
    assert session.exec(select(Request).where(col(Request.status) == "cancelled")).one().id == row.id
