"""Lesson variants (45- and 90-minute paths): the pack as the teacher chose to teach it.

`view(pack, choice)` returns a copy of the checked pack in which each lesson taught in a variant
has only that variant's activities (in its order, with its minutes), only its exercises, and the
variant's minutes as its duration. It runs once, right after the pack is loaded and checked and
before every adapter (sites, handouts, exports, the grader), so none of them knows variants exist:
a template or an exporter just sees a shorter lesson. `Lesson.built_variant` says which variant a
lesson was reduced to (the teacher guide names it); `Lesson.variants` keeps every declared variant
(teacher-only) so the guide can list the others.

Which variant a lesson gets: the command line's `--variant ID` for every lesson that declares ID
(`--variant full`: every lesson whole), else the lesson's entry in pack.yml's `variants:`, else
the whole lesson. Content versions follow (they hash what students see of the exercises), so
answer files made on a variant's site are graded with the same `--variant`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from . import model
from .checks import FULL, activity_names
from .suggest import did_you_mean

if TYPE_CHECKING:
    from .load import Loaded


def choices(pack: model.Pack, variant: str | None = None) -> dict[str, str]:
    """lesson id -> the variant it is taught in (lessons taught whole are left out)."""
    if variant == FULL:
        return {}
    out = {lid: vid for lid, vid in pack.info.variants.items() if vid != FULL}
    for lesson in pack.lessons:
        if variant is not None and variant in lesson.variants:
            out[lesson.id] = variant
    return {lid: vid for lid, vid in out.items()
            if any(ls.id == lid and vid in ls.variants for ls in pack.lessons)}


def problem(pack: model.Pack, variant: str | None) -> str | None:
    """A `--variant` no lesson declares: the one-line message for the command line."""
    if variant is None or variant == FULL:
        return None
    declared = sorted({v for lesson in pack.lessons for v in lesson.variants})
    if any(variant in lesson.variants for lesson in pack.lessons):
        return None
    if not declared:
        return f"--variant {variant}: no lesson of this pack declares variants; leave out --variant, or add 'variants:' to a lesson"
    return (f"--variant {variant}: no lesson has a variant '{variant}'{did_you_mean(variant, declared)}; "
            f"the pack's variants are {', '.join(declared)} (or {FULL} for every lesson whole)")


def reduce(lesson: model.Lesson, vid: str) -> model.Lesson:
    """A copy of the lesson taught in variant `vid` (which the checker has verified)."""
    v = lesson.variants[vid]
    names = activity_names(lesson)
    steps = [(names[name], change) for name, change in v.steps()]
    if v.exercises is not None:
        keep_ex = set(v.exercises)
    else:  # every exercise but those done only in the activities the variant leaves out
        kept = {e for a, _ in steps for e in a.exercises}
        dropped = {e for a in lesson.activities if all(a is not b for b, _ in steps) for e in a.exercises} - kept
        keep_ex = {e.id for e in lesson.exercises} - dropped
    copy = lesson.model_copy(deep=True)
    activities = []
    for a, change in steps:
        a = copy.activities[next(i for i, b in enumerate(lesson.activities) if b is a)]
        for name in ("minutes", "description", "student"):
            if getattr(change, name) is not None:
                setattr(a, name, getattr(change, name))
        a.exercises = [e for e in a.exercises if e in keep_ex]
        activities.append(a)
    copy.activities = activities
    copy.exercises = [e for e in copy.exercises if e.id in keep_ex]
    copy._full_duration = lesson.duration
    copy._whole = lesson
    copy.duration = v.minutes
    copy._variant = vid
    return copy


def view(pack: model.Pack, variant: str | None = None) -> model.Pack:
    """The pack with each lesson reduced to the variant it is taught in (see the module docstring).
    Lessons already reduced (a view of a view) are left as they are."""
    chosen = choices(pack, variant)
    if not any(lesson.id in chosen and lesson.built_variant is None for lesson in pack.lessons):
        return pack
    out = pack.model_copy()
    out._index = {}  # its own look-ups: the lesson list is new
    out.lessons = [reduce(lesson, chosen[lesson.id]) if lesson.id in chosen and lesson.built_variant is None else lesson
                   for lesson in pack.lessons]
    return out


def apply(loaded: "Loaded", variant: str | None = None) -> "Loaded":
    """`loaded` with its pack viewed through the chosen variants (the files and positions stay)."""
    pack = view(loaded.pack, variant)
    return loaded if pack is loaded.pack else replace(loaded, pack=pack)
