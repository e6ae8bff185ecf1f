"""Server-side sessions: every user token names a session row, and ending the row ends the token."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, delete, or_, update
from sqlmodel import Session, col, select

from api.auth.models import AuthSession, User
from api.auth.settings import get_auth_settings
from attendance import audit
from attendance.timeutil import utcnow

COOKIE = "cookie"
TOKEN = "token"
_TOUCH_EVERY = timedelta(minutes=1)
KEEP_ENDED = timedelta(days=30)


class SessionEnded(Exception):
    """The session was ended, expired or never existed."""


def open_session(*, session: Session, user: User, kind: str, client: str = "", user_agent: str = "",
                 now: datetime | None = None) -> AuthSession:
    """A new session for `user`, expiring absolutely after the configured lifetime for its kind."""
    settings = get_auth_settings()
    now = now or utcnow()
    minutes = settings.session_minutes if kind == COOKIE else settings.access_token_minutes
    assert user.id is not None
    row = AuthSession(sid=secrets.token_urlsafe(24), user_id=user.id, kind=kind, client=client[:100],
                      user_agent=user_agent[:200], created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(minutes=minutes))
    session.add(row)
    # The account's sessions that ended or expired over a month ago go (their ends are in the audit log);
    # by account, so the table stays small without a sweeper and the delete uses the user_id index.
    old = now - KEEP_ENDED
    session.execute(delete(AuthSession).where(
        col(AuthSession.user_id) == user.id, col(AuthSession.created_at) < old,
        or_(col(AuthSession.ended_at).is_not(None), col(AuthSession.expires_at) < now)))
    session.flush()
    return row


def live_session(*, session: Session, sid: str, user_id: int, now: datetime | None = None) -> AuthSession:
    """The open session `sid` of `user_id`, its idle clock reset; SessionEnded otherwise."""
    now = now or utcnow()
    row = session.exec(select(AuthSession).where(AuthSession.sid == sid)).first()
    if row is None or row.user_id != user_id or row.ended_at is not None:
        raise SessionEnded("the session was ended")
    if now >= row.expires_at:
        raise SessionEnded("the session expired")
    if now - row.last_seen_at > timedelta(minutes=get_auth_settings().idle_minutes):
        raise SessionEnded("the session expired after being idle")
    if now - row.last_seen_at > _TOUCH_EVERY:
        # At most once a minute (a page polling every second must not write each time), and in its own
        # short transaction: the request's unit of work stays free of writes until the route makes some,
        # so a password check's throttle (its own transaction too) never waits on it under SQLite.
        with cast(Engine, session.get_bind()).begin() as conn:
            conn.execute(update(AuthSession).where(col(AuthSession.id) == row.id).values(last_seen_at=now))
        row.last_seen_at = now
    return row


def end_session(*, session: Session, row: AuthSession, reason: str, actor: str, client: str | None = None) -> None:
    """End one session at once (logout, or an administrator's decision)."""
    if row.ended_at is not None:
        return
    row.ended_at = utcnow()
    row.end_reason = reason[:50]
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="auth.session_end", entity="user", entity_id=row.user_id,
                 after={"session": row.id, "reason": reason}, client=client)


def end_all_sessions(*, session: Session, user_id: int | None, reason: str, actor: str,
                     client: str | None = None) -> int:
    """End every open session of one account (None: of every account); returns how many."""
    query = update(AuthSession).where(col(AuthSession.ended_at).is_(None))
    if user_id is not None:
        query = query.where(col(AuthSession.user_id) == user_id)
    result = session.execute(query.values(ended_at=utcnow(), end_reason=reason[:50]))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    audit.record(session=session, actor=actor, action="auth.sessions_end", entity="user", entity_id=user_id,
                 after={"sessions": count, "reason": reason}, client=client)
    session.flush()
    return count


def active_sessions(*, session: Session, user_id: int, now: datetime | None = None) -> list[AuthSession]:
    """An account's sessions that still let someone in, newest first."""
    now = now or utcnow()
    idle_since = now - timedelta(minutes=get_auth_settings().idle_minutes)
    query = (select(AuthSession)
             .where(AuthSession.user_id == user_id, col(AuthSession.ended_at).is_(None),
                    col(AuthSession.expires_at) > now, col(AuthSession.last_seen_at) > idle_since)
             .order_by(col(AuthSession.id).desc()))
    return list(session.exec(query))
