"""One demo account per role, with random passwords the demo prints (no default password ships)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.auth.roles import Role
from api.auth.service import create_user
from attendance.models import Staff, Unit
from attendance.org import subtree_ids

DEMO_ACTOR = "demo"


def create_demo_accounts(*, session: Session, unit: Unit) -> list[tuple[str, str, str]]:
    """admin, personnel (the unit), head and staff (a department below it, and one of its people).

    Returns (username, role, password) for each; the passwords are random and shown once.
    """
    department, person, head_person = _department_people(session, unit)
    specs = [
        ("admin", Role.ADMIN, None, None, "biometrics.manage,gallery.read", "Quản trị hệ thống"),
        ("tochuc", Role.PERSONNEL, unit.id, None, "biometrics.manage", "Phòng Tổ chức cán bộ"),
        ("truongphong", Role.HEAD, department.id, head_person.id if head_person else None, "",
         head_person.full_name if head_person else "Trưởng phòng"),
        ("canbo", Role.STAFF, None, person.id, "", person.full_name),
    ]
    accounts = []
    for username, role, unit_id, staff_id, grants, full_name in specs:
        _, password = create_user(session=session, username=username, role=role, unit_id=unit_id,
                                  staff_id=staff_id, grants=grants, full_name=full_name, actor=DEMO_ACTOR)
        accounts.append((username, role.value, password))
    return accounts


def _department_people(session: Session, unit: Unit) -> tuple[Unit, Staff, Staff | None]:
    """The sub-unit with the most people (else the unit), one of its people and a second as head."""
    ids = subtree_ids(session=session, unit=unit)
    best: tuple[int, Unit] | None = None
    for candidate in session.exec(select(Unit).where(col(Unit.id).in_(ids))):
        count = len(session.exec(select(Staff.id).where(Staff.unit_id == candidate.id, Staff.active)).all())
        if count and (best is None or count > best[0]):
            best = (count, candidate)
    if best is None:
        raise ValueError(f"no staff under {unit.path!r}: seed staff before the demo accounts")
    department = best[1]
    people = list(session.exec(select(Staff).where(Staff.unit_id == department.id, Staff.active)
                               .order_by(col(Staff.code)).limit(2)))
    return department, people[-1], people[0] if len(people) > 1 else None
