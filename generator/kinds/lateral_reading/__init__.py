"""Lateral reading: leave the page and find out who is behind a source, step by step."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from ...i18n import N_
from ...fields import Text, teacher
from ..base import ExerciseBase, Kind, Rubric, strs


class LateralReadingExercise(ExerciseBase):
    type: Literal["lateral_reading"]
    task: Text
    steps: list[Text] = Field(min_length=1)
    rubric: Rubric
    finds: Text = teacher(..., description="What a good search finds.")
    as_of: dt.date = Field(description="Date the expected findings were checked.")
    model_answer: Text = teacher(...)


class LateralReading(Kind):
    name = "lateral_reading"
    model = LateralReadingExercise
    label = N_("Lateral reading")

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        return ctx.rubric(ex.rubric, ex.id)

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not (isinstance(a, dict) and strs(a.get("steps"))):
            return ['a lateral reading answer must be {"steps": ["...", ...]}']
        return []


KIND = LateralReading()
