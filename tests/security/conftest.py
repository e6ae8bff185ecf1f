"""The API test office (the real app under uvicorn comes from the root conftest)."""

from __future__ import annotations

from tests.api.conftest import app, client, office  # noqa: F401
