"""Counts shown beside menu entries: the requests waiting for the user's decision."""

from __future__ import annotations

from sqlmodel import Session

from api.auth.principal import Principal
from api.services.request_scope import decidable_statuses, pending_badge
from attendance.db import get_engine


def menu_badges(principal: Principal) -> dict[str, int]:
    """href -> count for the menu; one COUNT query, and none for users who decide nothing."""
    if not decidable_statuses(principal):
        return {}
    # The page's own session may hold uncommitted work: the badge reads what is committed.
    with Session(get_engine()) as session:
        return {"/requests": pending_badge(session, principal)}
