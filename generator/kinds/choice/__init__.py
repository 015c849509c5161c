"""Multiple choice: one right option (radio buttons) or several (`multiple: true`, checkboxes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ...i18n import N_, _
from ...fields import Id, Strict, Text, teacher
from ..base import ExerciseBase, Kind, Line, ids, round2, strs, to_html, to_plain, unknown


class Option(Strict):
    id: Id
    text: Text
    why: Text = teacher(..., description="Why this option is right or wrong.")


class ChoiceExercise(ExerciseBase):
    type: Literal["choice"]
    multiple: bool = False
    options: list[Option] = Field(min_length=2)
    answer: list[Id] = teacher(..., description="Id(s) of the correct option(s).")

    @model_validator(mode="before")
    @classmethod
    def _answer_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("answer"), str):
            data = {**data, "answer": [data["answer"]]}
        return data


class Choice(Kind):
    name = "choice"
    model = ChoiceExercise
    label = N_("Choose one")
    auto_graded = True

    def label_for(self, ex: Any) -> str:
        return N_("Choose all that apply") if ex.multiple else self.label

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        name = ex.id
        out = ctx.unique_ids(ex.options, "options", "option")
        opts = ids(ex.options)
        for k, a in enumerate(ex.answer):
            if a not in opts:
                out.append(ctx.problem(("answer", k), f"exercise '{name}': answer '{a}' is not one of {', '.join(opts)}"))
        if not ex.multiple and len(ex.answer) != 1:
            out.append(ctx.problem(("answer",), f"exercise '{name}': a single-answer choice needs exactly one answer (it has {len(ex.answer)}); set multiple: true or keep one"))
        if not ex.answer:
            out.append(ctx.problem(("answer",), f"exercise '{name}': give at least one correct answer"))
        return out

    def instant_key(self, ex: Any) -> dict[str, Any]:
        return super().instant_key(ex) | {"answer": list(ex.answer), "why": {o.id: to_html(o.why, inline=True) for o in ex.options}}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"multiple": ex.multiple, "options": ids(ex.options), "key": list(ex.answer)}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not strs(a):
            return ["a choice answer must be a list of option ids"]
        bad = unknown(a, ids(ex.options), "option")
        if len(set(a)) != len(a):
            bad.append("an id is listed twice")
        return bad

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Line]]:
        key, picked = set(ex.answer), list(answer)
        lines: list[Line] = []
        right = sum(1 for p in picked if p in key)
        wrong = len(picked) - right
        for o in ex.options:
            if o.id in picked:
                lines.append(Line(o.id in key, (_("Picked “%(option)s”: right.") if o.id in key else _("Picked “%(option)s”: wrong."))
                                  % {"option": to_plain(o.text)}, to_html(o.why, inline=True)))
            elif o.id in key:
                lines.append(Line(False, _("Missed “%(option)s”.") % {"option": to_plain(o.text)}, to_html(o.why, inline=True)))
        if ex.multiple:
            return round2(ex.points * max(0, right - wrong) / len(key)), lines
        return (float(ex.points) if set(picked) == key else 0.0), lines

    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        return "multiple_choice"

    def penalty_share(self, right: int, wrong: int) -> int:
        return right  # a wrong pick cancels a right one, as `score` counts (ANSWERS.md)


KIND = Choice()
__all__ = ["KIND", "ChoiceExercise", "Option"]
