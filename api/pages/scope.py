"""What a user may look at: the units and people in their scope, and today's date."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from api.auth.principal import Principal
from api.pages.deps import PageForbidden
from attendance import local_input
from attendance.collation import sort_people
from attendance.models import Staff, Unit
from config import get_settings


def today() -> date:
    return datetime.now(get_settings().zone).date()


def visible_units(*, session: Session, principal: Principal) -> list[Unit]:
    """The units this user may choose, by path (admins: all)."""
    query = select(Unit).order_by(col(Unit.path))
    if principal.unit_ids is not None:
        if not principal.unit_ids:
            return []
        query = query.where(col(Unit.id).in_(principal.unit_ids))
    return list(session.exec(query))


def chosen_unit(*, session: Session, principal: Principal, unit_id: int | None) -> Unit | None:
    """The unit asked for, if in scope; else the user's own unit, else the first one they see."""
    units = visible_units(session=session, principal=principal)
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None or not principal.sees_unit(unit.id):
            raise PageForbidden
        return unit
    own = principal.user.unit_id if principal.user else None
    for unit in units:
        if unit.id == own:
            return unit
    return units[0] if units else None


def visible_staff(*, session: Session, principal: Principal, active_only: bool = True) -> list[Staff]:
    """The people whose records this user may see, by name."""
    query = select(Staff).order_by(col(Staff.full_name), col(Staff.code))
    if active_only:
        query = query.where(col(Staff.active).is_(True))
    if principal.unit_ids is not None:
        ids = set(principal.unit_ids)
        own = principal.staff_id
        if not ids:
            return [s for s in session.exec(query.where(col(Staff.id) == own))] if own else []
        query = query.where(col(Staff.unit_id).in_(ids) | (col(Staff.id) == own))
    return sort_people(session.exec(query), lambda s: s.full_name, lambda s: s.code)


def parse_day(value: str | None) -> date:
    """A date from the query string, or today."""
    if not value:
        return today()
    return local_input.parse_day(value)
