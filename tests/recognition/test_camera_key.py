"""The door camera's gallery copy is sealed with the camera's own key, never the service secret."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli
from config import get_settings
from recognition.camera.device_key import CAMERA_KEY_FILE, camera_cipher
from recognition.camera.gallery_cache import GalleryCache, GalleryUnreadable
from recognition.crypto import TemplateCipher, cipher_from_settings
from recognition.errors import TemplateUnreadable
from recognition.gallery import Gallery, GalleryPerson

pytestmark = pytest.mark.db_independent
TOKEN_A, TOKEN_B = "dev_" + "a" * 43, "dev_" + "b" * 43


def _gallery() -> Gallery:
    person = GalleryPerson(staff_id=7, pin="4401", code="NV-7", full_name="Nguyễn Văn An")
    return Gallery([(person, np.full((1, 128), 0.25, dtype=np.float32))])


def test_copy_is_sealed_with_the_device_token_not_the_service_secret(tmp_path: Path) -> None:
    cache = GalleryCache(tmp_path / "gallery.bin", camera_cipher(folder=tmp_path, token=TOKEN_A))
    cache.save(_gallery())
    raw = cache.path.read_bytes()
    assert "Nguyễn".encode() not in raw and b"4401" not in raw
    for purpose in ("camera-gallery", "face-templates"):  # what the service secret would have sealed it with
        with pytest.raises(TemplateUnreadable):
            cipher_from_settings(get_settings(), purpose=purpose).open(raw, context="gallery")
    loaded = GalleryCache(cache.path, camera_cipher(folder=tmp_path, token=TOKEN_A)).load()
    assert loaded is not None and [p.pin for p in loaded.people] == ["4401"]


def test_a_replaced_token_cannot_open_the_old_copy(tmp_path: Path) -> None:
    GalleryCache(tmp_path / "gallery.bin", camera_cipher(folder=tmp_path, token=TOKEN_A)).save(_gallery())
    with pytest.raises(GalleryUnreadable) as caught:
        GalleryCache(tmp_path / "gallery.bin", camera_cipher(folder=tmp_path, token=TOKEN_B)).load()
    assert "Không giải mã được" in caught.value.message("vi")


def test_a_camera_without_a_token_generates_its_own_owner_only_key(tmp_path: Path) -> None:
    cipher = camera_cipher(folder=tmp_path, token=None)
    key_file = tmp_path / CAMERA_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() != get_settings().secret_key
    GalleryCache(tmp_path / "gallery.bin", cipher).save(_gallery())
    assert GalleryCache(tmp_path / "gallery.bin", camera_cipher(folder=tmp_path, token=None)).load() is not None
    with pytest.raises(GalleryUnreadable):
        GalleryCache(tmp_path / "gallery.bin", TemplateCipher(get_settings().secret_key,
                                                              purpose="camera-gallery")).load()


def test_the_camera_refuses_to_start_on_a_copy_it_cannot_read_and_says_why(tmp_path: Path) -> None:
    GalleryCache(tmp_path / "gallery.bin", camera_cipher(folder=tmp_path, token=TOKEN_A)).save(_gallery())
    result = CliRunner().invoke(cli, ["camera", "run", "--source", str(tmp_path / "no-such-clip.mp4"),
                                      "--serial", "CAM-1", "--server", "http://127.0.0.1:9", "--token", TOKEN_B,
                                      "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Không giải mã được bản sao danh sách khuôn mặt" in result.output
