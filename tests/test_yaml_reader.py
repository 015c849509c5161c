"""The YAML reader: YAML 1.2 core scalars, positions, and the same plain data ruamel.yaml gave."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from generator.limits import Limits
from generator.yaml_reader import YamlFile, parse_into, read_yaml

ROOT = Path(__file__).resolve().parent.parent
PACK_FILES = sorted((ROOT / "lessons").rglob("*.yml")) + sorted((ROOT / "tests" / "fixtures" / "pack").rglob("*.yml"))


def read(text: str, limits: Limits | None = None) -> tuple[YamlFile, list[str]]:
    f = YamlFile(path=Path("x.yml"), shown="x.yml")
    problems = parse_into(f, text.encode("utf-8"), limits)
    return f, [str(p) for p in problems]


@pytest.mark.parametrize("text, value", [
    ("no", "no"), ("yes", "yes"), ("on", "on"), ("off", "off"), ("Yes", "Yes"), ("y", "y"),
    ("true", True), ("False", False), ("TRUE", True), ("null", None), ("~", None), ("", None),
    ("12", 12), ("-3", -3), ("012", 12), ("0o17", 15), ("0x1F", 31), ("1_000", "1_000"),
    ("1.5", 1.5), ("1e3", 1000.0), ("-.5", -0.5), (".inf", float("inf")), ("-.Inf", float("-inf")),
    ("2024-05-06", "2024-05-06"), ("2031-13-45", "2031-13-45"), ("12:30", "12:30"), ("1:20:00", "1:20:00"),
    ("'12'", "12"), ('"true"', "true"), ("!!str 12", "12"), ("p2", "p2"), ("[x, 1]", ["x", 1]),
])
def test_yaml_1_2_core_scalars(text: str, value: Any) -> None:
    f, problems = read(f"k: {text}\n")
    assert problems == []
    assert f.data["k"] == value and type(f.data["k"]) is type(value)


def test_nan() -> None:
    f, _ = read("k: .nan\n")
    assert f.data["k"] != f.data["k"]


def test_positions_of_keys_values_and_items() -> None:
    f, problems = read("a: 1\nb:\n  - x\n  - {c: d, e: [f, g]}\n")
    assert problems == []
    assert f.key_positions[("a",)] == (1, 1) and f.positions[("a",)] == (1, 4)
    assert f.positions[("b", 0)] == (3, 5)
    assert f.positions[("b", 1)] == (4, 5)
    assert f.key_positions[("b", 1, "e")] == (4, 12) and f.positions[("b", 1, "e", 1)] == (4, 19)
    assert f.at(("b", 1, "nothing", 3)) == (4, 5)


def test_limits_are_one_line_each() -> None:
    assert read("a:\n" + "  " * 0 + "- " * 40 + "x\n")[1] == [
        "x.yml:2:63: the YAML is nested more than 32 levels deep here; lesson files never need this much, "
        "so check for runaway brackets or indentation"]
    _, problems = read("a: b\n", Limits(file_bytes=1))
    assert problems == []  # the size limit is on files read from disk (read_yaml), not on text in memory


def test_a_billion_laughs_is_refused_at_the_first_anchor_in_no_time() -> None:
    lol = ", ".join(['"lol"'] * 9)
    bomb = f"a: &a [{lol}]\n" + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    start = time.process_time()
    assert read(bomb)[1] == ["x.yml:1:4: YAML anchors ('&a') are not allowed in lesson files, and teachers never need "
                             "them; remove it and write each value out in full"]
    assert time.process_time() - start < 0.5


def test_a_5_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    p = tmp_path / "big.yml"
    p.write_bytes(b"a: " + b"x" * (5 * 1024 * 1024) + b"\n")
    start = time.process_time()
    f, problems = read_yaml(p, tmp_path)
    assert [str(x) for x in problems] == ["big.yml:1:1: the file is 5.0 MB, more than the 2 MB a lesson-pack file may hold; "
                                          "split it into smaller files, or allow more with --max-file-mb (or CASEFILE_MAX_FILE_MB)"]
    assert time.process_time() - start < 0.5
    f, problems = read_yaml(p, tmp_path, Limits(file_bytes=6 * 1024 * 1024))
    assert problems == [] and len(f.data["a"]) == 5 * 1024 * 1024


def _ruamel_plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _ruamel_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_ruamel_plain(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    return node


@pytest.mark.parametrize("path", PACK_FILES, ids=[p.relative_to(ROOT).as_posix() for p in PACK_FILES])
def test_same_data_as_ruamel_yaml_1_2(path: Path) -> None:
    """Every file of the default and fixture packs reads as ruamel.yaml (YAML 1.2) read it."""
    from ruamel.yaml import YAML

    y = YAML(typ="safe", pure=True)
    y.version = (1, 2)
    f, problems = read_yaml(path)
    assert problems == []
    assert f.data == _ruamel_plain(y.load(path.read_text(encoding="utf-8")))
