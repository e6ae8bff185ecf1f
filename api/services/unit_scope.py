"""Units an organisation's administrator may name, create, merge or split: only its own tree."""

from __future__ import annotations

from sqlmodel import Session, select

from api.auth.principal import Principal
from attendance.errors import Forbidden, UnknownUnit
from attendance.models import Unit
from attendance.models.org import PATH_SEPARATOR
from attendance.org import normalise_path


def visible_unit(session: Session, principal: Principal, unit_id: int) -> Unit:
    """The unit named in a form or body, if in scope; else as if it did not exist (ids are not probed)."""
    unit = session.get(Unit, unit_id)
    if unit is None or not principal.sees_unit(unit.id):
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    return unit


def ensure_path_in_scope(session: Session, principal: Principal, path: str) -> None:
    """A unit about to be created by path must lie inside the caller's organisation.

    The top of the path decides: it must be a unit the caller sees (a new top-level unit is a new
    organisation, which only service-wide administrators create)."""
    if principal.unit_ids is None:
        return
    top = normalise_path(path).split(PATH_SEPARATOR)[0]
    unit_id = session.exec(select(Unit.id).where(Unit.path == top)).first()
    if unit_id is None or not principal.sees_unit(unit_id):
        raise Forbidden(code="unit.outside_organisation", path=path)
