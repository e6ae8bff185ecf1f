"""The notices a signed-in account sees: its own and those of the person it is linked to, newest first."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session, col, func, select

from api.auth.models import User
from api.notify.models import Notice


def recipients_of(user: User) -> list[str]:
    keys = [f"user:{user.id}"]
    if user.staff_id is not None:
        keys.append(f"staff:{user.staff_id}")
    return keys


def notices_of(*, session: Session, user: User, limit: int = 50, offset: int = 0) -> tuple[list[Notice], int]:
    """A page of the account's notices and how many there are in all."""
    where = col(Notice.recipient).in_(recipients_of(user))
    total = session.exec(select(func.count()).select_from(Notice).where(where)).one()
    rows = session.exec(select(Notice).where(where).order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
                        .offset(offset).limit(limit))
    return list(rows), int(total)


def local_link(link: str) -> str:
    """The notice's link as a path on this site (the e-mail's carries the public address)."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else "/"
