"""Fingerprint tables: consent records, sealed templates, and which template version each terminal holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from attendance.timeutil import UTCDateTime


class FingerprintConsent(SQLModel, table=True):
    """A person's explicit consent to keep and copy their fingerprints (R13); withdrawn, never deleted."""

    __tablename__ = "fingerprint_consents"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    given_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_by: str = Field(max_length=200)
    method: str = Field(max_length=50, description="signed form, kiosk, web, ...")
    document_ref: str | None = Field(default=None, max_length=200)
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    withdrawn_by: str | None = Field(default=None, max_length=200)


class FingerprintTemplate(SQLModel, table=True):
    """The current template of one finger of one person, sealed and bound to the person and finger.

    `version` grows with each re-enrolment, so a terminal holding an older version is rewritten.
    """

    __tablename__ = "fingerprint_templates"
    __table_args__ = (UniqueConstraint("staff_id", "finger", name="uq_fingerprint_finger"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    finger: int = Field(description="0-9, the terminal's finger index (FID)")
    valid: int = Field(default=1, description="the terminal's flag: 1 normal, 3 duress finger")
    template: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    version: int = 1
    consent_id: int = Field(foreign_key="fingerprint_consents.id")
    source_device_id: int | None = Field(default=None, foreign_key="devices.id")
    enrolled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TerminalFingerprint(SQLModel, table=True):
    """A finger the service knows a terminal holds (read from it, written and confirmed, or queued).

    Kept after the template itself is erased, so a terminal that was offline is still cleaned.
    """

    __tablename__ = "terminal_fingerprints"

    device_id: int = Field(foreign_key="devices.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    finger: int = Field(primary_key=True)
    version: int = 0
    command_id: int | None = Field(default=None, index=True, description="push: the queued command awaiting its reply")
    confirmed: bool = Field(default=False, description="the terminal holds it (read back or reply OK)")
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
