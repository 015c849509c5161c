"""`casefile grade`: score students' answer files (`<lesson>-<name>.casefile.json`) against the
pack's key; write gradebook.csv and one HTML report per student.

The answer file and the scoring rules are a contract shared with the browser, written down in
ANSWERS.md: casefile.js writes the files and checks instant exercises, the teacher's Check answers
page (check-answers.js) scores files, both with each kind's kind.js scorer and the key
`browser_key()` embeds. Auto-graded kinds get points; open answers (short answer, claim audit,
lateral reading) are listed in each student's report with their rubric and model answer.

    read.py       answer files: canonical JSON, checksum, names, limits, shape (via the kinds)
    score.py      scoring via the kinds; a student's results
    marks.py      the teacher's marks files (levels per rubric criterion, comment) and an open answer's points
    roster.py     the class list (--roster)
    store.py      gradebook.json: what earlier runs graded, merged with each new run
    gradebook.py  gradebook.csv (columns: the lessons handed in), not-handed-in.csv
    names.py      file names from student names (the same rule as the browser's downloads)
    report.py     the HTML report for the teacher (autoescaping template templates/grade/report.html.j2)
    feedback.py   the HTML feedback file for the student (templates/grade/feedback.html.j2)
    browser.py    the key the teacher's Check answers page scores with
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..errors import display_path
from ..kinds import Line
from ..kinds.base import round2
from ..kinds.highlight import highlight_found
from .browser import browser_key, browser_key_json
from .feedback import feedback_html
from .gradebook import TOTALS, Total, gradebook_csv, gradebook_header, gradebook_rows, handed_in, missing_csv
from .marks import Mark, is_marks_file, marks_json, merge_marks, read_marks_file
from .names import file_slug, unique_slugs
from .read import (FORMAT, FORMAT_VERSION, MAX_BYTES, REDOWNLOAD, AnswerFile, canonical, check_answer_data, checksum,
                   clean_name, expand, name_key, read_answer_file, shape_problems)
from .report import report_html
from .roster import read_roster
from .store import NAME as STORE_NAME
from .store import load_store, store_json
from .score import Scored, Student, columns, fmt, result, score


class GradeError(Exception):
    """Nothing could be graded. `messages`: one "file: what is wrong, what to do" line each."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class GradeResult:
    students: list[Student]
    problems: list[str]
    notes: list[str]
    gradebook: Path
    reports: list[Path]
    feedback: list[Path] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # lesson id -> roster names not handed in
    missing_file: Path | None = None
    new_files: int = 0

    @property
    def summary(self) -> str:
        n_files = sum(len(s.files) for s in self.students)
        n_open = sum(len(s.open_answers) for s in self.students)
        n_marked = sum(len(s.marked) for s in self.students)
        handed = [s for s in self.students if s.files]
        out = [f"Graded {_n(n_files, 'file')} for {_n(len(handed), 'student')}."
               + (f" ({self.new_files} new this run, the rest kept from before.)" if self.new_files != n_files else ""),
               f"  Gradebook: {display_path(self.gradebook)}",
               f"  Reports:   {display_path(self.gradebook.parent / 'reports')}/ ({len(self.reports)})",
               f"  Feedback:  {display_path(self.gradebook.parent / 'feedback')}/ ({len(self.feedback)}, one to give each student)"]
        if n_marked:
            out.append(f"  {_n(n_marked, 'open answer')} marked (from the marks files).")
        if n_open:
            out.append(f"  {_n(n_open, 'open answer')} to score: see the reports (rubric and model answer under each), "
                       "or mark them on the Check answers page and pass its marks file with --marks.")
        if self.missing_file is not None:
            if any(self.missing.values()):
                out.append(f"  Not handed in (also in {display_path(self.missing_file)}):")
                out += [f"    {lid}: {', '.join(names)}" for lid, names in self.missing.items() if names]
            elif not n_files:
                out.append("  Nobody on the class list has handed in a file yet.")
            else:
                out.append("  Everyone on the class list handed in every lesson graded.")
        out += [f"  Note: {n}" for n in self.notes]
        if self.problems:
            out.append(f"  Not graded ({_n(len(self.problems), 'problem')}, listed above).")
        return "\n".join(out)


def _pick(st: Student, got: AnswerFile, notes: list[str], earlier: set[int]) -> None:
    """Keep the later of two files for one lesson, and say which was used."""
    old = st.files.get(got.lesson.id)
    if old is not None:
        if old.data is not None and got.data is not None and old.data.get("checksum") == got.data.get("checksum"):
            return  # the same file again
        keep, drop = (got, old) if got.saved_at >= old.saved_at else (old, got)
        was = " (graded before)" if id(drop) in earlier else ""
        kept = " (graded before)" if id(keep) in earlier else ""
        notes.append(f"{st.name}: two files for lesson '{got.lesson.id}'; used {keep.name}{kept} (saved {keep.saved_at}), "
                     f"not {drop.name}{was} (saved {drop.saved_at}): the newer one wins")
        got = keep
    st.files[got.lesson.id] = got


def _clear_stale(folder: Path, keep: set[Path]) -> None:
    """Remove the .html files a previous run left that this run did not write again."""
    for p in folder.glob("*.html"):
        if p not in keep:
            p.unlink(missing_ok=True)


def grade(pack: model.Pack, files: list[Path], out: Path, marks: list[Path] | None = None,
          roster: Path | None = None, *, by_skill: bool = False) -> GradeResult:
    """Grade answer files (and folders of them) with the teacher's marks files (`--marks`, and any
    `*.marks.json` among `files`), merged with what `out` already holds (gradebook.json)."""
    problems: list[str] = []
    notes: list[str] = []
    stored, store_notes = load_store(pack, out)
    notes += store_notes
    students: dict[str, Student] = {}
    earlier: set[int] = set()
    for fname, data in stored.files:
        got = check_answer_data(pack, out / fname, fname, data)
        if isinstance(got, list):
            notes.append(f"{fname} (graded before) cannot be graded against this pack any more, so it was dropped: "
                         + got[0].split(": ", 1)[-1])
            continue
        earlier.add(id(got))
        _pick(students.setdefault(name_key(got.student), Student(got.student)), got, notes, earlier)
    marks_paths = list(marks or [])
    new_files = 0
    for path in expand(files):
        if path.is_dir():
            problems.append(f"{display_path(path)}: folder holds no .json answer files; pick the files students downloaded")
            continue
        if is_marks_file(path):
            if path not in marks_paths:
                marks_paths.append(path)
            continue
        got = read_answer_file(pack, path)
        if isinstance(got, list):
            problems += got
            continue
        new_files += 1
        _pick(students.setdefault(name_key(got.student), Student(got.student)), got, notes, earlier)
    new_marks: list[Mark] = []
    for mp in marks_paths:
        ms, probs, mnotes = read_marks_file(pack, mp)
        new_marks += ms
        problems += probs
        notes += mnotes
    all_marks = merge_marks(stored.marks, new_marks)
    names = stored.roster
    if roster is not None:
        names, probs = read_roster(roster)
        if probs:
            raise GradeError(probs)
        if stored.roster is not None and stored.roster != names:
            notes.append(f"the class list {display_path(roster)} replaces the one of the earlier run")
    if not students and not names:
        raise GradeError(problems or ["no answer files given; name the .casefile.json files students downloaded"])
    if not new_files and not new_marks and roster is None and problems:
        raise GradeError(problems)
    for st in students.values():  # the name as typed in the newest file (the first file name on a tie)
        st.name = max(sorted(st.files.values(), key=lambda f: f.name), key=lambda f: f.saved_at).student
    if names:
        on_list = {name_key(n) for n in names}
        for n in names:  # the class list's spelling
            students.setdefault(name_key(n), Student(n)).name = n
        for k, st in students.items():
            if k not in on_list:
                notes.append(f"{st.name} handed in a file but is not on the class list; check the spelling of the name")
    by_key = {m.key: m for m in all_marks}
    used_marks = set()
    ordered = sorted(students.values(), key=lambda s: (name_key(s.name), s.name))
    for st in ordered:
        k = name_key(st.name)
        for lesson, ex in columns(pack):
            f = st.files.get(lesson.id)
            if f is not None:
                m = by_key.get((k, lesson.id, ex.id))
                if m is not None:
                    used_marks.add(m.key)
                st.results.append(result(lesson, ex, f.answers, pack, m))
    unused = [m for m in new_marks if m.key not in used_marks]
    if unused:
        notes.append(f"{_n(len(unused), 'mark')} for answers not graded here (no answer file for "
                     + ", ".join(sorted({f"{m.student} {m.lesson}" for m in unused})[:5]) + "); kept for a later run")
    written = _write(pack, out, ordered, names, all_marks, by_skill=by_skill)
    return GradeResult(ordered, problems, notes, *written, new_files=new_files)


def _write(pack: model.Pack, out: Path, ordered: list[Student], names: list[str] | None,
           all_marks: list[Mark], *, by_skill: bool = False) -> tuple[Path, list[Path], list[Path], dict[str, list[str]], Path | None]:
    """Every output, made again from the merged state: gradebook.csv, not-handed-in.csv (with a
    class list), one report and one feedback file per student who handed in (no other .html left
    in those folders), and gradebook.json for the next run."""
    students = {name_key(st.name): st for st in ordered}
    lessons = handed_in(pack, ordered)
    out.mkdir(parents=True, exist_ok=True)
    gradebook = out / "gradebook.csv"
    gradebook.write_bytes(gradebook_csv(pack, ordered, lessons, by_skill=by_skill).encode("utf-8"))
    missing: dict[str, list[str]] = {}
    missing_file = None
    if names:
        missing = {lid: [n for n in names if lid not in students[name_key(n)].files] for lid in lessons}
        missing_file = out / "not-handed-in.csv"
        missing_file.write_bytes(missing_csv([ls for ls in pack.lessons if ls.id in missing], missing).encode("utf-8"))
    else:
        (out / "not-handed-in.csv").unlink(missing_ok=True)
    reports_dir, feedback_dir = out / "reports", out / "feedback"
    reports_dir.mkdir(exist_ok=True)
    feedback_dir.mkdir(exist_ok=True)
    reports: list[Path] = []
    feedback: list[Path] = []
    handed = [st for st in ordered if st.files]
    slugs = unique_slugs([st.name for st in handed])
    for st in handed:
        p = reports_dir / f"{slugs[st.name]}.html"
        p.write_text(report_html(pack, st), encoding="utf-8")
        reports.append(p)
        p = feedback_dir / f"{slugs[st.name]}.html"
        p.write_text(feedback_html(pack, st), encoding="utf-8")
        feedback.append(p)
    _clear_stale(reports_dir, set(reports))
    _clear_stale(feedback_dir, set(feedback))
    kept = [(f.name, f.data) for st in ordered for f in st.files.values() if f.data is not None]
    (out / STORE_NAME).write_text(store_json(pack, kept, all_marks, names), encoding="utf-8")
    return gradebook, reports, feedback, missing, missing_file


__all__ = ["FORMAT", "FORMAT_VERSION", "MAX_BYTES", "REDOWNLOAD", "TOTALS", "AnswerFile", "GradeError", "GradeResult",
           "Line", "Mark", "Scored", "Student", "Total", "browser_key", "browser_key_json", "canonical", "checksum",
           "clean_name", "columns", "feedback_html", "file_slug", "fmt", "gradebook_csv", "gradebook_header",
           "gradebook_rows", "grade", "highlight_found", "marks_json", "name_key", "read_answer_file", "report_html",
           "round2", "score", "shape_problems"]
