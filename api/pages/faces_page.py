"""Faces: the consent step, enrollment by photo upload or camera capture with quality feedback, erasure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep, SettingsDep
from api.pages.deps import PageRoute, PageUser, require, require_staff
from api.pages.i18n import language_of, translate
from api.pages.params import IdPath, IdQuery
from api.pages.render import flash_redirect, render
from api.pages.scope import visible_staff
from attendance.errors import AttendanceError, InvalidInput
from attendance.staff import get_staff
from recognition import attempts, calibration, enrollment
from recognition.crypto import cipher_from_settings
from recognition.engine import get_engine

router = APIRouter(route_class=PageRoute)
CONSENT_METHODS = ("signed_form", "in_person")


@router.get("/faces", response_class=HTMLResponse, include_in_schema=False)
def faces_page(request: Request, session: SessionDep, settings: SettingsDep, user: PageUser,
               staff: IdQuery = None, error: str | None = None) -> HTMLResponse:
    require(user, Permission.BIOMETRICS_MANAGE)
    people = visible_staff(session=session, principal=user)
    visible = {p.id for p in people if p.id}
    enrolled = {e.staff_id: e for e in enrollment.list_enrollments(session=session)}
    person = _person(session, user, staff) if staff else None
    return render(request, "faces.html", {
        "people": people, "person": person, "enrolled": [enrolled[p.id] for p in people if p.id in enrolled],
        "summary": enrolled.get(person.id) if person else None,
        "consent": enrollment.active_consent(session=session, staff_id=person.id) if person else None,
        "methods": CONSENT_METHODS, "policy": settings.faces, "error": error,
        "attempts": attempts.recent_attempts(session=session, staff_ids=visible, limit=30),
        "evidence": attempts.evidence_list(session=session, staff_ids=visible, review_margin=settings.faces.margin,
                                           limit=50),
    }, user=user, status_code=422 if error else 200)


@router.post("/faces/{staff_id}/consent", include_in_schema=False)
def consent(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
            method: Annotated[str, Form()], agreed: Annotated[str, Form()] = "",
            document_ref: Annotated[str, Form(max_length=200)] = "") -> Response:
    require(user, Permission.BIOMETRICS_MANAGE)
    _person(session, user, staff_id)
    if method not in CONSENT_METHODS or agreed != "yes":
        raise InvalidInput(code="consent.unconfirmed")
    enrollment.record_consent(session=session, staff_id=staff_id, actor=user.actor, method=method,
                              document_ref=document_ref.strip() or None)
    return flash_redirect(session, f"/faces?staff={staff_id}", translate("common.saved", language_of(request)))


@router.post("/faces/{staff_id}/photos", include_in_schema=False)
def enroll(request: Request, session: SessionDep, settings: SettingsDep, user: PageUser, staff_id: IdPath,
           photo: Annotated[UploadFile, File()], source: Annotated[str, Form()] = "upload") -> Response:
    require(user, Permission.BIOMETRICS_MANAGE)
    _person(session, user, staff_id)
    language = language_of(request)
    data = photo.file.read(settings.faces.max_upload_bytes + 1)
    try:
        result = enrollment.enroll_photo(
            session=session, staff_id=staff_id, data=data, actor=user.actor, engine=get_engine(),
            policy=settings.faces, cipher=cipher_from_settings(settings),
            source="camera" if source == "camera" else "upload", language=language)
    except AttendanceError as err:
        session.rollback()
        return faces_page(request, session, settings, user, staff=staff_id, error=_message(err, language))
    return flash_redirect(session, f"/faces?staff={staff_id}", _enrolled_message(result.templates, result.quality, language))


@router.post("/faces/{staff_id}/withdraw", include_in_schema=False)
def withdraw(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
             reason: Annotated[str, Form(min_length=1, max_length=1000)]) -> Response:
    require(user, Permission.BIOMETRICS_MANAGE)
    _person(session, user, staff_id)
    erased = enrollment.withdraw_consent(session=session, staff_id=staff_id, actor=user.actor, reason=reason.strip())
    return flash_redirect(session, f"/faces?staff={staff_id}", translate("face.erased", language_of(request), n=erased.templates))


@router.get("/faces/calibration", response_class=HTMLResponse, include_in_schema=False)
def calibration_page(request: Request, session: SessionDep, settings: SettingsDep, user: PageUser,
                     target_far: float = 0.001) -> HTMLResponse:
    require(user, Permission.BIOMETRICS_MANAGE)
    result = _calibration(session, settings, target_far)
    return render(request, "calibration.html", {"result": result, "policy": settings.faces,
                                                "target_far": target_far}, user=user)


@router.get("/faces/calibration.png", include_in_schema=False)
def calibration_plot(session: SessionDep, settings: SettingsDep, user: PageUser,
                     target_far: float = 0.001) -> Response:
    require(user, Permission.BIOMETRICS_MANAGE)
    result = _calibration(session, settings, target_far)
    if result is None:
        raise InvalidInput(code="calibration.too_few")
    png = calibration.plot_png(result, threshold=settings.faces.threshold, margin=settings.faces.margin)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


def _calibration(session: Session, settings: Any, target_far: float) -> calibration.Calibration | None:
    if not 0 <= target_far <= 0.5:
        raise InvalidInput(code="calibration.bad_target")
    gallery = enrollment.load_gallery(session=session, cipher=cipher_from_settings(settings))
    if len(gallery) < 2:
        return None
    return calibration.calibrate(gallery, threshold=settings.faces.threshold, margin=settings.faces.margin,
                                 target_far=target_far)


def _person(session: Session, user: Principal, staff_id: int) -> Any:
    person = get_staff(session=session, staff_id=staff_id)
    require_staff(user, staff_id=staff_id, unit_id=person.unit_id)
    return person


def _message(err: AttendanceError, language: str) -> str:
    message = getattr(err, "message", None)
    return message(language) if callable(message) else str(err)


def _enrolled_message(templates: int, quality: dict[str, float], language: str) -> str:
    figures = ", ".join(f"{translate('q.' + key, language)} {value:g}" for key, value in quality.items())
    return f"{translate('face.enrolled', language, n=templates)} {translate('face.quality', language)}: {figures}"
