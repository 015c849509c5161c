"""Put items in order (up/down buttons and drag and drop; on paper, letters in blanks)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...i18n import N_, _
from markupsafe import Markup
from ...fields import Id, Text, teacher
from ...text import end_sentence
from ..base import ExerciseBase, Kind, Line, OrderItem, ids, points, strs, to_html, to_plain, unknown

ORDER_AS_MATCHING_HINT = N_("Give each item its position in the correct order.")


class OrderExercise(ExerciseBase):
    type: Literal["order"]
    items: list[OrderItem] = Field(min_length=2, description="Items in the order students first see them.")
    answer: list[Id] = teacher(..., description="Item ids in the correct order.")
    why: Text = teacher(...)


class Order(Kind):
    name = "order"
    model = OrderExercise
    label = N_("Put in order")
    auto_graded = True
    ordered = True

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        out = ctx.unique_ids(ex.items, "items", "item")
        allowed = ids(ex.items)
        for k, a in enumerate(ex.answer):
            if a not in allowed:
                out.append(ctx.problem(("answer", k), f"exercise '{ex.id}': answer '{a}' is not one of {', '.join(allowed)}"))
        if sorted(ex.answer) != sorted(allowed) and all(a in allowed for a in ex.answer):
            out.append(ctx.problem(("answer",), f"exercise '{ex.id}': the answer must list every item exactly once"))
        return out

    def instant_key(self, ex: Any) -> dict[str, Any]:
        return super().instant_key(ex) | {"answer": list(ex.answer), "why": to_html(ex.why)}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"items": ids(ex.items), "key": list(ex.answer)}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not strs(a):
            return ["a order answer must be a list of item ids"]
        bad = unknown(a, ids(ex.items), "item")
        if len(set(a)) != len(a):
            bad.append("an id is listed twice")
        return bad

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Line]]:
        texts = {i.id: to_plain(i.text) for i in ex.items}
        given = list(answer)
        n = sum(1 for i, iid in enumerate(ex.answer) if i < len(given) and given[i] == iid)
        lines = [Line(None, _("Student's order: %(order)s") % {"order": " → ".join(texts[i] for i in given)}),
                 Line(n == len(ex.answer), _("%(n)s of %(of)s in the right place; the right order: %(order)s")
                      % {"n": n, "of": len(ex.answer), "order": end_sentence(" → ".join(texts[i] for i in ex.answer))},
                      to_html(ex.why, inline=True))]
        return points(ex.points, n, len(ex.answer)), lines

    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        return "ordering" if fmt == "moodle" else "matching"

    def matching_hint(self) -> str:
        return str(Markup("<p>%s</p>") % _(ORDER_AS_MATCHING_HINT))

    def match_pairs(self, ex: Any, h: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        pos = {iid: n for n, iid in enumerate(ex.answer, start=1)}
        return ([(it.id, it.text, f"pos{pos[it.id]}") for it in ex.items],
                [(f"pos{n}", h.position_label(n)) for n in range(1, len(ex.items) + 1)])


KIND = Order()
