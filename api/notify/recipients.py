"""Where a person's or an account's notices go: an address and whether they want e-mail at all."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth.models import User
from attendance.models import Staff


@dataclass(frozen=True, slots=True)
class Addressee:
    recipient: str  # the notice's recipient key
    name: str
    email: str | None
    wants_email: bool


def of_staff(staff: Staff) -> Addressee:
    return Addressee(f"staff:{staff.id}", staff.full_name, staff.email, staff.notify_email)


def of_account(user: User, person: Staff | None) -> Addressee:
    """An account linked to a person uses the person's address and choice; others their own."""
    name = (person.full_name if person else "") or user.full_name or user.username
    if person is not None:
        return Addressee(f"user:{user.id}", name, person.email or user.email, person.notify_email)
    return Addressee(f"user:{user.id}", name, user.email, user.notify_email)
