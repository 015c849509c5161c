"""Quiet, useful output (issue 17.5): `casefile build` says what it built, where and how long it took,
and what needs attention, in a few lines; `--quiet` prints only errors; `--verbose` adds the details."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_PACK, ROOT
from generator.progress import Progress
from generator.summary import left_out


def run_build(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--lessons", str(FIXTURE_PACK),
                           "--out", str(tmp_path / "site"), "--no-handouts", *flags],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow
def test_a_build_says_what_it_made_in_a_few_lines(tmp_path: Path) -> None:
    r = run_build(tmp_path, "--markdown-out", str(tmp_path / "md"))
    assert r.returncode == 0, r.stderr
    lines = (r.stdout + r.stderr).splitlines()
    assert len(lines) <= 10, "\n".join(lines)
    out = r.stdout
    assert f"{tmp_path}/site/student/index.html" in out and f"{tmp_path}/site/teacher/index.html" in out
    assert f"{tmp_path}/site/exports/" in out and f"{tmp_path}/md/student/" in out
    assert " s:" in out.splitlines()[0]  # the time it took
    # every fixture exercise reaches the LMS files (highlight as tick-every-phrase): nothing to report
    assert "Left out" not in out
    assert "qti:" not in r.stdout + r.stderr  # no per-format export notes
    assert "setuptools" not in r.stderr and "WARNING" not in r.stderr and "INFO" not in r.stderr


@pytest.mark.slow
def test_quiet_prints_nothing_and_verbose_prints_the_export_notes(tmp_path: Path) -> None:
    r = run_build(tmp_path, "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    r = run_build(tmp_path, "--verbose", "--no-exports")
    assert r.returncode == 0 and "qti:" not in r.stderr and "Left out" not in r.stdout
    r = run_build(tmp_path, "--verbose")
    assert r.returncode == 0, r.stderr
    assert "qti: 11 of 11 exercises exported" in r.stderr, r.stderr
    assert "highlight exercise(s) are multiple-answer questions" in r.stderr
    assert "gift: " in r.stderr and "moodle: " in r.stderr and "exercises exported to" in r.stderr
    assert "Left out of the LMS exports" not in r.stdout  # the details are there instead


def test_quiet_errors_still_print(pack_copy: Path, tmp_path: Path) -> None:
    (pack_copy / "01-basics.yml").write_text("id: [\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--lessons", str(pack_copy), "--out",
                        str(tmp_path / "site"), "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and r.stdout == ""
    assert "01-basics.yml:" in r.stderr and "Traceback" not in r.stderr


def test_progress_off_a_terminal_prints_one_line_or_every_step_when_verbose() -> None:
    for verbose, expect in ((False, 1), (True, 4)):
        stream = io.StringIO()
        Progress.verbose = verbose
        try:
            with Progress("Handouts", 3, stream=stream) as p:
                for name in ("a", "b", "c"):
                    p.step(name)
        finally:
            Progress.verbose = False
        lines = stream.getvalue().splitlines()
        assert len(lines) == expect and lines[-1].startswith("Handouts: 3 done in "), lines
    stream = io.StringIO()
    with Progress("Handouts", 3, quiet=True, stream=stream) as p:
        p.step("a")
    assert stream.getvalue() == ""


def test_left_out_counts_each_exercise_once() -> None:
    notes = ["qti: left out 01-a/x (highlight): no type", "moodle: left out 01-a/x (highlight): no type",
             "gift: left out 02-b/y (order): no type", "gift: GIFT has no points", "qti: 3 of 5 exercises exported"]
    assert left_out(notes) == {"01-a/x (highlight)": {"qti", "moodle"}, "02-b/y (order)": {"gift"}}
