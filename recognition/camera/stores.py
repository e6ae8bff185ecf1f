"""Everything a camera keeps in its folder, opened with its one key, or refused together at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from recognition.camera.attempt_queue import AttemptQueue
from recognition.camera.device_key import CameraKey
from recognition.camera.gallery_cache import GalleryCache
from recognition.camera.outbox import Outbox
from recognition.camera.snapshots import SnapshotFolder


@dataclass(frozen=True, slots=True)
class CameraStores:
    gallery: GalleryCache
    outbox: Outbox
    attempts: AttemptQueue
    snapshots: SnapshotFolder

    def close(self) -> None:
        self.outbox.close()
        self.attempts.close()


def open_camera_stores(folder: Path, key: CameraKey) -> CameraStores:
    """The camera's stores in `folder`, clear ones from before sealed once; CameraStoreUnreadable (naming
    the file) when this key cannot open one, before anything is read from the camera or the server."""
    gallery = GalleryCache(folder / "gallery.bin", key.gallery)
    gallery.load()
    outbox = Outbox(folder / "outbox.sqlite3", key=key)
    try:
        attempts = AttemptQueue(folder / "attempts.sqlite3", key=key)
    except Exception:
        outbox.close()
        raise
    try:
        snapshots = SnapshotFolder(folder / "unknown", key)
    except Exception:
        outbox.close()
        attempts.close()
        raise
    return CameraStores(gallery, outbox, attempts, snapshots)
