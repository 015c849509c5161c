"""Issue 12.2: a Content-Security-Policy on every page of both editions. In Chromium, from file://
and over http: the policy is active (a planted inline script is refused) and the pages still work
(search finds a word, an instant exercise checks, the palette toggles, Check answers loads) with
no CSP violation."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(editions_site: Path) -> Path:
    return editions_site


@pytest.fixture(scope="module")
def http_root(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


def _open(browser, url: str):
    ctx = browser.new_context()
    page = ctx.new_page()
    violations: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return ctx, page, violations, errors


def _url(site: Path, http_root: str, scheme: str, rel: str) -> str:
    return (site / rel).as_uri() if scheme == "file" else f"{http_root}/{rel}"


def test_every_page_carries_the_policy(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for p in pages:
        head = p.read_text(encoding="utf-8").split("</head>")[0]
        assert head.count('http-equiv="Content-Security-Policy"') == 1, p
        csp = head.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
        assert "default-src 'none'" in csp and "casefile-csp-hashes" not in csp, p
        assert "http:" not in csp and "https:" not in csp and "*" not in csp, p
        # the tag comes before any script or stylesheet of the page
        assert head.index("Content-Security-Policy") < min(i for i in (head.find("<script"), head.find("<link rel=\"stylesheet\"")) if i >= 0), p


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_planted_inline_script_is_refused(browser, site: Path, http_root: str, scheme: str, tmp_path: Path) -> None:
    lesson = site / "student" / "lessons" / "01-basics.html"
    planted = lesson.with_name("planted.html")
    planted.write_text(lesson.read_text(encoding="utf-8").replace(
        "</body>", "<script>window.__planted = 1</script><img src=x onerror=\"window.__planted2 = 1\"></body>"), encoding="utf-8")
    try:
        ctx, page, violations, _ = _open(browser, _url(site, http_root, scheme, "student/lessons/planted.html"))
        page.wait_for_timeout(300)
        assert page.evaluate("window.__planted === undefined && window.__planted2 === undefined")
        assert any("inline script" in v or "script-src" in v for v in violations), violations
        ctx.close()
    finally:
        planted.unlink()


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_student_pages_work_under_the_policy(browser, site: Path, http_root: str, scheme: str) -> None:
    ctx, page, violations, errors = _open(browser, _url(site, http_root, scheme, "student/index.html"))
    # search
    page.keyboard.press("s")
    page.locator("input.md-search__input").press_sequentially("harbour", delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert "harbour" in page.inner_text(".md-search-result").lower()
    # palette toggle (dark mode)
    page.keyboard.press("Escape")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {before!r}", timeout=5000)
    # an instant exercise
    page.goto(_url(site, http_root, scheme, "student/lessons/01-basics.html"))
    page.check("#ex-b-choice-box input[value=c]")
    page.click("#ex-b-choice-box .cf-check")
    assert "INSTANT-why-c" in page.inner_text("#ex-b-choice-box .cf-feedback")
    # a link to another page still navigates
    page.click("a[href='../index.html'] >> nth=0")
    page.wait_for_url("**/index.html")
    assert violations == [] and errors == []
    ctx.close()


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_teacher_pages_work_under_the_policy(browser, site: Path, http_root: str, scheme: str) -> None:
    ctx, page, violations, errors = _open(browser, _url(site, http_root, scheme, "teacher/teacher/check-answers.html"))
    page.wait_for_timeout(500)
    page.goto(_url(site, http_root, scheme, "teacher/lessons/01-basics.html"))
    page.wait_for_timeout(300)
    assert violations == [] and errors == []
    ctx.close()
