"""gradebook.csv: one row per student, one column per exercise, totals (the browser page writes
the same bytes)."""

from __future__ import annotations

import csv
import io

from .. import i18n, model
from ..i18n import N_
from .score import Student, columns, fmt

# Column headers and the open-answer cell are words: in the pack's language (English ids here).
TOTALS = [N_("Auto score"), N_("Auto max"), N_("Open answers"), N_("Open max")]
STUDENT, TO_SCORE = N_("Student"), N_("to score")


def _t(pack: model.Pack, message: str) -> str:
    return i18n.translations(pack.info.language).gettext(message)


def csv_cell(text: str) -> str:
    """A spreadsheet must not run a student's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def gradebook_header(pack: model.Pack) -> list[str]:
    return [_t(pack, STUDENT)] + [f"{lesson.id}/{ex.id}" for lesson, ex in columns(pack)] + [_t(pack, h) for h in TOTALS]


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
                row.append(_t(pack, TO_SCORE))
        opens = st.open_answers
        row += [fmt(st.auto_score), str(st.auto_max), str(len(opens)), str(sum(r.ex.points for r in opens))]
        rows.append(row)
    return rows


def gradebook_csv(pack: model.Pack, students: list[Student]) -> str:
    """UTF-8 with a BOM (spreadsheets then read accents right), CRLF, minimal quoting."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(gradebook_header(pack))
    w.writerows(gradebook_rows(pack, students))
    return "\ufeff" + buf.getvalue()
