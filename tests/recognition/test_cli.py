"""`attendance faces ...` end to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli.main import app
from recognition.models import FaceTemplate
from tests.factories import make_staff

runner = CliRunner()


def _dataset(root: Path, faces_root: Path) -> Path:
    """A small evaluation set laid out like shared/faces, linking to its photos."""
    layout = {
        "train/obama/obama.jpg": "train/obama/obama.jpg",
        "train/biden/biden2.jpg": "train/biden/biden2.jpg",
        "test/obama/obama-240p.jpg": "test/obama/obama-240p.jpg",
        "test/_unknown/lin-manuel-miranda.png": "test/_unknown/lin-manuel-miranda.png",
    }
    for target, source in layout.items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        (root / target).symlink_to(faces_root / source)
    return root


@pytest.mark.db_independent
def test_evaluate_prints_figures_and_json(faces_root: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["faces", "evaluate", str(_dataset(tmp_path, faces_root)), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["tests"] == 2 and figures["accuracy"] == 1.0
    assert (figures["false_accepts"], figures["false_rejects"]) == (0, 0)
    assert figures["enrolled_people"] == 2


def test_consent_enroll_list_erase(session: Session, faces_root: Path, tmp_path: Path) -> None:
    make_staff(session, code="NV-OBAMA", full_name="Barack Obama")
    make_staff(session, code="NV-ROSE", full_name="Rose Leslie")
    session.commit()
    refused = runner.invoke(app, ["faces", "enroll", "NV-OBAMA", str(faces_root / "train/obama/obama.jpg")])
    assert refused.exit_code == 1 and "chưa có sự đồng ý" in refused.output
    assert runner.invoke(app, ["faces", "consent", "NV-OBAMA", "--ref", "07/2026"]).exit_code == 0
    batch = tmp_path / "batch"
    (batch / "NV-OBAMA").mkdir(parents=True)
    (batch / "NV-OBAMA" / "a.jpg").symlink_to(faces_root / "train/obama/obama.jpg")
    (batch / "NV-OBAMA" / "b.jpg").symlink_to(faces_root / "group/two_people.jpg")
    result = runner.invoke(app, ["faces", "enroll", "--folder", str(batch)])
    assert result.exit_code == 1  # one photo refused, and said why
    assert "Đã đăng ký 1 ảnh, từ chối 1" in result.output and "2 khuôn mặt" in result.output
    listed = runner.invoke(app, ["faces", "list"])
    assert "NV-OBAMA" in listed.output and "NV-ROSE" not in listed.output
    erased = runner.invoke(app, ["faces", "erase", "NV-OBAMA", "--reason", "nghỉ việc", "--withdraw"])
    assert erased.exit_code == 0 and "Đã xoá 1 mẫu" in erased.output
    assert runner.invoke(app, ["faces", "erase", "NOBODY", "--reason", "x"]).exit_code == 2


def test_enroll_from_a_camera(session: Session, faces_root: Path, tmp_path: Path) -> None:
    staff = make_staff(session, code="NV-CAM", full_name="Barack Obama")
    session.commit()
    assert runner.invoke(app, ["faces", "consent", "NV-CAM"]).exit_code == 0
    clip = tmp_path / "enroll.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    photo = cv2.resize(cv2.imread(str(faces_root / "test/obama/obama-480p.jpg")), (640, 360))
    face = np.full((480, 640, 3), 40, np.uint8)
    face[60:420] = photo
    for frame in [np.full((480, 640, 3), 40, np.uint8)] * 4 + [face] * 12:
        writer.write(frame)
    writer.release()
    result = runner.invoke(
        app, ["faces", "enroll-camera", "NV-CAM", "--source", str(clip), "--shots", "2", "--gap", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "Không tìm thấy khuôn mặt" in result.output  # the empty frames, said once
    assert "Đã đăng ký 2/2 mẫu" in result.output
    templates = session.exec(select(FaceTemplate).where(FaceTemplate.staff_id == staff.id)).all()
    assert [t.source for t in templates] == ["camera", "camera"]
