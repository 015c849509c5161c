"""The student site opened from disk (file://), offline: pages load, search works, nothing is fetched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_search_works_from_file_url_with_no_request_leaving(browser, fixture_site: Path) -> None:
    ctx = browser.new_context()
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            return route.continue_()
        outside.append(url)
        return route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.goto((fixture_site / "student" / "index.html").as_uri())
    assert page.title() == "Fixture pack"
    page.keyboard.press("s")  # Material's shortcut focuses the search box
    box = page.locator("input.md-search__input")
    box.press_sequentially("harbour", delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.inner_text(".md-search-result")
    assert "harbour" in results.lower()
    # The lesson page loads its own assets from disk too.
    page.goto((fixture_site / "student" / "lessons" / "01-basics.html").as_uri())
    assert page.locator(".cf-exercise").count() == 7
    assert outside == []
    ctx.close()
