"""Sealing bytes at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the service secret.

One mechanism for every biometric and secret the service keeps (face templates and photos,
fingerprint templates, 2FA seeds): each use has its own `purpose` (its own derived key) and each
sealed value is bound to a context (e.g. the owner's id), so rows cannot be swapped between people.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from attendance.errors import AttendanceError

_VERSION = b"\x01"
_NONCE_BYTES = 12
_TAG_BYTES = 16
# The salt predates this module (it was face templates' own): changing it would orphan every sealed row.
_SALT = b"attendance.recognition.v1"


class SealBroken(AttendanceError):
    """A sealed value cannot be opened (wrong key, wrong context or altered bytes)."""

    code = "sealed.unreadable"


class Sealer:
    """Seals and opens bytes for one purpose under one service secret."""

    error: type[AttendanceError] = SealBroken

    def __init__(self, secret_key: str, *, purpose: str) -> None:
        kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode())
        self._aead = AESGCM(kdf.derive(secret_key.encode()))

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        """version byte + random nonce + ciphertext and tag."""
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, token: bytes, *, context: str) -> bytes:
        """The plaintext, or `self.error` if the key, context or bytes are wrong."""
        if len(token) < 1 + _NONCE_BYTES + _TAG_BYTES or token[:1] != _VERSION:
            raise self.error("unknown sealed format")
        nonce, body = token[1 : 1 + _NONCE_BYTES], token[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context.encode())
        except InvalidTag as err:
            raise self.error("sealed data cannot be decrypted (wrong key or altered data)") from err

    def reseal(self, token: bytes, *, context: str, new: Sealer) -> bytes:
        """The same plaintext sealed by `new` (key rotation)."""
        return new.seal(self.open(token, context=context), context=context)
