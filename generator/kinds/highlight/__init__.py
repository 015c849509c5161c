"""Mark the words of a paragraph that answer the prompt (each word a toggle; on paper, underline)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...fields import ParaId, Strict, Text, teacher
from ...text import quote_in
from ..base import ExerciseBase, Kind, Line, normalise, occurrences, round2, strs, to_html


class HighlightAnswer(Strict):
    text: Text = Field(description="An exact span of the paragraph.")
    why: Text


class HighlightExercise(ExerciseBase):
    type: Literal["highlight"]
    paragraph: ParaId
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
    label = "Highlight"
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
            lines.append(Line(ok, f"{'Found' if ok else 'Missed'} “{a.text}”.", to_html(a.why, inline=True)))
        for s in answer:
            if not any(highlight_found(a.text, [s], para, keys) for a in ex.answers):
                lines.append(Line(None, f"Also marked “{s}” (no points taken off)."))
        return round2(ex.points * n / len(ex.answers)), lines

    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        return None

    def left_out_reason(self, fmt: str, format_name: str) -> str:
        return f"{format_name} has no question type for marking words in a paragraph"


KIND = Highlight()
