"""Taking fingers a terminal holds into the service's copy: enrolments, re-enrolments, cards (R13).

A finger is kept only for a person of the terminal's organisation who is employed and whose
consent is in force. A terminal's finger that differs from the service's copy is a re-enrolment
when that terminal held the current version (the person enrolled again there); otherwise the
terminal is behind and will be rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from attendance import audit
from attendance.models import Device, Staff
from attendance.sealing import Sealer
from devices.fingerprints import holdings, stale, store
from devices.fingerprints.store import Finger
from devices.sync import staff_for_device


@dataclass(slots=True)
class Harvest:
    read: int = 0
    enrolled: list[str] = field(default_factory=list)  # "PIN/finger" newly kept or replaced
    no_consent: list[str] = field(default_factory=list)  # PINs with fingers but no consent: not kept
    cards: list[str] = field(default_factory=list)  # PINs whose card number was learnt from the terminal
    erased: list[str] = field(default_factory=list)  # leavers whose stored fingers were erased


def harvest(*, session: Session, device: Device, fingers: list[Finger], cards: dict[str, int], seal: Sealer,
            actor: str, today: date, dry_run: bool = False, enrolment: bool = False) -> Harvest:
    """Keep what the terminal holds of its people; `enrolment`: the fingers are fresh enrolments (push)."""
    wanted, left = staff_for_device(session=session, device=device, today=today)
    by_pin: dict[str, Staff] = {s.pin or "": s for s in wanted}
    ids = {s.id or 0 for s in wanted}
    consent = store.consenting(session, ids)
    stored = store.current(session, ids)
    held = holdings.of_device(session, device.id or 0)
    result = Harvest(read=len(fingers))
    for finger in fingers:
        person = by_pin.get(finger.pin)
        if person is None:
            continue
        staff_id = person.id or 0
        if staff_id not in consent:
            if finger.pin not in result.no_consent:
                result.no_consent.append(finger.pin)
            continue
        row = stored.get((staff_id, finger.finger))
        if row is not None and store.open_template(row, seal) == finger.template:
            if not dry_run:
                holdings.note(session, held, device_id=device.id or 0, staff_id=staff_id, finger=finger.finger,
                              version=row.version, confirmed=True)
            continue
        mine = held.get((staff_id, finger.finger))
        re_enrolled = enrolment or (row is not None and mine is not None and mine.confirmed
                                    and mine.version == row.version)
        if row is not None and not re_enrolled:
            continue  # this terminal is behind: distribution rewrites it
        result.enrolled.append(f"{finger.pin}/{finger.finger}")
        if dry_run:
            continue
        row = store.store(session=session, row=row, staff_id=staff_id, finger=finger, consent_id=consent[staff_id],
                          device_id=device.id, seal=seal)
        stored[(staff_id, finger.finger)] = row
        session.flush()
        holdings.note(session, held, device_id=device.id or 0, staff_id=staff_id, finger=finger.finger,
                      version=row.version, confirmed=True)
    for pin, card in cards.items():
        person = by_pin.get(pin)
        if person is not None and card and not person.card:
            result.cards.append(pin)
            if not dry_run:
                before = {"card": person.card}
                person.card = str(card)
                session.add(person)
                audit.record(session=session, actor=actor, action="staff.card_from_terminal", entity="staff",
                             entity_id=person.id, before=before, after={"card": person.card, "device": device.serial})
    if result.cards and not dry_run:
        stale.mark_users_stale(session, besides=device.id or 0)
    if not dry_run:
        result.erased = store.erase_departed(session=session, staff={s.id or 0: s.pin or "" for s in left},
                                             actor=actor)
    if (result.read or result.cards) and not dry_run:
        audit.record(session=session, actor=actor, action="fingerprints.read", entity="device", entity_id=device.id,
                     after={"fingers_read": result.read, "kept": result.enrolled, "no_consent": result.no_consent,
                            "cards": result.cards})
    session.flush()
    return result
