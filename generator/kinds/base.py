"""What every exercise kind shares: the model's common fields, the rubric, and `Kind`, the object
through which the rest of Casefile asks a kind anything (label, checks, keys, answer shape,
scoring, export mapping, templates, browser code).

A kind lives in one folder, `generator/kinds/<kind>/`: `__init__.py` (its model class and its
`Kind` subclass, `KIND`), `form.j2` (site form), `key.j2` (teacher key), `kind.js` (browser
behaviour and scorer), `print.typ` (print form) and, where the kind adds to the exported HTML,
`export.j2` (autoescaped macros, see `Kind.export_template`). The registry is `generator/kinds/__init__.py`.
The scoring rules are written down in ANSWERS.md; keep the Python and the kind.js rules identical
(tests/vectors/answers.json runs both).

This module imports only `fields` and `text` from the package, so the model can import the kinds
without an import cycle.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, ClassVar, Literal

from pydantic import Discriminator, Field, PrivateAttr, Tag, model_validator

from ..i18n import _
from ..fields import COR_LEVELS, Id, Image, ParaId, ParaRef, Strict, Text, teacher  # noqa: F401
from ..text import normalise, to_html, to_plain

if TYPE_CHECKING:
    from ..errors import Problem

KINDS_DIR = Path(__file__).parent


# ---------------------------------------------------------------- shared model parts

class ExerciseBase(Strict):
    id: Id
    prompt: Text
    points: Annotated[int, Field(ge=0, le=1000)] = 1
    feedback: Literal["instant", "teacher"] = "teacher"
    paragraphs: list[ParaRef] = Field([], description="Paragraphs shown with the exercise: p3 (the lesson's source) "
                                      "or ID:p3 (another source).")
    image: Image | None = Field(None, description="An image shown with the exercise (a file under media/).")
    explanation: str | None = teacher(None, description="General explanation of the answer.")
    skills: list[Id] = Field([], description="Skills the exercise practises (ids from skills.yml).")

    # The exercise's kind (set by the registry on each model class): `ex.kind.score(...)` etc.
    kind: ClassVar["Kind"]

    @property
    def auto_gradable(self) -> bool:
        return self.kind.auto_graded

    @model_validator(mode="after")
    def _points_from_rubric(self) -> "ExerciseBase":
        """An exercise whose rubric carries points is worth the rubric's total unless `points:` says otherwise."""
        r = getattr(self, "rubric", None)
        if isinstance(r, Rubric) and r.max_points is not None:
            if "points" not in self.model_fields_set:
                self.points = r.max_points
            r._exercise_points = self.points
        return self


Points = Annotated[int, Field(ge=0, le=1000)]


class RubricCriterion(Strict):
    criterion: Text
    levels: dict[str, Text] = Field(description="Descriptor for each level name of the rubric.")


class RubricLevel(Strict):
    name: Text
    points: Points


class Rubric(Strict):
    """Criteria and levels (best first by default: Proficient, Emergent, Basic); levels may carry points."""

    # Levels are written as names or {name, points}; `points:` ({level name: points}) is the other
    # way to give points. After validation `levels` is the list of names and `points` the map (or
    # None): the rest of Casefile reads only those.

    levels: list[Annotated[Annotated[Text, Tag("name")] | Annotated[RubricLevel, Tag("level")],
                           Discriminator(lambda v: "level" if isinstance(v, (dict, RubricLevel)) else "name")]] = Field(default_factory=lambda: list(COR_LEVELS), min_length=2,
                                             description="Level names, or {name, points} for each.")
    points: dict[str, Points] | None = Field(None, description="Points of each level, by level name.")
    criteria: list[RubricCriterion] = Field(min_length=1)
    _written: Any = PrivateAttr(default=None)  # how the points were written, for checks (CheckContext.rubric)
    _exercise_points: int | None = PrivateAttr(default=None)  # set by the exercise (ExerciseBase)

    @model_validator(mode="after")
    def _names_and_points(self) -> "Rubric":
        given = [lv for lv in self.levels if isinstance(lv, RubricLevel)]
        self._written = {"map": dict(self.points) if self.points is not None else None,
                         "levels": [lv.points if isinstance(lv, RubricLevel) else None for lv in self.levels]}
        self.levels = [lv.name if isinstance(lv, RubricLevel) else lv for lv in self.levels]
        if given and self.points is None and len(given) == len(self.levels):
            self.points = {lv.name: lv.points for lv in given}
        return self

    @property
    def names(self) -> list[str]:
        return [str(lv) for lv in self.levels]

    @property
    def max_points(self) -> int | None:
        """The rubric's total: the top level of every criterion (None when the levels carry no points)."""
        if not self.points or any(lv not in self.points for lv in self.names):
            return None
        return len(self.criteria) * max(self.points[lv] for lv in self.names)

    @property
    def scaled_to(self) -> int | None:
        """The exercise's points when they differ from the rubric's total (the rubric points are then scaled)."""
        p = self._exercise_points
        return p if p is not None and self.max_points is not None and p != self.max_points else None

    def reached(self, levels: list[str | None]) -> int | None:
        """Rubric points of one level per criterion (None: not every criterion has a level yet)."""
        if self.max_points is None or len(levels) != len(self.criteria) or any(lv not in self.points for lv in levels):  # type: ignore[operator]
            return None
        return sum(self.points[lv] for lv in levels)  # type: ignore[index,misc]


class OrderItem(Strict):  # an id and a text: order items, match sides (no docstring: it would enter the schema)
    id: Id
    text: Text


# ---------------------------------------------------------------- what kinds get from the caller

@dataclass
class CheckContext:
    """One exercise's place in its lesson file, for cross-checks (built by checks.py)."""

    file: Any                      # load.YamlFile
    at: tuple[Any, ...]            # path of the exercise in the file
    source: Any                    # model.Source of the lesson, or None
    para: Callable[..., Any]       # para(source, pid, file, path) -> Paragraph | None (reports a missing one)
    claim_ids: set[str]
    did_you_mean: Callable[[str, Any], str]

    def problem(self, tail: tuple[Any, ...], message: str, **kw: Any) -> "Problem":
        return self.file.problem(self.at + tail, message, **kw)

    def paragraph(self, pid: str, tail: tuple[Any, ...]) -> Any:
        return self.para(self.source, pid, self.file, self.at + tail)

    def unique_ids(self, items: list[Any], field: str, what: str) -> list["Problem"]:
        out = []
        seen: set[str] = set()
        for i, it in enumerate(items):
            if it.id in seen:
                out.append(self.problem((field, i, "id"), f"{what} id '{it.id}' is used twice in this exercise; make it unique"))
            seen.add(it.id)
        return out

    def rubric(self, r: Rubric, name: str) -> list["Problem"]:
        out = []
        for i, c in enumerate(r.criteria):
            missing = [lv for lv in r.levels if lv not in c.levels]
            extra = [lv for lv in c.levels if lv not in r.levels]
            for lv in extra:
                out.append(self.problem(("rubric", "criteria", i, "levels", lv), f"exercise '{name}': rubric level '{lv}' is not one of {', '.join(r.levels)}{self.did_you_mean(lv, r.levels)}", key=True))
            if missing:
                out.append(self.problem(("rubric", "criteria", i, "levels"), f"exercise '{name}': rubric criterion '{c.criterion[:40]}' has no descriptor for {', '.join(missing)}; describe every level"))
        return out + self.rubric_points(r, name)

    def rubric_points(self, r: Rubric, name: str) -> list["Problem"]:
        """Points: all levels or none, one way of writing them, rising (or falling) level by level."""
        written = r._written or {"map": r.points, "levels": [None] * len(r.levels)}
        per_level, pmap = written["levels"], written["map"]
        names = r.names
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            return [self.problem(("rubric", "levels"), f"exercise '{name}': rubric level '{dup}' is listed twice; give each level its own name")]
        given = [p is not None for p in per_level]
        out: list["Problem"] = []
        if any(given) and pmap is not None:
            return [self.problem(("rubric", "points"), f"exercise '{name}': the rubric gives points twice (in levels and in points:); keep one of the two")]
        if any(given) and not all(given):
            for i, ok in enumerate(given):
                if not ok:
                    out.append(self.problem(("rubric", "levels", i), f"exercise '{name}': rubric level '{names[i]}' has no points, the others do; write it as {{name: {names[i]}, points: N}}"))
            return out
        if pmap is not None:
            for k in pmap:
                if k not in names:
                    out.append(self.problem(("rubric", "points", k), f"exercise '{name}': points for '{k}', which is not a rubric level ({', '.join(names)}){self.did_you_mean(k, names)}", key=True))
            missing = [n for n in names if n not in pmap]
            if missing:
                out.append(self.problem(("rubric", "points"), f"exercise '{name}': no points for rubric level {', '.join(missing)}; give every level points"))
            if out:
                return out
        if not r.points:
            return []
        pts = [r.points[n] for n in names]
        where = (lambda i: ("rubric", "levels", i, "points")) if any(given) else (lambda i: ("rubric", "points", names[i]))
        if pts[-1] == pts[0]:
            return [self.problem(where(len(pts) - 1), f"exercise '{name}': rubric levels '{names[0]}' and '{names[-1]}' are both worth {pts[0]} points; "
                                                     "the best level must be worth more than the worst")]
        rising = pts[-1] > pts[0]
        for i in range(1, len(pts)):
            if (pts[i] <= pts[i - 1]) if rising else (pts[i] >= pts[i - 1]):
                order = "worst to best" if rising else "best to worst"
                out.append(self.problem(where(i), f"exercise '{name}': rubric level '{names[i]}' ({pts[i]} points) must be worth {'more' if rising else 'less'} "
                                                  f"than '{names[i - 1]}' before it ({pts[i - 1]} points): the levels go from {order}; change its points"))
        return out


@dataclass
class Line:
    """One line of the "why" for an auto-scored answer: ok True (right), False (wrong), None (note).
    `text` is plain text (the report template escapes it); `why` is sanitized author HTML
    (text.to_html), shown after it."""
    ok: bool | None
    text: str
    why: str = ""


# ---------------------------------------------------------------- small shared rules (ANSWERS.md)

def round2(x: float) -> float:
    """Half up to 2 decimals, the same float operations as Math.floor in casefile.js."""
    return math.floor(x * 100 + 0.5 + 1e-9) / 100


def points(pts: int, n: float, of: int) -> float:
    """Points for `n` of `of` parts right: all of them is every point, else in proportion."""
    return float(pts) if n == of else round2(pts * n / of)


def ids(xs: list[Any]) -> list[str]:
    return [x.id for x in xs]


def strs(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(s, str) for s in v)


def unknown(vals: list[str], allowed: list[str], what: str) -> list[str]:
    return [f"{what} '{v}' is not one of {', '.join(allowed)}" for v in vals if v not in allowed]


def occurrences(needle: str, hay: str) -> list[int]:
    out, i = [], hay.find(needle)
    while needle and i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def pairs_score(pts: int, key: list[tuple[str, str, str, str]], answer: dict[str, str], shown: dict[str, str],
                verb: str, missing: str) -> tuple[float, list[Line]]:
    """Classify and match: each (item id, right choice, item text, why) of the key against the
    student's {item id: choice}; a line per item, points in proportion to those right."""
    n, lines = 0, []
    for item, right, text, why in key:
        got = answer.get(item)
        ok = got == right
        n += ok
        said = verb % {"choice": shown[got]} if got else missing
        line = (_("“%(item)s”: %(said)s.") if ok else _("“%(item)s”: %(said)s, should be “%(right)s”."))
        lines.append(Line(ok, line % {"item": to_plain(text), "said": said, "right": shown[right]},
                          to_html(why, inline=True)))
    return round2(pts * n / len(key)), lines


def esc(text: str) -> str:
    """Plain text for HTML element content."""
    return html.escape(str(text), quote=False)


# ---------------------------------------------------------------- the kind

class Kind:
    """Everything Casefile knows about one exercise kind. Subclasses set the class attributes and
    override what applies; the defaults fit a kind the teacher marks (no key, no score)."""

    name: ClassVar[str]
    model: ClassVar[type[ExerciseBase]]
    label: ClassVar[str]
    auto_graded: ClassVar[bool] = False
    ordered: ClassVar[bool] = False      # the answer is an order (export notes say how formats carry it)

    # -------------------------------------------------------------- where its files are
    @property
    def folder(self) -> Path:
        return KINDS_DIR / self.name

    @property
    def form_template(self) -> str:
        """The site form (under the kinds template root)."""
        return f"{self.name}/form.j2"

    @property
    def key_template(self) -> str:
        """The teacher's answer key (site, and the print key until the Typst forms land)."""
        return f"{self.name}/key.j2"

    @property
    def report_template(self) -> str | None:
        """How `casefile grade` shows a student's open answer (teacher-marked kinds)."""
        return None if self.auto_graded else f"{self.name}/report.j2"

    @property
    def script(self) -> Path:
        return self.folder / "kind.js"

    # -------------------------------------------------------------- labels
    def label_for(self, ex: Any) -> str:
        return self.label


    # -------------------------------------------------------------- checks.py
    def check(self, ex: Any, ctx: CheckContext) -> list["Problem"]:
        """Cross-checks pydantic cannot do (ids unique, answers among options, quotes exact)."""
        return []

    # -------------------------------------------------------------- keys
    def instant_key(self, ex: Any) -> dict[str, Any]:
        """What the browser needs to check an instant-feedback exercise and explain the answer
        (encoded into the page as data-k). Only auto-graded kinds can be instant."""
        return {"explanation": to_html(ex.explanation) if ex.explanation else ""}

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        """The kind's part of the teacher Check answers key: what kind.js `score` and `shape` need."""
        return {}

    # -------------------------------------------------------------- answers (ANSWERS.md)
    def shape_problems(self, ex: Any, answer: Any) -> list[str]:
        """What is wrong with the shape of one answer (empty when it is fine)."""
        raise NotImplementedError(self.name)

    def score(self, ex: Any, answer: Any, paragraphs: dict[str, str]) -> tuple[float, list[Line]]:
        """Points for one (shape-checked) answer, with the why line by line. Auto-graded kinds only."""
        raise ValueError(f"{self.name} is marked by the teacher")

    # -------------------------------------------------------------- exports (export/)
    def export_form(self, fmt: str, ex: Any = None) -> str | None:
        """How format `fmt` carries this kind (or this exercise `ex`): "multiple_choice" (see
        `choice_view`), "matching" (`match_pairs`), "ordering" (Moodle; items, answer), "essay",
        or None (left out: `left_out_reason` says why)."""
        return "essay"

    def choice_view(self, ex: Any, paragraphs: dict[str, str] | None = None) -> Any:
        """Multiple-choice form: an object with multiple, options (id, text, why), answer, explanation.
        `paragraphs`: the lesson source's paragraph texts by id (highlight draws its phrases from them)."""
        return ex

    def penalty_share(self, right: int, wrong: int) -> int:
        """Multiple-answer exports (Moodle XML, GIFT): each wrong option ticked takes 1/N of the
        marks off; N. By default the wrong options share 100 % (ticking every option scores 0)."""
        return wrong

    def export_note(self, fmt: str, format_name: str, count: int) -> str | None:
        """What the export notes say about how `fmt` carries this kind's `count` exercises, if anything."""
        return None

    def choice_hint(self) -> str:
        """HTML added to the prompt where the kind is exported as multiple choice."""
        return ""

    def left_out_reason(self, fmt: str, format_name: str) -> str:
        return f"{format_name} has no question type for it"

    def match_pairs(self, ex: Any, h: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        """Matching form: ([(left id, left text, right id)], [(right id, right text)]); right ids
        unique, every right choice listed once (unused ones are distractors)."""
        raise ValueError(f"{self.name} is not a matching kind")

    def matching_hint(self) -> str:
        """HTML added to the prompt where the kind is exported as matching."""
        return ""

    @property
    def export_template(self) -> str:
        """The kind's parts of the exported HTML: macros prompt_extra(pack, ex), feedback_extra(ex)
        and grader_extra(pack, ex), each optional (under the kinds template root; autoescaped,
        generator/export/fragments.py)."""
        return f"{self.name}/export.j2"

    def prompt_extra(self, pack: Any, ex: Any, h: Any) -> list[str]:
        """The kind's own parts of the exported prompt (HTML), after the prompt and paragraphs.
        `h`: the export helpers (export/common.py: md, mdi, fragment, ...)."""
        return [h.fragment(self.export_template, "prompt_extra", pack, ex)]

    def feedback_extra(self, ex: Any, h: Any) -> list[str]:
        """Per-item reasons a format has no place for (general feedback HTML), before the explanation."""
        return [h.fragment(self.export_template, "feedback_extra", ex)]

    def grader_extra(self, pack: Any, ex: Any, h: Any) -> list[str]:
        """Essays: what a grader needs besides rubric, model answer and explanation."""
        return [h.fragment(self.export_template, "grader_extra", pack, ex)]

__all__ = ["CheckContext", "ExerciseBase", "OrderItem", "Kind", "Line", "Points", "Rubric", "RubricCriterion", "RubricLevel", "esc", "ids",
           "normalise", "occurrences", "pairs_score", "points", "round2", "strs", "to_html", "to_plain", "unknown"]
