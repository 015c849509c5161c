"""Mark the words of a paragraph that answer the prompt (each word a toggle; on paper, underline)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, Literal

from pydantic import Field

from ...i18n import N_, _
from markupsafe import Markup
from ...fields import ParaRef, Strict, Text, teacher
from ...text import quote_in
from ..base import ExerciseBase, Kind, Line, normalise, occurrences, round2, strs, to_html


class HighlightAnswer(Strict):
    text: Text = Field(description="An exact span of the paragraph.")
    why: Text


class HighlightExercise(ExerciseBase):
    type: Literal["highlight"]
    paragraph: ParaRef = Field(description="The paragraph to mark: p3, or ID:p3 in another source (an image paragraph: its caption).")
    answers: list[HighlightAnswer] = teacher(..., min_length=1)


def highlight_found(key: str, spans: list[str], paragraph: str, keys: list[str] | None = None) -> bool:
    """A key span is found when a student span, at any of its occurrences in the paragraph, overlaps
    any occurrence of the key and is at most twice as long as all the key spans it overlaps
    together (so one stretch over two adjacent key phrases finds both, while marking the whole
    paragraph finds nothing). Texts are compared with white space folded (`normalise`).
    `keys`: every key span of the exercise."""
    text, k = normalise(paragraph), normalise(key)
    all_keys = [normalise(x) for x in (keys or [key])]
    at = {x: occurrences(x, text) for x in all_keys}
    for s in spans:
        s = normalise(s)
        for a in occurrences(s, text) if s else []:
            def hits(x: str) -> bool:
                return any(a < b + len(x) and b < a + len(s) for b in at.get(x) or occurrences(x, text))
            if hits(k) and len(s) <= 2 * sum(len(x) for x in all_keys if hits(x)):
                return True
    return False


class Highlight(Kind):
    name = "highlight"
    model = HighlightExercise
    label = N_("Highlight")
    auto_graded = True

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        out = []
        p = ctx.paragraph(ex.paragraph, ("paragraph",))
        for k, a in enumerate(ex.answers):
            if p and not quote_in(a.text, p.text):
                out.append(ctx.problem(("answers", k, "text"), f"exercise '{ex.id}': answer \"{a.text[:50]}\" is not in paragraph '{ex.paragraph}' word for word; copy the exact words"))
        return out

    def instant_key(self, ex: Any) -> dict[str, Any]:
        return super().instant_key(ex) | {"answer": [a.text for a in ex.answers], "why": [to_html(a.why, inline=True) for a in ex.answers]}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"text": paragraphs.get(ex.paragraph, ""), "key": [a.text for a in ex.answers]}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        return [] if strs(a) else ["a highlight answer must be a list of marked words"]

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Line]]:
        para = paragraphs.get(ex.paragraph, "")
        keys = [b.text for b in ex.answers]
        n, lines = 0, []
        for a in ex.answers:
            ok = highlight_found(a.text, answer, para, keys)
            n += ok
            lines.append(Line(ok, (_("Found “%(phrase)s”.") if ok else _("Missed “%(phrase)s”.")) % {"phrase": a.text},
                              to_html(a.why, inline=True)))
        for s in answer:
            if not any(highlight_found(a.text, [s], para, keys) for a in ex.answers):
                lines.append(Line(None, _("Also marked “%(phrase)s” (no points taken off).") % {"phrase": s}))
        return round2(ex.points * n / len(ex.answers)), lines

    # -------------------------------------------------------------- exports: a multiple-answer fallback
    # No LMS format has "mark the words": the exports ask the student to tick, among phrases of the
    # paragraph, every one the prompt asks for. The options are the key phrases and other phrases of the
    # same paragraph (its clauses, cut at punctuation, that no key overlaps), in the paragraph's order.
    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        return "multiple_choice"

    def choice_view(self, ex: Any, paragraphs: dict[str, str] | None = None) -> Any:
        keys = [a.text for a in ex.answers]
        text = (paragraphs or {}).get(ex.paragraph, "")
        placed = [(_first(a.text, text), a.text, a.why, True) for a in ex.answers]
        placed += [(at, p, _(DISTRACTOR_WHY), False) for at, p in distractor_phrases(text, keys, len(keys) + 2)]
        placed.sort(key=lambda t: t[0])
        options = [SimpleNamespace(id=f"h{i}", text=t if key else _md_literal(t), why=why)
                   for i, (_, t, why, key) in enumerate(placed, start=1)]
        return SimpleNamespace(multiple=True, options=options, explanation=ex.explanation,
                               answer=[o.id for o, (_, _, _, key) in zip(options, placed) if key])

    def choice_hint(self) -> str:
        return str(Markup("<p>%s</p>") % _("Each option is a phrase of the paragraph: tick every phrase the question asks you to highlight."))

    def penalty_share(self, right: int, wrong: int) -> int:
        # The site takes nothing off for extra marks, but marking the whole paragraph finds nothing:
        # here each other phrase ticked takes 1/wrong off, so ticking every option scores 0.
        return wrong

    def export_note(self, fmt: str, format_name: str, count: int) -> str | None:
        if fmt == "qti":
            return (f"qti: {count} highlight exercise(s) are multiple-answer questions over phrases of their paragraph "
                    "(the key phrases and others from it); Canvas scores them its own way: each key phrase ticked earns "
                    "its share of the points, each other phrase ticked takes as much off (on the site extra marks "
                    "cost nothing)")
        return (f"{fmt}: {count} highlight exercise(s) are multiple-answer questions over phrases of their paragraph "
                "(the key phrases and others from it): the key phrases share the marks, each other phrase ticked "
                "takes off its share of 100 % among the other phrases, so ticking every option scores 0 "
                "(on the site extra marks cost nothing, but marking the whole paragraph finds nothing)")


DISTRACTOR_WHY = N_("Not one of the phrases the question asks for.")
_CUT = re.compile(r"[,;:.!?()\[\]\"“”«»…]+|\s[-–—]+\s|[–—]")
_MAX_WORDS = 10


def _first(phrase: str, text: str) -> int:
    at = occurrences(normalise(phrase), normalise(text))
    return at[0] if at else len(text)


def _md_literal(text: str) -> str:
    """Paragraph text as Markdown that renders as itself (the paragraph is plain text)."""
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def distractor_phrases(paragraph: str, keys: list[str], want: int) -> list[tuple[int, str]]:
    """Up to `want` (position, phrase) of the paragraph that no key span overlaps and that, by the
    site's rule (`highlight_found`), find no key: the paragraph with every occurrence of every key
    taken out, cut at punctuation, clauses over 10 words cut into even parts; phrases of two words
    or more first, then single words of four letters or more; spread evenly through the paragraph.
    Positions are in the white-space-folded text. Deterministic: the same paragraph and keys give
    the same phrases."""
    text = normalise(paragraph)
    covered = sorted((b, b + len(k)) for k in map(normalise, keys) for b in occurrences(k, text))
    gaps, start = [], 0
    for b, e in covered:
        if b > start:
            gaps.append((start, text[start:b]))
        start = max(start, e)
    gaps.append((start, text[start:]))
    long, short = [], []
    for offset, gap in gaps:
        pos = 0
        for piece in _CUT.split(gap):
            at = gap.find(piece, pos)
            pos = at + len(piece)
            words = [(m.start(), m.group()) for m in re.finditer(r"\S+", piece)]
            if not words or not any(ch.isalnum() for ch in piece):
                continue
            size = -(-len(words) // -(-len(words) // _MAX_WORDS))  # even parts of at most 10 words
            for i in range(0, len(words), size):
                part = words[i:i + size]
                cand = (offset + at + part[0][0], " ".join(w for _, w in part))
                if len(part) >= 2:
                    long.append(cand)
                elif len(cand[1]) >= 4:
                    short.append(cand)
    seen: set[str] = set()
    finds_nothing = [c for c in long + short if c[1] not in seen and not seen.add(c[1])
                     and not any(highlight_found(k, [c[1]], paragraph, keys) for k in keys)]  # once each
    pool = [c for c in finds_nothing if c in long]
    pool += [c for c in finds_nothing if c not in long][:max(0, want - len(pool))]
    pool.sort()
    if len(pool) > want:
        pool = [pool[(2 * i + 1) * len(pool) // (2 * want)] for i in range(want)]
    return pool


KIND = Highlight()
