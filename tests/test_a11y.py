"""Accessibility on the real pack (issue 17.2): axe (WCAG 2.0-2.2 A/AA) on every page of both editions
of the default pack, light and dark, at desktop and phone widths, finds nothing; and one exercise of
every kind can be reached and answered with the keyboard alone, the answer saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_browser import AXE_TAGS, press, site_pages, tab_to
from test_phone import default_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


# Which axe rules run where. Colour contrast is most of axe's time and depends on the scheme, not the
# width; every other rule depends on the width (target size, what is shown), not the scheme. So every
# page gets: every rule in light at desktop width, contrast in dark at both widths, and every other
# rule on a phone: each rule meets each scheme and width where its result can change.
CONTRAST = ["color-contrast", "link-in-text-block"]
CONTEXTS = {  # (scheme, width): axe options
    ("light", 1280): {},
    ("dark", 1280): {"runOnly": {"type": "rule", "values": CONTRAST}},
    ("light", 390): {"rules": {r: {"enabled": False} for r in CONTRAST}},
    ("dark", 390): {"runOnly": {"type": "rule", "values": CONTRAST}},
}


@pytest.mark.parametrize("scheme,width", list(CONTEXTS))
def test_axe_finds_nothing_on_the_default_pack(browser, default_site: Path, default_server, scheme: str,  # noqa: F811
                                               width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"], **CONTEXTS[scheme, width]}
    ctx = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = ctx.new_page()
    problems, seen = [], 0
    for edition in ("student", "teacher"):
        for uri in site_pages(default_site, edition):
            page.goto(f"{default_server[edition]}/{uri}")
            assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
            res = axe.run(page, options=options)
            if res.violations_count:
                problems.append(f"{edition}/{uri}:\n{res.generate_report()}")
            seen += 1
    ctx.close()
    assert seen >= 40, seen
    assert not problems, "\n".join(problems)


def saved_answers(page) -> dict:
    """Every answer casefile.js has saved in localStorage for this page's lesson."""
    raw = page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('casefile:'))
                                   .map(k => localStorage.getItem(k))""")
    answers: dict = {}
    for r in raw:
        answers.update(json.loads(r).get("answers", {}))
    return answers


def walk_choice(page) -> None:
    tab_to(page, "#ex-b-choice-box input[type=radio]")
    press(page, "ArrowDown")


def walk_classify(page) -> None:
    tab_to(page, "#ex-b-classify-i1")
    press(page, "ArrowDown")


def walk_highlight(page) -> None:
    tab_to(page, "#ex-b-highlight-box .cf-w")
    press(page, "ArrowRight")
    press(page, "Space")


def walk_order(page) -> None:
    tab_to(page, "#ex-b-order-box li[data-item=x] .cf-down")
    press(page, "Enter")


def walk_match(page) -> None:
    tab_to(page, "#ex-b-match-l1")
    press(page, "ArrowDown")


def walk_true_false(page) -> None:
    tab_to(page, "#ex-b-truefalse-box tr[data-statement=s1] input[value=true]")
    press(page, "ArrowDown")  # within the statement's radio group: True -> False


def walk_short_answer(page) -> None:
    tab_to(page, "#ex-o-short-text")
    page.keyboard.type("Typed by keyboard")


def walk_claim_audit(page) -> None:
    tab_to(page, "#ex-o-audit-k1-evidence")
    page.keyboard.type("The memo")
    tab_to(page, "#ex-o-audit-k1-confidence")
    press(page, "ArrowDown")


def walk_lateral_reading(page) -> None:
    tab_to(page, "#ex-o-lateral-s1")
    page.keyboard.type("Searched the register")


WALKS = {  # kind: (lesson, exercise, keys, what is saved)
    "choice": ("01-basics", "b-choice", walk_choice, ["b"]),
    "classify": ("01-basics", "b-classify", walk_classify, {"i1": "fact"}),
    "highlight": ("01-basics", "b-highlight", walk_highlight, None),
    "order": ("01-basics", "b-order", walk_order, ["y", "x", "z"]),
    "match": ("01-basics", "b-match", walk_match, {"l1": "r1"}),
    "true_false": ("01-basics", "b-truefalse", walk_true_false, {"s1": False}),
    "short_answer": ("02-open", "o-short", walk_short_answer, {"text": "Typed by keyboard"}),
    "claim_audit": ("02-open", "o-audit", walk_claim_audit, None),
    "lateral_reading": ("02-open", "o-lateral", walk_lateral_reading, {"steps": ["Searched the register", ""]}),
}


def test_every_kind_is_in_the_keyboard_walk() -> None:
    try:
        from generator.kinds import EXERCISE_KINDS
    except ImportError:  # before the kinds moved into generator/kinds/
        from generator.model import EXERCISE_KINDS

    assert set(WALKS) == set(EXERCISE_KINDS)


@pytest.mark.parametrize("width", [390, 1280])
def test_one_exercise_of_each_kind_by_keyboard_alone(browser, fixture_site: Path, width: int) -> None:
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for kind, (lesson, ex, walk, expected) in WALKS.items():
        page.goto((fixture_site / "student" / "lessons" / f"{lesson}.html").as_uri())
        page.evaluate("localStorage.clear()")
        page.reload()
        page.locator(".cf-tools").wait_for()
        walk(page)
        assert page.evaluate(f"document.getElementById('ex-{ex}-box').contains(document.activeElement)"), kind
        page.wait_for_function(f"() => Object.keys(localStorage).some(k => k.startsWith('casefile:') && "
                               f"JSON.parse(localStorage.getItem(k)).answers?.['{ex}'] !== undefined)", timeout=5000)
        got = saved_answers(page)[ex]
        if kind == "highlight":
            assert isinstance(got, list) and len(got) == 1 and got[0].strip(), got
        elif kind == "claim_audit":
            assert got["k1"]["evidence"] == "The memo" and got["k1"]["confidence"] == "high", got
        else:
            assert got == expected, (kind, got)
    ctx.close()
    assert errors == []
