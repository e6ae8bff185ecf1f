"""The API tests' app, client and office (two organisations, one account per role), for the province tests."""

from tests.api.conftest import app, client, office  # noqa: F401
