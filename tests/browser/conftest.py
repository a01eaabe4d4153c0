"""A real browser (Debian's chromium, driven by Playwright) against the built site, served locally."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from handbook.diagrams import chromium_executable
from tests.browser.serve import serve

CHROMIUM_ARGS = [
    # The machine's network is closed; without these Chromium dials Google's services at start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--no-sandbox",
]


def chromium() -> str | None:
    """Path of the system Chromium, or None for the browser Playwright installs itself.

    HANDBOOK_CHROMIUM=/path/to/chrome picks a browser; HANDBOOK_CHROMIUM=playwright uses
    `python -m playwright install chromium`'s (GitHub's workflow: Ubuntu has no Chromium deb).
    CI sets HANDBOOK_REQUIRE_BROWSER=1, so there a missing browser fails the run instead of
    skipping the browser tests."""
    path = chromium_executable()
    if path != "":
        return path
    message = "chromium is not installed (apt-get install -y chromium); .ci/run installs it"
    if os.environ.get("HANDBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    server = serve(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


# Module scope: while Playwright's sync API is alive it keeps an asyncio loop running in this
# thread, and page examples that call asyncio.run() (run later in the same pytest process) fail.
@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
