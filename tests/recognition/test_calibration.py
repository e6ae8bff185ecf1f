"""Calibration among the office's own people: leave-one-out distances, rates, recommendation, close pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli.main import app
from attendance.models import AuditEntry
from recognition.calibration import calibrate
from recognition.gallery import Gallery, GalleryPerson
from tests.factories import make_staff

runner = CliRunner()


def _synthetic(rng: np.random.Generator, people: int, per_person: int, spread: float) -> Gallery:
    centres = rng.normal(0, 0.09, (people, 128))
    return Gallery(
        (GalleryPerson(i + 1, str(i), f"P{i}", f"P{i}"), c + rng.normal(0, spread, (per_person, 128)))
        for i, c in enumerate(centres)
    )


@pytest.mark.db_independent
def test_leave_one_out_distances_agree_with_brute_force() -> None:
    rng = np.random.default_rng(1)
    gallery = _synthetic(rng, 30, 3, 0.02)
    result = calibrate(gallery, threshold=0.58, margin=0.08)
    owners = np.repeat(np.arange(30), 3)
    full = np.linalg.norm(gallery.encodings[:, None, :] - gallery.encodings[None, :, :], axis=2)
    np.fill_diagonal(full, np.inf)
    same = np.where(owners[:, None] == owners[None, :], full, np.inf).min(axis=1)
    other = np.where(owners[:, None] != owners[None, :], full, np.inf).min(axis=1)
    np.testing.assert_allclose(np.sort(result.genuine), np.sort(same), atol=1e-4)
    np.testing.assert_allclose(np.sort(result.impostor), np.sort(other), atol=1e-4)
    assert result.current.false_accept == pytest.approx(float(np.mean(other < 0.58)))


@pytest.mark.db_independent
def test_two_people_too_alike_are_named_and_the_recommendation_meets_the_target() -> None:
    rng = np.random.default_rng(2)
    entries = list(_synthetic(rng, 20, 3, 0.02).entries())
    twin = entries[0][1] + rng.normal(0, 0.004, entries[0][1].shape)  # nearly the same face as P0
    entries.append((GalleryPerson(99, "99", "TWIN", "Twin"), twin))
    result = calibrate(Gallery(entries), threshold=0.58, margin=0.08, target_far=0.01)
    assert {(p.first, p.second) for p in result.close_pairs} == {("P0", "TWIN")}
    assert result.recommended.false_accept <= 0.01 and result.recommended.misidentified <= 0.01


@pytest.mark.db_independent
def test_the_shared_photos_separate_at_the_current_threshold(train_gallery: Gallery) -> None:
    result = calibrate(train_gallery, threshold=0.58, margin=0.08)
    assert result.people == len(train_gallery) and len(result.genuine) > 0
    assert result.genuine.max() < 0.58 <= result.impostor.min()
    assert result.current.false_accept == 0.0 and result.current.misidentified == 0.0


def test_calibrate_command_plots_applies_with_audit_and_ends_with_figures(
    session: Session, faces_root: Path, tmp_path: Path
) -> None:
    for code, photos in {
        "NV-OBAMA": ["train/obama/obama.jpg", "train/obama/obama2.jpg"],
        "NV-BIDEN": ["train/biden/biden.jpg", "train/biden/biden2.jpg"],
    }.items():
        make_staff(session, code=code)
        session.commit()
        assert runner.invoke(app, ["faces", "consent", code]).exit_code == 0
        enrolled = runner.invoke(app, ["faces", "enroll", code, *[str(faces_root / p) for p in photos]])
        assert enrolled.exit_code == 0, enrolled.output
    env_file = tmp_path / ".env"
    env_file.write_text("ATTENDANCE_LANGUAGE=vi\nATTENDANCE_FACES__THRESHOLD=0.7\n")
    plot = tmp_path / "calibration.png"
    args = ["faces", "calibrate", "--plot", str(plot), "--apply", "--env-file", str(env_file), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["people"] == 2 and figures["encodings"] == 4 and figures["genuine_distance"]["n"] == 4
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = env_file.read_text().splitlines()
    assert lines[0] == "ATTENDANCE_LANGUAGE=vi"
    assert f"ATTENDANCE_FACES__THRESHOLD={figures['recommended']['threshold']:.2f}" in lines
    assert sum(line.startswith("ATTENDANCE_FACES__THRESHOLD") for line in lines) == 1
    session.expire_all()
    change = session.exec(select(AuditEntry).where(AuditEntry.action == "settings.faces_threshold")).one()
    assert change.after["threshold"] == figures["recommended"]["threshold"]
