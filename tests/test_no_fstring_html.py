"""HTML only through escaping (issue 11 item 5): no HTML built by f-string (or %, or str.format) in
generator/, and the export fragments, now autoescaped templates, escape hostile pack text."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.export import common
from generator.export.fragments import fragment
from generator.load import load_pack
from generator.plugin import problems_page
from generator.text import nested_quotes, to_html

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "generator"
FIXTURE = ROOT / "tests" / "fixtures" / "pack"

TAG = re.compile(r"</?(?:[A-Za-z]|\{\})")  # a tag, or a tag whose name is a placeholder

# Strings that look like HTML but build none (file, literal text of the string). Each one, and why:
ALLOWED = {
    # Typst handouts: renames heading tags inside already-sanitized HTML (h1 → h2, ...) in a re.sub
    # replacement; it only moves a number, nothing from the pack is put in a tag.
    ("generator/handouts/data.py", "<{}h{}>"),
    # Importer: wraps a fetched page's body so the HTML *parser* reads it; it is parsed, never output.
    ("generator/importer/plain.py", "<html><body>{}</body></html>"),
}


def literal_text(node: ast.AST) -> str | None:
    """The literal text of an HTML-building expression: an f-string (each placeholder as {}), the format
    string of `"..." % x` or `"...".format(...)`; None for anything else."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str):
        return node.left.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        return node.func.value.value  # Markup("...").format(...) is a call on a call: it escapes, and is allowed
    return None


def html_building(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    # a format spec (`{x:<{width}}`: align left) is an f-string inside the f-string, not HTML
    specs = {id(n.format_spec) for n in ast.walk(tree) if isinstance(n, ast.FormattedValue) and n.format_spec}
    return [(n.lineno, text) for n in ast.walk(tree)
            if id(n) not in specs and (text := literal_text(n)) is not None and TAG.search(text)]


def test_no_html_by_fstring_in_generator() -> None:
    found, allowed_seen = [], set()
    for path in sorted(GENERATOR.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, text in html_building(path.read_text(encoding="utf-8")):
            if (rel, text) in ALLOWED:
                allowed_seen.add((rel, text))
            else:
                found.append(f"{rel}:{line}: {text!r}")
    assert not found, ("HTML built by string formatting; write it in an autoescaping template "
                       "(or markupsafe.Markup.format):\n" + "\n".join(found))
    assert allowed_seen == ALLOWED, f"stale allow-list entries: {ALLOWED - allowed_seen}"


@pytest.mark.parametrize("code", ['x = f"<li>{a}</li>"', "x = f'<td class=\"c\">{a}'", 'x = "<b>%s</b>" % a',
                                  'x = "<p>{}</p>".format(a)', 'x = f"</{a}>"'])
def test_the_ast_check_catches_html_building(code: str) -> None:
    assert html_building(code)


@pytest.mark.parametrize("code", ['x = f"{a} < {b}"', 'x = Markup("<q>{}</q>").format(a)', 'x = "<p>plain</p>"',
                                  'x = f"{n} problem{s}"'])
def test_the_ast_check_leaves_non_html_alone(code: str) -> None:
    assert not html_building(code)


# ---------------------------------------------------------------- hostile text in the export fragments

HOSTILE = "Item <script>alert(1)</script> &lt;b&gt; \"dq\" 'sq'"
ESCAPED = "Item &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt; \"dq\" 'sq'"  # element content: & < > escaped


@pytest.fixture(scope="module")
def hostile_pack():
    """The fixture pack with hostile text in a claim quote, a paragraph, rubric levels, a category
    label (all plain text) and in items, options and whys (author Markdown, sanitized)."""
    pack = load_pack(FIXTURE).pack
    pack.claims = [c.model_copy(update={"quote": HOSTILE}) for c in pack.claims]
    pack.sources = [s.model_copy(update={"paragraphs": [p.model_copy(update={"text": HOSTILE + "\nnext line"})
                                                        for p in s.paragraphs]}) for s in pack.sources]
    for lesson in pack.lessons:
        exs = []
        for ex in lesson.exercises:
            up: dict = {}
            if getattr(ex, "rubric", None) is not None:
                r = ex.rubric
                level = r.levels[0]
                up["rubric"] = r.model_copy(update={
                    "levels": [HOSTILE] + r.levels[1:],
                    "criteria": [c.model_copy(update={"levels": {HOSTILE if k == level else k: v for k, v in c.levels.items()}})
                                 for c in r.criteria]})
            if ex.type == "classify":
                up["categories"] = [c.model_copy(update={"label": HOSTILE}) for c in ex.categories]
                up["items"] = [i.model_copy(update={"text": HOSTILE, "why": HOSTILE}) for i in ex.items]
            if ex.type == "true_false":
                up["statements"] = [s.model_copy(update={"text": HOSTILE, "why": HOSTILE}) for s in ex.statements]
            if ex.type == "order":
                up["items"] = [i.model_copy(update={"text": HOSTILE}) for i in ex.items]
            if ex.type == "match":
                up["left"] = [i.model_copy(update={"text": HOSTILE}) for i in ex.left]
                up["answer"] = [p.model_copy(update={"why": HOSTILE}) for p in ex.answer]
            if ex.type == "lateral_reading":
                up["steps"] = [HOSTILE for _ in ex.steps]
            exs.append(ex.model_copy(update=up))
        lesson.exercises = exs
    common.md.cache_clear()
    common.mdi.cache_clear()
    return pack


def questions(pack, kind: str):
    sel = common.select(pack, None)
    return [q for qs in sel.questions.values() for q in qs if q.kind == kind]


def all_html(pack, q) -> str:
    parts = [common.prompt_html(pack, q), common.general_feedback_html(q)]
    if q.form("moodle") == "essay":
        parts.append(common.grader_html(pack, q))
    return "".join(parts)


SANITIZED = to_html(HOSTILE, inline=True)


def test_sanitized_hostile_text_has_no_script() -> None:
    assert "<script" not in SANITIZED and "&lt;b&gt;" in SANITIZED and "&amp;lt;" not in SANITIZED


def test_claim_quotes_and_audit_key_are_escaped(hostile_pack) -> None:
    [q] = questions(hostile_pack, "claim_audit")
    prompt, grader = common.prompt_html(hostile_pack, q), common.grader_html(hostile_pack, q)
    assert f"<li>Claim 1: <q>{ESCAPED}</q> (¶" in prompt
    assert f": <q>{ESCAPED}</q></th>" in grader
    assert f"<th>{ESCAPED}</th>" in prompt  # the rubric's level names
    for h in (prompt, grader):
        assert "<script" not in h


def test_paragraphs_are_escaped_with_line_breaks(hostile_pack) -> None:
    q = next(q for q in questions(hostile_pack, "highlight"))
    assert f"<blockquote><p><strong>¶2</strong> {ESCAPED}<br>next line</p></blockquote>" in common.prompt_html(hostile_pack, q)


@pytest.mark.parametrize("kind", ["classify", "true_false", "order", "match", "short_answer", "lateral_reading", "claim_audit"])
def test_kind_fragments_escape_hostile_text(hostile_pack, kind: str) -> None:
    for q in questions(hostile_pack, kind):
        out = all_html(hostile_pack, q)
        assert "<script" not in out.lower()
        assert ESCAPED in out or SANITIZED in out


def test_author_html_is_not_escaped_twice(hostile_pack) -> None:
    [q] = questions(hostile_pack, "classify")
    fb = common.general_feedback_html(q)
    assert f"<li>{SANITIZED} → <strong>{ESCAPED}</strong>: {SANITIZED}</li>" in fb
    [tf] = questions(hostile_pack, "true_false")
    assert f"<li>{SANITIZED} → <strong>True</strong>: {SANITIZED}</li>" in common.general_feedback_html(tf)
    o = questions(hostile_pack, "order")[0]
    assert f"<p><strong>Correct order:</strong></p><ol><li>{SANITIZED}</li>" in common.general_feedback_html(o)
    [m] = questions(hostile_pack, "match")
    assert f"<li>{SANITIZED} → <strong>" in common.general_feedback_html(m)
    [lr] = questions(hostile_pack, "lateral_reading")
    assert f"<ol><li>{SANITIZED}</li>" in common.prompt_html(hostile_pack, lr)


def test_a_missing_fragment_is_empty() -> None:
    assert fragment("choice/export.j2", "feedback_extra") == ""
    assert fragment("classify/export.j2", "no_such_macro") == ""


def test_export_templates_never_put_a_value_inside_a_tag() -> None:
    """The export environment escapes for element content only (quotes kept, as the exports always
    had them), so no export template may print a value inside a tag (an attribute)."""
    templates = sorted((GENERATOR / "kinds").glob("*/export.j2")) + sorted((GENERATOR / "templates" / "export").glob("*.j2"))
    assert len(templates) >= 8
    for t in templates:
        src = re.sub(r"\{#.*?#\}", "", t.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"<[A-Za-z][^<>]*\{[{%]", src), t


# ---------------------------------------------------------------- text.py's inline quote, serve's problems page

class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_inline_quote_escapes_words_and_link() -> None:
    link = 'x.html?a=1&b="2"><script>alert(1)</script>'
    out = to_html(f"See [[p1|{HOSTILE}]] now.", para_link=lambda src, pid: link)
    p = Collect()
    p.feed(out)
    assert [t for t, _ in p.tags] == ["p", "q", "a"]  # no tag from the words or the link
    assert dict(p.tags)["a"]["href"] == link
    assert HOSTILE.replace("&lt;", "<").replace("&gt;", ">") not in "".join(p.text)  # &lt; stays text, not a tag
    assert nested_quotes(HOSTILE) in "".join(p.text)  # straight quotes inside a quote become curly ones


def test_serve_problems_page_escapes_each_problem() -> None:
    page = problems_page([f"a.yml:1:2: {HOSTILE}", "b.yml:3:4: fine"])
    assert page.startswith("# The lesson pack has problems\n\n") and page.endswith("</div>\n")
    assert "<script" not in page
    assert "<li><code>a.yml:1:2: Item &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt; &#34;dq&#34; &#39;sq&#39;</code></li>" in page
    assert page.count("<li>") == 2
