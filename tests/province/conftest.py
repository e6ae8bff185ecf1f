"""Fixtures the province tests share with other areas: the API tests' office (two organisations, one
account per role); the live server and Chromium come from the root conftest."""

from tests.api.conftest import app, client, office  # noqa: F401
