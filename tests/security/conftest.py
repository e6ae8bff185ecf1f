"""The real app under uvicorn (shared with the page tests) and the API test office."""

from __future__ import annotations

from tests.api.conftest import app, client, office  # noqa: F401
from tests.pages.conftest import server  # noqa: F401
