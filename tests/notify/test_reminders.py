"""The day's reminders reach each person at a real SMTP server, once, with a link to explain."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from api.notify.models import Delivery, Notice, NoticeKind
from api.notify.runs import remind
from attendance.rules import SessionName
from tests.factories import make_staff, make_unit, punch_at
from tests.notify.conftest import PUBLIC_URL, body_html, body_text

DAY = date(2026, 11, 10)  # a Tuesday
AFTER = datetime(2026, 11, 10, 12, 0)  # local: the morning is over


def _office(session):
    unit = make_unit(session)
    late = make_staff(session, unit, full_name="Nguyễn Văn An", start_date=date(2020, 1, 1))
    late.email = "an.nv@tanphu.gov.vn"
    quiet = make_staff(session, unit, full_name="Trần Thị Bình", start_date=date(2020, 1, 1))
    quiet.email, quiet.notify_email = "binh.tt@tanphu.gov.vn", False
    punctual = make_staff(session, unit, full_name="Lê Văn Cường", start_date=date(2020, 1, 1))
    punctual.email = "cuong.lv@tanphu.gov.vn"
    missing = make_staff(session, unit, full_name="Phạm Thị Dung", start_date=date(2020, 1, 1))
    missing.email = "dung.pt@tanphu.gov.vn"
    session.add_all([late, quiet, punctual, missing])
    punch_at(session, late, datetime(2026, 11, 10, 7, 52), datetime(2026, 11, 10, 11, 35))
    punch_at(session, quiet, datetime(2026, 11, 10, 7, 58), datetime(2026, 11, 10, 11, 40))
    punch_at(session, punctual, datetime(2026, 11, 10, 7, 25), datetime(2026, 11, 10, 11, 31))
    punch_at(session, missing, datetime(2026, 11, 10, 7, 20))
    session.commit()
    return late, quiet, punctual, missing


def _utc(local: datetime) -> datetime:
    from datetime import UTC, timedelta
    return (local - timedelta(hours=7)).replace(tzinfo=UTC)


def test_the_late_person_gets_a_vietnamese_reminder_with_a_link_to_explain(engine, session, inbox) -> None:
    late, quiet, punctual, missing = _office(session)

    report = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))

    assert report.sent == 2 and report.not_emailed == 1 and report.failed == report.unknown == 0, _errors(session)
    [message] = inbox.to("an.nv@tanphu.gov.vn")
    assert message["Subject"] == "[Chấm công] Nhắc đi muộn buổi sáng ngày 10/11/2026"
    assert "Nguyễn Văn An" in str(message["To"]) and "an.nv@tanphu.gov.vn" in str(message["To"])
    text = body_text(message)
    assert "Kính gửi Nguyễn Văn An" in text and late.code in text
    assert "đến muộn 22 phút (chấm vào lúc 07:52)" in text
    link = f"{PUBLIC_URL}/requests?type=explanation&date=2026-11-10"
    assert link in text and f'href="{link}"' in body_html(message).replace("&amp;", "&")
    [other] = inbox.to("dung.pt@tanphu.gov.vn")
    assert "thiếu lượt chấm công ra" in other["Subject"] and "07:20" in body_text(other)
    assert inbox.to("cuong.lv@tanphu.gov.vn") == []  # on time: nothing to say
    assert inbox.to("binh.tt@tanphu.gov.vn") == []  # opted out
    shown = session.exec(select(Notice).where(Notice.recipient == f"staff:{quiet.id}")).one()
    assert shown.delivery == Delivery.OPTED_OUT and shown.kind == NoticeKind.DAY_FAULTS  # still in the pages


def test_a_second_run_sends_nothing_again(engine, session, inbox) -> None:
    _office(session)
    first = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    second = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert first.made == 3 and first.sent == 2
    assert second.made == 0 and second.sent == 0 and second.already == 3
    assert len(inbox.messages) == 2


def test_a_missing_check_out_is_not_reminded_before_the_session_is_over(engine, session, inbox) -> None:
    _office(session)
    remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(datetime(2026, 11, 10, 9, 0)))
    assert inbox.to("dung.pt@tanphu.gov.vn") == []
    remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert len(inbox.to("dung.pt@tanphu.gov.vn")) == 1


def test_a_claimed_notice_whose_fate_is_unknown_is_never_sent_again(engine, session, inbox) -> None:
    """A crash after the claim's commit, before the server answered: at most once, so not resent."""
    late, *_ = _office(session)
    session.add(Notice(recipient=f"staff:{late.id}", kind=NoticeKind.DAY_FAULTS, subject_key="2026-11-10:morning",
                       subject="?", summary="", email=late.email, delivery=Delivery.SENDING, attempts=1,
                       created_at=_utc(AFTER)))
    session.commit()
    report = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert inbox.to("an.nv@tanphu.gov.vn") == [] and report.already == 1


def test_a_refused_address_is_failed_then_sent_by_a_later_run(engine, session, inbox) -> None:
    late, *_ = _office(session)
    inbox.refuse.add("an.nv@tanphu.gov.vn")
    first = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert first.failed == 1 and first.sent == 1
    notice = session.exec(select(Notice).where(Notice.recipient == f"staff:{late.id}")).one()
    assert notice.delivery == Delivery.FAILED and "550" in (notice.error or "")
    inbox.refuse.clear()
    second = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert second.sent == 1 and second.already == 3
    assert len(inbox.to("an.nv@tanphu.gov.vn")) == 1
    session.refresh(notice)
    assert notice.delivery == Delivery.SENT and notice.attempts == 2


def test_no_server_listening_fails_without_losing_the_notice(engine, session, monkeypatch) -> None:
    from config import get_settings
    from tests.notify.conftest import free_port

    _office(session)
    monkeypatch.setenv("ATTENDANCE_MAIL__HOST", "127.0.0.1")
    monkeypatch.setenv("ATTENDANCE_MAIL__PORT", str(free_port()))
    monkeypatch.setenv("ATTENDANCE_MAIL__SECURITY", "none")
    get_settings.cache_clear()
    try:
        report = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert report.failed == 2 and report.sent == 0
    states = {n.delivery for n in session.exec(select(Notice))}
    assert states == {Delivery.FAILED, Delivery.OPTED_OUT}


def _errors(session) -> list[str | None]:
    return [n.error for n in session.exec(select(Notice))]


def test_two_processes_racing_for_one_notice_claim_it_once(engine, session) -> None:
    """The claim itself is the guard: whoever inserts second gets nothing to send."""
    from sqlmodel import Session

    from api.notify.deliver import _claim
    from api.notify.message import Draft

    draft = Draft(recipient="staff:1", kind=NoticeKind.DAY_FAULTS, subject_key="2026-11-10:morning", subject="s",
                  lines=("a",), link="/", link_label="l", name="n", email="n@x.vn", wants_email=True)
    with Session(engine) as first, Session(engine) as second:
        won = _claim(first, draft, Delivery.SENDING, _utc(AFTER))
        first.commit()
        lost = _claim(second, draft, Delivery.SENDING, _utc(AFTER))
        second.commit()
    assert won is not None and lost is None
    assert len(session.exec(select(Notice)).all()) == 1


def test_a_line_dropped_after_the_message_is_not_resent(engine, session, inbox) -> None:
    """The server took the message and the connection broke before its answer: UNKNOWN, never sent twice."""
    late, *_ = _office(session)
    inbox.hang_up_after_data.add("an.nv@tanphu.gov.vn")
    first = remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert first.unknown == 1 and first.sent == 1  # the next person went out on a fresh connection
    notice = session.exec(select(Notice).where(Notice.recipient == f"staff:{late.id}")).one()
    assert notice.delivery == Delivery.UNKNOWN
    inbox.hang_up_after_data.clear()
    remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert len(inbox.to("an.nv@tanphu.gov.vn")) == 1


def test_no_missing_punch_reminder_while_the_units_terminal_was_silent(engine, session, inbox) -> None:
    """A terminal that has not reported may hold the punch: a lateness is known, a missing punch is not."""
    from attendance.models import Device, DeviceKind
    from devices.models import AlertKind, DeviceAlert

    late, _, _, missing = _office(session)
    gate = Device(serial="GATE-B", name="Cổng B", kind=DeviceKind.ZK_PUSH, unit_id=late.unit_id)
    session.add(gate)
    session.flush()
    session.add(DeviceAlert(device_id=gate.id, kind=AlertKind.SILENT, open=None,
                            started_at=_utc(datetime(2026, 11, 10, 9, 12)), ended_at=_utc(datetime(2026, 11, 10, 14, 0))))
    session.commit()
    remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_utc(AFTER))
    assert len(inbox.to("an.nv@tanphu.gov.vn")) == 1
    assert inbox.to("dung.pt@tanphu.gov.vn") == []


@pytest.mark.db_independent
def test_a_line_break_in_a_name_cannot_add_a_header() -> None:
    import email
    import email.policy

    from api.notify.message import Draft, email_message
    from config.notify import MailSettings

    draft = Draft(recipient="user:1", kind=NoticeKind.TERMINAL_ALERT, subject_key="alert:1",
                  subject="Máy Cổng B\r\nBcc: ai@ngoai.vn mất liên lạc", lines=("x",), link="/", link_label="l",
                  name="Phòng TCCB\nBcc: khac@ngoai.vn", email="tccb@tanphu.gov.vn", wants_email=True)
    message = email.message_from_bytes(email_message(draft, notice_id=1, settings=MailSettings()),
                                       policy=email.policy.default)
    assert message["Bcc"] is None
    assert message["Subject"] == "Máy Cổng B  Bcc: ai@ngoai.vn mất liên lạc"
