"""Shuffled starts in Chromium: each browser's own order, stable across reloads, never an order
exercise's key, in the reading and tab order; answered, the page gives the same answer file and
the same score as the page as written (answers are ids)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_PACK, ROOT, build_pack, serve_folder

pytestmark = pytest.mark.browser

LESSON = "01-basics"
PACK = "fixture"
SEED_KEY = f"casefile:v1:{PACK}:shuffle"
# each shuffled list: (exercise, list, CSS of its nodes, JS that gives a node's id)
LISTS = [
    ("b-choice", "options", "label.cf-option", "n => n.querySelector('input').value"),
    ("b-multi", "options", "label.cf-option", "n => n.querySelector('input').value"),
    ("b-classify", "items", "tbody > tr", "n => n.querySelector('select').name"),
    ("b-order", "items", "ol.cf-order > li", "n => n.dataset.item"),
    ("b-instant-order", "items", "ol.cf-order > li", "n => n.dataset.item"),
    ("b-match", "left", "tbody > tr", "n => n.querySelector('select').name"),
    ("b-match", "right", "tbody > tr:first-child select option:not([value=''])", "n => n.value"),
    ("b-truefalse", "statements", "tr[data-statement]", "n => n.dataset.statement"),
]


@pytest.fixture(scope="module")
def shuffled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture pack with `exercises: {shuffle: true}` in pack.yml (student edition)."""
    lessons = tmp_path_factory.mktemp("shuffled") / "lessons"
    shutil.copytree(FIXTURE_PACK, lessons)
    with (lessons / "pack.yml").open("a", encoding="utf-8") as f:
        f.write("exercises:\n  shuffle: true\n")
    out = lessons.parent / "site"
    build_pack(lessons, out, editions=("student",), handouts=False, exports=False)
    return out


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "site"
    build_pack(FIXTURE_PACK, out, editions=("student",), handouts=False, exports=False)
    return out


def _context(browser, seed: str | None = None):
    ctx = browser.new_context(accept_downloads=True)
    if seed is not None:  # this browser's random id, fixed so the expected orders can be worked out
        ctx.add_init_script(f"localStorage.setItem({json.dumps(SEED_KEY)}, {json.dumps(json.dumps(seed))})")
    return ctx


def _open(ctx, base: str):
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/lessons/{LESSON}.html")
    page.locator(".cf-tools").wait_for()
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _orders(page) -> dict[tuple[str, str], list[str]]:
    return {(ex, lst): page.eval_on_selector_all(f"#ex-{ex}-box {css}", f"ns => ns.map({get})")
            for ex, lst, css, get in LISTS}


def _key(lesson_id: str, ex_id: str) -> list[str]:
    from generator.load import load_pack

    pack = load_pack(FIXTURE_PACK).pack
    lesson = next(l for l in pack.lessons if l.id == lesson_id)
    return list(next(e for e in lesson.exercises if e.id == ex_id).answer)


def test_each_browser_has_its_own_stable_order_the_same_as_python_draws(browser, shuffled_site: Path, plain_site: Path) -> None:
    from generator.shuffle import permutation

    with serve_folder(shuffled_site / "student") as base, serve_folder(plain_site / "student") as plain_base:
        plain = _orders(_open(browser.new_context(), plain_base))
        seen = []
        for seed in ("first-student", "second-student"):
            ctx = _context(browser, seed)
            page = _open(ctx, base)
            got = _orders(page)
            page.reload()
            page.locator(".cf-tools").wait_for()
            assert _orders(page) == got, "the order changed on reload"
            for (ex, lst), ids in got.items():
                assert sorted(ids) == sorted(plain[(ex, lst)])
                if ex.endswith("order"):
                    continue  # picked among the build's start orders: below
                expected = [plain[(ex, lst)][i] for i in permutation(len(ids), seed, LESSON, ex, lst)]
                assert ids == expected, (ex, lst)
            assert page.errors == []  # type: ignore[attr-defined]
            seen.append(got)
            ctx.close()
        assert any(seen[0][k] != seen[1][k] for k in seen[0]), "two browsers got the same order everywhere"
        assert any(seen[0][k] != plain[k] for k in plain), "nothing was shuffled"

        # a browser with no id yet makes one, keeps it, and keeps its order
        ctx = _context(browser)
        page = _open(ctx, base)
        first = _orders(page)
        made = page.evaluate(f"localStorage.getItem({json.dumps(SEED_KEY)})")
        assert made and len(json.loads(made)) == 32
        page.reload()
        page.locator(".cf-tools").wait_for()
        assert _orders(page) == first
        # JavaScript and Python draw the same permutations (paper and site share shuffle.permutation)
        for n, seed in [(2, "a"), (5, "x/y/z"), (9, "zoë/ü"), (30, "")]:
            assert page.evaluate("([n, s]) => casefile.permutation(n, s)", [n, seed]) == permutation(n, seed), (n, seed)
        ctx.close()


def test_order_exercises_never_start_in_the_key_order(browser, shuffled_site: Path) -> None:
    keys = {ex: _key(LESSON, ex) for ex in ("b-order", "b-instant-order")}
    starts: dict[str, set[tuple[str, ...]]] = {ex: set() for ex in keys}
    with serve_folder(shuffled_site / "student") as base:
        ctx = _context(browser)
        page = _open(ctx, base)
        for k in range(16):
            page.evaluate(f"localStorage.setItem({json.dumps(SEED_KEY)}, {json.dumps(json.dumps(f's{k}'))})")
            page.reload()
            page.locator(".cf-tools").wait_for()
            got = _orders(page)
            for ex, key in keys.items():
                assert got[(ex, "items")] != key, f"{ex} starts in its key order for browser s{k}"
                starts[ex].add(tuple(got[(ex, "items")]))
        ctx.close()
    assert len(starts["b-order"]) > 1, "every browser starts the order exercise the same way"


def test_reading_and_tab_order_follow_the_shuffled_order(browser, shuffled_site: Path) -> None:
    with serve_folder(shuffled_site / "student") as base:
        ctx = _context(browser, "first-student")
        page = _open(ctx, base)
        rows = page.eval_on_selector_all("#ex-b-classify-box select", "ss => ss.map(s => s.id)")
        tops = page.eval_on_selector_all("#ex-b-classify-box select", "ss => ss.map(s => s.getBoundingClientRect().top)")
        assert tops == sorted(tops), "the rows are not shown in their DOM order"
        page.focus(f"#{rows[0]}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == rows[1]
        # no CSS reordering anywhere in an exercise
        assert page.evaluate("""() => [...document.querySelectorAll('.cf-exercise *')].every(n => {
            const s = getComputedStyle(n); return s.order === '0' && !s.flexDirection.endsWith('reverse'); })""")
        ctx.close()


def _answer(page) -> None:
    """The same answers by id, whatever order the page is in."""
    page.check("#ex-b-choice-box input[value=b]")
    page.check("#ex-b-multi-box input[value=a]")
    page.select_option("#ex-b-classify-i1", "fact")
    page.select_option("#ex-b-classify-i2", "fact")
    page.select_option("#ex-b-match-l1", "r2")
    page.select_option("#ex-b-match-l2", "r3")
    page.check("#ex-b-truefalse-box input[name=ex-b-truefalse-s1][value=true]")
    page.check("#ex-b-truefalse-box input[name=ex-b-truefalse-s2][value=true]")
    for ex, target in (("b-order", ["y", "x", "z"]), ("b-instant-order", ["n1", "n2"])):
        for pos, item in enumerate(target):  # move each item up into its place with its ↑ button
            while page.eval_on_selector_all(f"#ex-{ex}-box ol.cf-order > li", "ls => ls.map(l => l.dataset.item)").index(item) > pos:
                page.click(f"#ex-{ex}-box li[data-item={item}] .cf-up")
    page.fill("#cf-student", "Sam Shuffle")


def _download(page, tmp_path: Path, name: str) -> Path:
    with page.expect_download() as dl:
        page.click("[data-cf-action=download]")
    path = tmp_path / name / dl.value.suggested_filename
    path.parent.mkdir()
    dl.value.save_as(path)
    return path


def test_a_shuffled_page_answers_and_grades_as_the_page_as_written(browser, shuffled_site: Path, plain_site: Path,
                                                                   tmp_path: Path) -> None:
    files = {}
    for name, site in (("shuffled", shuffled_site), ("plain", plain_site)):
        with serve_folder(site / "student") as base:
            ctx = _context(browser, "first-student")
            page = _open(ctx, base)
            _answer(page)
            files[name] = _download(page, tmp_path, name)
            assert page.errors == []  # type: ignore[attr-defined]
            ctx.close()
    data = {k: json.loads(p.read_text(encoding="utf-8")) for k, p in files.items()}
    for k in ("pack", "pack_version", "lesson", "lesson_version", "student", "answers"):
        assert data["shuffled"][k] == data["plain"][k], k
    assert data["shuffled"]["answers"]["b-order"] == ["y", "x", "z"]
    scores = {}
    for k, path in files.items():
        out = tmp_path / f"grades-{k}"
        r = subprocess.run([sys.executable, "-m", "generator", "grade", "--lessons", str(FIXTURE_PACK), str(path),
                            "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr + r.stdout
        scores[k] = (out / "gradebook.csv").read_text(encoding="utf-8-sig")
    assert scores["shuffled"] == scores["plain"]
