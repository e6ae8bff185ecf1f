"""Organisation units: create by path, look up, walk the tree."""

from __future__ import annotations

from sqlmodel import Session, col, select

from attendance.errors import InvalidInput, UnknownUnit
from attendance.models import Unit
from attendance.models.org import PATH_SEPARATOR


def normalise_path(path: str) -> str:
    """'UBND xã Tân Phú/ Văn phòng ' -> 'UBND xã Tân Phú / Văn phòng'."""
    parts = [part.strip() for part in path.replace("/", "\x00").split("\x00")]
    parts = [" ".join(part.split()) for part in parts]
    if not path.strip() or any(not part for part in parts):
        raise InvalidInput(code="unit.bad_path", path=path)
    return PATH_SEPARATOR.join(parts)


def ensure_unit_path(*, session: Session, path: str) -> tuple[Unit, bool]:
    """The unit at `path`, creating it and any missing parents. Returns (unit, created)."""
    path = normalise_path(path)
    existing = session.exec(select(Unit).where(Unit.path == path)).first()
    if existing:
        return existing, False
    parent: Unit | None = None
    created = False
    names = path.split(PATH_SEPARATOR)
    for depth in range(1, len(names) + 1):
        sub_path = PATH_SEPARATOR.join(names[:depth])
        unit = session.exec(select(Unit).where(Unit.path == sub_path)).first()
        if unit is None:
            unit = Unit(name=names[depth - 1], path=sub_path, parent_id=parent.id if parent else None)
            session.add(unit)
            session.flush()
            created = True
        parent = unit
    assert parent is not None
    return parent, created


def get_unit_by_path(*, session: Session, path: str) -> Unit:
    unit = session.exec(select(Unit).where(Unit.path == normalise_path(path))).first()
    if unit is None:
        raise UnknownUnit(code="unit.unknown_path", path=path)
    return unit


def get_unit(*, session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    return unit


def subtree_ids(*, session: Session, unit: Unit) -> list[int]:
    """The unit and every unit below it."""
    prefix = unit.path + PATH_SEPARATOR
    rows = session.exec(select(Unit.id).where((Unit.id == unit.id) | Unit.path.startswith(prefix)))  # type: ignore[attr-defined]
    return [row for row in rows if row is not None]


def ancestors(*, session: Session, unit: Unit) -> list[Unit]:
    """The unit, then its parent, up to the root: one query, by the path every unit carries."""
    names = unit.path.split(PATH_SEPARATOR)
    paths = [PATH_SEPARATOR.join(names[:depth]) for depth in range(len(names), 0, -1)]
    by_path = {u.path: u for u in session.exec(select(Unit).where(col(Unit.path).in_(paths)))}
    chain = [by_path.get(path) for path in paths]
    return [unit] + [u for u in chain[1:] if u is not None]


def organisation_of(*, session: Session, unit: Unit) -> Unit:
    """The organisation a unit belongs to: the top-level unit of its path (itself at the top)."""
    top = unit.path.split(PATH_SEPARATOR)[0]
    if top == unit.path:
        return unit
    return session.exec(select(Unit).where(Unit.path == top)).first() or unit
