"""The camera's last few crops of unknown faces, kept on its disk sealed with the camera's key.

Crops written in clear (`unknown-*.jpg`) by an older version are sealed, and the clear files
removed, when the folder is opened.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from recognition.camera.device_key import CameraKey
from recognition.camera.sealed_store import CameraStoreUnreadable
from recognition.errors import TemplateUnreadable

SUFFIX = ".jpg.sealed"


class SnapshotFolder:
    def __init__(self, folder: Path, key: CameraKey) -> None:
        self.folder = folder
        self.key = key
        for clear in sorted(folder.glob("unknown-*.jpg")):
            self._write(clear.with_name(clear.name + ".sealed"), clear.read_bytes())
            clear.unlink()
        newest = self.names()[-1:]
        if newest:  # one is enough to tell whether the key is this camera's
            try:
                self.read(newest[0])
            except TemplateUnreadable as err:
                raise CameraStoreUnreadable("camera.snapshots_unreadable", folder) from err

    def keep(self, at: datetime, jpeg: bytes, *, limit: int) -> Path:
        """Seal one crop; only the newest `limit` stay."""
        path = self.folder / f"unknown-{at.strftime('%Y%m%dT%H%M%S')}{SUFFIX}"
        self._write(path, jpeg)
        for old in self.names()[:-limit]:
            (self.folder / old).unlink(missing_ok=True)
        return path

    def names(self) -> list[str]:
        """The sealed crops' file names, oldest first."""
        return sorted(p.name for p in self.folder.glob(f"unknown-*{SUFFIX}"))

    def read(self, name: str) -> bytes:
        """A crop's JPEG bytes; TemplateUnreadable if this camera's key did not seal it."""
        return self.key.open((self.folder / name).read_bytes(), context=f"snapshot:{name}")

    def _write(self, path: Path, jpeg: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(self.key.seal(jpeg, context=f"snapshot:{path.name}"))
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
