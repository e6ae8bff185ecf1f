"""PIN namespaces (DOMAIN.md R14): a PIN names a person only within the organisation owning the terminal.

Two communes served by one province service both have PIN 1. The organisation of a unit is its
nearest ancestor (itself included) marked `pin_namespace`, else its top-level unit. Staff and
devices carry the id of their organisation (`pin_scope_id`), kept up to date here, so the ledger
matches a punch's PIN with one indexed lookup per batch.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from attendance.errors import Conflict
from attendance.models import Device, Staff, Unit
from attendance.org import ancestors


def organisation_id(session: Session, unit_id: int | None) -> int | None:
    """The id of the organisation `unit_id` belongs to (None for no unit)."""
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        return None
    chain = ancestors(session=session, unit=unit)
    return next((u.id for u in chain if u.pin_namespace), chain[-1].id)


def sole_organisation_id(session: Session) -> int | None:
    """The organisation of a single-office installation; None when the service serves several."""
    roots = list(session.exec(select(Unit.id).where(col(Unit.parent_id).is_(None)).limit(2)))
    if len(roots) != 1:
        return None
    marked = session.exec(select(Unit.id).where(col(Unit.pin_namespace), col(Unit.parent_id).is_not(None)).limit(1))
    return roots[0] if marked.first() is None else None


def refresh(session: Session) -> None:
    """Recompute every person's and device's organisation (after the tree or a namespace flag changed)."""
    cache: dict[int, int | None] = {}

    def org(unit_id: int | None) -> int | None:
        if unit_id is None:
            return None
        if unit_id not in cache:
            cache[unit_id] = organisation_id(session, unit_id)
        return cache[unit_id]

    for table, column in ((Staff, Staff.unit_id), (Device, Device.unit_id)):
        for (unit_id,) in session.execute(select(column).distinct()):
            session.execute(update(table).where(col(column) == unit_id)  # type: ignore[arg-type]
                            .values(pin_scope_id=org(unit_id)))
    session.flush()


class LateOwners:
    """Who an unmatched punch (stored before its PIN was assigned) belongs to, among some people.

    A punch read in an organisation's namespace belongs to that organisation's holder of the PIN;
    one read where no namespace was known belongs to a holder only if nobody else holds that PIN.
    """

    def __init__(self, session: Session, staff_ids: list[int]) -> None:
        self._by_key: dict[tuple[int | None, str], int] = {}
        self._by_pin: dict[str, int] = {}
        for start in range(0, len(staff_ids), 900):
            rows = session.execute(select(col(Staff.id), col(Staff.pin), col(Staff.pin_scope_id))
                                   .where(col(Staff.id).in_(staff_ids[start:start + 900]), col(Staff.pin).is_not(None)))
            for staff_id, pin, scope in rows:
                self._by_key[(scope, pin)] = staff_id
                self._by_pin[pin] = staff_id
        pins = list(self._by_pin)
        self._shared: set[str] = set()
        for start in range(0, len(pins), 900):
            self._shared.update(session.execute(
                select(col(Staff.pin)).where(col(Staff.pin).in_(pins[start:start + 900]))
                .group_by(col(Staff.pin)).having(func.count() > 1)).scalars())

    @property
    def pins(self) -> list[str]:
        return list(self._by_pin)

    def owner(self, scope: int | None, pin: str) -> int | None:
        if scope is not None:
            return self._by_key.get((scope, pin))
        return None if pin in self._shared else self._by_pin.get(pin)


def set_namespace(session: Session, unit: Unit, marked: bool) -> None:
    """Mark (or unmark) a unit as its own PIN namespace; refused when PINs would then collide."""
    if unit.parent_id is None or unit.pin_namespace == marked:
        return  # a top-level unit is always a namespace
    unit.pin_namespace = marked
    session.add(unit)
    try:
        with session.begin_nested():
            refresh(session)
    except IntegrityError as err:
        unit.pin_namespace = not marked
        session.add(unit)
        raise Conflict("không đổi được: hai người sẽ trùng mã chấm công (PIN) trong cùng một tổ chức",
                       code="pin.clash_on_move") from err
