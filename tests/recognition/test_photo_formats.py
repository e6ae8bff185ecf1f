"""Every photo format a phone takes, detected by content; batch enrollment and evaluation go on past refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli.main import app
from config.settings import FacePolicy
from recognition.engine import FaceEngine
from recognition.enrollment import extract_sample, limits_for
from recognition.imaging import decode_photo
from recognition.models import FaceTemplate
from tests.factories import make_staff

runner = CliRunner()


def _reencoded(source: Path, image_format: str) -> bytes:
    pillow_heif.register_heif_opener()  # so that Pillow can also write HEIF
    buffer = io.BytesIO()
    Image.open(source).convert("RGB").save(buffer, format=image_format, quality=90)
    return buffer.getvalue()


@pytest.mark.db_independent
@pytest.mark.parametrize("image_format", ["WEBP", "HEIF"])
def test_phone_formats_decode_and_give_a_face(
    image_format: str, faces_root: Path, face_engine: FaceEngine, face_policy: FacePolicy
) -> None:
    data = _reencoded(faces_root / "train/obama/obama.jpg", image_format)
    image = decode_photo(data, limits_for(face_policy))
    assert image.rgb.ndim == 3 and image.rgb.shape[2] == 3
    sample = extract_sample(data, engine=face_engine, policy=face_policy)
    assert sample.encoding.shape == (128,)


@pytest.mark.db_independent
def test_evaluate_reports_a_disguised_and_an_unreadable_photo_and_goes_on(faces_root: Path, tmp_path: Path) -> None:
    for target, source in {
        "train/obama/obama.jpg": "train/obama/obama.jpg",
        "train/biden/biden2.jpg": "train/biden/biden2.jpg",
        "test/obama/obama-240p.jpg": "test/obama/obama-240p.jpg",
    }.items():
        (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / target).symlink_to(faces_root / source)
    # What phones and messaging apps do: WEBP (or HEIC) content under a .jpg name.
    (tmp_path / "train/obama/from-zalo.jpg").write_bytes(_reencoded(faces_root / "train/obama/obama2.jpg", "WEBP"))
    (tmp_path / "test/obama/from-iphone.jpg").write_bytes(_reencoded(faces_root / "test/obama/obama-480p.jpg", "HEIF"))
    (tmp_path / "test/obama/broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    result = runner.invoke(app, ["faces", "evaluate", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["enrolled_photos"] == 3  # the WEBP-in-a-.jpg enrolled
    assert figures["tests"] == 2 and figures["accuracy"] == 1.0  # the HEIC one identified
    assert figures["refused_test_photos"] == 1
    assert "broken.jpg" in result.output


def test_batch_enrollment_takes_webp_and_heic_and_reports_the_rest(
    session: Session, faces_root: Path, tmp_path: Path
) -> None:
    staff = make_staff(session, code="NV-FMT", full_name="Barack Obama")
    session.commit()
    assert runner.invoke(app, ["faces", "consent", "NV-FMT"]).exit_code == 0
    folder = tmp_path / "batch" / "NV-FMT"
    folder.mkdir(parents=True)
    (folder / "a.jpg").write_bytes(_reencoded(faces_root / "train/obama/obama.jpg", "WEBP"))
    (folder / "b.HEIC").write_bytes(_reencoded(faces_root / "train/obama/obama2.jpg", "HEIF"))
    (folder / "c.jpeg").write_bytes(b"garbage")
    result = runner.invoke(app, ["faces", "enroll", "--folder", str(tmp_path / "batch")])
    assert result.exit_code == 1, result.output  # one refused, said why, the others enrolled
    assert "Traceback" not in result.output
    assert "Đã đăng ký 2 ảnh, từ chối 1" in result.output and "c.jpeg" in result.output
    templates = session.exec(select(FaceTemplate).where(FaceTemplate.staff_id == staff.id)).all()
    assert len(templates) == 2


@pytest.mark.db_independent
def test_evaluate_on_a_folder_without_train_and_test_says_so_and_still_ends_with_json(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    result = runner.invoke(app, ["faces", "evaluate", str(tmp_path), "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["tests"] == 0
