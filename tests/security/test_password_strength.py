"""Passwords: at least 10 characters, not guessable, not the account's own names; refusals in Vietnamese."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.auth.strength import WeakPassword, check_password_strength
from tests.api.conftest import Office


@pytest.mark.db_independent
@pytest.mark.parametrize(("password", "reason"), [
    ("aaaaaaaaaa", "guessable"),
    ("123456789012", "guessable"),
    ("password1234", "guessable"),
    ("qwertyuiop", "guessable"),
    ("short1!", "too_short"),
    ("x" * 300, "too_long"),
    ("nguyenvanan-2026!", "contains_name"),
    ("Văn.An-Nguyễn#77", "contains_name"),
    ("to.chuc.ke.toan", "contains_name"),
])
def test_weak_passwords_are_refused_with_a_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        check_password_strength(password, username="to.chuc", full_name="Nguyễn Văn An")
    assert refused.value.reason == reason
    assert refused.value.message("vi").startswith("Mật khẩu")


@pytest.mark.db_independent
@pytest.mark.parametrize("password", ["mua-thu-ha-noi-vang", "correct-horse-battery", "Tr4ng.xanh.bien.rong",
                                      "chieu-ve-tren-song-huong-gio-thoi-qua-cau-truong-tien-" * 3])  # longer than zxcvbn takes (72): found by schemathesis
def test_strong_passwords_pass(password: str) -> None:
    check_password_strength(password, username="to.chuc", full_name="Nguyễn Văn An")


def test_api_refuses_a_weak_password_with_422_and_vietnamese(client: TestClient, office: Office) -> None:
    user_id = office.users["staff"].id  # linked to Nguyễn Văn An
    for password in ("aaaaaaaaaa", "nguyenvanan-2026!"):
        answer = client.post(f"/api/users/{user_id}/password", headers=office.headers["admin"],
                             json={"password": password})
        assert answer.status_code == 422 and "Mật khẩu" in answer.json()["detail"], answer.text
