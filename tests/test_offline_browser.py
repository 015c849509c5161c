"""The student site opened from disk (file://), offline: pages load, search works, nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def offline_context(browser, **options):
    """A browser context that lets through only local pages (file:, data:, blob:, about:) and
    records, then aborts, every other request."""
    ctx = browser.new_context(**options)
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            return route.continue_()
        outside.append(url)
        return route.abort()

    ctx.route("**/*", guard)
    return ctx, outside


def test_search_works_from_file_url_with_no_request_leaving(browser, fixture_site: Path) -> None:
    ctx, outside = offline_context(browser)
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
    assert page.locator(".cf-exercise").count() == 8
    assert outside == []
    ctx.close()


def test_exercises_work_and_keep_answers_from_file_url(browser, fixture_site: Path, tmp_path: Path) -> None:
    """From disk: instant feedback, answers kept across a reload, progress on the lesson list, download."""
    import json

    ctx, outside = offline_context(browser, accept_downloads=True)
    errors: list[str] = []
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    lesson = (fixture_site / "student" / "lessons" / "01-basics.html").as_uri()
    page.goto(lesson)
    page.check("#ex-b-choice-box input[value=c]")
    page.click("#ex-b-choice-box .cf-check")
    assert "INSTANT-why-c" in page.inner_text("#ex-b-choice-box .cf-feedback")
    page.click("#ex-b-order-box ol.cf-order > li[data-item=y] .cf-up")
    page.reload()
    assert page.is_checked("#ex-b-choice-box input[value=c]")
    assert page.eval_on_selector_all("#ex-b-order-box ol.cf-order > li", "ls => ls.map(l => l.dataset.item)") == ["y", "x", "z"]
    page.fill("#cf-student", "File User")
    with page.expect_download() as dl:
        page.click("[data-cf-action=download]")
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert data["answers"] == {"b-choice": ["c"], "b-order": ["y", "x", "z"]}
    page.goto((fixture_site / "student" / "index.html").as_uri())
    assert "2 of 8 answered" in page.inner_text(".cf-progress[data-lesson='01-basics']")
    ctx.close()
    assert outside == [] and errors == []
