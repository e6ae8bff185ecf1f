"""Security headers on every response, and pages that need no inline script (so the policy holds)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Office

PAGES = ["/login", "/today", "/month", "/calendar", "/devices", "/faces", "/requests", "/kiosk",
         "/khong-co-trang-nay"]
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def _check_headers(headers: object, path: str) -> None:
    policy = headers["content-security-policy"]  # type: ignore[index]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0], path
    assert headers["x-content-type-options"] == "nosniff", path  # type: ignore[index]
    assert headers["referrer-policy"] == "same-origin", path  # type: ignore[index]


def test_every_page_and_api_answer_carries_the_headers(client: TestClient, office: Office) -> None:
    assert client.post("/api/auth/session", json={"username": "admin", "password": PASSWORD}).status_code == 200
    for path in [*PAGES, "/people/1/month", "/api/auth/me", "/api/nope", "/health", "/static/app.css"]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, path
        _check_headers(response.headers, path)
        if "text/html" in response.headers.get("content-type", ""):
            assert not _INLINE_SCRIPT.search(response.text), f"{path}: inline <script>"
            assert not _HANDLER.search(response.text), f"{path}: inline event handler"
    too_big = client.post("/api/punches/batch", content=b"x" * 9_000_000)
    assert too_big.status_code == 413
    _check_headers(too_big.headers, "413")
