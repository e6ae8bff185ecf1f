"""The real app under uvicorn on a loopback port and Debian's chromium driven by Playwright.

Registered once, by the root conftest, for every test area: Playwright's sync API allows one instance
per process, so a second copy of these session fixtures (a conftest importing them again) fails with
"using Playwright Sync API inside the asyncio loop" as soon as both areas run in one session.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import running_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "pages"


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The real application served by uvicorn in a thread, against the test database."""
    with running_app("pages-uvicorn") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/setup.sh does this)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the dev extra)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
