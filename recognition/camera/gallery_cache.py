"""The camera's local copy of the gallery, encrypted on disk, so it works while the server is away."""

from __future__ import annotations

import json
import os
from pathlib import Path

from recognition.crypto import TemplateCipher
from recognition.errors import TemplateUnreadable
from recognition.gallery import Gallery


class GalleryCache:
    def __init__(self, path: Path, cipher: TemplateCipher) -> None:
        self.path = path
        self.cipher = cipher

    def load(self) -> Gallery | None:
        """The cached gallery, or None if there is none or it cannot be read."""
        try:
            token = self.path.read_bytes()
            return Gallery.from_payload(json.loads(self.cipher.open(token, context="gallery")))
        except (OSError, TemplateUnreadable, ValueError, KeyError):
            return None

    def save(self, gallery: Gallery) -> None:
        """Replace the cached copy atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(self.cipher.seal(json.dumps(gallery.to_payload()).encode(), context="gallery"))
        os.replace(tmp, self.path)
