"""Credentials for tests of any area that call authenticated routes."""

from __future__ import annotations

from sqlmodel import Session

from api.auth.service import issue_device_token
from tests.api.conftest import add_user

BIOMETRICS = "biometrics.manage,gallery.read"
CAMERA_SCOPES = ["punches.ingest", "gallery.read", "device.heartbeat"]


def admin_headers(session: Session, *, grants: str = BIOMETRICS, username: str = "test.admin") -> dict[str, str]:
    """An admin account (with the biometric grants unless told otherwise) and its bearer header."""
    _, headers = add_user(session, username, "admin", grants=grants)
    session.commit()
    return headers


def device_token(session: Session, *, scopes: list[str] | None = None, device_id: int | None = None) -> str:
    """A camera service's device token (the secret)."""
    issued = issue_device_token(session=session, name="test camera", scopes=scopes or CAMERA_SCOPES,
                                device_id=device_id, actor="test")
    session.commit()
    return issued.secret
