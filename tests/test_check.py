"""Bad input never gives a traceback: every problem is one exact line with file:line:col, exit 1.

The corpus (tests/malformed/cases.yml) runs in this process through click's test runner, so the
whole corpus takes seconds; a few hostile inputs also run as a real `python -m generator check`.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from malformed.corpus import load_cases, make_pack

CASES = load_cases()
CPU_LIMIT = 5.0


def run_check(cwd: Path, lessons: str = "lessons") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "check", "--lessons", lessons],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def run_in_process(cwd: Path, args: list[str]) -> tuple[Any, float]:
    """(click result, CPU-seconds) of `casefile ARGS` run in this process with cwd as the current folder."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        start = time.process_time()
        result = CliRunner().invoke(main, args, catch_exceptions=True)
        return result, time.process_time() - start
    finally:
        os.chdir(old)


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def case_param(case: dict[str, Any]) -> Any:
    marks = []
    if case.get("xfail"):
        marks.append(pytest.mark.xfail(reason=case["xfail"], strict=False))
    if case.get("command") == "build":
        marks.append(pytest.mark.slow)
    return pytest.param(case, id=case["name"], marks=marks)


def assert_refused(case: dict[str, Any], result: Any, cpu: float) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}") from result.exception
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    n = len(case["expected"])
    assert lines[:-1] == case["expected"]
    assert lines[-1].startswith(f"{n} problem{'s' if n != 1 else ''} found; ")
    assert result.stdout == ""
    assert cpu < CPU_LIMIT, f"{cpu:.2f} CPU-s to reject"


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert len({c["name"] for c in CASES}) == len(CASES)
    assert all(c["expected"] and all("\n" not in line for line in c["expected"]) for c in CASES)


@pytest.mark.parametrize("case", [case_param(c) for c in CASES if c.get("command", "check") == "check"])
def test_malformed_pack_gives_exact_messages(case: dict, tmp_path: Path) -> None:
    make_pack(case, tmp_path / "lessons")
    config = ["--config", "mkdocs.yml"] if case.get("docs") else []
    result, cpu = run_in_process(tmp_path, ["check", "--lessons", "lessons", *config, *case.get("args", [])])
    assert_refused(case, result, cpu)
    assert result.stderr.strip().splitlines()[-1].endswith("; nothing was built.")


def build_param(case: dict[str, Any]) -> Any:
    """A case that passes `check` on this branch (xfail) would run a whole build: slow tier."""
    param = case_param(case)
    return param if not case.get("xfail") else pytest.param(case, id=case["name"], marks=[*param.marks, pytest.mark.slow])


@pytest.mark.parametrize("case", [build_param(c) for c in CASES if not c.get("args")])
def test_build_refuses_and_keeps_the_previous_site(case: dict, tmp_path: Path) -> None:
    """`casefile build` reports the same lines and leaves the site it built before as it was."""
    make_pack(case, tmp_path / "lessons")
    previous = tmp_path / "site"
    (previous / "student").mkdir(parents=True)
    (previous / "student" / "index.html").write_text("<!doctype html><title>before</title>\n", encoding="utf-8")
    (previous / "teacher").mkdir()
    (previous / "teacher" / "index.html").write_text("<!doctype html><title>before, teacher</title>\n", encoding="utf-8")
    before = tree_digest(previous)
    config = "mkdocs.yml" if case.get("docs") else str(Path(__file__).resolve().parent.parent / "mkdocs.yml")
    # --out absolute: MkDocs puts site_dir relative to the config's folder, not the current one.
    result, cpu = run_in_process(tmp_path, ["build", "--lessons", "lessons", "--config", config, "--out", str(previous),
                                            "--no-handouts", "--no-exports", "--quiet"])
    assert_refused(case, result, cpu if case.get("command") != "build" else 0.0)
    assert tree_digest(previous) == before


HOSTILE = ["yaml-billion-laughs", "yaml-nesting-20000-brackets", "huge-file-5mb"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_in_a_real_process(name: str, tmp_path: Path) -> None:
    """No traceback, no crash, exit 1, well under 5 CPU-s for the whole `python -m generator check`."""
    case = next(c for c in CASES if c["name"] == name)
    make_pack(case, tmp_path / "lessons")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run_check(tmp_path)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[:-1] == case["expected"]
    assert cpu < CPU_LIMIT


def test_valid_fixture_passes(tmp_path: Path) -> None:
    r = run_check(Path(__file__).parent / "fixtures", "pack")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pack: OK: 2 lessons, 11 exercises, 2 claims, 1 references, 2 glossary terms")


def test_missing_folder(tmp_path: Path) -> None:
    result, _ = run_in_process(tmp_path, ["check", "--lessons", "nowhere"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "nowhere:1:1: lesson folder not found; run from the project folder or pass --lessons DIR"


def test_the_default_pack_checks_clean() -> None:
    root = Path(__file__).resolve().parent.parent
    r = run_check(root)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_committed_schemas_are_current(tmp_path: Path) -> None:
    """lessons/schema/ is what `casefile schema` writes from the models today."""
    root = Path(__file__).resolve().parent.parent
    result, _ = run_in_process(root, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for fresh in sorted(tmp_path.glob("*.json")):
        committed = root / "lessons" / "schema" / fresh.name
        assert committed.read_text() == fresh.read_text(), f"run `casefile schema`: {fresh.name} is stale"
    lesson = __import__("json").loads((tmp_path / "lesson.schema.json").read_text())
    kinds = set(lesson["$defs"]) & {"ChoiceExercise", "ClassifyExercise", "HighlightExercise", "OrderExercise",
                                    "MatchExercise", "ShortAnswerExercise", "ClaimAuditExercise", "LateralReadingExercise"}
    assert len(kinds) == 8


def test_an_internal_error_is_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import generator.checks

    def broken(*args: Any, **kw: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(generator.checks, "check_pack", broken)
    fixtures = Path(__file__).parent / "fixtures"
    result, _ = run_in_process(fixtures, ["check", "--lessons", "pack"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "pack: internal error while checking the pack (KeyError: 'boom'); this is a bug in Casefile: please report it "
        "with the file that causes it (run with --debug for the details)",
        "1 problem found; nothing was checked."]
    result, _ = run_in_process(fixtures, ["check", "--lessons", "pack", "--debug"])
    assert isinstance(result.exception, KeyError)


def test_limits_from_the_environment_apply_to_every_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    monkeypatch.setenv("CASEFILE_MAX_FILE_MB", "0.002")
    result, _ = run_in_process(fixtures, ["check", "--lessons", "pack"])
    assert result.exit_code == 1
    assert "pack/01-basics.yml:1:1: the file is 3 KB, more than the 2 KB a lesson-pack file may hold; split it into " \
           "smaller files, or allow more with --max-file-mb (or CASEFILE_MAX_FILE_MB)" in result.stderr.splitlines()
    result, _ = run_in_process(fixtures, ["export", "--lessons", "pack", "--format", "gift", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "more than the 2 KB" in result.stderr
    # The option wins over the environment.
    result, _ = run_in_process(fixtures, ["check", "--lessons", "pack", "--max-file-mb", "1"])
    assert result.exit_code == 0, result.stderr


def test_quiet_prints_only_problems(tmp_path: Path) -> None:
    """`--quiet` on every command that prints a summary: nothing on stdout when all is well, the
    problems (and lint warnings) still on stderr, the same exit status."""
    import shutil

    fixtures = Path(__file__).parent / "fixtures"
    shutil.copytree(fixtures / "pack", tmp_path / "lessons")
    result, _ = run_in_process(tmp_path, ["check", "-q"])
    assert (result.exit_code, result.stdout) == (0, ""), result.output
    assert run_in_process(tmp_path, ["check"])[0].stdout.startswith("lessons: OK:")
    result, _ = run_in_process(tmp_path, ["new", "lesson", "--quiet", "Reading a chart"])
    assert (result.exit_code, result.stdout) == (0, "") and list((tmp_path / "lessons").glob("*reading-a-chart*"))
    result, _ = run_in_process(tmp_path, ["import", "-q", str(fixtures / "import" / "article.md"), "--id", "extra"])
    assert (result.exit_code, result.stdout) == (0, "") and (tmp_path / "lessons" / "sources" / "extra.yml").is_file()
    result, _ = run_in_process(tmp_path, ["new", "pack", "-q", "fresh", "--from", str(fixtures / "import" / "article.md")])
    assert (result.exit_code, result.stdout) == (0, "") and (tmp_path / "fresh" / "lessons" / "pack.yml").is_file()
    (tmp_path / "lessons" / "pack.yml").write_text("title: [unclosed\n")
    result, _ = run_in_process(tmp_path, ["check", "-q"])
    assert result.exit_code == 1 and result.stdout == "" and "lessons/pack.yml:1:" in result.stderr
