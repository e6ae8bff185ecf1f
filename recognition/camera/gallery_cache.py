"""The camera's local copy of the gallery, encrypted on disk, so it works while the server is away."""

from __future__ import annotations

import json
import os
from pathlib import Path

from recognition.camera.sealed_store import CameraStoreUnreadable
from recognition.crypto import TemplateCipher
from recognition.errors import TemplateUnreadable
from recognition.gallery import Gallery


class GalleryUnreadable(CameraStoreUnreadable):
    """The gallery copy on disk exists but this camera's key cannot open it (token revoked or replaced)."""

    def __init__(self, path: Path) -> None:
        super().__init__("camera.gallery_unreadable", path)


class GalleryCache:
    def __init__(self, path: Path, cipher: TemplateCipher) -> None:
        self.path = path
        self.cipher = cipher

    def load(self) -> Gallery | None:
        """The cached gallery, or None if there is none; GalleryUnreadable if this key cannot open it."""
        try:
            token = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return Gallery.from_payload(json.loads(self.cipher.open(token, context="gallery")))
        except (TemplateUnreadable, ValueError, KeyError) as err:
            raise GalleryUnreadable(self.path) from err

    def save(self, gallery: Gallery) -> None:
        """Replace the cached copy atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(self.cipher.seal(json.dumps(gallery.to_payload()).encode(), context="gallery"))
        os.replace(tmp, self.path)
