"""The door camera's own key for its local gallery copy: never the service secret.

With a device token (a camera talking to the server) the key is derived from the token, so revoking
or replacing the token leaves the old copy unreadable; a camera running in-process generates its own
key in its folder (owner-only), so the service secret never sits on the camera's disk.
"""

from __future__ import annotations

from pathlib import Path

from config.secret import load_or_create_secret
from recognition.crypto import TemplateCipher

CAMERA_KEY_FILE = "camera.key"


def camera_cipher(*, folder: Path, token: str | None) -> TemplateCipher:
    """The cipher for this camera's gallery copy: from its device token, else its own generated key."""
    if token:
        return TemplateCipher(token, purpose="camera-gallery/device-token")
    return TemplateCipher(load_or_create_secret(folder, CAMERA_KEY_FILE), purpose="camera-gallery/own-key")
