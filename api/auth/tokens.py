"""Signed access tokens (JWT, HS256) for users, and opaque bearer tokens for devices."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from api.auth.models import AuthSession, User
from attendance.timeutil import utcnow
from config import get_settings

ALGORITHM = "HS256"
AUDIENCE = "attendance"
DEVICE_TOKEN_PREFIX = "dev_"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    version: int
    expires_at: datetime
    session_id: str


class InvalidToken(Exception):
    """The token is malformed, forged, expired or revoked."""


def create_access_token(user: User, auth_session: AuthSession) -> tuple[str, datetime]:
    """A signed token naming the user, their token version and the session; returns (token, expiry)."""
    assert user.id is not None
    expires = auth_session.expires_at
    payload = {"sub": str(user.id), "ver": user.token_version, "sid": auth_session.sid, "aud": AUDIENCE,
               "iat": int(auth_session.created_at.timestamp()), "exp": int(expires.timestamp())}
    return jwt.encode(payload, get_settings().secret_key, algorithm=ALGORITHM), expires


def decode_access_token(token: str) -> TokenClaims:
    """The claims of a valid token; raises InvalidToken otherwise."""
    try:
        payload = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM], audience=AUDIENCE,
                             options={"require": ["sub", "exp", "ver", "sid"]})
        return TokenClaims(int(payload["sub"]), int(payload["ver"]),
                           datetime.fromtimestamp(payload["exp"]).astimezone(), str(payload["sid"]))
    except (jwt.PyJWTError, ValueError, TypeError) as err:
        raise InvalidToken(str(err)) from err


def new_device_secret() -> str:
    """A fresh device token: 'dev_' + 256 random bits."""
    return DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)


def device_token_hash(secret: str) -> str:
    """SHA-256 of a device token (high entropy, so a fast hash is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


SECOND_FACTOR_AUDIENCE = "attendance-2fa"


def create_second_factor_token(user: User, *, minutes: int) -> str:
    """A short-lived proof that the password was right, for the code step (never an access token)."""
    assert user.id is not None
    now = utcnow()
    payload = {"sub": str(user.id), "ver": user.token_version, "aud": SECOND_FACTOR_AUDIENCE,
               "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=minutes)).timestamp())}
    return jwt.encode(payload, get_settings().secret_key, algorithm=ALGORITHM)


def decode_second_factor_token(token: str) -> tuple[int, int]:
    """(user id, token version) of a valid code-step token; InvalidToken otherwise."""
    try:
        payload = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM],
                             audience=SECOND_FACTOR_AUDIENCE, options={"require": ["sub", "exp", "ver"]})
        return int(payload["sub"]), int(payload["ver"])
    except (jwt.PyJWTError, ValueError, TypeError) as err:
        raise InvalidToken(str(err)) from err
