"""Who may see and who may decide which request: the one place pages, API and badge ask.

Seeing follows the person's record (oneself, or a unit in scope). Deciding needs the permission,
someone else's request, and for the second step of a two-step unit the personnel office (or an
administrator), other than whoever gave the first approval."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from api.auth.models import User
from api.auth.principal import Principal
from api.auth.roles import Permission, Role
from api.services.scope import staff_condition
from attendance.errors import Forbidden
from attendance.models import Request, RequestStatus, Staff
from attendance.models.requests import OPEN_STATUSES
from attendance.request_list import count_open

_SECOND_STEP_ROLES = (Role.PERSONNEL, Role.ADMIN)


def visible_condition(principal: Principal) -> Any | None:
    """The SQL condition over `Staff` keeping the requests this caller may see."""
    return staff_condition(principal, Staff.id, Staff.unit_id)


def may_see(principal: Principal, staff: Staff) -> bool:
    return principal.sees_staff(staff_id=staff.id, unit_id=staff.unit_id)


def decidable_statuses(principal: Principal) -> tuple[RequestStatus, ...]:
    """The states of requests this caller decides: heads the first step, the personnel office both."""
    if not principal.can(Permission.REQUESTS_DECIDE):
        return ()
    if principal.role in _SECOND_STEP_ROLES:
        return (RequestStatus.PENDING, RequestStatus.AWAITING_SECOND)
    return (RequestStatus.PENDING,)


def may_decide(principal: Principal, request: Request, staff: Staff) -> bool:
    """True when this caller may approve or reject this request now."""
    if request.status not in decidable_statuses(principal) or not may_see(principal, staff):
        return False
    if principal.staff_id is not None and request.staff_id == principal.staff_id:
        return False  # nobody decides their own request
    return not (request.status == RequestStatus.AWAITING_SECOND and request.first_decided_by == principal.actor)


def ensure_may_decide(principal: Principal, request: Request, staff: Staff) -> None:
    """Forbidden (403) unless this caller may decide it; a request already decided is left to the core,
    which says who decided it (409)."""
    if request.status in OPEN_STATUSES and not may_decide(principal, request, staff):
        raise Forbidden(code="request.not_yours_to_decide", request_id=request.id)


def may_revoke(principal: Principal, staff: Staff) -> bool:
    """Taking back an approval is the deciders' (not the requester's own)."""
    return (principal.can(Permission.REQUESTS_DECIDE) and may_see(principal, staff)
            and staff.id != principal.staff_id)


def pending_badge(session: Session, principal: Principal) -> int:
    """How many requests wait for this caller's decision: one COUNT query."""
    return count_open(session=session, statuses=decidable_statuses(principal), visible=visible_condition(principal),
                      not_staff_id=principal.staff_id)


def actor_names(session: Session, actors: Iterable[str | None]) -> dict[str, str]:
    """'user:truongphong' -> the person's name (their staff record, else the account's name)."""
    logins = {actor.removeprefix("user:"): actor for actor in actors if actor and actor.startswith("user:")}
    if not logins:
        return {}
    rows = session.exec(select(User.username, User.full_name, Staff.full_name)
                        .join(Staff, col(Staff.id) == col(User.staff_id), isouter=True)
                        .where(col(User.username).in_(list(logins))))
    names = {}
    for username, account_name, person_name in rows:
        names[logins[username]] = person_name or account_name or username
    return names
