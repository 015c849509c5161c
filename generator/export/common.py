"""What the three LMS formats share: which exercises go where, and their text as HTML.

Exports are teacher material: they are made from the TEACHER view of the pack and hold every key.
Author text goes through `text.py` (Markdown → sanitized HTML); the HTML around it is written by
autoescaping templates (fragments.py), so the formats only escape it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable

from .. import i18n, model
from ..i18n import _, ngettext
from ..text import to_plain
from .fragments import fragment, md, mdi  # noqa: F401  (md, mdi: used by the formats)

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
    paragraphs: dict[str, str] = field(default_factory=dict)  # the lesson source's paragraphs: id -> text

    @property
    def kind(self) -> str:
        return str(self.ex.type)

    def form(self, fmt: str) -> str | None:
        """How `fmt` carries it: "multiple_choice", "matching", "ordering", "essay", or None (left out)."""
        return self.ex.kind.export_form(fmt, self.ex)

    @property
    def key(self) -> str:
        return f"{self.lesson.id}/{self.ex.id}"

    def choice_view(self) -> Any:
        """The multiple-choice form (multiple, options with id/text/why, answer, explanation)."""
        return self.ex.kind.choice_view(self.ex, self.paragraphs)


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
        paras = {ref: p.text or "" for ref, p in pack.lesson_paragraphs(lsn).items()}
        sel.questions[lsn.id] = [Question(lsn, ex, i, paras) for i, ex in enumerate(lsn.exercises, start=1)]
    return sel


def kind_notes(questions: Iterable[Question], fmt: str) -> list[str]:
    """Each kind's note on how `fmt` carries its exported exercises (`Kind.export_note`)."""
    counts: dict[str, tuple[Any, int]] = {}
    for q in questions:
        kind, n = counts.get(q.kind, (q.ex.kind, 0))
        counts[q.kind] = (kind, n + 1)
    notes = [kind.export_note(fmt, FORMAT_NAMES[fmt], n) for kind, n in counts.values()]
    return [n for n in notes if n]


def split(questions: Iterable[Question], fmt: str) -> tuple[list[Question], list[str]]:
    """(exported, a note per question left out, with the reason) for one format."""
    kept, notes = [], []
    for q in questions:
        form = q.form(fmt)
        if form is None:
            notes.append(f"{fmt}: left out {q.key} ({q.kind}): {q.ex.kind.left_out_reason(fmt, FORMAT_NAMES[fmt])}")
        elif form == "multiple_choice" and fmt != "qti" and choice_fractions(q) is None:
            right = len(q.choice_view().answer)
            notes.append(f"{fmt}: left out {q.key} ({q.kind}): {FORMAT_NAMES[fmt]} cannot share 100 % among {right} "
                         "right answers (its smallest grade is 5 %, so 20 at most)")
        else:
            kept.append(q)
    return kept, notes


# ---------------------------------------------------------------- text

# md and mdi (author Markdown → sanitized HTML, each text rendered once) live in fragments.py.
@lru_cache(maxsize=8192)
def plain(text: str | None) -> str:
    return to_plain(text)


def skill_names(pack: model.Pack, q: Question) -> list[str]:
    """The names of the skills the exercise practises, as plain text (Moodle tags, QTI metadata)."""
    return [plain(pack.skill(s).name) for s in q.ex.skills]


def title(q: Question) -> str:
    """A short plain-text name: the exercise id and the start of its prompt."""
    words = plain(q.ex.prompt)
    if len(words) > 60:
        words = words[:59].rstrip() + "…"
    return f"{q.ex.id}: {words}"


def points_label(n: int) -> str:
    return ngettext("%(num)s point", "%(num)s points", n) % {"num": n}


def ordinal(n: int) -> str:
    if i18n.resolve(i18n.current()) != i18n.SOURCE_LANGUAGE:
        return f"{n}."  # German and most others write an ordinal number with a point
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def position_label(n: int) -> str:
    """The right-hand side when an order exercise is exported as matching of positions."""
    return _("%(ordinal)s position") % {"ordinal": ordinal(n)}


def _helpers() -> Any:
    """What kinds use for their export parts: this module (md, mdi, plain, position_label, fragment, ...)."""
    import sys

    return sys.modules[__name__]


# formats that carry the image file itself: Moodle inside the question (@@PLUGINFILE@@), QTI in the zip
EMBEDS_IMAGES = {"moodle": "the file is embedded in the question", "qti": "the file is in the zip (images/) and shown in the question"}


def image_notes(sel: "Selection", fmt: str) -> list[str]:
    """How many exported questions show an image, and how the format carries it."""
    shown = sum(bool(shown_images(sel.pack, q)) for lesson in sel.lessons for q in split(sel.questions[lesson.id], fmt)[0])
    if not shown:
        return []
    if fmt in EMBEDS_IMAGES:
        return [f"{fmt}: {shown} question(s) show an image: {EMBEDS_IMAGES[fmt]}, with its alt text, caption and provenance"]
    return [f"{fmt}: {shown} question(s) show an image: the file is not embedded; the question carries its alt text, "
            "caption and provenance (to show the image, upload it from the site's assets/media/ folder into the question)"]


def rubric_html(r: model.Rubric) -> str:
    return fragment("common.j2", "rubric", r)


# How a format shows an image: the <img> tag for it (Moodle: the file embedded in the question), or
# None (the image is carried as its alt text, caption and provenance only).
ImageTag = Callable[[model.Image], Any] | None


def _paragraph_html(pack: model.Pack, lesson: model.Lesson, pid: str, img_tag: ImageTag = None) -> str:
    para = pack.lesson_paragraphs(lesson).get(pid)
    if para is None:
        return ""
    # another source's paragraph is labelled with its title; an image with its alt text, caption and
    # provenance (and, where the format embeds it, the image itself)
    src = para.source_id if len(pack.lesson_sources(lesson)) > 1 else None
    tag = img_tag(para.image) if img_tag and para.image else ""
    return fragment("common.j2", "paragraph", para.id, para.text or "", pack.source(src).title if src else "", para.image, tag)


def shown_images(pack: model.Pack, q: Question) -> list[model.Image]:
    """The images a question shows (its own, then its paragraphs'), each once."""
    paras = pack.lesson_paragraphs(q.lesson)
    refs = [*([q.ex.paragraph] if isinstance(getattr(q.ex, "paragraph", None), str) else []), *q.ex.paragraphs]
    imgs = [getattr(q.ex, "image", None), *(paras[r].image for r in refs if r in paras)]
    return list({i.file: i for i in imgs if i is not None}.values())


def prompt_html(pack: model.Pack, q: Question, img_tag: ImageTag = None) -> str:
    """What the student reads: the prompt, the paragraphs shown with it and the kind's own parts."""
    ex = q.ex
    parts = [md(ex.prompt)]
    if getattr(ex, "image", None) is not None:
        parts.append(fragment("common.j2", "image", ex.image, img_tag(ex.image) if img_tag else ""))
    own = [ex.paragraph] if isinstance(getattr(ex, "paragraph", None), str) else []  # highlight: the one to mark
    parts += [_paragraph_html(pack, q.lesson, pid, img_tag) for pid in own + [p for p in ex.paragraphs if p not in own]]
    parts += ex.kind.prompt_extra(pack, ex, _helpers())
    return "".join(p for p in parts if p)


def grader_html(pack: model.Pack, q: Question) -> str:
    """For essays: the key a grader needs (rubric, what a good answer holds, model answer)."""
    ex = q.ex
    parts = [rubric_html(ex.rubric)]
    parts += ex.kind.grader_extra(pack, ex, _helpers())
    parts.append(fragment("common.j2", "model_answer", ex))
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


def _moodle_grade(target: float) -> float | None:
    """The grade in Moodle's list that is `target` (percent) within Moodle's own match (1e-5 of a fraction)."""
    return next((f for f in MOODLE_FRACTIONS if abs(f - target) < 0.001), None)


def moodle_fraction(share: int) -> float:
    """100/share as the nearest grade Moodle accepts (for the marks a wrong answer takes off)."""
    target = 100.0 / share
    return min(MOODLE_FRACTIONS, key=lambda f: abs(f - target))


def moodle_shares(n: int) -> list[float] | None:
    """Grades (percent, largest first) for `n` right answers of a multiple-answer question, each from
    Moodle's list, whose sum passes Moodle's check (qtype_multichoice: round(sum of positive fractions,
    2) == 1). Equal shares where Moodle has 100/n (n = 1–10, 20: 1/3, 1/6, 1/7, 1/9 as Moodle writes
    them); else (11–19) the two nearest grades that add up, e.g. 11 → nine of 10 % and two of 5 %;
    None above 20 (the smallest grade is 5 %)."""
    if n < 1:
        return None
    equal = _moodle_grade(100.0 / n)
    if equal is not None:
        return [equal] * n
    positive = [f for f in MOODLE_FRACTIONS if f > 0]
    best: tuple[float, int, list[float]] | None = None
    for hi in positive:
        for lo in positive:
            if lo >= hi:
                continue
            for a in range(1, n):
                total = a * hi + (n - a) * lo
                if round(total / 100, 2) == 1:
                    cand = (hi - lo, -a, [hi] * a + [lo] * (n - a))
                    if best is None or cand[:2] < best[:2]:
                        best = cand
    return best[2] if best else None


def choice_fractions(q: Question) -> list[float] | None:
    """Moodle grades (percent) of each option of a multiple-choice question, in option order:
    one answer: 100 for the right one, 0 for the others; several: the right ones share 100 %
    (`moodle_shares`), each wrong one takes off what the kind says a wrong pick costs
    (`Kind.penalty_share`: for choice, one right answer's worth, as on the site). None when
    Moodle cannot share 100 % among so many right answers."""
    c = q.choice_view()
    if not c.multiple:
        return [100.0 if o.id in c.answer else 0.0 for o in c.options]
    right = [o for o in c.options if o.id in c.answer]
    shares = moodle_shares(len(right))
    if shares is None:
        return None
    n_wrong = len(c.options) - len(right)
    cost = -moodle_fraction(q.ex.kind.penalty_share(len(right), n_wrong)) if n_wrong else 0.0
    given = iter(shares)
    return [next(given) if o.id in c.answer else cost for o in c.options]


def fraction_text(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def export_date(pack: model.Pack) -> dt.date:
    from ..epoch import content_epoch

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or content_epoch(pack))
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date()


def category_names(pack: model.Pack, lesson: model.Lesson) -> list[str]:
    """The question-bank categories of a lesson, outermost first: Moodle's "top", the pack, the lesson."""
    return ["top"] + [" ".join(plain(t).split()) for t in (pack.info.title, lesson.title)]


def category_path(pack: model.Pack, lesson: model.Lesson) -> str:
    """The lesson's category path as Moodle writes it (qformat_default::assemble_category_path):
    `$course$/top/<pack title>/<lesson title>`, "/" inside a name doubled, a name starting or ending
    with "/" padded with a space. Moodle XML and GIFT carry this same path, so both imports fill one tree."""
    def part(name: str) -> str:
        name = name.replace("/", "//")
        return (" " if name.startswith("/") else "") + name + (" " if name.endswith("/") else "")
    return "/".join(["$course$"] + [part(n) for n in category_names(pack, lesson)])


def xml_bytes(root: Any) -> bytes:
    """Serialized XML with the declaration every importer expects (double quotes, UTF-8)."""
    from lxml import etree

    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", xml_declaration=False,
                                                                        pretty_print=True)
