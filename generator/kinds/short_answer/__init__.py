"""A written answer, marked by the teacher with a rubric (a model answer in the key)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from ...i18n import N_
from ...fields import Text, teacher
from ..base import ExerciseBase, Kind, Rubric


class ShortAnswerExercise(ExerciseBase):
    type: Literal["short_answer"]
    lines: Annotated[int, Field(ge=1, le=60)] = 6
    rubric: Rubric
    model_answer: Text = teacher(...)


class ShortAnswer(Kind):
    name = "short_answer"
    model = ShortAnswerExercise
    label = N_("Short answer")

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        return ctx.rubric(ex.rubric, ex.id)

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not (isinstance(a, dict) and isinstance(a.get("text"), str)):
            return ['a short answer must be {"text": "..."}']
        return []


KIND = ShortAnswer()
