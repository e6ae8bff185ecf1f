"""Enrollment service on the real database: consent, encryption at rest, refusals, erasure, audit."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from attendance.models import AuditEntry, Staff
from attendance.staff import mark_left
from config.settings import FacePolicy
from recognition import enrollment, identity
from recognition.crypto import TemplateCipher, cipher_from_settings
from recognition.engine import FaceEngine
from recognition.errors import ConsentRequired, PhotoRejected, TemplateUnreadable, TooManyTemplates
from recognition.gallery import Gallery
from recognition.models import FaceConsent, FacePhoto, FaceTemplate
from tests.factories import make_staff


def _enroll(
    session: Session, staff: Staff, photo: Path, engine: FaceEngine, policy: FacePolicy, **kwargs: object
) -> enrollment.Enrolled:
    return enrollment.enroll_photo(
        session=session,
        staff_id=staff.id or 0,
        data=photo.read_bytes(),
        actor="hr",
        engine=engine,
        policy=policy,
        cipher=cipher_from_settings(),
        **kwargs,
    )


def _consent(session: Session, staff: Staff) -> None:
    enrollment.record_consent(
        session=session, staff_id=staff.id or 0, actor="hr", method="phiếu giấy", document_ref="01/2026"
    )


def _actions(session: Session) -> list[str]:
    return [a for a in session.exec(select(AuditEntry.action).order_by(AuditEntry.id)) if a.startswith("faces.")]


def test_enrollment_requires_consent(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    staff = make_staff(session, full_name="Trần Thị Bình")
    with pytest.raises(ConsentRequired):
        _enroll(session, staff, faces_root / "train/obama/obama.jpg", face_engine, face_policy)
    assert session.exec(select(FaceTemplate)).all() == []


def test_enroll_stores_encrypted_templates_and_audits(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    obama = make_staff(session, full_name="Barack Obama")
    _consent(session, obama)
    first = _enroll(session, obama, faces_root / "train/obama/obama.jpg", face_engine, face_policy)
    second = _enroll(session, obama, faces_root / "train/obama/obama2.jpg", face_engine, face_policy, keep_photo=True)
    session.commit()
    assert (first.templates, second.templates) == (1, 2)
    assert second.quality["face_px"] >= face_policy.min_face_px
    raw = session.execute(text("SELECT encoding FROM face_templates ORDER BY id")).scalars().all()
    gallery = enrollment.load_gallery(session=session, cipher=cipher_from_settings())
    assert len(gallery) == 1 and len(gallery.encodings) == 2
    for token, encoding in zip(raw, gallery.encodings, strict=True):
        assert encoding.tobytes() not in bytes(token)
    photo = session.exec(select(FacePhoto)).one()
    assert (faces_root / "train/obama/obama2.jpg").read_bytes()[:64] not in photo.data
    assert _actions(session) == ["faces.consent", "faces.enroll", "faces.enroll"]
    summary = enrollment.list_enrollments(session=session)
    assert [(s.code, s.templates, s.photos) for s in summary] == [(obama.code, 2, 1)]


def test_refused_photos_store_nothing(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy, tmp_path: Path
) -> None:
    obama, biden = make_staff(session, full_name="Barack Obama"), make_staff(session, full_name="Joe Biden")
    _consent(session, obama)
    _consent(session, biden)
    _enroll(session, obama, faces_root / "train/obama/obama.jpg", face_engine, face_policy)
    with pytest.raises(PhotoRejected) as caught:
        _enroll(session, obama, faces_root / "group/two_people.jpg", face_engine, face_policy)
    assert caught.value.code == "several_faces"
    with pytest.raises(PhotoRejected) as caught:  # Biden's photo filed under Obama
        _enroll(session, obama, faces_root / "train/biden/biden.jpg", face_engine, face_policy)
    assert caught.value.code == "not_same_person"
    with pytest.raises(PhotoRejected) as caught:  # Obama's photo filed under Biden
        _enroll(session, biden, faces_root / "test/obama/obama1.jpg", face_engine, face_policy)
    assert caught.value.code == "other_person" and "Barack Obama" in str(caught.value)
    fake = tmp_path / "x.jpg"
    fake.write_text("not an image")
    with pytest.raises(PhotoRejected):
        _enroll(session, biden, fake, face_engine, face_policy)
    assert len(session.exec(select(FaceTemplate)).all()) == 1


def test_template_limit(session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy) -> None:
    staff = make_staff(session)
    _consent(session, staff)
    policy = face_policy.model_copy(update={"max_templates_per_person": 1})
    _enroll(session, staff, faces_root / "train/rose_leslie/img1.jpg", face_engine, policy)
    with pytest.raises(TooManyTemplates):
        _enroll(session, staff, faces_root / "train/rose_leslie/img2.jpg", face_engine, policy)


def test_withdrawing_consent_erases_everything(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    staff = make_staff(session, full_name="Kit Harington")
    _consent(session, staff)
    _enroll(session, staff, faces_root / "train/kit_harington/john1.jpeg", face_engine, face_policy, keep_photo=True)
    _enroll(session, staff, faces_root / "train/kit_harington/john2.jpeg", face_engine, face_policy)
    erased = enrollment.withdraw_consent(
        session=session, staff_id=staff.id or 0, actor="hr", reason="rút lại sự đồng ý"
    )
    session.commit()
    assert (erased.templates, erased.photos) == (2, 1)
    assert session.exec(select(FaceTemplate)).all() == []
    assert session.exec(select(FacePhoto)).all() == []
    consent = session.exec(select(FaceConsent)).one()
    assert consent.withdrawn_at is not None and consent.withdrawal_reason == "rút lại sự đồng ý"
    assert len(enrollment.load_gallery(session=session, cipher=cipher_from_settings())) == 0
    assert _actions(session)[-2:] == ["faces.erase", "faces.consent_withdrawn"]
    with pytest.raises(ConsentRequired):
        _enroll(session, staff, faces_root / "train/kit_harington/john1.jpeg", face_engine, face_policy)


def test_people_who_left_are_erased(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    staying, leaving = make_staff(session, full_name="Rose Leslie"), make_staff(session, full_name="Kit Harington")
    for staff, photo in ((staying, "train/rose_leslie/img1.jpg"), (leaving, "train/kit_harington/john2.jpeg")):
        _consent(session, staff)
        _enroll(session, staff, faces_root / photo, face_engine, face_policy)
    today = date(2026, 11, 25)
    assert enrollment.erase_departed(session=session, actor="cron", today=today) == []
    mark_left(session=session, staff=leaving, last_day=today - timedelta(days=1), actor="hr")
    erased = enrollment.erase_departed(session=session, actor="cron", today=today)
    assert [(e.staff_id, e.templates) for e in erased] == [(leaving.id, 1)]
    remaining = session.exec(select(FaceTemplate.staff_id)).all()
    assert remaining == [staying.id]


def test_identity_gallery_is_reloaded_only_when_the_templates_change(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    loads: list[int] = []

    def load() -> Gallery:
        loads.append(1)
        return enrollment.load_gallery(session=session, cipher=cipher_from_settings(), active_only=False)

    staff = make_staff(session, full_name="Barack Obama")
    _consent(session, staff)
    identity.current_gallery(session, load)
    identity.current_gallery(session, load)
    assert len(loads) == 1  # nothing changed in between
    _enroll(session, staff, faces_root / "train/obama/obama.jpg", face_engine, face_policy)
    _enroll(session, staff, faces_root / "train/obama/obama2.jpg", face_engine, face_policy)
    cached, _ = identity.current_gallery(session, load)
    assert len(loads) == 1  # the enrollments updated the cached copy
    fresh = load()
    np.testing.assert_array_equal(cached.encodings, fresh.encodings)
    enrollment.erase_faces(session=session, staff_id=staff.id or 0, actor="hr", reason="test")
    after, _ = identity.current_gallery(session, load)
    assert len(loads) == 3 and len(after) == 0


def test_rekey_moves_templates_and_photos_to_a_new_key(
    session: Session, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    staff = make_staff(session)
    _consent(session, staff)
    _enroll(session, staff, faces_root / "train/rose_leslie/img1.jpg", face_engine, face_policy, keep_photo=True)
    before = enrollment.load_gallery(session=session, cipher=cipher_from_settings())
    rotated = TemplateCipher("the new service secret")
    assert enrollment.rekey(session=session, old=cipher_from_settings(), new=rotated, actor="admin") == 1
    after = enrollment.load_gallery(session=session, cipher=rotated)
    np.testing.assert_array_equal(after.encodings, before.encodings)
    with pytest.raises(TemplateUnreadable):
        enrollment.load_gallery(session=session, cipher=cipher_from_settings())
    photo = session.exec(select(FacePhoto)).one()
    original = (faces_root / "train/rose_leslie/img1.jpg").read_bytes()
    assert rotated.open(photo.data, context=f"photo:{staff.id}") == original
    assert "faces.rekey" in _actions(session)
