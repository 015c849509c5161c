"""What the three LMS formats share: which exercises go where, and their text as HTML.

Exports are teacher material: they are made from the TEACHER view of the pack and hold every key.
Author text goes through `text.py` (Markdown → sanitized HTML), so the formats only escape it.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from .. import model
from ..text import to_html, to_plain

FORMATS = ("qti", "moodle", "gift")
FORMAT_NAMES = {"qti": "Canvas QTI 1.2", "moodle": "Moodle XML", "gift": "GIFT"}

# How each format carries a kind, and why a kind is left out, is the kind's to say
# (generator/kinds/<kind>/: export_form, left_out_reason, match_pairs, prompt_extra, ...).

# Grades Moodle accepts for an answer (question/format.php, question_bank::fraction_options_full):
# anything else makes the import fail. Percentages, as Moodle XML writes them.
MOODLE_FRACTIONS = [100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0,
                    25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0]


@dataclass
class Question:
    """One exercise, ready for a format: its lesson, the exercise and how the format carries it."""

    lesson: model.Lesson
    ex: Any
    number: int  # position in the lesson, from 1

    @property
    def kind(self) -> str:
        return str(self.ex.type)

    def form(self, fmt: str) -> str | None:
        """How `fmt` carries it: "multiple_choice", "matching", "ordering", "essay", or None (left out)."""
        return self.ex.kind.export_form(fmt, self.ex)

    @property
    def key(self) -> str:
        return f"{self.lesson.id}/{self.ex.id}"


@dataclass
class Selection:
    """The lessons to export and their exercises (`split` decides, per format, which go)."""

    pack: model.Pack
    lessons: list[model.Lesson]
    questions: dict[str, list[Question]] = field(default_factory=dict)  # lesson id -> questions


def select(pack: model.Pack, lesson: str | None) -> Selection:
    """The lessons to export (all, or the one asked for). Unknown lesson ids raise ValueError."""
    from ..suggest import did_you_mean

    ids = [lsn.id for lsn in pack.lessons]
    if lesson is not None and lesson not in ids:
        raise ValueError(f"unknown lesson '{lesson}'{did_you_mean(lesson, ids)} (lessons: {', '.join(ids)})")
    lessons = [lsn for lsn in pack.lessons if lesson is None or lsn.id == lesson]
    sel = Selection(pack=pack, lessons=lessons)
    for lsn in lessons:
        sel.questions[lsn.id] = [Question(lsn, ex, i) for i, ex in enumerate(lsn.exercises, start=1)]
    return sel


def split(questions: Iterable[Question], fmt: str) -> tuple[list[Question], list[str]]:
    """(exported, a note per question left out, with the reason) for one format."""
    kept, notes = [], []
    for q in questions:
        if q.form(fmt) is None:
            notes.append(f"{fmt}: left out {q.key} ({q.kind}): {q.ex.kind.left_out_reason(fmt, FORMAT_NAMES[fmt])}")
        else:
            kept.append(q)
    return kept, notes


# ---------------------------------------------------------------- text

# Each format renders the same texts again; Markdown is the slow part, so render each text once.
@lru_cache(maxsize=8192)
def md(text: str | None) -> str:
    return to_html(text)


@lru_cache(maxsize=8192)
def mdi(text: str | None) -> str:
    return to_html(text, inline=True)


@lru_cache(maxsize=8192)
def plain(text: str | None) -> str:
    return to_plain(text)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def title(q: Question) -> str:
    """A short plain-text name: the exercise id and the start of its prompt."""
    words = plain(q.ex.prompt)
    if len(words) > 60:
        words = words[:59].rstrip() + "…"
    return f"{q.ex.id}: {words}"


def points_label(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def position_label(n: int) -> str:
    """The right-hand side when an order exercise is exported as matching of positions."""
    return f"{ordinal(n)} position"


def _helpers() -> Any:
    """What kinds use to write their export HTML: this module (md, mdi, esc, rubric_html, ...)."""
    import sys

    return sys.modules[__name__]


def rubric_html(r: model.Rubric) -> str:
    head = "".join(f"<th>{esc(lv)}</th>" for lv in r.levels)
    rows = "".join(
        f"<tr><th>{mdi(c.criterion)}</th>" + "".join(f"<td>{mdi(c.levels.get(lv, ''))}</td>" for lv in r.levels) + "</tr>"
        for c in r.criteria)
    return f"<table><caption>Rubric</caption><thead><tr><th>Criterion</th>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _paragraph_html(pack: model.Pack, lesson: model.Lesson, pid: str) -> str:
    source = pack.lesson_source(lesson)
    para = next((p for p in source.paragraphs if p.id == pid), None)
    if para is None:
        return ""
    body = esc(para.text).replace("\n", "<br>")
    return f"<blockquote><p><strong>¶{pid[1:]}</strong> {body}</p></blockquote>"


def prompt_html(pack: model.Pack, q: Question) -> str:
    """What the student reads: the prompt, the paragraphs shown with it and the kind's own parts."""
    ex = q.ex
    parts = [md(ex.prompt)]
    parts += [_paragraph_html(pack, q.lesson, pid) for pid in ex.paragraphs]
    parts += ex.kind.prompt_extra(pack, ex, _helpers())
    return "".join(p for p in parts if p)


def grader_html(pack: model.Pack, q: Question) -> str:
    """For essays: the key a grader needs (rubric, what a good answer holds, model answer)."""
    ex = q.ex
    parts = [rubric_html(ex.rubric)]
    parts += ex.kind.grader_extra(pack, ex, _helpers())
    if ex.model_answer:
        parts.append(f"<p><strong>Model answer (Proficient):</strong></p>{md(ex.model_answer)}")
    if ex.explanation:
        parts.append(f"<p><strong>Why:</strong></p>{md(ex.explanation)}")
    return "".join(parts)


def general_feedback_html(q: Question) -> str:
    """For auto-graded kinds: the explanation, and the per-item reasons a format has no place for."""
    ex = q.ex
    parts: list[str] = list(q.ex.kind.feedback_extra(ex, _helpers()))
    if ex.explanation:
        parts.append(md(ex.explanation))
    return "".join(p for p in parts if p)


def match_pairs(q: Question) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Matching form of classify, match and order: ([(left id, left text, right id)], [(right id, right text)]).

    Right ids are unique within the question; every right choice is listed once (unused ones are distractors)."""
    return q.ex.kind.match_pairs(q.ex, _helpers())


def moodle_fraction(share: int) -> float:
    """100/share as the nearest grade Moodle accepts."""
    target = 100.0 / share
    return min(MOODLE_FRACTIONS, key=lambda f: abs(f - target))


def fraction_text(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def export_date(pack: model.Pack) -> dt.date:
    from ..epoch import content_epoch

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or content_epoch(pack))
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date()


def category_path(pack: model.Pack, lesson: model.Lesson) -> str:
    """Moodle category path: pack title / lesson title ('/' inside a name is doubled, as Moodle does)."""
    def part(text: str) -> str:
        return plain(text).replace("/", "//")
    return f"$course$/{part(pack.info.title)}/{part(lesson.title)}"


def xml_bytes(root: Any) -> bytes:
    """Serialized XML with the declaration every importer expects (double quotes, UTF-8)."""
    from lxml import etree

    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", xml_declaration=False,
                                                                        pretty_print=True)
