"""The shape of the package: data flows one way (no import cycles among generator's modules) and
only edition.py decides by edition name."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PKG = Path(__file__).parent.parent / "generator"


def _modules() -> dict[str, Path]:
    mods = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = p
    return mods


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of import nodes under `if TYPE_CHECKING:` (they never run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for b in node.body for n in ast.walk(b)}
    return skip


def import_graph() -> dict[str, set[str]]:
    """module -> generator modules it imports, anywhere in it (inside functions too)."""
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = {f"{target}.{a.name}" for a in node.names} & mods.keys()
                deps |= subs
                if len(subs) < len(node.names) and target in mods:
                    deps.add(target)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names} & mods.keys()
        # a module importing its own package (its __init__) is loaded after it: not an edge
        graph[name] = {d for d in deps if d != name and not name.startswith(d + ".")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state and (c := visit(d)):
                return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (c := visit(n)):
            return c
    return None


def test_cycle_search_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "generator.plugin" in graph["generator.build"]  # imported inside _edition_job only
    assert "generator.export.common" in graph["generator.export.qti"]  # `from . import common`


def test_no_import_cycle_in_generator() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_module_imports() -> None:
    for name in _modules():
        if name != "generator.__main__":
            importlib.import_module(name)


def test_export_does_not_import_build() -> None:
    graph = import_graph()
    assert "generator.build" not in graph["generator.export.common"]


EDITION_NAMES = {"student", "teacher"}


def _edition_comparisons(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            consts = [o.value for o in operands if isinstance(o, ast.Constant)]
            consts += [e.value for o in operands if isinstance(o, (ast.Tuple, ast.List, ast.Set))
                       for e in o.elts if isinstance(e, ast.Constant)]
            if EDITION_NAMES & {c for c in consts if isinstance(c, str)}:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


# Comparisons that are about something else than the edition (folders of handouts, CLI choices,
# answer-file keys) are named here one by one.
NOT_EDITION_DECISIONS = {
    "cli.py": {"p.parent.name == 'student'"},          # counts the PDFs in the student/ handouts folder
}


def test_only_edition_py_compares_edition_names() -> None:
    found = []
    for path in sorted(PKG.rglob("*.py")):
        if path.name == "edition.py":
            continue
        allowed = NOT_EDITION_DECISIONS.get(path.name, set())
        found += [f for f in _edition_comparisons(path) if f.split(": ", 1)[1] not in allowed]
    assert not found, "edition decisions outside edition.py (ask edition.policy):\n" + "\n".join(found)


def test_the_comparison_finder_finds_one() -> None:
    assert _edition_comparisons(PKG / "edition.py"), "edition.py itself compares names: the finder must see it"


# _exercise.j2 and _key.j2 are converted to `policy` on the kinds branch.
KINDS_TEMPLATES = {"_exercise.j2", "_key.j2"}


@pytest.mark.parametrize("template", sorted(p.name for p in (PKG / "templates" / "site").glob("*.j2")
                                             if p.name not in KINDS_TEMPLATES))
def test_site_templates_ask_the_policy(template: str) -> None:
    text = (PKG / "templates" / "site" / template).read_text(encoding="utf-8")
    tags = re.findall(r"{%-?\s*(?:el)?if\b(.*?)-?%}", text)
    bad = [t.strip() for t in tags if re.search(r"\bteacher\b|\bedition\b", t) and "policy" not in t]
    assert not bad, f"{template} decides by edition instead of asking policy: {bad}"
