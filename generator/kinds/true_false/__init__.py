"""True or false: a list of statements, each true or false, with a why each.

Added the recipe's way (generator/README.md, "A kind"): this folder, one line in the registry,
one exercise in the fixture pack. Auto-graded, can be instant. Exports to Canvas as matching
(each statement to True or False) and to Moodle and GIFT as a multiple-answer question (tick the
true statements): their matching questions need three answers or more."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Literal

from pydantic import Field

from ...i18n import N_, _
from markupsafe import Markup
from ...fields import Id, Strict, Text, teacher
from ..base import ExerciseBase, Kind, ids, pairs_score, to_html, unknown


class Statement(Strict):
    id: Id
    text: Text
    answer: bool = teacher(..., description="Is the statement true?")
    why: Text = teacher(..., description="Why it is true or false.")


class TrueFalseExercise(ExerciseBase):
    type: Literal["true_false"]
    statements: list[Statement] = Field(min_length=1)


class TrueFalse(Kind):
    name = "true_false"
    model = TrueFalseExercise
    label = N_("True or false")
    auto_graded = True
    shuffles = ("statements",)

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        return ctx.unique_ids(ex.statements, "statements", "statement")

    def instant_key(self, ex: Any) -> dict[str, Any]:
        return super().instant_key(ex) | {"answer": {s.id: s.answer for s in ex.statements},
                                          "why": {s.id: to_html(s.why, inline=True) for s in ex.statements}}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"statements": ids(ex.statements), "key": {s.id: s.answer for s in ex.statements}}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not (isinstance(a, dict) and all(isinstance(v, bool) for v in a.values())):
            return ["a true or false answer must map each statement id to true or false"]
        return unknown(list(a), ids(ex.statements), "statement")

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Any]]:
        shown = {"true": _("True"), "false": _("False")}
        given = {k: ("true" if v else "false") for k, v in answer.items()}
        return pairs_score(ex.points, [(s.id, "true" if s.answer else "false", s.text, s.why) for s in ex.statements],
                           given, shown, _("answered “%(choice)s”"), _("not answered"))

    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        if fmt == "qti":
            return "matching"
        if ex is not None and not any(s.answer for s in ex.statements):
            return None  # a multiple-answer question needs a right answer
        return "multiple_choice"

    def left_out_reason(self, fmt: str, format_name: str) -> str:
        return (f"{format_name} carries a true-or-false list as a multiple-answer question, which needs at least "
                "one true statement")

    def choice_view(self, ex: Any, paragraphs: dict[str, str] | None = None) -> Any:
        return SimpleNamespace(multiple=True, options=ex.statements, explanation=ex.explanation,
                               answer=[s.id for s in ex.statements if s.answer])

    def choice_hint(self) -> str:
        return str(Markup("<p>%s</p>") % _("Tick every statement that is true."))

    def match_pairs(self, ex: Any, h: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        return ([(s.id, s.text, "true" if s.answer else "false") for s in ex.statements],
                [("true", _("True")), ("false", _("False"))])

    def matching_hint(self) -> str:
        return str(Markup("<p>%s</p>") % _("Match each statement with True or False."))


KIND = TrueFalse()
