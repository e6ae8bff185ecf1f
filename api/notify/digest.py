"""Heads' digest: the requests of their units waiting for their decision, one e-mail a day."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from api.auth.models import User
from api.auth.roles import Role
from api.notify.message import Draft
from api.notify.models import NoticeKind
from api.notify.recipients import of_account
from api.pages.i18n import translate
from attendance.models import Request, RequestStatus, SessionPart, Staff, Unit
from attendance.org import subtree_ids
from attendance.timeutil import to_local
from config import get_settings

_PART_VI = {SessionPart.ALL: "cả ngày", SessionPart.MORNING: "buổi sáng", SessionPart.AFTERNOON: "buổi chiều"}
LISTED = 30  # a digest lists this many requests, then says how many more


def drafts(*, session: Session, day: date, public_url: str) -> list[Draft]:
    """One draft per active head with at least one pending request they may decide (not their own)."""
    pending = list(session.exec(
        select(Request, Staff).join(Staff, col(Staff.id) == col(Request.staff_id))
        .where(col(Request.status) == RequestStatus.PENDING).order_by(col(Request.created_at))))
    if not pending:
        return []
    heads = list(session.exec(select(User).where(col(User.role) == Role.HEAD, col(User.active).is_(True),
                                                 col(User.unit_id).is_not(None))))
    people = {s.id: s for s in session.exec(select(Staff).where(
        col(Staff.id).in_([h.staff_id for h in heads if h.staff_id is not None])))}
    found = []
    for head in heads:
        unit = session.get(Unit, head.unit_id)
        if unit is None:
            continue
        scope = set(subtree_ids(session=session, unit=unit))
        mine = [(rq, staff) for rq, staff in pending if staff.unit_id in scope and staff.id != head.staff_id]
        if mine:
            found.append(draft(head=head, person=people.get(head.staff_id), day=day, rows=mine,
                               public_url=public_url))
    return found


def draft(*, head: User, person: Staff | None, day: date, rows: list[tuple[Request, Staff]],
          public_url: str) -> Draft:
    to = of_account(head, person)
    zone = get_settings().zone
    lines = [f"Có {len(rows)} đơn đang chờ bạn duyệt (tính đến ngày {day:%d/%m/%Y}):"]
    for rq, staff in rows[:LISTED]:
        kind = translate(f"kind.{rq.kind}", "vi")
        span = (f"{rq.start_date:%d/%m/%Y}" if rq.start_date == rq.end_date
                else f"{rq.start_date:%d/%m}–{rq.end_date:%d/%m/%Y}")
        filed = to_local(rq.created_at, zone)
        lines.append(f"- {staff.full_name} ({staff.code}): {translate(f'req.type.{rq.type}', 'vi')} – {kind}, "
                     f"{span}, {_PART_VI.get(SessionPart(rq.part), rq.part)}; nộp lúc {filed:%H:%M %d/%m/%Y}")
    if len(rows) > LISTED:
        lines.append(f"và {len(rows) - LISTED} đơn khác.")
    return Draft(recipient=to.recipient, kind=NoticeKind.PENDING_DIGEST, subject_key=day.isoformat(),
                 subject=f"[Chấm công] {len(rows)} đơn chờ duyệt ngày {day:%d/%m/%Y}", lines=tuple(lines),
                 link=f"{public_url.rstrip('/')}/requests", link_label="Mở danh sách đơn chờ duyệt",
                 name=to.name, email=to.email, wants_email=to.wants_email)
