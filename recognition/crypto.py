"""Templates encrypted at rest: AES-256-GCM with a key derived (HKDF-SHA256) from the service secret."""

from __future__ import annotations

import os

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from config import Settings, get_settings
from recognition.errors import TemplateUnreadable

_VERSION = b"\x01"
_NONCE_BYTES = 12


class TemplateCipher:
    """Seals bytes bound to a context (e.g. the owner's id), so rows cannot be swapped between people."""

    def __init__(self, secret_key: str, *, purpose: str = "face-templates") -> None:
        kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"attendance.recognition.v1", info=purpose.encode())
        self._aead = AESGCM(kdf.derive(secret_key.encode()))

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        """version byte + random nonce + ciphertext and tag."""
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, token: bytes, *, context: str) -> bytes:
        """The plaintext, or TemplateUnreadable if the key, context or bytes are wrong."""
        if len(token) < 1 + _NONCE_BYTES + 16 or token[:1] != _VERSION:
            raise TemplateUnreadable("unknown template format")
        nonce, body = token[1 : 1 + _NONCE_BYTES], token[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context.encode())
        except InvalidTag as err:
            raise TemplateUnreadable("template cannot be decrypted (wrong key or altered data)") from err

    def seal_encoding(self, encoding: np.ndarray, *, staff_id: int) -> bytes:
        return self.seal(np.asarray(encoding, dtype="<f4").tobytes(), context=f"staff:{staff_id}")

    def open_encoding(self, token: bytes, *, staff_id: int) -> np.ndarray:
        raw = self.open(token, context=f"staff:{staff_id}")
        return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def cipher_from_settings(settings: Settings | None = None, *, purpose: str = "face-templates") -> TemplateCipher:
    """The cipher for the configured `secret_key`."""
    return TemplateCipher((settings or get_settings()).secret_key, purpose=purpose)
