"""Sort items into categories (a select per item)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...i18n import N_, _
from ...fields import Id, Strict, Text, teacher
from ..base import ExerciseBase, Kind, ids, pairs_score, to_html, unknown


class Category(Strict):
    id: Id
    label: Text


class ClassifyItem(Strict):
    id: Id
    text: Text
    answer: Id = teacher(..., description="Category id.")
    why: Text = teacher(...)


class ClassifyExercise(ExerciseBase):
    type: Literal["classify"]
    categories: list[Category] = Field(min_length=2)
    items: list[ClassifyItem] = Field(min_length=1)


class Classify(Kind):
    name = "classify"
    model = ClassifyExercise
    label = N_("Sort")
    auto_graded = True

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        out = ctx.unique_ids(ex.categories, "categories", "category") + ctx.unique_ids(ex.items, "items", "item")
        cats = ids(ex.categories)
        for k, it in enumerate(ex.items):
            if it.answer not in cats:
                out.append(ctx.problem(("items", k, "answer"), f"exercise '{ex.id}': item '{it.id}' answer '{it.answer}' is not one of {', '.join(cats)}"))
        return out

    def instant_key(self, ex: Any) -> dict[str, Any]:
        return super().instant_key(ex) | {"answer": {i.id: i.answer for i in ex.items}, "why": {i.id: to_html(i.why, inline=True) for i in ex.items}}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"items": ids(ex.items), "categories": ids(ex.categories), "key": {i.id: i.answer for i in ex.items}}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not (isinstance(a, dict) and all(isinstance(v, str) for v in a.values())):
            return ["a classify answer must map each item id to a category id"]
        return unknown(list(a), ids(ex.items), "item") + unknown(list(a.values()), ids(ex.categories), "category")

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Any]]:
        labels = {c.id: c.label for c in ex.categories}
        return pairs_score(ex.points, [(it.id, it.answer, it.text, it.why) for it in ex.items], answer,
                           labels, _("put in “%(choice)s”"), _("not sorted"))

    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        return "matching"

    def match_pairs(self, ex: Any, h: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        return [(it.id, it.text, it.answer) for it in ex.items], [(c.id, c.label) for c in ex.categories]


KIND = Classify()
