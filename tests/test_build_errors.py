"""Issue 12.4 (build part): every mistake found while building is one line with a location,
exit 1, no traceback, and the previous site untouched."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "generator"]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, pack_copy: Path) -> Path:
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "notes.md").write_text("# Notes\n\nAll fine.\n")
    return tmp_path


def build(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + [*extra, "build", "--lessons", "lessons", "--no-handouts", "--no-exports", "-q"],
                          capture_output=True, text=True, cwd=project)


@pytest.mark.slow
def test_broken_link_in_a_docs_page_is_reported_at_its_line(project: Path) -> None:
    assert build(project).returncode == 0
    before = tree(project / "site")
    (project / "docs" / "notes.md").write_text("# Notes\n\nSee [this](missing.md).\n")
    r = build(project)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        "docs/notes.md:3:12: link 'missing.md': no page or file by that name exists in docs/, the pack's pages/ or the generated pages; "
        "fix or remove the link",
        "1 problem found; the previous contents of site/ are unchanged.",
    ]
    assert tree(project / "site") == before


def test_missing_workshop_guide_is_an_error_at_its_line(project: Path) -> None:
    pack = project / "lessons" / "pack.yml"
    pack.write_text(pack.read_text() + "  guide: teacher/guide.md\n")
    r = build(project)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[0] == ("lessons/pack.yml:15:10: workshop guide 'teacher/guide.md' is not in "
                                        "lessons/pages/ or docs/; create it there, or fix the path (it is relative to either folder)")
    pack.write_text(pack.read_text().replace("teacher/guide.md", "../../etc/passwd"))
    r = build(project)
    assert r.stderr.splitlines()[0] == ("lessons/pack.yml:15:10: workshop guide '../../etc/passwd' must be a path inside "
                                        "the pack's pages/ folder or docs/ (like teacher/facilitator-guide.md), "
                                        "without '..' or a leading '/'")
    assert not (project / "site").exists()


def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    # an output folder that is a file: nothing casefile expects, so it must not become a traceback
    (tmp_path / "x").write_text("")
    cmd = ["schema", "--out", str(tmp_path / "x" / "schema")]
    r = subprocess.run(CLI + cmd, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    [line] = r.stderr.splitlines()
    assert line.startswith("casefile: unexpected error in 'casefile schema': ")
    assert line.endswith("please report it with the command you ran (add --debug to see the traceback).")
    r = subprocess.run(CLI + ["--debug", *cmd], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" in r.stderr
