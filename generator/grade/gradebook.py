"""gradebook.csv: one row per student, one column per exercise, totals (the browser page writes
the same bytes)."""

from __future__ import annotations

import csv
import io

from .. import model
from .by_skill import skill_cells, skill_header
from .score import Student, columns, fmt

TOTALS = ["Auto score", "Auto max", "Open answers", "Open max"]


def csv_cell(text: str) -> str:
    """A spreadsheet must not run a student's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def gradebook_header(pack: model.Pack) -> list[str]:
    return ["Student"] + [f"{lesson.id}/{ex.id}" for lesson, ex in columns(pack)] + TOTALS


def gradebook_rows(pack: model.Pack, students: list[Student]) -> list[list[str]]:
    """One row per student. Cells: points; "to score" for an open answer; "" for a lesson not handed in."""
    rows = []
    for st in students:
        by = {(r.lesson.id, r.ex.id): r for r in st.results}
        row = [csv_cell(st.name)]
        for lesson, ex in columns(pack):
            r = by.get((lesson.id, ex.id))
            if r is None:
                row.append("")
            elif r.auto or not r.answered:
                row.append(fmt(r.score or 0.0))
            else:
                row.append("to score")
        opens = st.open_answers
        row += [fmt(st.auto_score), str(st.auto_max), str(len(opens)), str(sum(r.ex.points for r in opens))]
        rows.append(row)
    return rows


def gradebook_csv(pack: model.Pack, students: list[Student], *, by_skill: bool = False) -> str:
    """UTF-8 with a BOM (spreadsheets then read accents right), CRLF, minimal quoting.
    `by_skill`: a score and a max column per skill after the totals (grade/by_skill.py)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    header, rows = gradebook_header(pack), gradebook_rows(pack, students)
    if by_skill:
        header, rows = header + skill_header(pack), [r + skill_cells(pack, st) for r, st in zip(rows, students)]
    w.writerow(header)
    w.writerows(rows)
    return "\ufeff" + buf.getvalue()
