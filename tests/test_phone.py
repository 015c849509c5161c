"""Phones (issue 17.1): every page of both editions of the default pack, at 320, 390 and 1280 px, is no
wider than the window, and classify/match exercises are stacked cards on a phone and a two-column
table on a desktop. Screenshots for a person to look at go to test-artifacts/phone/."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_browser import _serve, site_pages

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "phone"
WIDTHS = (320, 390, 1280)
LESSON = "lessons/02-who-is-behind-it.html"  # classify, highlight, choice: the widest exercises

pytestmark = pytest.mark.browser

# What sticks out past the right edge of the window (not clipped by a scrolling box inside it).
WIDEST = """() => {
  const W = innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right <= W + 1 || !r.width) continue;
    let p = el.parentElement, inside = false;
    for (; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= W + 1) { inside = true; break; }
    }
    if (!inside) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)} px)`);
  }
  return out.slice(-3);
}"""


@pytest.fixture(scope="module")
def default_server(default_site: Path):
    servers = {e: _serve(default_site / e) for e in ("student", "teacher")}
    yield {e: f"http://127.0.0.1:{s.server_address[1]}" for e, s in servers.items()}
    for s in servers.values():
        s.shutdown()
        s.server_close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window(browser, default_site: Path, default_server, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    wide, seen = [], 0
    for edition in ("student", "teacher"):
        for uri in site_pages(default_site, edition):
            page.goto(f"{default_server[edition]}/{uri}")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                wide.append(f"{edition}/{uri}: {scroll} px wide in a {inner} px window; {page.evaluate(WIDEST)}")
            seen += 1
    assert seen >= 40, seen  # 14 student and 28 teacher pages, at least
    page.goto(f"{default_server['student']}/{LESSON}")
    page.screenshot(path=str(ARTIFACTS / f"lesson-{width}.png"), full_page=True)
    ctx.close()
    assert not wide, "\n".join(wide)


def test_classify_and_match_are_cards_on_a_phone_and_a_table_on_a_desktop(browser, default_server) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    layout = """sel => { const t = document.querySelector(sel); const row = t.querySelector('tbody tr');
      const [item, choice] = row.querySelectorAll('td'); const s = choice.querySelector('select');
      const a = item.getBoundingClientRect(), b = s.getBoundingClientRect(), w = t.getBoundingClientRect().width;
      return {below: b.top >= a.bottom - 1, item: a.width / w, select: b.width / w,
              head: getComputedStyle(t.querySelector('thead')).position}; }"""
    for width in (390, 1280):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        for uri, sel in ((LESSON, ".cf-classify"), ("lessons/06-rhetorical-techniques.html", ".cf-match")):
            page.goto(f"{default_server['student']}/{uri}")
            got = page.evaluate(layout, sel)
            if width == 390:  # a card: the item above its choice, both the card's full width
                assert got["below"] and got["item"] > 0.8 and got["select"] > 0.8, (uri, got)
                assert got["head"] == "absolute", "the column headings stay for screen readers, out of sight"
            else:  # a table: the item gets a fair column, the select the rest
                assert not got["below"] and 0.45 <= got["item"] <= 0.7 and 0.25 <= got["select"] <= 0.55, (uri, got)
        if width == 390:
            page.goto(f"{default_server['student']}/{LESSON}")
            box = page.locator(".cf-exercise:has(.cf-classify)").first
            box.scroll_into_view_if_needed()
            box.screenshot(path=str(ARTIFACTS / "classify-390.png"), style=".md-header { position: absolute; }")
            page.goto(f"{default_server['student']}/index.html")
            page.screenshot(path=str(ARTIFACTS / "home-390.png"), full_page=True)
            page.goto(f"{default_server['teacher']}/teacher/guide/01-first-look.html")
            page.screenshot(path=str(ARTIFACTS / "guide-390.png"), full_page=True)
            # the run sheet: time, activity and minutes on one line, what happens below at full width
            cells = page.evaluate("""() => [...document.querySelector('#run-sheet ~ .md-typeset__scrollwrap tbody tr').cells]
                                       .map(c => { const r = c.getBoundingClientRect(); return [r.top, r.width]; })""")
            assert cells[0][0] == cells[1][0] == cells[2][0] < cells[3][0], cells
            assert cells[3][1] > 300, cells
        ctx.close()
