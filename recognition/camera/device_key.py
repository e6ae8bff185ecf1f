"""The door camera's own key for everything it keeps on disk: never the service secret.

With a device token (a camera talking to the server) the key is derived from the token, so revoking
or replacing the token leaves the old gallery copy, outbox, attempt queue and snapshots unreadable; a
camera running in-process generates its own key in its folder (owner-only), so the service secret
never sits on the camera's disk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from config.secret import load_or_create_secret
from recognition.crypto import TemplateCipher

CAMERA_KEY_FILE = "camera.key"


class CameraKey:
    """Opens the camera's stores: `gallery` for its gallery copy, `seal`/`open` for the outbox, attempt
    queue and snapshots, and `digest` for the keyed look-up values that replace plaintext keys."""

    def __init__(self, secret: str, *, origin: str) -> None:
        # The gallery's purpose is the one its copies have always been sealed with: they stay readable.
        self.gallery = TemplateCipher(secret, purpose=f"camera-gallery/{origin}")
        self._stores = TemplateCipher(secret, purpose=f"camera-stores/{origin}")
        kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"attendance.recognition.v1",
                   info=f"camera-index/{origin}".encode())
        self._index = kdf.derive(secret.encode())

    @classmethod
    def for_camera(cls, *, folder: Path, token: str | None) -> CameraKey:
        """From its device token, else the camera's own generated key in `folder`."""
        if token:
            return cls(token, origin="device-token")
        return cls(load_or_create_secret(folder, CAMERA_KEY_FILE), origin="own-key")

    @classmethod
    def ephemeral(cls) -> CameraKey:
        """A key for stores that live in memory only."""
        return cls(secrets.token_urlsafe(32), origin="memory")

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        return self._stores.seal(plaintext, context=context)

    def open(self, token: bytes, *, context: str) -> bytes:
        """The plaintext, or TemplateUnreadable if this key did not seal it (or it was altered)."""
        return self._stores.open(token, context=context)

    def digest(self, *parts: str) -> str:
        """A keyed hash of `parts`: equal inputs match, yet the disk never shows them."""
        message = "\x1f".join(parts).encode()
        return hmac.new(self._index, message, hashlib.sha256).hexdigest()


def camera_cipher(*, folder: Path, token: str | None) -> TemplateCipher:
    """The cipher for this camera's gallery copy (its `CameraKey`'s)."""
    return CameraKey.for_camera(folder=folder, token=token).gallery
