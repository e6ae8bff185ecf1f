from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reports import scenario

NOW = datetime(2026, 2, 5, 3, 0, tzinfo=UTC)


@pytest.fixture
def jan(session) -> scenario.Scenario:
    return scenario.build(session)
