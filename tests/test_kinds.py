"""Exercise kinds: one home per kind (generator/kinds/<kind>/), one answer contract (ANSWERS.md).

- nothing outside generator/kinds/ branches on an exercise's type;
- an incomplete or unknown kind fails loudly, at start-up;
- no import cycle in generator/;
- the shared vectors (tests/vectors/answers.json) give the same points in Python and in Chromium;
- the grade report escapes author and student text (no f-string HTML).
"""

from __future__ import annotations

import ast
import copy
import importlib
import json
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from generator import kinds as registry
from generator.grade import name_key, report_html
from generator.grade.score import Scored, Student
from generator.kinds import KINDS, EXERCISE_KINDS, AUTO_GRADED, KindError
from generator.kinds.base import Kind
from generator.kinds.bundle import MARK, casefile_js
from generator.text import normalise

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "generator"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "answers.json").read_text(encoding="utf-8"))
PID = "p1"

# The WeasyPrint print forms still switch on type; the Typst rewrite (generator/kinds/<kind>/print.typ)
# removes them, and these entries with them.
ALLOWED = {"generator/handouts.py", "generator/templates/print/_print.j2", "generator/templates/print/key.html.j2"}


# ---------------------------------------------------------------- no type switch outside the kinds

def _type_switches(tree: ast.AST) -> list[int]:
    """Lines that compare an exercise's `type` (or a kind name) or dispatch on it."""
    names = set(EXERCISE_KINDS)

    def is_type(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "type"

    def is_kind_name(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and node.value in names:
            return True
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(is_kind_name(e) for e in node.elts)
        return False

    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(is_type(p) for p in parts) or any(is_kind_name(p) for p in parts):
                hits.append(node.lineno)
        elif isinstance(node, ast.Subscript) and is_type(node.slice):
            hits.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args and is_type(node.args[0])):
            hits.append(node.lineno)
    return hits


TEMPLATE_SWITCH = re.compile(r"\.type\s*(==|!=|\bin\b|\bnot\s+in\b)|\btype\s*==\s*[\"']|\.kind\s*==\s*[\"']")


def test_nothing_outside_the_kinds_branches_on_an_exercise_type() -> None:
    found = []
    for path in sorted(GEN.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("generator/kinds/") or rel in ALLOWED or not path.is_file():
            continue
        if path.suffix == ".py":
            found += [f"{rel}:{n}" for n in _type_switches(ast.parse(path.read_text(encoding="utf-8")))]
        elif path.suffix in (".j2", ".js"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if TEMPLATE_SWITCH.search(line):
                    found.append(f"{rel}:{n}")
    assert found == [], "ask the kind (ex.kind / KINDS[...]) instead of switching on type: " + ", ".join(found)


def test_the_switch_finder_finds_switches() -> None:
    src = 'if ex.type == "choice": pass\nx = q.kind in ("order",)\ny = {"a": 1}.get(ex.type)\nz = T[ex.type]\n'
    assert _type_switches(ast.parse(src)) == [1, 2, 3, 4]
    assert TEMPLATE_SWITCH.search('{% elif ex.type == "match" %}') and TEMPLATE_SWITCH.search("{% if ex.type in AUTO %}")
    assert not TEMPLATE_SWITCH.search('data-type="{{ ex.type }}"')


# ---------------------------------------------------------------- the registry

def test_registry_derives_the_union_the_kind_lists_and_auto_graded() -> None:
    from generator import model

    assert model.EXERCISE_KINDS == list(KINDS) == list(registry.REGISTERED)
    assert model.AUTO_GRADED == {n for n, k in KINDS.items() if k.auto_graded} == AUTO_GRADED
    assert AUTO_GRADED == {"choice", "classify", "highlight", "order", "match", "true_false"}
    annotated = typing.get_args(model.Lesson.model_fields["exercises"].annotation)[0]
    union = typing.get_args(typing.get_args(annotated)[0])
    assert [m.__name__ for m in union] == [k.model.__name__ for k in KINDS.values()]
    for name, kind in KINDS.items():
        assert kind.model.kind is kind and kind.folder == GEN / "kinds" / name


def test_every_kind_has_its_files_and_ships_them() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    for pattern in ("kinds/**/*.j2", "kinds/**/*.js", "kinds/**/*.typ"):
        assert pattern in pyproject
    for name, kind in KINDS.items():
        for f in ("__init__.py", "form.j2", "key.j2", "kind.js"):
            assert (kind.folder / f).is_file(), f"{name}/{f}"
        assert f"KINDS.{name} = " in kind.script.read_text()


def test_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(KindError, match="unknown exercise kind 'essay'; kinds are choice, classify"):
        registry.kind_of("essay")
    with pytest.raises(KindError, match="'nope' is registered but generator/kinds/nope/ cannot be imported"):
        registry._load("nope")


def test_an_incomplete_kind_fails_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kind = copy.copy(KINDS["order"])
    with pytest.raises(KindError, match="its KIND is named 'order'"):
        registry.validate(kind, "choice")
    monkeypatch.setattr(registry.base, "KINDS_DIR", tmp_path)
    (tmp_path / "order").mkdir()
    (tmp_path / "order" / "form.j2").write_text("x")
    with pytest.raises(KindError, match="template generator/kinds/order/key.j2 is missing"):
        registry.validate(kind, "order")
    (tmp_path / "order" / "key.j2").write_text("x")
    with pytest.raises(KindError, match="browser code generator/kinds/order/kind.js is missing"):
        registry.validate(kind, "order")

    class Bad(Kind):
        name = "order"
        model = KINDS["choice"].model
        label = "x"
    with pytest.raises(KindError, match='ChoiceExercise needs type: Literal\\["order"\\]'):
        registry.validate(Bad(), "order")


def test_a_template_naming_a_missing_kind_template_fails_loudly() -> None:
    import jinja2

    from generator.render import env

    with pytest.raises(jinja2.TemplateNotFound):
        env().from_string('{% include "nope/form.j2" %}').render()


def test_the_bundle_holds_every_kind_in_registry_order_once() -> None:
    js = casefile_js()
    at = [js.index(f"/* ---- kind: {name} (generator/kinds/{name}/kind.js) */") for name in KINDS]
    assert at == sorted(at) and js.count(MARK) == 1
    assert js == casefile_js.__wrapped__()  # deterministic


# ---------------------------------------------------------------- no import cycle

def test_no_import_cycle_in_generator() -> None:
    """Module-level imports between generator's modules form no cycle (function-level imports
    count too, except those under TYPE_CHECKING)."""
    graph: dict[str, set[str]] = {}
    for path in GEN.rglob("*.py"):
        mod = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
        deps: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    deps.add(sub if (GEN.parent / (sub.replace(".", "/") + ".py")).exists()
                             or (GEN.parent / sub.replace(".", "/")).is_dir() else target)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                deps.add(node.module)
        graph[mod] = {d for d in deps if d != mod}
    # a package's own __init__ importing its submodules is not a cycle
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if d.startswith(m + "."):
                continue
            if seen.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in zip(cycle, cycle[1:])):
                    cycles.append(cycle)
            elif d not in seen:
                visit(d)
        stack.pop()
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m)
    kinds_cycles = [c for c in cycles if any(x.startswith(("generator.kinds", "generator.grade", "generator.fields",
                                                             "generator.model", "generator.text")) for x in c)]
    assert kinds_cycles == []


def test_the_model_imports_in_a_fresh_interpreter() -> None:
    for mod in ("generator.model", "generator.kinds", "generator.grade", "generator.kinds.true_false"):
        subprocess.run([sys.executable, "-c", f"import {mod}"], check=True, cwd=ROOT)


# ---------------------------------------------------------------- the shared vectors, in Python

def _exercise(data: dict[str, Any]) -> Any:
    return KINDS[data["type"]].model.model_validate(data)


def test_vectors_cover_every_kind_and_the_edge_cases() -> None:
    covered = {v["exercise"]["type"] for v in VECTORS["score"]} | {v["exercise"]["type"] for v in VECTORS["open"]}
    assert covered == set(KINDS)
    names = " ".join(v["name"] for v in VECTORS["score"])
    for case in ("repeated phrase marked at its 2nd occurrence", "key across a line break", "multi-answer",
                 "partial classify", "partial order", "unanswered"):
        assert case in names


@pytest.mark.parametrize("case", VECTORS["score"], ids=[v["name"] for v in VECTORS["score"]])
def test_vector_python_score(case: dict[str, Any]) -> None:
    ex = _exercise(case["exercise"])
    assert ex.kind.auto_graded
    if case["answer"] is None:
        return  # not answered: 0 points, the grader never scores it (test_grade covers the cell)
    assert ex.kind.shape_problems(ex, case["answer"]) == []
    got, lines = ex.kind.score(ex, case["answer"], {PID: VECTORS["paragraph"]})
    assert got == case["points"] and lines


@pytest.mark.parametrize("case", VECTORS["shape"], ids=[str(i) for i in range(len(VECTORS["shape"]))])
def test_vector_python_shape(case: dict[str, Any]) -> None:
    ex = _exercise(case["exercise"])
    assert ex.kind.shape_problems(ex, case["answer"]) == case["problems"]


def test_vector_python_open_kinds_are_for_the_teacher() -> None:
    for case in VECTORS["open"]:
        ex = _exercise(case["exercise"])
        assert not ex.kind.auto_graded and ex.kind.shape_problems(ex, case["answer"]) == []
        with pytest.raises(ValueError):
            ex.kind.score(ex, case["answer"], {})


def test_vector_python_names_and_white_space() -> None:
    for case in VECTORS["names"]:
        assert (name_key(case["a"]) == name_key(case["b"])) is case["same"], case
    for case in VECTORS["normalise"]:
        assert normalise(case["text"]) == case["norm"]


# ---------------------------------------------------------------- the same vectors, in Chromium

def _browser_cases() -> list[dict[str, Any]]:
    out = []
    for case in VECTORS["score"] + VECTORS["open"]:
        ex = _exercise(case["exercise"])
        entry = {"id": ex.id, "type": ex.type, "points": ex.points} | ex.kind.browser_key(ex, {PID: VECTORS["paragraph"]})
        out.append({"name": case["name"], "ex": entry, "answer": case["answer"], "points": case.get("points"),
                    "auto": ex.kind.auto_graded})
    return out


def test_vectors_in_chromium_against_the_js_scorer(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "v.html"
    (tmp_path / "casefile.js").write_text(casefile_js(), encoding="utf-8")
    page.write_text('<!doctype html><meta charset="utf-8"><script src="casefile.js"></script>', encoding="utf-8")
    ctx = browser.new_context()
    p = ctx.new_page()
    p.goto(page.as_uri())
    shapes = [{"ex": {"id": c["exercise"]["id"], "type": c["exercise"]["type"], "points": 1}
               | KINDS[c["exercise"]["type"]].browser_key(_exercise(c["exercise"]), {PID: VECTORS["paragraph"]}),
               "answer": c["answer"], "problems": c["problems"]} for c in VECTORS["shape"]]
    got = p.evaluate("""([cases, shapes, names, norms]) => ({
        scores: cases.map(c => c.auto ? (c.answer === null ? 0 : casefile.score(c.ex, c.answer).points) : casefile.auto(c.ex.type)),
        shapes: shapes.map(s => casefile.shape(s.ex, s.answer)),
        names: names.map(n => casefile.nameKey(n.a) === casefile.nameKey(n.b)),
        norms: norms.map(n => casefile.norm(n.text)),
        kinds: casefile.kinds })""", [_browser_cases(), shapes, VECTORS["names"], VECTORS["normalise"]])
    ctx.close()
    cases = _browser_cases()
    assert got["kinds"] == list(KINDS)
    assert {c["name"]: s for c, s in zip(cases, got["scores"])} == {
        c["name"]: (c["points"] if c["answer"] is not None else 0) if c["auto"] else False for c in cases}
    assert got["shapes"] == [s["problems"] for s in shapes]
    assert got["names"] == [n["same"] for n in VECTORS["names"]]
    assert got["norms"] == [n["norm"] for n in VECTORS["normalise"]]


# ---------------------------------------------------------------- print

# ---------------------------------------------------------------- export mapping of the ninth kind

def test_true_false_exports_as_matching_to_canvas_and_as_multiple_answers_elsewhere() -> None:
    tf = next(c["exercise"] for c in VECTORS["score"] if c["exercise"]["type"] == "true_false")
    ex = _exercise(tf)
    kind = ex.kind
    assert kind.export_form("qti", ex) == "matching"
    assert kind.match_pairs(ex, None) == ([("s1", "S1", "true"), ("s2", "S2", "false"), ("s3", "S3", "true")],
                                          [("true", "True"), ("false", "False")])
    assert kind.export_form("moodle", ex) == kind.export_form("gift", ex) == "multiple_choice"
    view = kind.choice_view(ex)
    assert view.multiple and view.answer == ["s1", "s3"] and [o.id for o in view.options] == ["s1", "s2", "s3"]
    none_true = _exercise(dict(tf, statements=[dict(s, answer=False) for s in tf["statements"]]))
    assert kind.export_form("moodle", none_true) is None and "at least one true statement" in kind.left_out_reason("moodle", "Moodle XML")


# ---------------------------------------------------------------- the report escapes

def test_grade_report_escapes_author_and_student_text() -> None:
    from generator.fields import Strict  # noqa: F401  (the model's building blocks import cleanly)
    from generator.load import load_pack
    from conftest import FIXTURE_PACK

    pack = load_pack(FIXTURE_PACK).pack
    lesson = pack.lessons[0]
    ex = next(e for e in lesson.exercises if e.type == "choice").model_copy(deep=True)
    ex.options[0].text = "Tom &amp; `<script>alert(1)</script>`"
    ex.options[0].why = "<script>alert(2)</script> why"
    short = next(e for ls in pack.lessons for e in ls.exercises if e.type == "short_answer")
    pts, lines = ex.kind.score(ex, [ex.options[0].id], {})
    st = Student("<b>Ana</b>")
    st.results = [Scored(lesson, ex, True, pts, [ex.options[0].id], lines),
                  Scored(pack.lessons[1], short, True, None, {"text": "<img src=x onerror=alert(3)>"})]
    html = report_html(pack, st)
    assert "<script>" not in html and "<img" not in html and "<b>Ana" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the code span's text, shown as text
    assert "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "&amp;lt;b&amp;gt;" not in html and "&lt;b&gt;Ana&lt;/b&gt;" in html  # escaped once
