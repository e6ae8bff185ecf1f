"""Face templates encrypted at rest, through the service's one sealing (attendance.sealing)."""

from __future__ import annotations

import numpy as np

from attendance.sealing import Sealer
from config import Settings, get_settings
from recognition.errors import TemplateUnreadable


class TemplateCipher(Sealer):
    """Face templates, photos and evidence: the shared sealing with its own errors and encodings."""

    error = TemplateUnreadable

    def __init__(self, secret_key: str, *, purpose: str = "face-templates") -> None:
        super().__init__(secret_key, purpose=purpose)

    def seal_encoding(self, encoding: np.ndarray, *, staff_id: int) -> bytes:
        return self.seal(np.asarray(encoding, dtype="<f4").tobytes(), context=f"staff:{staff_id}")

    def open_encoding(self, token: bytes, *, staff_id: int) -> np.ndarray:
        raw = self.open(token, context=f"staff:{staff_id}")
        return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def cipher_from_settings(settings: Settings | None = None, *, purpose: str = "face-templates") -> TemplateCipher:
    """The cipher for the configured `secret_key`."""
    return TemplateCipher((settings or get_settings()).secret_key, purpose=purpose)
