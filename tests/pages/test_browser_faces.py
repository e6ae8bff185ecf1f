"""The faces page in a real browser: a phone photo over the upload limit is scaled down before upload."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlmodel import Session

from config import get_settings
from tests.pages.conftest import add_user, log_in, seed_office

pytestmark = pytest.mark.slow


def _huge_photo(faces_dir: Path, target: Path) -> Path:
    """obama.jpg in the middle of a 4000x3000 photo whose grainy background makes it weigh over 10 MB."""
    rng = np.random.default_rng(1)
    canvas = rng.integers(60, 200, (3000, 4000, 3), dtype=np.uint8)
    face = Image.open(faces_dir / "train/obama/obama.jpg").convert("RGB")
    face = face.resize((1600, round(1600 * face.height / face.width)))
    picture = Image.fromarray(canvas)
    picture.paste(face, ((4000 - face.width) // 2, (3000 - face.height) // 2))
    picture.save(target, format="JPEG", quality=98)
    return target


def test_an_oversize_phone_photo_is_resized_in_the_browser_and_enrolls(
    server, browser, session: Session, faces_dir: Path, tmp_path: Path
) -> None:
    office = seed_office(session)
    add_user(session, "anhlon", "admin", grants="biometrics.manage")
    session.commit()
    limit = get_settings().faces.max_upload_bytes
    photo = _huge_photo(faces_dir, tmp_path / "IMG_0001.jpg")
    assert photo.stat().st_size > limit
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, server, "anhlon")
    page.goto(f"{server}/faces?staff={office.late.id}")
    page.check("input[name=agreed]")
    page.click("#consent button[type=submit]")
    page.set_input_files("#photo-input", str(photo))
    with page.expect_request(lambda r: r.url.endswith("/photos") and r.method == "POST") as sent:
        page.click("#photo-form button[type=submit]")
    assert len(sent.value.post_data_buffer or b"") < limit
    page.wait_for_load_state()
    assert "Đã đăng ký mẫu khuôn mặt (1 mẫu)" in page.locator("main > p.flash").inner_text()
    context.close()
