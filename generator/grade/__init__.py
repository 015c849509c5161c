"""`casefile grade`: score students' answer files (`<lesson>-<name>.casefile.json`) against the
pack's key; write gradebook.csv and one HTML report per student.

The answer file and the scoring rules are a contract shared with the browser, written down in
ANSWERS.md: casefile.js writes the files and checks instant exercises, the teacher's Check answers
page (check-answers.js) scores files, both with each kind's kind.js scorer and the key
`browser_key()` embeds. Auto-graded kinds get points; open answers (short answer, claim audit,
lateral reading) are listed in each student's report with their rubric and model answer.

    read.py       answer files: canonical JSON, checksum, names, limits, shape (via the kinds)
    score.py      scoring via the kinds; a student's results
    gradebook.py  gradebook.csv
    report.py     the HTML report (autoescaping template templates/grade/report.html.j2)
    browser.py    the key the teacher's Check answers page scores with
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import model
from ..errors import display_path
from ..kinds import Line
from ..kinds.base import round2
from ..kinds.highlight import highlight_found
from .browser import browser_key, browser_key_json
from .gradebook import gradebook_csv, gradebook_header, gradebook_rows
from .read import (FORMAT, FORMAT_VERSION, MAX_BYTES, REDOWNLOAD, AnswerFile, canonical, checksum, clean_name, expand,
                   name_key, read_answer_file, shape_problems)
from .report import report_html
from .score import Scored, Student, columns, fmt, result, score


class GradeError(Exception):
    """Nothing could be graded. `messages`: one "file: what is wrong, what to do" line each."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class GradeResult:
    students: list[Student]
    problems: list[str]
    notes: list[str]
    gradebook: Path
    reports: list[Path]

    @property
    def summary(self) -> str:
        n_files = sum(len(s.files) for s in self.students)
        n_open = sum(len(s.open_answers) for s in self.students)
        out = [f"Graded {n_files} file{'s' if n_files != 1 else ''} for {len(self.students)} student{'s' if len(self.students) != 1 else ''}.",
               f"  Gradebook: {display_path(self.gradebook)}",
               f"  Reports:   {display_path(self.gradebook.parent / 'reports')}/ ({len(self.reports)})"]
        if n_open:
            out.append(f"  {n_open} open answer{'s' if n_open != 1 else ''} to score: see the reports (rubric and model answer under each).")
        out += [f"  Note: {n}" for n in self.notes]
        if self.problems:
            out.append(f"  Not graded ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}, listed above).")
        return "\n".join(out)


def grade(pack: model.Pack, files: list[Path], out: Path, *, by_skill: bool = False) -> GradeResult:
    problems: list[str] = []
    notes: list[str] = []
    students: dict[str, Student] = {}
    for path in expand(files):
        if path.is_dir():
            problems.append(f"{display_path(path)}: folder holds no .json answer files; pick the files students downloaded")
            continue
        got = read_answer_file(pack, path)
        if isinstance(got, list):
            problems += got
            continue
        st = students.setdefault(name_key(got.student), Student(got.student))
        old = st.files.get(got.lesson.id)
        if old is not None:
            keep, drop = (got, old) if got.saved_at >= old.saved_at else (old, got)
            notes.append(f"{st.name}: two files for lesson '{got.lesson.id}'; used {keep.name} (saved {keep.saved_at}), not {drop.name}")
            got = keep
        st.files[got.lesson.id] = got
    if not students:
        raise GradeError(problems or ["no answer files given; name the .casefile.json files students downloaded"])
    ordered = sorted(students.values(), key=lambda s: (name_key(s.name), s.name))
    for st in ordered:
        for lesson, ex in columns(pack):
            f = st.files.get(lesson.id)
            if f is not None:
                st.results.append(result(lesson, ex, f.answers, pack))
    out.mkdir(parents=True, exist_ok=True)
    gradebook = out / "gradebook.csv"
    gradebook.write_bytes(gradebook_csv(pack, ordered, by_skill=by_skill).encode("utf-8"))
    reports_dir = out / "reports"
    reports_dir.mkdir(exist_ok=True)
    reports: list[Path] = []
    used: set[str] = set()
    for st in ordered:
        slug = re.sub(r"[^a-z0-9]+", "-", name_key(st.name)).strip("-") or "student"
        base, n = slug, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        p = reports_dir / f"{slug}.html"
        p.write_text(report_html(pack, st), encoding="utf-8")
        reports.append(p)
    return GradeResult(ordered, problems, notes, gradebook, reports)


__all__ = ["FORMAT", "FORMAT_VERSION", "MAX_BYTES", "REDOWNLOAD", "AnswerFile", "GradeError", "GradeResult", "Line",
           "Scored", "Student", "browser_key", "browser_key_json", "canonical", "checksum", "clean_name", "columns",
           "fmt", "gradebook_csv", "gradebook_header", "gradebook_rows", "grade", "highlight_found", "name_key",
           "read_answer_file", "report_html", "round2", "score", "shape_problems"]
