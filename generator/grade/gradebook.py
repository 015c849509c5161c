"""gradebook.csv: one row per student, one column per exercise of the lessons handed in (by
anyone in the class), then the totals (the browser page writes the same bytes for the files it
is given).

To add total columns (for example per skill), append to `TOTALS` a `Total(header, value)`:
`value(pack, student)` gives the cell text; `header` may be a function of the pack returning
several headers, then `value` returns as many cells (see `Total.headers`/`Total.cells`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Callable

from .. import i18n, model
from ..i18n import N_
from ..text import to_plain
from .by_skill import skill_cells, skill_header
from .score import Student, columns, fmt

# Column headers and the open-answer cell are words: in the pack's language (English ids here).
STUDENT, TO_SCORE = N_("Student"), N_("to score")


def _t(pack: model.Pack, message: str) -> str:
    return i18n.translations(pack.info.language).gettext(message)


def csv_cell(text: str) -> str:
    """A spreadsheet must not run a student's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@dataclass(frozen=True)
class Total:
    header: str | Callable[[model.Pack], list[str]]
    value: Callable[[model.Pack, Student], str | list[str]]

    def headers(self, pack: model.Pack) -> list[str]:
        return [_t(pack, self.header)] if isinstance(self.header, str) else list(self.header(pack))

    def cells(self, pack: model.Pack, st: Student) -> list[str]:
        v = self.value(pack, st)
        return [v] if isinstance(v, str) else list(v)


TOTALS: list[Total] = [
    Total(N_("Auto score"), lambda p, st: fmt(st.auto_score)),
    Total(N_("Auto max"), lambda p, st: str(st.auto_max)),
    Total(N_("Marked score"), lambda p, st: fmt(st.marked_score)),
    Total(N_("Marked max"), lambda p, st: str(sum(r.ex.points for r in st.marked))),
    Total(N_("To mark"), lambda p, st: str(len(st.open_answers))),
    Total(N_("To mark max"), lambda p, st: str(sum(r.ex.points for r in st.open_answers))),
    Total(N_("Total"), lambda p, st: fmt(st.total)),
    Total(N_("Total max"), lambda p, st: str(st.total_max)),
]
TOTAL_HEADERS = [h for t in TOTALS if isinstance(t.header, str) for h in [t.header]]


def handed_in(pack: model.Pack, students: list[Student]) -> list[str]:
    """The lessons at least one student handed in, in pack order: the gradebook's columns."""
    got = {lid for st in students for lid in st.files}
    return [lesson.id for lesson in pack.lessons if lesson.id in got]


def gradebook_columns(pack: model.Pack, lessons: list[str] | None = None) -> list[tuple[model.Lesson, Any]]:
    keep = None if lessons is None else set(lessons)
    return [(lesson, ex) for lesson, ex in columns(pack) if keep is None or lesson.id in keep]


def gradebook_header(pack: model.Pack, lessons: list[str] | None = None) -> list[str]:
    """Student, one column per exercise of `lessons` (every lesson when None), the totals."""
    return ([_t(pack, STUDENT)] + [f"{lesson.id}/{ex.id}" for lesson, ex in gradebook_columns(pack, lessons)]
            + [h for t in TOTALS for h in t.headers(pack)])


def gradebook_rows(pack: model.Pack, students: list[Student], lessons: list[str] | None = None) -> list[list[str]]:
    """One row per student. Cells: points; "to score" for an open answer not marked yet; "" for a
    lesson not handed in (a student on the class list who handed in nothing has only empty cells)."""
    rows = []
    for st in students:
        by = {(r.lesson.id, r.ex.id): r for r in st.results}
        row = [csv_cell(st.name)]
        for lesson, ex in gradebook_columns(pack, lessons):
            r = by.get((lesson.id, ex.id))
            if r is None:
                row.append("")
            elif r.score is not None:
                row.append(fmt(r.score))
            else:
                row.append(_t(pack, TO_SCORE))
        if st.files:
            row += [c for t in TOTALS for c in t.cells(pack, st)]
        else:
            row += ["" for t in TOTALS for _ in t.headers(pack)]
        rows.append(row)
    return rows


def gradebook_csv(pack: model.Pack, students: list[Student], lessons: list[str] | None = None, *,
                  by_skill: bool = False) -> str:
    """UTF-8 with a BOM (spreadsheets then read accents right), CRLF, minimal quoting. Columns:
    the lessons handed in (`handed_in`) unless `lessons` says otherwise. `by_skill`: a score and a
    max column per skill after the totals (grade/by_skill.py)."""
    if lessons is None:
        lessons = handed_in(pack, students)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    header, rows = gradebook_header(pack, lessons), gradebook_rows(pack, students, lessons)
    if by_skill:
        header, rows = header + skill_header(pack), [r + skill_cells(pack, st) for r, st in zip(rows, students)]
    w.writerow(header)
    w.writerows(rows)
    return "\ufeff" + buf.getvalue()


def missing_csv(lessons: list[model.Lesson], missing: dict[str, list[str]]) -> str:
    """Who on the class list has not handed in each lesson: Lesson, Title, Student (one row each)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Lesson", "Title", "Student"])
    for lesson in lessons:
        for name in missing.get(lesson.id, []):
            w.writerow([lesson.id, csv_cell(to_plain(lesson.title)), csv_cell(name)])
    return "\ufeff" + buf.getvalue()
