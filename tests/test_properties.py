"""Property-based robustness of the loader, the checker and `casefile check` (hypothesis, offline).

Whatever is written into a lesson pack (random YAML documents, raw text and bytes, tabs, duplicate
keys, odd Unicode, or a valid file with random mutations), `load_pack` raises nothing but
`PackError`; every problem names a file of the pack (or the pack folder) at a line between 1 and the
file's line count + 1 and a column >= 1; `casefile check` never prints a traceback and exits 0 or 1.
And mutated-but-valid packs never leak a teacher-only marker into the student site.

Runs derandomized (the same examples every time) so CI is reproducible; explore further with
HYPOTHESIS_PROFILE=explore (more examples, fresh randomness).
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import CONFIG, FIXTURE_PACK
from scan import MARKER, texts

from generator.cli import main as cli_main
from generator.errors import PackError, Problem
from generator.load import load_pack

SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example]
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=SLOW_OK)
settings.register_profile("explore", deadline=None, database=None, max_examples=1000, print_blob=True,
                          suppress_health_check=SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Files an author may write in a pack; new ones too (a second source, an extra lesson).
PACK_FILES = ["pack.yml", "01-basics.yml", "02-open.yml", "claims.yml", "glossary.yml", "references.yml",
              "sources/memo.yml", "sources/x.yml", "03-extra.yml"]
EXISTING = [f for f in PACK_FILES if (FIXTURE_PACK / f).exists()]
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: .+$")


# ================================================================ the guarantees

def fresh_pack() -> Path:
    """A writable copy of the fixture pack in its own temporary folder (one per example)."""
    root = Path(tempfile.mkdtemp(prefix="casefile-prop-"))
    shutil.copytree(FIXTURE_PACK, root / "lessons")
    return root / "lessons"


def line_count(path: Path) -> int:
    raw = path.read_bytes()
    try:
        # str.splitlines knows every line break YAML (and ruamel) counts, and more.
        return len(raw.decode("utf-8").splitlines())
    except UnicodeDecodeError:
        return raw.count(b"\n") + 1


def check_problem(p: Problem, pack: Path) -> None:
    path = Path(p.file)
    if not path.is_absolute():
        path = Path.cwd() / path
    path = path.resolve()
    root = pack.resolve()
    assert path == root or root in path.parents, f"{p} names a file outside the pack"
    assert path.exists(), f"{p} names a file that does not exist"
    assert p.line >= 1 and p.col >= 1, f"{p}: line and column start at 1"
    if path.is_file():
        assert p.line <= line_count(path) + 1, f"{p}: line {p.line} is past the end ({line_count(path)} lines)"
    assert p.message.strip(), f"{p}: empty message"


def assert_guarantees(pack: Path) -> list[Problem]:
    """load_pack raises only PackError with well-placed problems; the CLI behaves. Returns the problems."""
    problems: list[Problem] = []
    try:
        load_pack(pack)
    except PackError as e:
        problems = e.problems
        assert problems, "PackError without any problem"
    for p in problems:
        check_problem(p, pack)

    result = CliRunner().invoke(cli_main, ["check", "--lessons", str(pack)])
    output = result.output + getattr(result, "stderr", "")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"casefile check raised {result.exception!r}")
    assert "Traceback" not in output
    assert result.exit_code in (0, 1), output
    assert result.exit_code == (1 if problems else 0), output
    assert_one_line_each(problems)
    return problems


def assert_one_line_each(problems: list[Problem]) -> None:
    """`file:line:col: message` is one line per problem: no message may contain a line break."""
    for p in problems:
        assert "\n" not in str(p) and "\r" not in str(p), f"problem spans several lines: {str(p)!r}"


# ================================================================ strategies: whole documents

# Text as authors (and their editors) produce it, odd Unicode included; no surrogates (they cannot
# be written as UTF-8: raw invalid bytes are covered by `raw_bytes`).
odd_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
YAML_BITS = [
    ": ", "- ", "-", "\t", "  ", "    ", "\n", "\r\n", "\r", "{", "}", "[", "]", ",", "&a ", "*a", "!!str ", "!!python/object:os.system ",
    "!custom ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "? ", "|\n", ">-\n", "'", '"', "# c\n", "<<: *a\n",
    "id: ", "title: ", "exercises:\n", "type: choice\n", "answer: ", "paragraphs:\n", "lessons: ", "claims:\n",
    "terms:\n", "\ufeff", "\x85", "\u2028", "\u2029", "\x00", "\x1b", "\u202e", "é", "😀", "0x1F", "0o17", "1e400",
    ".nan", "-.inf", "~", "null", "yes", "No", "2021-02-30", "2024-05-06", "12:30:00", "p1", "p0", "[[p2|x]]",
    "\\", "%", "@", "`", "&", "*", "!", "|",
]
yaml_soup = st.lists(st.one_of(st.sampled_from(YAML_BITS), odd_text), max_size=40).map("".join)
raw_bytes = st.binary(max_size=300)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
    st.floats(allow_nan=True, allow_infinity=True), odd_text, st.dates(),
    st.sampled_from(["p1", "p2", "p99", "b-choice", "k1", "r1", "claim", "memo", "01-basics", "instant", "choice",
                     "classify", "highlight", "order", "match", "short_answer", "claim_audit", "lateral_reading"]),
)
keys = st.one_of(odd_text, st.sampled_from([
    "id", "title", "summary", "audience", "duration", "objectives", "key_points", "activities", "exercises",
    "type", "prompt", "options", "answer", "answers", "items", "categories", "paragraphs", "paragraph", "text",
    "lessons", "claims", "terms", "references", "kind", "minutes", "description", "rubric", "criteria", "levels",
    "published", "url", "copy", "quote", "source", "workshop", "site", "license", "feedback", "points",
]), st.integers(), st.booleans(), st.none())
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=25,
)


def dump(data: Any) -> str:
    y = YAML(typ="rt")
    y.allow_unicode = True
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


def fixture_text(name: str) -> str:
    path = FIXTURE_PACK / name
    return path.read_text(encoding="utf-8") if path.exists() else (FIXTURE_PACK / "01-basics.yml").read_text(encoding="utf-8")


@st.composite
def line_edits(draw: st.DrawFn, name: str) -> str:
    """A fixture file with line-level damage: truncation, deleted/duplicated/swapped lines, tabs,
    changed indentation, a random insertion. Produces unclosed quotes, duplicate keys and the like."""
    lines = fixture_text(name).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["truncate", "delete", "duplicate", "swap", "tab", "indent", "dedent", "insert", "cut"]))
        if op == "truncate":
            text = "".join(lines)
            lines = [text[: draw(st.integers(0, len(text)))]]
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "tab":
            lines[i] = "\t" + lines[i].lstrip(" ")
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif op == "insert":
            lines.insert(i, draw(st.one_of(yaml_soup, odd_text)) + draw(st.sampled_from(["\n", ""])))
        elif op == "cut":
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + draw(st.sampled_from(["", "\n", '"', "'", ": x", "{", "["])) + lines[i][k:]
    return "".join(lines)


@st.composite
def documents(draw: st.DrawFn, name: str) -> str | bytes:
    kind = draw(st.sampled_from(["value", "mapping", "soup", "bytes", "lines"]))
    if kind == "value":
        return dump(draw(yaml_values))
    if kind == "mapping":
        return dump(draw(st.dictionaries(keys, yaml_values, min_size=1, max_size=8)))
    if kind == "soup":
        return draw(yaml_soup)
    if kind == "bytes":
        return draw(raw_bytes)
    return draw(line_edits(name))


@st.composite
def written_files(draw: st.DrawFn) -> tuple[str, str | bytes]:
    name = draw(st.sampled_from(PACK_FILES))
    return name, draw(documents(name))


def write(pack: Path, name: str, content: str | bytes) -> None:
    path = pack / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))


# ================================================================ 1. arbitrary documents

@settings(max_examples=100)
@given(st.lists(written_files(), min_size=1, max_size=2))
def test_arbitrary_files_give_only_pack_errors(files: list[tuple[str, str | bytes]]) -> None:
    check_with(files)


def check_with(files: list[tuple[str, str | bytes]]) -> None:
    """Write each (name, content) into a fresh copy of the fixture pack and check every guarantee."""
    pack = fresh_pack()
    try:
        for name, content in files:
            write(pack, name, content)
        assert_guarantees(pack)
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)


@pytest.mark.parametrize("text", [
    "id: 01-basics\nid: 01-basics\n",                      # duplicate key
    "\tid: 01-basics\n",                                   # tab indentation
    "id: [\n",                                             # unclosed flow sequence
    'title: "open\n',                                      # unclosed quote
    "a: &x 1\nb: *y\n",                                    # undefined alias
    "!!python/object/apply:os.system ['true']\n",          # unsafe tag
    "%YAML 1.1\n---\nid: x\n",                             # a YAML 1.1 directive
    "id: x\n---\nid: y\n",                                 # two documents
    "\ufeff\ufeff",                                        # only byte-order marks
    "id: x\x85title: y\u2028summary: z\n",                 # Unicode line breaks
    "? [a, b]\n: c\n",                                     # a complex (list) key
    "{}: x\n",                                             # a mapping as key
    "1: one\n2: two\n",                                    # integer keys
    "<<: {id: x}\n",                                       # merge key
    "id: " + "[" * 200 + "]" * 200 + "\n",                 # deep nesting
])
@pytest.mark.parametrize("name", ["pack.yml", "01-basics.yml", "claims.yml", "sources/memo.yml"])
def test_known_awkward_documents(name: str, text: str) -> None:
    check_with([(name, text)])


# ================================================================ 2. mutated valid files

def load_plain(name: str) -> Any:
    return YAML(typ="safe", pure=True).load(fixture_text(name))


def paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside node (dict keys and list indexes)."""
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, here + (i,))
    return out


def get(node: Any, path: tuple[Any, ...]) -> Any:
    for el in path:
        node = node[el]
    return node


def put(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    get(node, path[:-1])[path[-1]] = value
    return node


def with_ids(node: Any) -> list[tuple[Any, ...]]:
    return [p for p in paths(node) if isinstance(get(node, p), dict) and "id" in get(node, p)]


MUTATIONS = ["delete_key", "change_type", "rename_key", "duplicate_item", "swap_ids", "replace_string",
             "extreme_number", "unknown_key", "drop_answers", "empty_list", "set_null", "move_value"]


@st.composite
def mutated(draw: st.DrawFn, name: str) -> Any:
    data = copy.deepcopy(load_plain(name))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(MUTATIONS))
        all_paths = paths(data)
        dict_paths = [p for p in all_paths if isinstance(get(data, p), dict) and get(data, p)]
        list_paths = [p for p in all_paths if isinstance(get(data, p), list) and get(data, p)]
        if op == "delete_key" and dict_paths:
            d = get(data, draw(st.sampled_from(dict_paths)))
            del d[draw(st.sampled_from(sorted(d, key=str)))]
        elif op == "change_type" and len(all_paths) > 1:
            p = draw(st.sampled_from(all_paths[1:]))
            data = put(data, p, draw(st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3))))
        elif op == "rename_key" and dict_paths:
            d = get(data, draw(st.sampled_from(dict_paths)))
            k = draw(st.sampled_from(sorted(d, key=str)))
            new = draw(st.one_of(st.just(str(k)[:-1]), st.just(str(k) + "s"), st.just(str(k).upper()), keys))
            if new not in d:
                d[new] = d.pop(k)
        elif op == "duplicate_item" and list_paths:
            seq = get(data, draw(st.sampled_from(list_paths)))
            seq.insert(draw(st.integers(0, len(seq))), copy.deepcopy(draw(st.sampled_from(seq))))
        elif op == "swap_ids":
            idp = with_ids(data)
            if len(idp) >= 2:
                a, b = draw(st.sampled_from(idp)), draw(st.sampled_from(idp))
                get(data, a)["id"], get(data, b)["id"] = get(data, b)["id"], get(data, a)["id"]
        elif op == "replace_string":
            sp = [p for p in all_paths if isinstance(get(data, p), str)]
            if sp:
                p = draw(st.sampled_from(sp))
                strings = [get(data, q) for q in sp]
                data = put(data, p, draw(st.one_of(st.sampled_from(strings), odd_text, st.sampled_from(YAML_BITS))))
        elif op == "extreme_number":
            np_ = [p for p in all_paths if isinstance(get(data, p), (int, float)) and not isinstance(get(data, p), bool)]
            target = draw(st.sampled_from(np_)) if np_ and draw(st.booleans()) else (draw(st.sampled_from(all_paths[1:])) if len(all_paths) > 1 else None)
            if target is not None:
                data = put(data, target, draw(st.sampled_from([-1, 0, -(10 ** 30), 10 ** 30, 2 ** 63, 1.5, -0.0,
                                                                 float("inf"), float("nan"), 10 ** 400])))
        elif op == "unknown_key" and dict_paths:
            d = get(data, draw(st.sampled_from(dict_paths)))
            d[draw(keys)] = draw(scalars)
        elif op == "drop_answers":
            for ex in data.get("exercises", []) if isinstance(data, dict) and isinstance(data.get("exercises"), list) else []:
                if isinstance(ex, dict) and draw(st.booleans()):
                    for k in ("answer", "answers", "key", "model_answer", "why", "finds"):
                        ex.pop(k, None)
        elif op == "empty_list" and list_paths:
            data = put(data, draw(st.sampled_from(list_paths)), [])
        elif op == "set_null" and len(all_paths) > 1:
            data = put(data, draw(st.sampled_from(all_paths[1:])), None)
        elif op == "move_value" and len(all_paths) > 2:
            src, dst = draw(st.sampled_from(all_paths[1:])), draw(st.sampled_from(all_paths[1:]))
            if dst[: len(src)] != src:
                data = put(data, dst, copy.deepcopy(get(data, src)))
    return data


def dump_any(data: Any) -> str | bytes:
    try:
        return dump(data)
    except Exception:  # noqa: BLE001 - ruamel cannot represent it (e.g. a huge float): skip it
        assume(False)
        raise


@settings(max_examples=100)
@given(st.data())
def test_mutated_files_give_only_pack_errors(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(EXISTING), label="file")
    text = dump_any(data.draw(mutated(name), label="mutated data"))
    check_with([(name, text)])


@settings(max_examples=25)
@given(st.data())
def test_several_mutated_files_at_once(data: st.DataObject) -> None:
    names = data.draw(st.lists(st.sampled_from(EXISTING), min_size=2, max_size=4, unique=True), label="files")
    pack = fresh_pack()
    try:
        for name in names:
            write(pack, name, dump_any(data.draw(mutated(name), label=name)))
        assert_guarantees(pack)
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)


# ================================================================ 3. mutated but valid: no leak

SAFE_TEXT = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), whitelist_characters=".,;:!?'&-"),
                    min_size=1, max_size=30).map(str.strip).filter(lambda s: s and "TMARK" not in s.upper())
AUTO = {"choice", "classify", "highlight", "order", "match"}


@st.composite
def valid_variant(draw: st.DrawFn) -> dict[str, Any]:
    """Edits that keep the pack valid: reorder lessons, exercises and options, flip feedback on
    auto-graded exercises, change points and plain titles/prompts, clone an exercise under a new id."""
    files = {n: load_plain(n) for n in ("pack.yml", "01-basics.yml", "02-open.yml", "claims.yml")}
    pack, l1, l2, claims = files["pack.yml"], files["01-basics.yml"], files["02-open.yml"], files["claims.yml"]
    if draw(st.booleans()):
        pack["lessons"] = list(reversed(pack["lessons"]))
    for lesson in (l1, l2):
        exercises = lesson["exercises"]
        lesson["exercises"] = draw(st.permutations(exercises))
        for ex in lesson["exercises"]:
            if ex["type"] in AUTO and draw(st.booleans()):
                ex["feedback"] = draw(st.sampled_from(["instant", "teacher"]))
            if draw(st.booleans()):
                ex["points"] = draw(st.integers(0, 1000))
            if draw(st.booleans()):
                ex["prompt"] = draw(SAFE_TEXT)
            if "options" in ex and draw(st.booleans()):
                ex["options"] = draw(st.permutations(ex["options"]))
        if draw(st.booleans()):
            lesson["title"] = draw(SAFE_TEXT)
        if draw(st.booleans()):
            clone = copy.deepcopy(draw(st.sampled_from(lesson["exercises"])))
            clone["id"] = f"{clone['id']}-copy"
            lesson["exercises"].append(clone)
    if draw(st.booleans()):
        claims["claims"] = list(reversed(claims["claims"]))
    return files


@pytest.fixture(scope="module")
def leak_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of its own (the repository's mkdocs.yml, an empty docs/), so the property does not
    depend on the hand-written pages others are editing."""
    root = tmp_path_factory.mktemp("leak-project")
    (root / "docs").mkdir()
    shutil.copy(CONFIG, root / "mkdocs.yml")
    return root


@settings(max_examples=3)
@given(valid_variant())
def test_valid_variants_leak_no_teacher_marker(leak_project: Path, files: dict[str, Any]) -> None:
    from generator.build import build

    pack = fresh_pack()
    try:
        for name, data in files.items():
            write(pack, name, dump(data))
        assert assert_guarantees(pack) == [], "the variant should be valid"
        out = pack.parent / "site"
        build(pack, out, config_file=leak_project / "mkdocs.yml", handouts=False, exports=False, quiet=True)
        scanned = 0
        for path, text in texts(out / "student"):
            scanned += 1
            leaked = MARKER.findall(text)
            assert not leaked, f"{path.relative_to(out)} leaks {sorted(set(leaked))[:5]}"
        assert scanned > 10
        teacher = "".join(t for _, t in texts(out / "teacher"))
        assert MARKER.search(teacher), "the markers do reach the teacher edition"
    finally:
        shutil.rmtree(pack.parent, ignore_errors=True)
