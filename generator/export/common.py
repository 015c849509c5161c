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
from ..render import AUDIT_FIELDS
from ..text import to_html, to_plain

FORMATS = ("qti", "moodle", "gift")
FORMAT_NAMES = {"qti": "Canvas QTI 1.2", "moodle": "Moodle XML", "gift": "GIFT"}
ESSAY_KINDS = {"short_answer", "claim_audit", "lateral_reading"}

# Why a kind cannot be exported, per format (kind -> reason).
LEFT_OUT: dict[str, dict[str, str]] = {
    fmt: {"highlight": f"{FORMAT_NAMES[fmt]} has no question type for marking words in a paragraph"}
    for fmt in FORMATS
}

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
        reason = LEFT_OUT[fmt].get(q.kind)
        if reason:
            notes.append(f"{fmt}: left out {q.key} ({q.kind}): {reason}")
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


ORDER_AS_MATCHING_HINT = "<p>Give each item its position in the correct order.</p>"


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
    if ex.type == "claim_audit":
        items = []
        for i, cid in enumerate(ex.claims, start=1):
            c = pack.claim(cid)
            items.append(f"<li>Claim {i}: <q>{esc(c.quote)}</q> (¶{c.paragraph[1:]})</li>")
        parts.append(f"<ol>{''.join(items)}</ol>")
        fields = ", ".join(esc(label) for _, label in AUDIT_FIELDS)
        parts.append(f"<p>For each claim, write: {fields} (high, medium, low, or can't tell yet).</p>")
    elif ex.type == "lateral_reading":
        parts.append(md(ex.task))
        parts.append("<ol>" + "".join(f"<li>{mdi(s)}</li>" for s in ex.steps) + "</ol>")
        parts.append(f"<p>Expected findings checked as of {ex.as_of.isoformat()}. "
                     "Sources change: note the date you searched.</p>")
    if ex.type in ESSAY_KINDS:
        parts.append(rubric_html(ex.rubric))
    return "".join(p for p in parts if p)


def grader_html(pack: model.Pack, q: Question) -> str:
    """For essays: the key a grader needs (rubric, what a good answer holds, model answer)."""
    ex = q.ex
    parts = [rubric_html(ex.rubric)]
    if ex.type == "claim_audit" and ex.key:
        head = "".join(f"<th>{esc(label)}</th>" for _, label in AUDIT_FIELDS)
        rows = "".join(
            f"<tr><th>{esc(k.claim)}: <q>{esc(pack.claim(k.claim).quote)}</q></th><td>{mdi(k.evidence)}</td>"
            f"<td>{mdi(k.source)}</td><td>{mdi(k.other_sources)}</td><td>{esc(k.confidence.value)}</td></tr>"
            for k in ex.key)
        parts.append(f"<table><caption>Answer key</caption><thead><tr><th>Claim</th>{head}</tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    if ex.type == "lateral_reading" and ex.finds:
        parts.append(f"<p><strong>What a good search finds</strong> (as of {ex.as_of.isoformat()}):</p>{md(ex.finds)}")
    if ex.model_answer:
        parts.append(f"<p><strong>Model answer (Proficient):</strong></p>{md(ex.model_answer)}")
    if ex.explanation:
        parts.append(f"<p><strong>Why:</strong></p>{md(ex.explanation)}")
    return "".join(parts)


def general_feedback_html(q: Question) -> str:
    """For auto-graded kinds: the explanation, and the per-item reasons a format has no place for."""
    ex = q.ex
    parts: list[str] = []
    if ex.type == "classify":
        labels = {c.id: c.label for c in ex.categories}
        parts.append("<ul>" + "".join(f"<li>{mdi(it.text)} → <strong>{esc(labels[it.answer])}</strong>: {mdi(it.why)}</li>"
                                      for it in ex.items) + "</ul>")
    elif ex.type == "match":
        left = {i.id: i.text for i in ex.left}
        right = {i.id: i.text for i in ex.right}
        parts.append("<ul>" + "".join(f"<li>{mdi(left[p.left])} → <strong>{mdi(right[p.right])}</strong>: {mdi(p.why)}</li>"
                                      for p in ex.answer) + "</ul>")
    elif ex.type == "order":
        items = {i.id: i.text for i in ex.items}
        parts.append("<p><strong>Correct order:</strong></p><ol>" + "".join(f"<li>{mdi(items[i])}</li>" for i in ex.answer) + "</ol>")
        parts.append(md(ex.why))
    if ex.explanation:
        parts.append(md(ex.explanation))
    return "".join(p for p in parts if p)


def match_pairs(q: Question) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Matching form of classify, match and order: ([(left id, left text, right id)], [(right id, right text)]).

    Right ids are unique within the question; every right choice is listed once (unused ones are distractors)."""
    ex = q.ex
    if ex.type == "classify":
        return ([(it.id, it.text, it.answer) for it in ex.items],
                [(c.id, c.label) for c in ex.categories])
    if ex.type == "match":
        left = {i.id: i.text for i in ex.left}
        return ([(p.left, left[p.left], p.right) for p in ex.answer], [(r.id, r.text) for r in ex.right])
    if ex.type == "order":
        pos = {iid: n for n, iid in enumerate(ex.answer, start=1)}
        return ([(it.id, it.text, f"pos{pos[it.id]}") for it in ex.items],
                [(f"pos{n}", position_label(n)) for n in range(1, len(ex.items) + 1)])
    raise ValueError(f"{ex.type} is not a matching kind")


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
