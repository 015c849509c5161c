"""Scoring answers through their kinds (generator/kinds/<kind>/) and a student's results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import i18n, model
from ..kinds import Line
from ..kinds.base import round2
from .read import AnswerFile


def fmt(x: float) -> str:
    s = f"{x:.2f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


@dataclass
class Scored:
    lesson: model.Lesson
    ex: Any
    answered: bool
    score: float | None  # None: open answer, for the teacher
    answer: Any = None
    lines: list[Line] = field(default_factory=list)
    mark: Any = None  # marks.Mark of an open answer, if the teacher marked it

    @property
    def auto(self) -> bool:
        return self.ex.kind.auto_graded

    @property
    def marked(self) -> bool:
        """An open answer the teacher has scored (every criterion has a level, or points typed)."""
        return not self.auto and self.answered and self.score is not None

    @property
    def graded(self) -> bool:
        """Has a score: auto-graded, marked, or not answered (0)."""
        return self.auto or not self.answered or self.score is not None


@dataclass
class Student:
    name: str
    files: dict[str, AnswerFile] = field(default_factory=dict)  # lesson id -> file
    results: list[Scored] = field(default_factory=list)

    @property
    def auto_score(self) -> float:
        return round2(sum(r.score for r in self.results if r.auto and r.score is not None))

    @property
    def auto_max(self) -> int:
        return sum(r.ex.points for r in self.results if r.auto)

    @property
    def open_answers(self) -> list[Scored]:
        """Open answers still to mark."""
        return [r for r in self.results if not r.auto and r.answered and r.score is None]

    @property
    def marked(self) -> list[Scored]:
        return [r for r in self.results if r.marked]

    @property
    def marked_score(self) -> float:
        return round2(sum(r.score or 0.0 for r in self.marked))

    @property
    def total(self) -> float:
        """Every point so far: auto-graded, marked (an open answer left blank is 0)."""
        return round2(sum(r.score or 0.0 for r in self.results))

    @property
    def total_max(self) -> int:
        """Every exercise of the lessons handed in."""
        return sum(r.ex.points for r in self.results)


def paragraphs_of(pack: model.Pack, ex: Any) -> dict[str, str]:
    """Paragraph id -> text in the source of the lesson that holds `ex`."""
    for lesson in pack.lessons:
        if any(e is ex for e in lesson.exercises):
            return {ref: p.text or "" for ref, p in pack.lesson_paragraphs(lesson).items()}
    return {}


def score(ex: Any, answer: Any, pack: model.Pack) -> tuple[float, list[Line]]:
    """Points for one auto-gradable answer (already shape-checked), with the why line by line
    (in the pack's language)."""
    with i18n.using(pack.info.language):
        return ex.kind.score(ex, answer, paragraphs_of(pack, ex))


def result(lesson: model.Lesson, ex: Any, answers: dict[str, Any], pack: model.Pack, mark: Any = None) -> Scored:
    """One exercise of a handed-in file: scored when the kind is auto-graded; an open answer has the
    points of its mark (marks.mark_points), or none yet. An open answer left blank is 0."""
    from .marks import mark_points

    auto = ex.kind.auto_graded
    if ex.id not in answers:
        return Scored(lesson, ex, False, 0.0)
    a = answers[ex.id]
    if auto:
        pts, lines = score(ex, a, pack)
        return Scored(lesson, ex, True, pts, a, lines)
    return Scored(lesson, ex, True, mark_points(ex, mark), a, mark=mark)


def columns(pack: model.Pack) -> list[tuple[model.Lesson, Any]]:
    """Gradebook column order: pack lesson order, then exercise order."""
    return [(lesson, ex) for lesson in pack.lessons for ex in lesson.exercises]
