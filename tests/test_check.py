"""Bad input never gives a traceback: every problem is one exact line with file:line:col, exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from malformed.corpus import load_cases, make_pack

CASES = load_cases()


def run_check(cwd: Path, lessons: str = "lessons") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "check", "--lessons", lessons],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_malformed_pack_gives_exact_messages(case: dict, tmp_path: Path) -> None:
    make_pack(case, tmp_path / "lessons")
    r = run_check(tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    n = len(case["expected"])
    assert lines[:-1] == case["expected"]
    assert lines[-1] == f"{n} problem{'s' if n != 1 else ''} found; nothing was built."
    assert r.stdout == ""


def test_valid_fixture_passes(tmp_path: Path) -> None:
    r = run_check(Path(__file__).parent / "fixtures", "pack")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pack: OK: 2 lessons, 11 exercises, 2 claims, 1 references, 2 glossary terms")


def test_missing_folder(tmp_path: Path) -> None:
    r = run_check(tmp_path, "nowhere")
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == "nowhere:1:1: lesson folder not found; run from the project folder or pass --lessons DIR"


def test_the_default_pack_checks_clean() -> None:
    root = Path(__file__).resolve().parent.parent
    r = run_check(root)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_committed_schemas_are_current(tmp_path: Path) -> None:
    """lessons/schema/ is what `casefile schema` writes from the models today."""
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-m", "generator", "schema", "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for fresh in sorted(tmp_path.glob("*.json")):
        committed = root / "lessons" / "schema" / fresh.name
        assert committed.read_text() == fresh.read_text(), f"run `casefile schema`: {fresh.name} is stale"
    lesson = __import__("json").loads((tmp_path / "lesson.schema.json").read_text())
    kinds = set(lesson["$defs"]) & {"ChoiceExercise", "ClassifyExercise", "HighlightExercise", "OrderExercise",
                                    "MatchExercise", "ShortAnswerExercise", "ClaimAuditExercise", "LateralReadingExercise"}
    assert len(kinds) == 8
