"""Issue 12.7: hostile packs and answer files run nothing, in Chromium.

Hypothesis writes packs from the fixture pack with a hostile string in every text field and every
URL field the model lets through: script tags, attribute breakouts, `javascript:` and `data:` links
in Markdown, raw HTML blocks, entities that decode to tags, Jinja and Typst code, Unicode tricks.
Every payload that could run calls `window.__pwned = "<field>"` or `alert()`. Only packs that pass
`casefile check` are built (javascript: in a URL field is refused by the model, as it should be; such
URLs are then tried inside Markdown links in text fields instead). Both editions are built, with
handouts in the first example; every HTML page of both is opened in Chromium from file:// and must
run nothing (`window.__pwned` undefined, no dialog) and carry nothing that could (no on* attribute,
no javascript:/data: link or frame, no pack script element). A grade report for an answer file
whose student name and answers are hostile too must run nothing either. Template and Typst code must
come out as text, never evaluated: `pwned-tpl` / `pwned-typ` (what the code would print) and the
content of a file next to the pack that `#read` would fetch appear in no output file.

Runs derandomized with a few examples (HYPOTHESIS_PROFILE=explore for more).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import CONFIG, FIXTURE_PACK
from scan import texts

from generator.errors import PackError
from generator.load import load_pack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "cf-secret-3f9a1c-must-not-be-read"

# {t} is the field's tag, so a script that runs says where it came from.
PAYLOADS = [
    "<script>window.__pwned='{t}'</script>",
    '"><img src=x onerror="window.__pwned=\'{t}\'">',
    "' onmouseover='window.__pwned=\"{t}\"' x='",
    '" autofocus onfocus="window.__pwned=\'{t}\'" x="',
    "&lt;script&gt;window.__pwned='{t}'&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    "`<script>window.__pwned='{t}'</script>` and ``<img src=x onerror=alert(1)>``",
    "[click me](javascript:window.__pwned='{t}') [x](JaVaScRiPt:alert(1)) [y](java&#x09;script:alert(1))",
    "![img](javascript:window.__pwned='{t}') ![d](data:image/svg+xml,<svg/onload=alert(1)>)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <https://example.org/\"onmouseover=alert(1)>",
    "\n\n<div onclick=\"window.__pwned='{t}'\"><script>window.__pwned='{t}'</script></div>\n\n<iframe src=\"javascript:alert(1)\"></iframe>\n",
    "<svg onload=\"window.__pwned='{t}'\"><a href=\"javascript:alert(1)\">x</a></svg><math><mi xlink:href=\"javascript:alert(1)\">m</mi></math>",
    "<a href=\"jav&#x0A;ascript:window.__pwned='{t}'\">x</a><object data=\"javascript:alert(1)\"></object><base href=\"javascript:alert(1)//\">",
    "{{{{ 'pwn' ~ 'ed-tpl' }}}} {{% if 1 %}}pwn{{% endif %}}ed-tpl2 {{{{ cycler.__init__.__globals__.os }}}} ${{{{7*7}}}}",
    "#read(\"../secret.txt\") #{{ \"pwn\" + \"ed-typ\" }} #eval(\"read(\\\"/etc/hostname\\\")\") ]; #import \"../secret.txt\"",
    "\u202e<script>window.__pwned='{t}'</script>\u202c \uff1cscript\uff1ealert(1)\uff1c/script\uff1e java\u200bscript:alert(1)",
    "<scr<script>ipt>window.__pwned='{t}'</scr</script>ipt> <img src=x onerror=alert(1)//",
    "<style>@import 'https://evil.example/x.css';*{{background:url(https://evil.example/p)}}</style><link rel=stylesheet href=https://evil.example/y.css>",
]
URL_PAYLOADS = [
    "https://example.org/\"><script>window.__pwned='{t}'</script>",
    "https://example.org/x?a='onmouseover='window.__pwned=\"{t}\"'",
    "https://example.org/#\"><img src=x onerror=alert(1)>",
    "https://example.org/%22%3E%3Cscript%3Ewindow.__pwned=1%3C/script%3E?q=%27onmouseover=%27alert(1)",
    "https://example.org/a'b\"c<d>e",
    "javascript:window.__pwned='{t}'",
    "data:text/html,<script>window.__pwned='{t}'</script>",
]
URL_KEYS = {"url", "public_url", "href", "link", "archive", "archived"}
FILES = sorted(str(p.relative_to(FIXTURE_PACK)) for p in FIXTURE_PACK.rglob("*.yml"))
RUN_MARKERS = ("pwned-tpl", "pwned-typ", SECRET)


def yaml_load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def dump(data: Any) -> str:
    import io

    y = YAML(typ="safe", pure=True)
    y.allow_unicode = True
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


ORIGINAL = {name: yaml_load((FIXTURE_PACK / name).read_text(encoding="utf-8")) for name in FILES}


def leaves(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, here + (i,))
    elif isinstance(node, str):
        yield here


def get(node: Any, path: tuple[Any, ...]) -> Any:
    for el in path:
        node = node[el]
    return node


def put(node: Any, path: tuple[Any, ...], value: Any) -> None:
    get(node, path[:-1])[path[-1]] = value


def is_url(path: tuple[Any, ...]) -> bool:
    return any(isinstance(k, str) and k in URL_KEYS for k in path[-2:])


def fresh_pack() -> Path:
    root = Path(tempfile.mkdtemp(prefix="casefile-hostile-"))
    shutil.copytree(FIXTURE_PACK, root / "lessons")
    (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return root / "lessons"


def write_pack(pack: Path, files: dict[str, Any]) -> None:
    for name, data in files.items():
        (pack / name).write_text(dump(data), encoding="utf-8")


def passes_check(pack: Path) -> bool:
    try:
        load_pack(pack, docs_dir=pack.parent / "docs")
    except PackError:
        return False
    return True


def _try(pack: Path, name: str, path: tuple[Any, ...], value: str) -> bool:
    data = copy.deepcopy(ORIGINAL[name])
    put(data, path, value)
    (pack / name).write_text(dump(data), encoding="utf-8")
    try:
        return passes_check(pack)
    finally:
        (pack / name).write_text(dump(ORIGINAL[name]), encoding="utf-8")


_ACCEPTS: dict[tuple[str, tuple[Any, ...]], Any] | None = None


def accepts() -> dict[tuple[str, tuple[Any, ...]], Any]:
    """Which string fields take hostile text ("append": added after the value, "replace": the
    whole value), found once by asking the checker: ids, enum values and answer references are
    refused, as they should be, and left as they are."""
    global _ACCEPTS
    if _ACCEPTS is not None:
        return _ACCEPTS
    pack = fresh_pack()
    (pack.parent / "docs").mkdir()
    write_pack(pack, ORIGINAL)
    probe = "<b>x</b> [y](https://example.org/) {{ z }}"
    found: dict[tuple[str, tuple[Any, ...]], Any] = {}
    try:
        assert passes_check(pack), "the fixture pack itself should pass casefile check"
        for name in FILES:
            for path in leaves(ORIGINAL[name]):
                orig = get(ORIGINAL[name], path)
                if is_url(path):
                    # javascript: and data: in a URL field must be refused by the model; the rest
                    # (quotes and tags inside an http(s) address) are used where they pass
                    ok = tuple(u for u in URL_PAYLOADS if _try(pack, name, path, u.format(t="probe")))
                    assert not [u for u in ok if not u.startswith("https:")], f"{name} {path} accepts {ok}"
                    if ok:
                        found[(name, path)] = ok
                elif _try(pack, name, path, orig + " " + probe):
                    found[(name, path)] = "append"
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)
    _ACCEPTS = found
    return found


_BY_FILE: dict[str, tuple[str, ...]] | None = None


def payloads_by_file() -> dict[str, tuple[str, ...]]:
    """For each file, the text payloads `casefile check` lets through when put into every field of
    it that takes text. The checker refuses some (a javascript: link in author Markdown): right."""
    global _BY_FILE
    if _BY_FILE is not None:
        return _BY_FILE
    fields = accepts()
    pack = fresh_pack()
    (pack.parent / "docs").mkdir()
    write_pack(pack, ORIGINAL)
    out: dict[str, tuple[str, ...]] = {}
    try:
        for name in FILES:
            mine = [path for (n, path), how in fields.items() if n == name and how == "append"]
            ok = []
            for payload in PAYLOADS:
                data = copy.deepcopy(ORIGINAL[name])
                for path in mine:
                    put(data, path, get(data, path) + " " + payload.format(t="probe"))
                (pack / name).write_text(dump(data), encoding="utf-8")
                if passes_check(pack):
                    ok.append(payload)
            (pack / name).write_text(dump(ORIGINAL[name]), encoding="utf-8")
            out[name] = tuple(ok)
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)
    _BY_FILE = out
    return out


@st.composite
def hostile_pack(draw: st.DrawFn) -> dict[str, Any]:
    files = copy.deepcopy(ORIGINAL)
    allowed = payloads_by_file()
    for n, ((name, path), how) in enumerate(sorted(accepts().items(), key=repr)):
        tag = f"f{n}"
        if isinstance(how, tuple):  # a URL field: one of the addresses it accepts
            value = draw(st.sampled_from(how)).format(t=tag)
        elif allowed[name]:
            value = get(files[name], path) + " " + draw(st.sampled_from(allowed[name])).format(t=tag)
        else:
            continue
        put(files[name], path, value)
    return files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of its own (the repository's mkdocs.yml, an empty docs/), so the property does not
    depend on the hand-written pages others are editing."""
    root = tmp_path_factory.mktemp("hostile-project")
    (root / "docs").mkdir()
    shutil.copy(CONFIG, root / "mkdocs.yml")
    return root


def hostile_answers(pack: Any, tag: str) -> list[dict[str, Any]]:
    """One answer file per lesson, as the student site writes it, with hostile text everywhere a
    student can type (name, open answers) and hostile ids where the grader expects choices."""
    from generator.render import content_version

    evil = f"<script>window.__pwned='{tag}'</script>\"><img src=x onerror=alert(1)>&lt;script&gt;{{{{7*7}}}}"
    out = []
    for lesson in pack.lessons:
        answers: dict[str, Any] = {}
        for ex in lesson.exercises:
            kind = ex.type if isinstance(ex.type, str) else getattr(ex.type, "value", str(ex.type))
            if kind == "short_answer":
                answers[ex.id] = {"text": evil}
            elif kind == "lateral_reading":
                answers[ex.id] = {"steps": [evil] * len(ex.steps)}
            elif kind == "claim_audit":
                answers[ex.id] = {cid: {"evidence": evil, "source": evil, "other_sources": evil, "confidence": "low"}
                                  for cid in ex.claims}
            elif kind == "highlight":
                answers[ex.id] = [evil]
        data = {"format": "casefile-answers", "format_version": 1, "pack": pack.info.id,
                "pack_version": pack.info.version, "lesson": lesson.id, "lesson_version": content_version(pack, lesson),
                "student": "Ana " + evil, "saved_at": "2026-11-25T10:00:00Z", "answers": answers}
        body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        data["checksum"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
        out.append(data)
    return out


# Anything in the DOM that could run pack script if the CSP were not there.
DOM_PROBE = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(a.name) &&
          (v.startsWith('javascript:') || v.startsWith('vbscript:') || v.startsWith('data:text/html')))
        bad.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
    }
    // a pack script element, or pack text that broke out of a string in one of the theme's
    // (an address percent-encoded inside the theme's own scripts is harmless and allowed)
    if (el.tagName === 'SCRIPT' && !/json/.test(el.type) && /__pwned=['"]|<script|onerror=/i.test(el.textContent))
      bad.push(el.outerHTML.slice(0, 120));
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'FRAME'].includes(el.tagName) && /pwned|alert/.test(el.outerHTML))
      bad.push(el.outerHTML.slice(0, 120));
  }
  return bad;
}"""


def assert_runs_nothing(browser, pages: list[Path]) -> int:
    ctx = browser.new_context()
    dialogs: list[str] = []
    errors: list[str] = []
    ctx.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    seen = 0
    try:
        for p in pages:
            page.goto(p.as_uri())
            page.wait_for_timeout(60)
            # hover and focus everything a breakout could have hung a handler on
            page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
                for (const t of ['mouseover', 'focus']) el.dispatchEvent(new Event(t)); } }""")
            pwned = page.evaluate("() => [window.__pwned, document.title]")
            assert pwned[0] is None, f"{p}: pack script ran (field {pwned[0]})"
            bad = page.evaluate(DOM_PROBE)
            assert not bad, f"{p}: markup that would run script: {bad[:5]}"
            seen += 1
        assert not dialogs, f"a dialog opened: {dialogs[:3]}"
    finally:
        ctx.close()
    return seen


_BUILDS = {"n": 0}
SETTINGS = dict(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "4")), deadline=None, derandomize=True,
                database=None, suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate])  # no shrinking: each example is a full build


@settings(**SETTINGS)
@given(hostile_pack())
def test_hostile_pack_runs_nothing_in_either_edition_nor_in_a_grade_report(browser, project: Path,
                                                                          files: dict[str, Any]) -> None:
    from generator.build import build
    from generator.grade import grade

    assert len(accepts()) >= 60, f"only {len(accepts())} fields take hostile text: the probe is too weak"
    pack = fresh_pack()
    try:
        write_pack(pack, files)
        assume(passes_check(pack))
        handouts = _BUILDS["n"] == 0  # PDFs in the first built example (Typst is the slow part)
        _BUILDS["n"] += 1
        out = pack.parent / "site"
        build(pack, out, config_file=project / "mkdocs.yml", handouts=handouts, exports=False, quiet=True)
        # nothing evaluated template or Typst code, nothing read the file next to the pack
        for path, text in texts(out):
            for marker in RUN_MARKERS:
                assert marker not in text, f"{path.relative_to(out)} holds {marker!r}: pack code was evaluated"
        if handouts:
            assert list(out.rglob("*.pdf")), "handouts were asked for"
        # every page of both editions, in Chromium
        pages = sorted(out.rglob("*.html"))
        assert {"student", "teacher"} <= {p.relative_to(out).parts[0] for p in pages}
        assert len(pages) >= 15 and assert_runs_nothing(browser, pages) == len(pages)
        # a grade report for hostile answer files
        loaded = load_pack(pack, docs_dir=pack.parent / "docs").pack
        answers = []
        for i, data in enumerate(hostile_answers(loaded, "answers")):
            f = pack.parent / f"answers-{i}.casefile.json"
            f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            answers.append(f)
        result = grade(loaded, answers, pack.parent / "grades")
        reports = sorted((pack.parent / "grades" / "reports").glob("*.html"))
        assert reports and result.students, "the hostile answer files were graded"
        html = reports[0].read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned" in html
        assert assert_runs_nothing(browser, reports) == len(reports)
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)


def test_template_and_typst_code_in_every_field_comes_out_as_text(project: Path) -> None:
    """The same Jinja and Typst payloads in every text field at once, with handouts: the code is
    printed as written (in pages and PDFs) and never evaluated, and the file `#read` names is not read."""
    from generator.build import build

    jinja, typst = PAYLOADS[12].format(t="x"), PAYLOADS[13].format(t="x")
    files = copy.deepcopy(ORIGINAL)
    for (name, path), how in accepts().items():
        if how == "append" and {PAYLOADS[12], PAYLOADS[13]} <= set(payloads_by_file()[name]):
            put(files[name], path, get(files[name], path) + " " + jinja + " " + typst)
    pack = fresh_pack()
    try:
        write_pack(pack, files)
        assert passes_check(pack)
        out = pack.parent / "site"
        build(pack, out, config_file=project / "mkdocs.yml", handouts=True, exports=False, quiet=True)
        pdf_text, html_text = "", ""
        for path, text in texts(out):
            for marker in RUN_MARKERS:
                assert marker not in text, f"{path.relative_to(out)} holds {marker!r}: pack code was evaluated"
            if path.suffix == ".pdf":
                pdf_text += text
            elif path.suffix == ".html":
                html_text += text
        folded = re.sub(r"\s+", "", pdf_text)
        assert '#read("../secret.txt")' in folded.replace("“", '"').replace("”", '"'), "the Typst code is printed as text"
        assert "'pwn' ~ 'ed-tpl'" in html_text.replace("&#39;", "'").replace("&#x27;", "'"), "the Jinja code is shown as text"
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)


def test_site_name_cannot_leave_the_logo_attribute() -> None:
    """Material prints the site name raw inside the logo's aria-label="…" (found by the property
    test above): a title's straight double quotes become typographic, so the attribute holds."""
    from html.parser import HTMLParser

    from generator.text import safe_title

    name = safe_title('Fixture pack " autofocus onfocus="window.__pwned=1" x="')
    assert '"' not in name

    class Attrs(HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            self.found.append(dict(attrs))

    p = Attrs()
    p.feed(f'<a aria-label="{name}" data-md-component="logo">')
    assert p.found == [{"aria-label": name, "data-md-component": "logo"}]
