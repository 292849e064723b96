"""The browser the browser tests share: one Chromium for both modules."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def browser():
    # Imported here, not at the top: test_browser skips itself when Chromium is missing, and a
    # conftest must load either way.
    from tests.browser.test_browser import CHROMIUM, CHROMIUM_FLAGS, playwright_api

    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()
