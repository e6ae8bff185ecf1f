"""Fixtures the province tests share with other areas: the API tests' office (two organisations, one
account per role) and the page tests' live server and Chromium."""

from tests.api.conftest import app, client, office  # noqa: F401
from tests.pages.conftest import browser, server, shots  # noqa: F401
