"""The service's copy of each person's fingerprints: consent first, sealed at rest, every access audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import Conflict, UnknownStaff
from attendance.models import Staff
from attendance.sealing import Sealer
from attendance.timeutil import utcnow
from config import Settings, get_settings
from devices.fingerprints.models import FingerprintConsent, FingerprintTemplate

PURPOSE = "fingerprint-templates"


@dataclass(frozen=True, slots=True)
class Finger:
    """One finger's template in the clear, as terminals hold it (`valid`: 1 normal, 3 duress)."""

    pin: str
    finger: int
    template: bytes
    valid: int = 1


def sealer(settings: Settings | None = None, *, secret_key: str | None = None) -> Sealer:
    """The fingerprint sealer for the configured secret (or an explicit one, for rotation)."""
    return Sealer(secret_key or (settings or get_settings()).secret_key, purpose=PURPOSE)


def context(staff_id: int, finger: int) -> str:
    # Bound to person and finger: a row copied onto another person or finger does not open.
    return f"staff:{staff_id}:finger:{finger}"


def record_consent(*, session: Session, staff_id: int, actor: str, method: str,
                   document_ref: str | None = None) -> FingerprintConsent:
    """Record the person's consent (idempotent while one is in force)."""
    if session.get(Staff, staff_id) is None:
        raise UnknownStaff(code="staff.unknown_id", staff_id=staff_id)
    current = active_consent(session=session, staff_id=staff_id)
    if current is not None:
        return current
    consent = FingerprintConsent(staff_id=staff_id, given_at=utcnow(), recorded_by=actor, method=method[:50],
                                 document_ref=document_ref)
    session.add(consent)
    session.flush()
    audit.record(session=session, actor=actor, action="fingerprints.consent", entity="staff", entity_id=staff_id,
                 after={"consent_id": consent.id, "method": consent.method})
    return consent


def active_consent(*, session: Session, staff_id: int) -> FingerprintConsent | None:
    return session.exec(select(FingerprintConsent).where(
        FingerprintConsent.staff_id == staff_id, col(FingerprintConsent.withdrawn_at).is_(None))).first()


def consenting(session: Session, staff_ids: set[int]) -> dict[int, int]:
    """staff id -> id of the consent in force, for those of `staff_ids` who have one (one query)."""
    if not staff_ids:
        return {}
    rows = session.exec(select(FingerprintConsent.staff_id, FingerprintConsent.id).where(
        col(FingerprintConsent.withdrawn_at).is_(None), col(FingerprintConsent.staff_id).in_(staff_ids)))
    return {staff_id: int(consent_id or 0) for staff_id, consent_id in rows}


def withdraw_consent(*, session: Session, staff_id: int, actor: str) -> int:
    """Withdraw consent and erase the stored templates; terminals are cleaned at the next sync."""
    consent = active_consent(session=session, staff_id=staff_id)
    if consent is None:
        raise Conflict(code="fingerprints.no_consent", staff_id=staff_id)
    consent.withdrawn_at, consent.withdrawn_by = utcnow(), actor
    session.add(consent)
    return erase(session=session, staff_id=staff_id, actor=actor, reason="consent withdrawn")


def erase(*, session: Session, staff_id: int, actor: str, reason: str) -> int:
    """Delete the person's stored templates (consent records and terminal holdings stay)."""
    result = session.execute(delete(FingerprintTemplate).where(col(FingerprintTemplate.staff_id) == staff_id))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    audit.record(session=session, actor=actor, action="fingerprints.erase", entity="staff", entity_id=staff_id,
                 before={"templates": count}, reason=reason)
    session.flush()
    return count


def erase_departed(*, session: Session, staff: dict[int, str], actor: str) -> list[str]:
    """Erase the stored fingers of people who left (id -> PIN); the PINs whose fingers were erased."""
    holders = {staff_id for staff_id, _ in current(session, set(staff))}
    for staff_id in sorted(holders):
        erase(session=session, staff_id=staff_id, actor=actor, reason="left")
    return [staff[i] for i in sorted(holders)]


def current(session: Session, staff_ids: set[int] | None = None) -> dict[tuple[int, int], FingerprintTemplate]:
    """(staff id, finger) -> the stored template row (still sealed)."""
    query = select(FingerprintTemplate)
    if staff_ids is not None:
        query = query.where(col(FingerprintTemplate.staff_id).in_(staff_ids or {-1}))
    return {(t.staff_id, t.finger): t for t in session.exec(query)}


def open_template(row: FingerprintTemplate, seal: Sealer) -> bytes:
    return seal.open(row.template, context=context(row.staff_id, row.finger))


def store(*, session: Session, row: FingerprintTemplate | None, staff_id: int, finger: Finger, consent_id: int,
          device_id: int | None, seal: Sealer) -> FingerprintTemplate:
    """Keep a finger read from a terminal: a new enrolment, or a re-enrolment replacing the old one."""
    sealed = seal.seal(finger.template, context=context(staff_id, finger.finger))
    if row is None:
        row = FingerprintTemplate(staff_id=staff_id, finger=finger.finger, valid=finger.valid, template=sealed,
                                  consent_id=consent_id, source_device_id=device_id, enrolled_at=utcnow())
    else:
        row.template, row.valid, row.version = sealed, finger.valid, row.version + 1
        row.consent_id, row.source_device_id, row.enrolled_at = consent_id, device_id, utcnow()
    session.add(row)
    return row


def rekey(*, session: Session, old: Sealer, new: Sealer) -> int:
    """Re-seal every stored template under a new secret (secret rotation); returns how many."""
    count = 0
    for row in session.exec(select(FingerprintTemplate)):
        row.template = old.reseal(row.template, context=context(row.staff_id, row.finger), new=new)
        session.add(row)
        count += 1
    session.flush()
    return count
