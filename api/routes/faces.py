"""Face consent, enrollment, erasure, the gallery for cameras and camera punch delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from pydantic import AwareDatetime, Base64Bytes, BaseModel, Field
from sqlmodel import select

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import (
    MAX_ID,
    RequireBiometrics,
    RequireGallery,
    RequireHeartbeat,
    SessionDep,
    SettingsDep,
    StaffId,
    require,
)
from api.schemas.common import COMMON_RESPONSES
from api.services.scope import bind_token, ensure_own_device, visible_staff
from attendance.errors import NotFound
from attendance.models import Staff
from recognition import attempts, cameras, enrollment
from recognition.camera.attempts import Attempt
from recognition.crypto import cipher_from_settings
from recognition.engine import get_engine

router = APIRouter(prefix="/faces", tags=["faces"], responses=COMMON_RESPONSES)
PunchesIngest = Annotated[Principal, Depends(require(Permission.PUNCHES_INGEST))]


class ConsentIn(BaseModel):
    staff_id: int = Field(ge=1, le=MAX_ID)
    method: str = Field(min_length=1, max_length=50, description="signed form, kiosk, web, ...")
    document_ref: str | None = Field(None, max_length=200)


class ConsentOut(BaseModel):
    id: int
    staff_id: int
    given_at: datetime
    method: str
    document_ref: str | None


class WithdrawIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class ErasureOut(BaseModel):
    staff_id: int
    templates: int
    photos: int


class EnrolledOut(BaseModel):
    template_id: int
    staff_id: int
    templates: int
    quality: dict[str, float]


class EnrollmentOut(BaseModel):
    staff_id: int
    code: str
    full_name: str
    templates: int
    photos: int
    consent_given_at: datetime | None


class CameraPunchIn(BaseModel):
    pin: str = Field(min_length=1, max_length=24)
    device_time: AwareDatetime
    staff_id: int | None = Field(None, ge=1, le=MAX_ID)
    note: str | None = Field(None, max_length=200)


class CameraPunchesIn(BaseModel):
    punches: list[CameraPunchIn] = Field(max_length=2000)


class IngestOut(BaseModel):
    received: int
    stored: int
    duplicates: int
    quarantined: int
    unmatched: int
    rejected: list[dict[str, Any]]


class AttemptIn(BaseModel):
    at: AwareDatetime
    staff_id: int | None = Field(None, ge=1, le=MAX_ID)
    pin: str | None = Field(None, max_length=24)
    distance: float | None = Field(None, ge=0, le=10)
    runner_up: float | None = Field(None, ge=0, le=10)
    outcome: Literal["punched", "refused", "flagged"]
    reason: str = Field(min_length=1, max_length=20)
    face_jpeg: Base64Bytes | None = Field(None, max_length=200_000, description="the deciding face crop (JPEG)")
    context_jpeg: Base64Bytes | None = Field(None, max_length=200_000, description="the frame, small (JPEG)")


class AttemptsIn(BaseModel):
    attempts: list[AttemptIn] = Field(max_length=1000)


class PromptIn(BaseModel):
    staff_id: int | None = Field(None, ge=1, le=MAX_ID)
    challenge: Literal["blink", "turn_left", "turn_right"] | None = None


class HeartbeatIn(BaseModel):
    frames: int = 0
    decisions: int = 0
    pending: int = 0
    delivered: int = 0
    gallery_people: int = 0
    last_error: str | None = Field(None, max_length=2000)
    dead_letters: int = Field(0, ge=0)


@router.post("/consents", status_code=201, summary="Record a person's consent to face enrollment")
def give_consent(body: ConsentIn, session: SessionDep, principal: RequireBiometrics) -> ConsentOut:
    visible_staff(session, principal, body.staff_id)
    consent = enrollment.record_consent(
        session=session,
        staff_id=body.staff_id,
        actor=principal.actor,
        method=body.method,
        document_ref=body.document_ref,
    )
    return ConsentOut.model_validate(consent, from_attributes=True)


@router.post("/{staff_id}/withdraw", summary="Withdraw consent and erase the person's face data")
def withdraw_consent(
    staff_id: StaffId, body: WithdrawIn, session: SessionDep, principal: RequireBiometrics
) -> ErasureOut:
    visible_staff(session, principal, staff_id)
    erased = enrollment.withdraw_consent(session=session, staff_id=staff_id, actor=principal.actor, reason=body.reason)
    return ErasureOut.model_validate(erased, from_attributes=True)


@router.post("/{staff_id}/photos", status_code=201, summary="Enroll one photo (JPEG or PNG)")
def enroll_photo(
    staff_id: StaffId,
    photo: Annotated[UploadFile, File(description="one face, JPEG or PNG")],
    session: SessionDep,
    settings: SettingsDep,
    principal: RequireBiometrics,
    keep_photo: Annotated[bool | None, Form()] = None,
) -> EnrolledOut:
    visible_staff(session, principal, staff_id)
    # Read one byte past the limit so an oversize upload is refused without reading all of it.
    data = photo.file.read(settings.faces.max_upload_bytes + 1)
    enrolled = enrollment.enroll_photo(
        session=session,
        staff_id=staff_id,
        data=data,
        actor=principal.actor,
        engine=get_engine(),
        policy=settings.faces,
        cipher=cipher_from_settings(settings),
        keep_photo=keep_photo,
        language=settings.language,
    )
    return EnrolledOut.model_validate(enrolled, from_attributes=True)


@router.delete("/{staff_id}", summary="Erase every face template and photo of a person")
def erase_faces(
    staff_id: StaffId, session: SessionDep, principal: RequireBiometrics, reason: Annotated[str, Query(min_length=1)]
) -> ErasureOut:
    visible_staff(session, principal, staff_id)
    erased = enrollment.erase_faces(session=session, staff_id=staff_id, actor=principal.actor, reason=reason)
    return ErasureOut.model_validate(erased, from_attributes=True)


@router.get("", summary="People with face templates or a recorded consent")
def list_enrollments(session: SessionDep, principal: RequireBiometrics) -> list[EnrollmentOut]:
    rows = enrollment.list_enrollments(session=session)
    if principal.unit_ids is not None:
        units = dict(session.exec(select(Staff.id, Staff.unit_id)).all())  # type: ignore[call-overload]
        rows = [e for e in rows if principal.sees_staff(staff_id=e.staff_id, unit_id=units.get(e.staff_id))]
    return [EnrollmentOut.model_validate(e, from_attributes=True) for e in rows]


@router.get("/gallery", summary="The gallery for door cameras (unchanged if known_version is current)")
def gallery(
    session: SessionDep, settings: SettingsDep, principal: RequireGallery, known_version: str | None = None
) -> dict[str, Any]:
    exported = enrollment.export_gallery(
        session=session, cipher=cipher_from_settings(settings), actor=principal.actor, known_version=known_version
    )
    return {"version": known_version, "unchanged": True} if exported is None else exported.to_payload()


@router.post("/cameras/{serial}/punches", summary="Punches from a door camera's outbox (idempotent)")
def camera_punches(serial: str, body: CameraPunchesIn, session: SessionDep, principal: PunchesIngest) -> IngestOut:
    ensure_own_device(session, principal, serial)
    bind_token(session, principal, cameras.ensure_camera(session=session, serial=serial))
    result = cameras.ingest_camera_punches(
        session=session,
        serial=serial,
        actor=f"camera:{serial}",
        punches=[cameras.CameraPunch(p.pin, p.device_time, p.staff_id, p.note) for p in body.punches],
    )
    # The camera drops a punch from its outbox on this answer: commit here, whatever the session's scope.
    session.commit()
    return IngestOut(
        received=result.received,
        stored=result.stored,
        duplicates=result.duplicates,
        quarantined=result.quarantined,
        unmatched=result.unmatched,
        rejected=[{"index": r.index, "reason": r.reason} for r in result.rejected],
    )


@router.post("/cameras/{serial}/heartbeat", summary="A door camera's health report")
def camera_heartbeat(
    serial: str, body: HeartbeatIn, session: SessionDep, principal: RequireHeartbeat
) -> dict[str, str]:
    ensure_own_device(session, principal, serial)
    device = cameras.record_heartbeat(session=session, serial=serial,
                                      health=cameras.CameraHealth(**body.model_dump()))
    bind_token(session, principal, device)
    return {"status": "ok"}


@router.post("/cameras/{serial}/attempts", summary="Faces a door camera refused or flagged (liveness)")
def camera_attempts(
    serial: str, body: AttemptsIn, session: SessionDep, settings: SettingsDep, principal: PunchesIngest
) -> dict[str, int]:
    ensure_own_device(session, principal, serial)
    stored = attempts.record_attempts(
        session=session,
        serial=serial,
        attempts=[Attempt(**a.model_dump()) for a in body.attempts],
        cipher=cipher_from_settings(settings),
        policy=settings.faces,
    )
    return {"stored": stored}


@router.post("/cameras/{serial}/prompt", summary="What a door camera asks of the face before it (for its kiosk)")
def camera_prompt(serial: str, body: PromptIn, session: SessionDep, principal: PunchesIngest) -> dict[str, str]:
    ensure_own_device(session, principal, serial)
    attempts.set_prompt(session=session, serial=serial, staff_id=body.staff_id, challenge=body.challenge)
    return {"status": "ok"}


@router.get(
    "/evidence/{evidence_id}/{part}.jpg",
    summary="One evidence image of a face decision (face or context); every view is audited",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def evidence_image(
    evidence_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    part: Literal["face", "context"],
    session: SessionDep,
    settings: SettingsDep,
    principal: RequireBiometrics,
) -> Response:
    staff_id = attempts.evidence_staff(session=session, evidence_id=evidence_id)
    if staff_id is not None:
        visible_staff(session, principal, staff_id)
    elif principal.unit_ids is not None:
        raise NotFound(f"no evidence {evidence_id}")
    data = attempts.open_evidence(
        session=session, evidence_id=evidence_id, part=part, cipher=cipher_from_settings(settings), actor=principal.actor
    )
    session.commit()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/attempts", summary="Recent refused and flagged face attempts, newest first")
def list_attempts(
    session: SessionDep,
    principal: RequireBiometrics,
    serial: Annotated[str | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[attempts.AttemptRow]:
    rows = attempts.recent_attempts(session=session, serial=serial, limit=limit)
    if principal.unit_ids is not None:
        units = dict(session.exec(select(Staff.id, Staff.unit_id)).all())  # type: ignore[call-overload]
        rows = [
            r
            for r in rows
            if r.staff_id is not None and principal.sees_staff(staff_id=r.staff_id, unit_id=units.get(r.staff_id))
        ]
    return rows
