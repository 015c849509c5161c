"""Match each left item with a right item (a select per left item; right items may be distractors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...i18n import N_, _
from ...fields import Id, Strict, Text, teacher
from ..base import ExerciseBase, Kind, OrderItem, ids, pairs_score, to_html, to_plain, unknown


class MatchPair(Strict):
    left: Id
    right: Id
    why: Text


class MatchExercise(ExerciseBase):
    type: Literal["match"]
    left: list[OrderItem] = Field(min_length=2)
    right: list[OrderItem] = Field(min_length=2)
    answer: list[MatchPair] = teacher(..., min_length=1)


class Match(Kind):
    name = "match"
    model = MatchExercise
    label = N_("Match")
    auto_graded = True

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        name = ex.id
        out = ctx.unique_ids(ex.left, "left", "left item") + ctx.unique_ids(ex.right, "right", "right item")
        lefts, rights = ids(ex.left), ids(ex.right)
        for k, pair in enumerate(ex.answer):
            if pair.left not in lefts:
                out.append(ctx.problem(("answer", k, "left"), f"exercise '{name}': '{pair.left}' is not one of the left items {', '.join(lefts)}"))
            if pair.right not in rights:
                out.append(ctx.problem(("answer", k, "right"), f"exercise '{name}': '{pair.right}' is not one of the right items {', '.join(rights)}"))
        paired = [p.left for p in ex.answer]
        for lid in lefts:
            if paired.count(lid) != 1:
                out.append(ctx.problem(("answer",), f"exercise '{name}': left item '{lid}' must be paired exactly once (it is paired {paired.count(lid)} times)"))
        return out

    def instant_key(self, ex: Any) -> dict[str, Any]:
        return super().instant_key(ex) | {"answer": {p.left: p.right for p in ex.answer}, "why": {p.left: to_html(p.why, inline=True) for p in ex.answer}}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"left": ids(ex.left), "right": ids(ex.right), "key": {p.left: p.right for p in ex.answer}}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not (isinstance(a, dict) and all(isinstance(v, str) for v in a.values())):
            return ["a match answer must map each left item id to a right item id"]
        return unknown(list(a), ids(ex.left), "left item") + unknown(list(a.values()), ids(ex.right), "right item")

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Any]]:
        rights = {x.id: to_plain(x.text) for x in ex.right}
        lefts = {x.id: x.text for x in ex.left}
        return pairs_score(ex.points, [(p.left, p.right, lefts[p.left], p.why) for p in ex.answer], answer,
                           rights, _("matched with “%(choice)s”"), _("not matched"))

    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        return "matching"

    def match_pairs(self, ex: Any, h: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        left = {i.id: i.text for i in ex.left}
        return [(p.left, left[p.left], p.right) for p in ex.answer], [(r.id, r.text) for r in ex.right]


KIND = Match()
