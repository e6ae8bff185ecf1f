"""A person's own notice settings: the address notices go to and whether they want e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from api.auth.models import User
from attendance import audit
from attendance.contact import clean_email
from attendance.models import Staff


@dataclass(frozen=True, slots=True)
class NoticeSettings:
    email: str
    notify_email: bool
    on_staff_record: bool  # the address belongs to the linked person's staff record


def of_account(*, session: Session, user: User) -> NoticeSettings:
    person = session.get(Staff, user.staff_id) if user.staff_id is not None else None
    if person is not None:
        return NoticeSettings(person.email or "", person.notify_email, True)
    return NoticeSettings(user.email or "", user.notify_email, False)


def change(*, session: Session, user: User, email: str | None, notify_email: bool, actor: str) -> NoticeSettings:
    """Set the address and the choice where they live (the person's record, or the account); audited."""
    address = clean_email(email)
    person = session.get(Staff, user.staff_id) if user.staff_id is not None else None
    target: Staff | User = person if person is not None else user
    before = audit.snapshot(target)
    target.email, target.notify_email = address, notify_email
    session.add(target)
    session.flush()
    audit.record(session=session, actor=actor, action="notices.settings",
                 entity="staff" if person is not None else "user", entity_id=target.id,
                 before=_picked(before), after=_picked(audit.snapshot(target)))
    return of_account(session=session, user=user)


def _picked(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if snapshot is None else {k: snapshot.get(k) for k in ("email", "notify_email")}
