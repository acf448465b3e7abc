"""Browser fixtures: Debian's chromium driven by Playwright, against a live server.

Every test in this folder is marked ``browser``. Without ``/usr/bin/chromium``
the tests are skipped (a newcomer's ``make test`` still passes and says why),
unless ``ELEARN_REQUIRE_BROWSER=1`` (CI), where a missing browser fails.
Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent

# A cheap Android phone, in Indonesian.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (``-m 'not browser'`` leaves them out) and ``one_backend``:
    a browser sees pages, and the server code behind them runs on both databases in the other tests."""
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.one_backend)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless chromium (skipped, or failed in CI, when it is not installed)."""
    if not CHROMIUM.exists():
        if os.environ.get("ELEARN_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required in CI: apt-get install chromium", pytrace=False)
        pytest.skip("chromium not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test's own ``app`` (same database) on a free port; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page in a fresh phone-sized browser context (390×844, touch, id-ID)."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        yield page
    finally:
        context.close()
