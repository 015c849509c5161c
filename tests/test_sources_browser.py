"""Images as evidence and several sources in Chromium: the student lesson page of the two-sources
fixture pack, opened from file:// under its Content-Security-Policy, shows both images (loaded from
the site's own folder), and a highlight exercise on an image's caption works."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, build_pack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PACK_DIR = ROOT / "tests" / "fixtures" / "pack-two-sources"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("two-sources-editions") / "site"
    build_pack(PACK_DIR, out, handouts=False, exports=False)
    return out


def test_images_load_under_the_csp_and_a_caption_can_be_highlighted(browser, site: Path) -> None:
    ctx = browser.new_context()
    page = ctx.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((site / "student" / "lessons" / "01-compare.html").as_uri())
    page.wait_for_load_state("load")
    imgs = page.eval_on_selector_all("figure.cf-figure img", "els => els.map(e => [e.getAttribute('alt'), e.complete && e.naturalWidth > 0])")
    assert len(imgs) >= 3 and all(alt and ok for alt, ok in imgs), imgs
    assert all(u.startswith("file://") for u in requests), [u for u in requests if not u.startswith("file://")]
    box = page.locator('[data-exercise="x-caption"]')
    words = box.locator(".cf-caption .cf-w")
    assert words.count() == len("Drivers queue at the closed bridge, as drawn by our artist.".split())
    for w in ("as", "drawn", "by", "our", "artist"):
        box.locator(".cf-caption .cf-w", has_text=w).last.click()
    assert box.locator('.cf-w[aria-pressed="true"]').count() == 5
    assert problems == []
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_two_sources_pages(browser, site: Path, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from test_browser import AXE_TAGS

    from conftest import serve_folder

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = ctx.new_page()
    problems = []
    with serve_folder(site) as url:
        for rel in ("student/lessons/01-compare.html", "student/source/article.html", "student/source/coverage.html",
                    "teacher/lessons/01-compare.html", "teacher/source/coverage.html"):
            page.goto(f"{url}/{rel}")
            res = axe.run(page, options=options)
            if res.violations_count:
                problems.append(f"{rel}:\n{res.generate_report()}")
    ctx.close()
    assert not problems, "\n".join(problems)
