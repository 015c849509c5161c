"""Exercises in a real browser (Chromium through Playwright): keyboard only, saved progress, the
answer file and `casefile grade`, instant feedback, no leaks, axe, and nothing fetched from elsewhere.

The fixture site is served by a local http.server thread; every request to another host is blocked
and recorded, and each test asserts that none was even attempted."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


# ---------------------------------------------------------------- fixtures



class _Handler(SimpleHTTPRequestHandler):
    prefix = ""  # also served under this path: the student site's public_url path, which 404.html uses

    def translate_path(self, path: str) -> str:
        if self.prefix and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        return super().translate_path(path)

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


def _serve(root: Path, prefix: str = ""):
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def server(fixture_site: Path):
    """{"student": "http://127.0.0.1:PORT", "teacher": ...}: each edition at the root of its own local
    server, as it is hosted (the student one also under /fixture/, the path of its public_url)."""
    servers = {"student": _serve(fixture_site / "student", "/fixture/"), "teacher": _serve(fixture_site / "teacher")}
    yield {name: f"http://127.0.0.1:{s.server_address[1]}" for name, s in servers.items()}
    for s in servers.values():
        s.shutdown()
        s.server_close()


class Guarded:
    """A browser context in which only the local servers (and data:/blob:) may be reached."""

    def __init__(self, browser, origins: dict[str, str], **kw):
        self.ctx = browser.new_context(accept_downloads=True, **kw)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.bodies: list[tuple[str, bytes]] = []
        self.allowed = tuple(o + "/" for o in origins.values()) + ("data:", "blob:", "about:")
        self.ctx.route("**/*", self._guard)

    def _guard(self, route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def page(self, record: bool = False):
        page = self.ctx.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        page.on("console", lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        if record:
            page.on("response", lambda r: self.bodies.append((r.url, r.body())) if r.ok else None)
        return page

    def close(self) -> None:
        self.ctx.close()
        assert self.outside == [], f"requests left the local server: {self.outside}"
        assert self.errors == [], f"errors in the page: {self.errors}"


@pytest.fixture
def guarded(browser, server):
    made: list[Guarded] = []

    def make(**kw) -> Guarded:
        g = Guarded(browser, server, **kw)
        made.append(g)
        return g

    yield make
    for g in made:
        g.close()


def site_pages(site: Path, edition: str) -> list[str]:
    root = site / edition
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if not p.relative_to(root).as_posix().startswith(("assets/", "search/")))


# ---------------------------------------------------------------- keyboard helpers

def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab (only Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press(page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def canonical(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- tests

def test_whole_lesson_by_keyboard_survives_reload_downloads_and_grades(guarded, server, tmp_path: Path) -> None:
    g = guarded()
    page = g.page()
    page.goto(f"{server['student']}/lessons/01-basics.html")
    page.locator(".cf-tools").wait_for()

    # 1. choice (instant): the group takes focus on its first option; ArrowDown picks the second
    tab_to(page, "#ex-b-choice-box input[type=radio]")
    press(page, "ArrowDown")
    tab_to(page, "#ex-b-choice-box .cf-check")
    press(page, "Enter")
    fb = page.locator("#ex-b-choice-box .cf-feedback")
    assert "Correct" in fb.inner_text() and "INSTANT-why-b" in fb.inner_text()
    # 2. multiple choice (teacher): only one of the two right options, for partial credit
    tab_to(page, "#ex-b-multi-box input[value=a]")
    press(page, "Space")
    assert "teacher" in page.inner_text("#ex-b-multi-box .cf-feedback")
    # 3. classify
    tab_to(page, "#ex-b-classify-i1")
    press(page, "ArrowDown")        # fact
    tab_to(page, "#ex-b-classify-i2")
    press(page, "ArrowDown", 2)     # opinion
    # 4. highlight: one tab stop, arrow keys move, Space marks, Shift+arrow marks as it goes
    tab_to(page, "#ex-b-highlight-box .cf-w")
    words = page.locator("#ex-b-highlight-box .cf-w").all_inner_texts()
    press(page, "ArrowRight", words.index("according"))
    press(page, "Space")
    press(page, "Shift+ArrowRight", 4)
    assert page.inner_text("#ex-b-highlight-box .cf-hl-summary") == "“according to the harbour master”"
    # 5. order: x y z -> y z x, moving x down twice
    tab_to(page, "#ex-b-order-box li[data-item=x] .cf-down")
    press(page, "Enter", 2)
    assert page.evaluate("document.activeElement.matches('#ex-b-order-box li[data-item=x] .cf-up')")  # focus kept
    # 6. match
    tab_to(page, "#ex-b-match-l1")
    press(page, "ArrowDown", 2)     # r2
    tab_to(page, "#ex-b-match-l2")
    press(page, "ArrowDown")        # r1
    # 7. order (instant)
    tab_to(page, "#ex-b-instant-order-box li[data-item=n1] .cf-up")
    press(page, "Enter")
    tab_to(page, "#ex-b-instant-order-box .cf-check")
    press(page, "Enter")
    assert "Correct order" in page.inner_text("#ex-b-instant-order-box .cf-feedback")
    # 8. true or false: Space picks True for s1; in s2's group, an arrow key moves to False
    tab_to(page, "#ex-b-truefalse-box input[name=ex-b-truefalse-s1]")
    press(page, "Space")
    tab_to(page, "#ex-b-truefalse-box input[name=ex-b-truefalse-s2]")
    press(page, "ArrowDown")
    # name
    tab_to(page, "#cf-student")
    page.keyboard.type("Zoë Test")
    assert "8 of 8" in page.inner_text(".cf-lesson .cf-lesson-progress")

    # reload: everything is still there
    page.reload()
    page.locator(".cf-tools").wait_for()
    assert page.is_checked("#ex-b-choice-box input[value=b]")
    assert page.is_checked("#ex-b-multi-box input[value=a]") and not page.is_checked("#ex-b-multi-box input[value=c]")
    assert page.input_value("#ex-b-classify-i2") == "opinion"
    assert page.locator("#ex-b-highlight-box .cf-w[aria-pressed=true]").all_inner_texts() == \
        ["according", "to", "the", "harbour", "master"]
    assert page.eval_on_selector_all("#ex-b-order-box ol.cf-order > li", "ls => ls.map(l => l.dataset.item)") == ["y", "z", "x"]
    assert page.input_value("#ex-b-match-l1") == "r2"
    assert page.input_value("#cf-student") == "Zoë Test"
    assert page.is_checked("#ex-b-truefalse-box input[name=ex-b-truefalse-s2][value=false]")
    assert "8 of 8" in page.inner_text(".cf-lesson .cf-lesson-progress")

    # download, by keyboard
    tab_to(page, "[data-cf-action=download]")
    with page.expect_download() as dl:
        press(page, "Enter")
    assert dl.value.suggested_filename == "01-basics-zoe-test.casefile.json"
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert "Saved 01-basics-zoe-test.casefile.json" in page.inner_text(".cf-tools-status")
    data = json.loads(path.read_text(encoding="utf-8"))
    body = {k: v for k, v in data.items() if k != "checksum"}
    assert data["checksum"] == hashlib.sha256(canonical(body).encode()).hexdigest()
    assert (data["format"], data["format_version"], data["pack"], data["pack_version"], data["lesson"], data["student"]) == \
        ("casefile-answers", 1, "fixture", "3", "01-basics", "Zoë Test")
    assert data["lesson_version"] == page.get_attribute(".cf-lesson", "data-version")
    assert data["saved_at"].endswith("Z") and len(data["saved_at"]) == 20
    assert data["answers"] == {
        "b-choice": ["b"], "b-multi": ["a"], "b-classify": {"i1": "fact", "i2": "opinion"},
        "b-highlight": ["according to the harbour master"], "b-order": ["y", "z", "x"],
        "b-match": {"l1": "r2", "l2": "r1"}, "b-instant-order": ["n1", "n2"], "b-truefalse": {"s1": True, "s2": False}}

    # the lesson list shows the progress
    page.goto(f"{server['student']}/index.html")
    assert "all answered" in page.inner_text(".cf-progress[data-lesson='01-basics']")
    assert page.inner_text(".cf-progress[data-lesson='02-open']") == ""

    # casefile grade scores it: 11 points, minus 1 for half of the multiple choice
    if not (ROOT / "generator" / "grade" / "__init__.py").exists():
        pytest.fail("generator/grade/ (casefile grade) is missing")
    from generator.load import load_pack
    from generator.render import content_version

    pack = load_pack(ROOT / "tests/fixtures/pack").pack
    assert data["lesson_version"] == content_version(pack, next(l for l in pack.lessons if l.id == "01-basics")), (
        "the site's data-version differs from content_version(pack, lesson) that `casefile grade` checks: "
        "render.Renderer.pages() hashes the edition's view of the lesson instead of the full lesson")
    out = tmp_path / "grades"
    r = subprocess.run([sys.executable, "-m", "generator", "grade", "--lessons", str(ROOT / "tests/fixtures/pack"),
                        str(path), "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr + r.stdout
    rows = list(csv.DictReader((out / "gradebook.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1 and rows[0]["Student"] == "Zoë Test"
    assert float(rows[0]["Auto score"]) == 10.0 and int(rows[0]["Auto max"]) == 11
    assert float(rows[0]["01-basics/b-multi"]) == 1.0 and float(rows[0]["01-basics/b-choice"]) == 2.0


def test_open_tasks_saved_and_in_the_answer_file(guarded, server, tmp_path: Path) -> None:
    g = guarded()
    page = g.page()
    page.goto(f"{server['student']}/lessons/02-open.html")
    # answers saved for an older version of the lesson are not loaded, and the student is told why
    old_key = "casefile:v1:student:fixture:3:02-open:000000000000"
    page.evaluate("k => localStorage.setItem(k, JSON.stringify({answers: {'o-short': {text: 'OLD'}}}))", old_key)
    page.reload()
    page.locator(".cf-tools").wait_for()
    assert page.input_value("#ex-o-short-text") == ""
    assert "has changed since" in page.inner_text(".cf-tools-status")
    page.fill("#ex-o-short-text", "Because the memo says so.\nSecond line")
    page.fill("#ex-o-audit-k1-evidence", "The memo")
    page.select_option("#ex-o-audit-k1-confidence", "low")
    page.fill("#ex-o-lateral-s2", "Found a register entry")
    assert "3 of 3" in page.inner_text(".cf-lesson .cf-lesson-progress")
    page.reload()
    assert page.input_value("#ex-o-short-text") == "Because the memo says so.\nSecond line"
    # download without a name: asks for one and focuses the field
    page.click("[data-cf-action=download]")
    assert "name" in page.inner_text(".cf-tools-status").lower()
    assert page.evaluate("document.activeElement.id") == "cf-student"
    page.keyboard.type("Ана Б.")
    with page.expect_download() as dl:
        page.click("[data-cf-action=download]")
    assert dl.value.suggested_filename == "02-open-ана-б.casefile.json"
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert data["answers"] == {
        "o-short": {"text": "Because the memo says so.\nSecond line"},
        "o-audit": {"k1": {"evidence": "The memo", "source": "", "other_sources": "", "confidence": "low"}},
        "o-lateral": {"steps": ["", "Found a register entry"]}}
    body = {k: v for k, v in data.items() if k != "checksum"}
    assert data["checksum"] == hashlib.sha256(canonical(body).encode()).hexdigest()
    # print view lists the answers; window.print is stubbed so headless Chromium does not wait
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("[data-cf-action=print]")
    view = page.locator(".cf-print-view")
    assert page.evaluate("window.__printed") is True
    assert "Found a register entry" in view.inner_text() and "Ана Б." in view.inner_text()
    assert "Low" in view.inner_text()
    # reset asks first; dismissing keeps everything, accepting clears it
    page.once("dialog", lambda d: d.dismiss())
    page.click("[data-cf-action=reset]")
    assert page.input_value("#ex-o-short-text") != ""
    page.once("dialog", lambda d: d.accept())
    page.click("[data-cf-action=reset]")
    assert page.input_value("#ex-o-short-text") == ""
    assert page.evaluate("k => localStorage.getItem(k)", old_key) is None
    assert "0 of 3" in page.inner_text(".cf-lesson .cf-lesson-progress")
    page.reload()
    assert page.input_value("#ex-o-audit-k1-evidence") == ""


def test_instant_feedback_explains_and_teacher_answers_never_reach_the_page(guarded, server, fixture_site: Path) -> None:
    g = guarded()
    page = g.page(record=True)
    page.goto(f"{server['student']}/lessons/01-basics.html")
    page.locator(".cf-tools").wait_for()
    fb = page.locator("#ex-b-choice-box .cf-feedback")
    assert fb.get_attribute("role") == "status"
    page.check("#ex-b-choice-box input[value=a]")
    page.click("#ex-b-choice-box .cf-check")
    assert "Not quite" in fb.inner_text() and "INSTANT-why-a" in fb.inner_text()
    assert "INSTANT-why-b" not in fb.inner_text() and "INSTANT-explanation" not in fb.inner_text()
    page.check("#ex-b-choice-box input[value=b]")
    assert fb.inner_text() == ""  # a changed answer clears the old verdict
    page.click("#ex-b-choice-box .cf-check")
    assert "Correct" in fb.inner_text() and "INSTANT-why-b" in fb.inner_text() and "INSTANT-explanation" in fb.inner_text()
    page.click("#ex-b-instant-order-box .cf-check")
    assert "0 of 2 in the right place" in page.inner_text("#ex-b-instant-order-box .cf-feedback")
    # teacher-checked exercises: a saved note, no verdict, no check button
    for ex in ("b-multi", "b-classify", "b-order", "b-match", "b-highlight"):
        assert page.locator(f"#ex-{ex}-box .cf-check").count() == 0
    page.check("#ex-b-multi-box input[value=b]")
    page.select_option("#ex-b-classify-i1", "opinion")
    page.locator("#ex-b-highlight-box .cf-w").first.click()
    for ex in ("b-multi", "b-classify", "b-highlight"):
        t = page.inner_text(f"#ex-{ex}-box .cf-feedback")
        assert "teacher" in t and "Correct" not in t and "right" not in t
    # the instant keys are in the page only obfuscated; teacher keys nowhere at all
    html = page.content()
    assert "INSTANT-" not in (fixture_site / "student/lessons/01-basics.html").read_text(encoding="utf-8")
    assert "TMARK" not in html
    page.goto(f"{server['student']}/lessons/02-open.html")
    page.goto(f"{server['student']}/index.html")
    page.goto(f"{server['student']}/search/search_index.json")
    assert any(url.endswith("search_index.json") for url, _ in g.bodies)
    for url, body in g.bodies:
        assert b"TMARK" not in body, url
        if not url.endswith("01-basics.html"):
            continue
        assert b"INSTANT-" not in body


def settle(page) -> None:
    """The pointer off the last button clicked and its hover transition over: axe must judge the
    colours at rest, not a blend caught half way (a flake seen under load)."""
    page.mouse.move(0, 0)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')", timeout=5000)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page(guarded, server, fixture_site: Path, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    g = guarded(color_scheme=scheme)
    page = g.page()
    problems = []
    for edition in ("student", "teacher"):
        for uri in site_pages(fixture_site, edition):
            page.goto(f"{server[edition]}/{uri}")
            assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
            if edition == "student" and uri == "lessons/01-basics.html":
                # with the interactive state shown: feedback, marked words, saved notes, the print view
                page.check("#ex-b-choice-box input[value=a]")
                page.click("#ex-b-choice-box .cf-check")
                page.check("#ex-b-multi-box input[value=a]")
                page.locator("#ex-b-highlight-box .cf-w").nth(2).click()
                page.click("#ex-b-instant-order-box .cf-check")
                page.evaluate("window.print = () => {}")
                page.click("[data-cf-action=print]")
                settle(page)
            res = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
            if res.violations_count:
                problems.append(f"{edition}/{uri}:\n{res.generate_report()}")
    assert not problems, "\n".join(problems)


def test_every_page_loads_and_works_with_other_hosts_blocked(guarded, server, fixture_site: Path) -> None:
    g = guarded()
    page = g.page()
    seen = 0
    for edition in ("student", "teacher"):
        for uri in site_pages(fixture_site, edition):
            resp = page.goto(f"{server[edition]}/{uri}")
            assert resp is not None and resp.ok, uri
            assert page.evaluate("typeof window.casefile") == "object", f"casefile.js did not run on {edition}/{uri}"
            if "/lessons/" in f"/{uri}":
                assert page.locator(".cf-tools").is_visible()
                assert page.locator(".cf-lesson-progress").first.is_visible()
            seen += 1
    assert seen >= 10
    # the teacher edition's exercises are interactive too, with the key below instead of a check button
    page.goto(f"{server['teacher']}/lessons/01-basics.html")
    assert page.locator(".cf-check").count() == 0 and page.locator(".cf-key").count() == 8
    page.click("#ex-b-order-box li[data-item=x] .cf-down")
    assert page.eval_on_selector_all("#ex-b-order-box ol.cf-order > li", "ls => ls.map(l => l.dataset.item)") == ["y", "x", "z"]


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture pack with every auto-checked exercise switched to instant feedback (student edition)."""
    from conftest import FIXTURE_PACK, build_pack

    lessons = tmp_path_factory.mktemp("instant") / "lessons"
    shutil.copytree(FIXTURE_PACK, lessons)
    f = lessons / "01-basics.yml"
    text = f.read_text(encoding="utf-8")
    for ex in ("b-multi", "b-classify", "b-highlight", "b-match", "b-truefalse"):
        text = text.replace(f"  - id: {ex}\n", f"  - id: {ex}\n    feedback: instant\n")
    f.write_text(text, encoding="utf-8")
    out = lessons.parent / "site"
    build_pack(lessons, out, editions=("student",), handouts=False, exports=False)
    return out / "student"


def test_instant_feedback_for_every_checkable_kind(browser, instant_site: Path) -> None:
    ctx = browser.new_context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((instant_site / "lessons" / "01-basics.html").as_uri())

    def check(ex: str) -> str:
        page.click(f"#ex-{ex}-box .cf-check")
        return page.inner_text(f"#ex-{ex}-box .cf-feedback")

    # multiple choice: one right pick so far, then a wrong one
    page.check("#ex-b-multi-box input[value=a]")
    t = check("b-multi")
    assert "1 more to find" in t and "TMARK-multi-why-a" in t and "TMARK-multi-why-c" not in t
    page.check("#ex-b-multi-box input[value=b]")
    t = check("b-multi")
    assert "Not quite" in t and "TMARK-multi-why-b" in t
    page.uncheck("#ex-b-multi-box input[value=b]")
    page.check("#ex-b-multi-box input[value=c]")
    t = check("b-multi")
    assert "Correct" in t and "TMARK-multi-explanation" in t
    # classify: one right, one wrong; the why only for the right one, the wrong row marked invalid
    page.select_option("#ex-b-classify-i1", "fact")
    page.select_option("#ex-b-classify-i2", "fact")
    t = check("b-classify")
    assert "1 of 2 right" in t and "TMARK-classify-why1" in t and "TMARK-classify-why2" not in t
    assert page.get_attribute("#ex-b-classify-i2", "aria-invalid") == "true"
    # match: all right
    page.select_option("#ex-b-match-l1", "r2")
    page.select_option("#ex-b-match-l2", "r1")
    t = check("b-match")
    assert "All correct" in t and "TMARK-match-why1" in t and "TMARK-match-why2" in t
    # highlight: a span far too long does not count; the right words do
    words = page.locator("#ex-b-highlight-box .cf-w")
    for i in range(words.count()):
        words.nth(i).click()
    assert "found 0 of 1" in check("b-highlight")
    for i in range(words.count()):
        words.nth(i).click()
    texts = words.all_inner_texts()
    start = texts.index("according")
    words.nth(start).click()
    words.nth(start + 4).click(modifiers=["Shift"])
    t = check("b-highlight")
    assert "found them all" in t and "TMARK-highlight-why" in t
    # true or false: one right, one wrong, then both right
    page.check("#ex-b-truefalse-box input[name=ex-b-truefalse-s1][value=true]")
    page.check("#ex-b-truefalse-box input[name=ex-b-truefalse-s2][value=true]")
    t = check("b-truefalse")
    assert "1 of 2 right" in t and "TMARK-truefalse-why1" in t and "TMARK-truefalse-why2" not in t
    page.check("#ex-b-truefalse-box input[name=ex-b-truefalse-s2][value=false]")
    t = check("b-truefalse")
    assert "All correct" in t and "TMARK-truefalse-why2" in t and "TMARK-truefalse-explanation" in t
    ctx.close()
    assert errors == []
