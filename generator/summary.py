"""What `casefile build` prints when it is done: what was built, where, how long it took, and what
needs the teacher's attention. The details (every export note) only with `--verbose`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

LEFT_OUT = re.compile(r"^(?P<fmt>[\w-]+): left out (?P<ex>\S+) \((?P<kind>[\w-]+)\)")
WHERE = [("student", "Student site (host this publicly)", "student/index.html"),
         ("teacher", "Teacher site (keep private)", "teacher/index.html"),
         ("handouts", "Handouts (PDF)", "handouts/"),
         ("exports", "LMS exports (teacher only)", "exports/")]


def left_out(notes: list[str]) -> dict[str, set[str]]:
    """{exercise: formats} for every exercise an export note says was left out."""
    found: dict[str, set[str]] = {}
    for note in notes:
        m = LEFT_OUT.match(note)
        if m:
            found.setdefault(f"{m['ex']} ({m['kind']})", set()).add(m["fmt"])
    return found


def build_summary(result: Any, out: Path, seconds: float, markdown: list[Path] | None = None,
                  verbose: bool = False) -> list[str]:
    """The closing lines of a build (stdout). `result` is a build.BuildResult."""
    lines = [f"Built {', '.join(result.built)} in {seconds:.0f} s:"]
    width = max(len(label) for _, label, _ in WHERE) + 1
    for part, label, rel in WHERE:
        if part in result.built:
            extra = ""
            if part == "handouts":
                n_student = _count(out / "handouts" / "student")
                n_teacher = _count(out / "handouts" / "teacher")
                extra = f"  ({n_student} for students, {n_teacher} for teachers)"
            lines.append(f"  {label + ':':<{width}} {out}/{rel}{extra}".rstrip())
    if markdown:
        lines.append(f"  {'Markdown for other engines:':<{width}} {', '.join(f'{m}/' for m in markdown)}")
    missing = left_out(result.export_notes)
    if missing and not verbose:
        kinds = sorted({ex.rsplit(' ', 1)[1].strip('()') for ex in missing})
        lines.append(f"Left out of the LMS exports: {len(missing)} exercise{'s' if len(missing) != 1 else ''} "
                     f"({', '.join(kinds)}); casefile build --verbose lists them and what each format carries differently.")
    return lines


def _count(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*.pdf")) if folder.is_dir() else 0
