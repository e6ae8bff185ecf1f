"""Face tables: consent records, encrypted templates and (only if the admin chooses) encrypted photos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlmodel import JSON, Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class FaceConsent(SQLModel, table=True):
    """A person's explicit consent to face enrollment (DOMAIN.md R13); withdrawn, never deleted."""

    __tablename__ = "face_consents"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    given_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_by: str = Field(max_length=200)
    method: str = Field(max_length=50, description="signed form, kiosk, web, ...")
    document_ref: str | None = Field(default=None, max_length=200, description="e.g. the form's number")
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    withdrawn_by: str | None = Field(default=None, max_length=200)
    withdrawal_reason: str | None = Field(default=None, max_length=1000)


class FaceTemplate(SQLModel, table=True):
    """One face encoding of a person, AES-GCM encrypted and bound to the person's id."""

    __tablename__ = "face_templates"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    consent_id: int = Field(foreign_key="face_consents.id")
    model: str = Field(max_length=50)
    encoding: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    quality: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="upload", max_length=20, description="upload | camera | cli")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=200)


class FacePhoto(SQLModel, table=True):
    """An enrolled photo, kept only when the admin asks; encrypted like the templates."""

    __tablename__ = "face_photos"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="face_templates.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class FaceAttempt(SQLModel, table=True):
    """A face a camera matched but did not see live: refused (policy enforce) or punched and flagged (observe)."""

    __tablename__ = "face_attempts"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    device_serial: str = Field(max_length=50, index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True, description="whom it resembled")
    distance: float | None = None
    runner_up: float | None = None
    outcome: str = Field(max_length=10, description="refused | flagged")
    reason: str = Field(max_length=20, description="the liveness gate's code: flat, pending, too_small, ...")
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class FaceEvidence(SQLModel, table=True):
    """The frame that decided a face punch or refusal: face crop and small context image, AES-GCM encrypted.

    Keyed to the punch by the camera's ledger key (device serial, PIN, device time); kept for
    `FacePolicy.evidence_retention_days`, erased with the person's face data.
    """

    __tablename__ = "face_evidence"

    id: int | None = Field(default=None, primary_key=True)
    device_serial: str = Field(max_length=50)
    pin: str | None = Field(default=None, max_length=24)
    device_time: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    outcome: str = Field(max_length=10, description="punched | flagged | refused")
    reason: str = Field(max_length=20)
    distance: float | None = None
    runner_up: float | None = None
    face: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    context: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class CameraPrompt(SQLModel, table=True):
    """What a door camera is asking of the face in front of it (blink, turn left/right), for its kiosk."""

    __tablename__ = "camera_prompts"

    device_serial: str = Field(max_length=50, primary_key=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    challenge: str | None = Field(default=None, max_length=20, description="blink | turn_left | turn_right")
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
