"""Consent, enrollment, listing and erasure of face templates: the one way in for face data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import CursorResult, Delete, delete, func, or_
from sqlmodel import Session, col, select

from attendance import audit
from attendance.models import Staff
from attendance.staff import get_staff, ledger_pin
from attendance.timeutil import utcnow
from config.settings import FacePolicy
from recognition import identity, quality
from recognition.attempts import erase_evidence
from recognition.crypto import TemplateCipher
from recognition.engine import MODEL_NAME, FaceEngine
from recognition.errors import ConsentRequired, TooManyTemplates
from recognition.gallery import Gallery, GalleryPerson
from recognition.imaging import Limits, decode_photo
from recognition.models import FaceConsent, FacePhoto, FaceTemplate


@dataclass(frozen=True, slots=True)
class FaceSample:
    """One face taken from a photo: its encoding and how good the photo was."""

    encoding: np.ndarray
    quality: quality.FaceQuality


@dataclass(frozen=True, slots=True)
class Enrolled:
    template_id: int
    staff_id: int
    templates: int
    quality: dict[str, float]


@dataclass(frozen=True, slots=True)
class EnrollmentSummary:
    staff_id: int
    code: str
    full_name: str
    templates: int
    consent_given_at: datetime | None
    photos: int


@dataclass(frozen=True, slots=True)
class Erasure:
    staff_id: int
    templates: int
    photos: int


def limits_for(policy: FacePolicy, language: str = "vi") -> Limits:
    return Limits(policy.max_upload_bytes, policy.max_image_pixels, policy.work_max_side, language)


def extract_sample(data: bytes, *, engine: FaceEngine, policy: FacePolicy, language: str = "vi") -> FaceSample:
    """Decode, find exactly one usable face, check its quality and encode it (no database)."""
    image = decode_photo(data, limits_for(policy, language))
    # Faces under min_face_px are refused anyway, and HOG finds 80 px faces without upsampling (4x cheaper);
    # upsample only when nothing was found, so a small face gets "too small" rather than "no face".
    boxes = engine.detect(image.rgb, upsample=0) or engine.detect(image.rgb, upsample=1)
    box = quality.require_one_face(boxes, language=language)
    measured = quality.measure(image.rgb, box)
    quality.check(measured, policy, language=language)
    return FaceSample(engine.encode(image.rgb, [box])[0], measured)


def record_consent(
    *, session: Session, staff_id: int, actor: str, method: str, document_ref: str | None = None
) -> FaceConsent:
    """Record a person's consent to face enrollment; an existing active consent is returned as is."""
    _staff(session, staff_id)
    current = active_consent(session=session, staff_id=staff_id)
    if current is not None:
        return current
    consent = FaceConsent(
        staff_id=staff_id,
        given_at=utcnow(),
        recorded_by=actor,
        method=method.strip() or "?",
        document_ref=document_ref,
    )
    session.add(consent)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="faces.consent",
        entity="staff",
        entity_id=staff_id,
        after=audit.snapshot(consent),
    )
    return consent


def active_consent(*, session: Session, staff_id: int) -> FaceConsent | None:
    return session.exec(
        select(FaceConsent).where(FaceConsent.staff_id == staff_id, col(FaceConsent.withdrawn_at).is_(None))
    ).first()


def withdraw_consent(*, session: Session, staff_id: int, actor: str, reason: str) -> Erasure:
    """Withdraw consent and erase every template and photo of the person."""
    consent = active_consent(session=session, staff_id=staff_id)
    erased = erase_faces(session=session, staff_id=staff_id, actor=actor, reason=reason)
    if consent is not None:
        before = audit.snapshot(consent)
        consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason = utcnow(), actor, reason
        session.add(consent)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="faces.consent_withdrawn",
            entity="staff",
            entity_id=staff_id,
            before=before,
            after=audit.snapshot(consent),
            reason=reason,
        )
    return erased


def enroll_photo(
    *,
    session: Session,
    staff_id: int,
    data: bytes,
    actor: str,
    engine: FaceEngine,
    policy: FacePolicy,
    cipher: TemplateCipher,
    source: str = "upload",
    keep_photo: bool | None = None,
    language: str = "vi",
) -> Enrolled:
    """Add one photo's face to the person's templates (consent required, quality checked, encrypted)."""
    staff = _staff(session, staff_id)
    consent = active_consent(session=session, staff_id=staff_id)
    if consent is None:
        raise ConsentRequired(
            f"{staff.full_name} ({staff.code}) chưa có sự đồng ý đăng ký khuôn mặt: hãy ghi nhận sự đồng ý trước "
            "(no recorded consent to face enrollment)"
        )
    count = _template_count(session, staff_id)
    if count >= policy.max_templates_per_person:
        raise TooManyTemplates(
            f"{staff.code} đã có {count} mẫu khuôn mặt (tối đa {policy.max_templates_per_person}): "
            "hãy xoá các mẫu cũ trước khi đăng ký ảnh mới"
        )
    sample = extract_sample(data, engine=engine, policy=policy, language=language)
    gallery, state = identity.current_gallery(
        session, lambda: load_gallery(session=session, cipher=cipher, active_only=False)
    )
    identity.check(gallery, policy, staff_id, sample.encoding, language)
    template = FaceTemplate(
        staff_id=staff_id,
        consent_id=int(consent.id or 0),
        model=MODEL_NAME,
        encoding=cipher.seal_encoding(sample.encoding, staff_id=staff_id),
        quality=sample.quality.as_dict(),
        source=source,
        created_at=utcnow(),
        created_by=actor,
    )
    session.add(template)
    session.flush()
    person = GalleryPerson(staff_id, ledger_pin(staff), staff.code, staff.full_name)
    identity.remember(session, state, gallery.with_encoding(person, sample.encoding), template)
    kept = policy.keep_photos if keep_photo is None else keep_photo
    if kept:
        session.add(
            FacePhoto(
                template_id=int(template.id or 0),
                staff_id=staff_id,
                created_at=utcnow(),
                data=cipher.seal(data, context=f"photo:{staff_id}"),
            )
        )
    audit.record(
        session=session,
        actor=actor,
        action="faces.enroll",
        entity="staff",
        entity_id=staff_id,
        after={"template_id": template.id, "source": source, "photo_kept": kept, "quality": template.quality},
    )
    session.flush()
    return Enrolled(int(template.id or 0), staff_id, count + 1, template.quality)


def erase_faces(*, session: Session, staff_id: int, actor: str, reason: str) -> Erasure:
    """Delete every template, kept photo and camera evidence image of the person (consent records stay)."""
    _staff(session, staff_id)
    photos = _delete(session, delete(FacePhoto).where(col(FacePhoto.staff_id) == staff_id))
    templates = _delete(session, delete(FaceTemplate).where(col(FaceTemplate.staff_id) == staff_id))
    evidence = erase_evidence(session=session, staff_id=staff_id)
    audit.record(
        session=session,
        actor=actor,
        action="faces.erase",
        entity="staff",
        entity_id=staff_id,
        before={"templates": templates, "photos": photos, "evidence": evidence},
        after=None,
        reason=reason,
    )
    session.flush()
    return Erasure(staff_id, templates, photos)


def list_enrollments(*, session: Session) -> list[EnrollmentSummary]:
    """Everyone with templates or an active consent, by staff code."""
    templates = dict(
        session.exec(  # type: ignore[call-overload]
            select(FaceTemplate.staff_id, func.count()).group_by(col(FaceTemplate.staff_id))
        ).all()
    )
    photos = dict(
        session.exec(  # type: ignore[call-overload]
            select(FacePhoto.staff_id, func.count()).group_by(col(FacePhoto.staff_id))
        ).all()
    )
    consents = {
        c.staff_id: c.given_at for c in session.exec(select(FaceConsent).where(col(FaceConsent.withdrawn_at).is_(None)))
    }
    ids = set(templates) | set(consents)
    if not ids:
        return []
    staff = session.exec(select(Staff).where(col(Staff.id).in_(ids)).order_by(Staff.code)).all()
    return [
        EnrollmentSummary(
            s.id or 0,
            s.code,
            s.full_name,
            templates.get(s.id or 0, 0),
            consents.get(s.id or 0),
            photos.get(s.id or 0, 0),
        )
        for s in staff
    ]


def load_gallery(*, session: Session, cipher: TemplateCipher, active_only: bool = True) -> Gallery:
    """Decrypt every template into a gallery (active staff with an active consent only)."""
    query = (
        select(FaceTemplate, Staff)
        .join(Staff, col(Staff.id) == FaceTemplate.staff_id)
        .join(FaceConsent, col(FaceConsent.id) == FaceTemplate.consent_id)
        .where(col(FaceConsent.withdrawn_at).is_(None))
        .order_by(col(FaceTemplate.staff_id))
    )
    if active_only:
        query = query.where(col(Staff.active).is_(True))
    grouped: dict[int, tuple[GalleryPerson, list[np.ndarray]]] = {}
    for template, staff in session.exec(query):
        person = GalleryPerson(staff.id or 0, ledger_pin(staff), staff.code, staff.full_name)
        grouped.setdefault(person.staff_id, (person, []))[1].append(
            cipher.open_encoding(template.encoding, staff_id=template.staff_id)
        )
    return Gallery((person, np.stack(encodings)) for person, encodings in grouped.values())


def _staff(session: Session, staff_id: int) -> Staff:
    return get_staff(session=session, staff_id=staff_id)


def _delete(session: Session, statement: Delete) -> int:
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return int(result.rowcount or 0)


def _template_count(session: Session, staff_id: int) -> int:
    return int(
        session.exec(  # type: ignore[call-overload]
            select(func.count()).select_from(FaceTemplate).where(FaceTemplate.staff_id == staff_id)
        ).one()
    )


def export_gallery(
    *, session: Session, cipher: TemplateCipher, actor: str, known_version: str | None = None
) -> Gallery | None:
    """The gallery for a camera (audited), or None when `known_version` is still current."""
    gallery = load_gallery(session=session, cipher=cipher)
    if gallery.version == known_version:
        return None
    audit.record(
        session=session,
        actor=actor,
        action="faces.gallery_export",
        entity="face_gallery",
        entity_id=gallery.version,
        after={"people": len(gallery)},
    )
    return gallery


def erase_departed(*, session: Session, actor: str, today: date) -> list[Erasure]:
    """Erase the face data of everyone who has left (inactive, or past their last day), as R13 asks."""
    departed = session.exec(
        select(Staff.id)
        .join(FaceTemplate, col(FaceTemplate.staff_id) == Staff.id)
        .where(or_(col(Staff.active).is_(False), col(Staff.end_date) < today))
        .distinct()
    ).all()
    return [
        erase_faces(session=session, staff_id=staff_id, actor=actor, reason="nghỉ việc (left the service)")
        for staff_id in departed
        if staff_id is not None
    ]


def rekey(*, session: Session, old: TemplateCipher, new: TemplateCipher, actor: str) -> int:
    """Re-seal every template and kept photo under a new key (after the service secret changes)."""
    count = 0
    for template in session.exec(select(FaceTemplate)):
        encoding = old.open_encoding(template.encoding, staff_id=template.staff_id)
        template.encoding = new.seal_encoding(encoding, staff_id=template.staff_id)
        session.add(template)
        count += 1
    for photo in session.exec(select(FacePhoto)):
        context = f"photo:{photo.staff_id}"
        photo.data = new.seal(old.open(photo.data, context=context), context=context)
        session.add(photo)
    audit.record(
        session=session, actor=actor, action="faces.rekey", entity="face_templates", after={"templates": count}
    )
    session.flush()
    return count
