"""Optional two-factor sign-in: a TOTP seed per account (sealed under the service secret), one-time
recovery codes, and the rule that some roles must use it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import Engine
from sqlmodel import Session

from api.auth import throttle
from api.auth.models import User
from api.auth.settings import get_auth_settings
from attendance import audit
from attendance.errors import Conflict, InvalidInput
from attendance.timeutil import utcnow
from config import get_settings
from recognition.crypto import TemplateCipher

ISSUER = "Cham cong"
RECOVERY_CODES = 10
_PURPOSE = "totp-seed"


@dataclass(frozen=True, slots=True)
class Enrolment:
    secret: str  # base32, for typing into an app by hand
    uri: str  # otpauth://, what the QR code holds
    qr_svg: Markup


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def required(user: User) -> bool:
    """True when the account's role must sign in with a second factor (ATTENDANCE_AUTH_REQUIRE_2FA_ROLES)."""
    roles = {r.strip() for r in get_auth_settings().require_2fa_roles.split(",") if r.strip()}
    return user.role in roles


def start_enrolment(*, session: Session, user: User) -> Enrolment:
    """A new, not yet active seed for `user`; it takes effect once a code from it is confirmed."""
    if enabled(user):
        raise Conflict("two-factor sign-in is already on; turn it off first")
    seed = pyotp.random_base32()
    user.totp_secret = _cipher().seal(seed.encode(), context=_context(user))
    session.add(user)
    session.flush()
    return _enrolment(user, seed)


def pending_enrolment(user: User) -> Enrolment | None:
    """The enrolment started but not confirmed yet (to show its QR code again)."""
    if enabled(user) or user.totp_secret is None:
        return None
    return _enrolment(user, _seed(user))


def confirm_enrolment(*, session: Session, user: User, code: str, actor: str, client: str | None) -> list[str]:
    """Turn two-factor sign-in on with a first valid code; returns the recovery codes (shown once)."""
    if user.totp_secret is None or enabled(user):
        raise Conflict("start the two-factor set-up first")
    engine = cast(Engine, session.get_bind())
    _take_slot(engine, user, client or "unknown")
    if not _accept_totp(user, code.strip().replace(" ", "")):
        raise InvalidInput("the code is wrong or expired")
    throttle.forgive(engine, username=user.username, client=client or "unknown")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = ",".join(_hash(c) for c in codes)
    user.totp_enabled_at = utcnow()
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="auth.2fa_enable", entity="user", entity_id=user.id,
                 client=client)
    return codes


def disable(*, session: Session, user: User, actor: str, client: str | None) -> None:
    """Turn two-factor sign-in off (after the caller re-authenticated)."""
    user.totp_secret, user.totp_enabled_at, user.recovery_codes, user.totp_last_step = None, None, "", None
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="auth.2fa_disable", entity="user", entity_id=user.id,
                 client=client)


def check_code(*, session: Session, user: User, code: str, client: str, slot_taken: bool = False) -> bool:
    """A TOTP code or an unused recovery code (consumed); throttled like a password (`slot_taken`: this
    attempt's slot was taken by the password checked with it)."""
    engine = cast(Engine, session.get_bind())
    if not slot_taken:
        _take_slot(engine, user, client)
    typed = code.strip().replace(" ", "").lower()
    ok = False
    if user.totp_secret is not None and typed.isdigit():
        ok = _accept_totp(user, typed)
        if ok:
            session.add(user)
    elif typed:
        hashes = [h for h in user.recovery_codes.split(",") if h]
        if _hash(typed) in hashes:
            hashes.remove(_hash(typed))
            user.recovery_codes = ",".join(hashes)
            session.add(user)
            audit.record(session=session, actor=f"user:{user.username}", action="auth.recovery_code_used",
                         entity="user", entity_id=user.id, after={"left": len(hashes)}, client=client)
            ok = True
    if ok:
        throttle.forgive(engine, username=user.username, client=client)
    return ok


def _take_slot(engine: Engine, user: User, client: str) -> None:
    """Every code check takes a slot of the password throttle (one count per account and address)."""
    verdict = throttle.take_slot(engine, username=user.username, client=client[:100])
    if not verdict.allowed:
        raise throttle.TooManyAttempts("too many failed checks; try again later", verdict.retry_after)


def _accept_totp(user: User, typed: str) -> bool:
    """A code of the current 30 s step or a neighbour, never one already used (a code seen over a
    shoulder or replayed cannot sign in a second time); records the step it used."""
    totp = pyotp.TOTP(_seed(user))
    now = utcnow()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        step = current + offset
        if step > (user.totp_last_step or 0) and secrets.compare_digest(totp.generate_otp(step), typed):
            user.totp_last_step = step
            return True
    return False


def reseal(user: User, *, old: TemplateCipher, new: TemplateCipher) -> bool:
    """Re-encrypt the seed under a new service key (key rotation); False when there is none."""
    if user.totp_secret is None:
        return False
    user.totp_secret = new.seal(old.open(user.totp_secret, context=_context(user)), context=_context(user))
    return True


def cipher_for(secret_key: str) -> TemplateCipher:
    return TemplateCipher(secret_key, purpose=_PURPOSE)


def _cipher() -> TemplateCipher:
    return cipher_for(get_settings().secret_key)


def _seed(user: User) -> str:
    assert user.totp_secret is not None
    return _cipher().open(user.totp_secret, context=_context(user)).decode()


def _enrolment(user: User, seed: str) -> Enrolment:
    uri = pyotp.TOTP(seed).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return Enrolment(seed, uri, Markup(segno.make(uri, error="m").svg_inline(scale=4, title="QR")))


def _context(user: User) -> str:
    return f"user:{user.id}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()
