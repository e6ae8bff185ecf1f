"""Rotating the service secret: re-seal what it protects, end every session, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.auth import two_factor
from api.auth.models import User
from api.auth.sessions import end_all_sessions
from attendance import audit, request_files
from devices.fingerprints import store as fingerprints
from recognition import enrollment
from recognition.crypto import TemplateCipher


@dataclass(frozen=True, slots=True)
class Rotation:
    templates: int
    sessions_ended: int
    fingerprints: int = 0
    documents: int = 0


def rotate_secret(*, session: Session, old_key: str, new_key: str, actor: str) -> Rotation:
    """Re-encrypt face and fingerprint templates, kept photos, 2FA seeds and request documents from `old_key`
    to `new_key`; log everyone out.

    Tokens signed with the old key stop verifying anyway; ending the sessions also makes that visible
    to administrators and survives a rollback to the old key.
    """
    templates = enrollment.rekey(session=session, old=TemplateCipher(old_key), new=TemplateCipher(new_key),
                                 actor=actor)
    fingers = fingerprints.rekey(session=session, old=fingerprints.sealer(secret_key=old_key),
                                 new=fingerprints.sealer(secret_key=new_key))
    documents = request_files.rekey(session=session, old=request_files.sealer(secret_key=old_key),
                                    new=request_files.sealer(secret_key=new_key))
    old_seal, new_seal = two_factor.cipher_for(old_key), two_factor.cipher_for(new_key)
    for user in session.exec(select(User).where(col(User.totp_secret).is_not(None))):
        two_factor.reseal(user, old=old_seal, new=new_seal)
        session.add(user)
    ended = end_all_sessions(session=session, user_id=None, reason="key-rotation", actor=actor)
    audit.record(session=session, actor=actor, action="secret.rotate", entity="service",
                 after={"templates": templates, "fingerprints": fingers, "documents": documents,
                        "sessions_ended": ended})
    session.flush()
    return Rotation(templates, ended, fingers, documents)
