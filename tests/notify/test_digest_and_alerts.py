"""Heads get a digest of the requests they may decide; personnel hear of silent terminals; both once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from api.auth.models import User
from api.notify.models import Delivery, Notice, NoticeKind
from api.notify.runs import pending_digest, terminal_notices
from attendance.leave import file_request
from attendance.models import Device, DeviceKind
from attendance.timeutil import utcnow
from devices.models import AlertKind, DeviceAlert
from tests.factories import make_staff, make_unit
from tests.notify.conftest import PUBLIC_URL, body_text

ROOT = "UBND xã Tân Phú"
OFFICE = f"{ROOT} / Văn phòng"
ECONOMY = f"{ROOT} / Phòng Kinh tế"
TODAY = date(2026, 12, 3)


def _account(session, username: str, role: str, unit, *, staff=None, email: str | None = None) -> User:
    user = User(username=username, password_hash="x", role=role, unit_id=unit.id if unit else None,
                staff_id=staff.id if staff else None, email=email, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def _requests(session):
    root, office, economy = make_unit(session, ROOT), make_unit(session, OFFICE), make_unit(session, ECONOMY)
    start = date(2020, 1, 1)
    clerk = make_staff(session, office, full_name="Nguyễn Văn An", start_date=start)
    economist = make_staff(session, economy, full_name="Lê Văn Cường", start_date=start)
    boss = make_staff(session, office, full_name="Hoàng Văn Em", start_date=start)
    boss.email = "em.hv@tanphu.gov.vn"
    head = _account(session, "truongphong", "head", office, staff=boss)
    other = make_staff(session, economy, full_name="Đỗ Thị Giang", start_date=start)
    other.notify_email = False
    other.email = "giang.dt@tanphu.gov.vn"
    quiet_head = _account(session, "truongphongkt", "head", economy, staff=other)
    file_request(session=session, staff=clerk, type="leave", kind="annual_leave", start_date=date(2026, 12, 7),
                 end_date=date(2026, 12, 8), reason="việc gia đình", actor="test")
    file_request(session=session, staff=clerk, type="explanation", kind=None, start_date=date(2026, 12, 2),
                 part="morning", reason="đi họp ở huyện", actor="test")
    file_request(session=session, staff=boss, type="leave", kind="sick", start_date=date(2026, 12, 4), actor="test")
    file_request(session=session, staff=economist, type="leave", kind="personal_leave", start_date=date(2026, 12, 9),
                 actor="test")
    session.commit()
    return root, head, quiet_head, clerk


def test_a_head_gets_the_pending_requests_of_the_unit_once(engine, session, inbox) -> None:
    _, head, quiet_head, clerk = _requests(session)

    report = pending_digest(engine=engine, day=TODAY)

    [message] = inbox.to("em.hv@tanphu.gov.vn")
    assert message["Subject"] == "[Chấm công] 2 đơn chờ duyệt ngày 03/12/2026"
    text = body_text(message)
    assert "Kính gửi Hoàng Văn Em" in text
    assert f"Nguyễn Văn An ({clerk.code}): Xin nghỉ – Nghỉ phép năm, 07/12–08/12/2026, cả ngày" in text
    assert f"Nguyễn Văn An ({clerk.code}): Giải trình – Giải trình, 02/12/2026, buổi sáng" in text
    assert "Nghỉ ốm" not in text  # the head's own request is not theirs to decide
    assert "Lê Văn Cường" not in text  # another department
    assert f"{PUBLIC_URL}/requests" in text
    assert report.sent == 1 and report.not_emailed == 1  # the economy head opted out: shown in the pages only
    quiet = session.exec(select(Notice).where(Notice.recipient == f"user:{quiet_head.id}")).one()
    assert quiet.delivery == Delivery.OPTED_OUT and "Lê Văn Cường" in quiet.summary
    again = pending_digest(engine=engine, day=TODAY)
    assert again.sent == 0 and again.already == 2 and len(inbox.messages) == 1
    pending_digest(engine=engine, day=TODAY + timedelta(days=1))  # tomorrow's digest is a new notice
    assert len(inbox.to("em.hv@tanphu.gov.vn")) == 2


def test_a_silent_terminal_reaches_the_personnel_office_once(engine, session, inbox) -> None:
    root, *_ = _requests(session)
    officer = _account(session, "tccb", "personnel", root, email="tccb@tanphu.gov.vn")
    elsewhere = make_unit(session, "UBND xã Bình An")
    _account(session, "tccb-binhan", "personnel", elsewhere, email="tccb@binhan.gov.vn")
    gate = Device(serial="CGB0001", name="Cổng B", kind=DeviceKind.ZK_PUSH, unit_id=root.id,
                  last_contact_at=utcnow() - timedelta(hours=2))
    session.add(gate)
    session.commit()

    report = terminal_notices(engine=engine)

    alert = session.exec(select(DeviceAlert).where(DeviceAlert.kind == AlertKind.SILENT)).one()
    assert alert.open
    [message] = inbox.to("tccb@tanphu.gov.vn")
    assert message["Subject"].startswith("[Chấm công] Máy Cổng B mất liên lạc từ ")
    text = body_text(message)
    assert "CGB0001" in text and "mất liên lạc từ" in text and f"{PUBLIC_URL}/devices" in text
    assert inbox.to("tccb@binhan.gov.vn") == []  # not their terminal
    assert report.sent == 1
    notice = session.exec(select(Notice).where(Notice.recipient == f"user:{officer.id}")).one()
    assert notice.kind == NoticeKind.TERMINAL_ALERT and notice.subject_key == f"alert:{alert.id}"
    terminal_notices(engine=engine)
    assert len(inbox.messages) == 1


def test_notices_older_than_the_retention_are_deleted(engine, session) -> None:
    from api.notify.retention import prune

    for days, key in ((500, "old"), (10, "recent")):
        session.add(Notice(recipient="staff:1", kind=NoticeKind.DAY_FAULTS, subject_key=key, subject="s", summary="",
                           delivery=Delivery.SENT, created_at=utcnow() - timedelta(days=days)))
    session.commit()
    assert prune(engine=engine, keep_days=400) == 1
    assert [n.subject_key for n in session.exec(select(Notice))] == ["recent"]


def test_every_kind_of_terminal_alert_reaches_the_personnel_office(engine, session, inbox) -> None:
    root = make_unit(session, ROOT)
    _account(session, "tccb.kinds", "personnel", root, email="tccb.kinds@tanphu.gov.vn")
    full = Device(serial="FULL0001", name="Tầng 2", kind=DeviceKind.ZK_PULL, unit_id=root.id, host="10.0.0.2",
                  last_contact_at=utcnow(), record_count=199_000, record_capacity=200_000)
    moved = Device(serial="MOVED0001", name="Một cửa", kind=DeviceKind.ZK_PUSH, unit_id=root.id,
                   last_contact_at=utcnow(), push_pending_address="10.9.9.9")
    session.add_all([full, moved])
    session.commit()

    terminal_notices(engine=engine)

    subjects = sorted(m["Subject"] for m in inbox.to("tccb.kinds@tanphu.gov.vn"))
    assert len(subjects) == 2, subjects
    assert subjects[0].startswith("[Chấm công] Máy Một cửa gửi từ địa chỉ mới chưa xác nhận")
    assert subjects[1].startswith("[Chấm công] Máy Tầng 2 bộ nhớ chấm công gần đầy")
    texts = [body_text(m) for m in inbox.to("tccb.kinds@tanphu.gov.vn")]
    assert any("clear-log" in t for t in texts) and any("xác nhận hoặc từ chối" in t for t in texts)
