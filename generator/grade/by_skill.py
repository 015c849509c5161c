"""Gradebook totals by skill (`casefile grade --by-skill`): for each skill of skills.yml that an
exercise of the pack practises (`skills:` on the exercise), a score and a max column.

Both count the answers that have a score (`Scored.graded`): every auto-graded exercise of a
handed-in lesson, an open answer once the teacher has marked it, and any exercise left blank (0). An exercise tagged
with two skills counts in both. Lesson-level tags say what a lesson teaches and do not count here.
"""

from __future__ import annotations

from .. import i18n, model
from ..i18n import N_
from ..kinds.base import round2
from .score import Student, fmt

SKILL_COLUMNS = (N_("%(skill)s score"), N_("%(skill)s max"))


def graded_skills(pack: model.Pack) -> list[model.Skill]:
    """Skills some exercise of the pack practises, in skills.yml order."""
    used = {sid for lesson in pack.lessons for ex in lesson.exercises for sid in ex.skills}
    return [s for s in pack.skills if s.id in used]


def skill_header(pack: model.Pack) -> list[str]:
    """'trace score', 'trace max', … in the pack's language (the Check answers page shows the same)."""
    tr = i18n.translations(pack.info.language).gettext
    return [tr(part) % {"skill": s.id} for s in graded_skills(pack) for part in SKILL_COLUMNS]


def skill_totals(pack: model.Pack, student: Student) -> dict[str, tuple[float, int]]:
    """skill id -> (score, max) over the student's scored answers."""
    totals: dict[str, tuple[float, int]] = {s.id: (0.0, 0) for s in graded_skills(pack)}
    for r in student.results:
        if not r.graded:  # an open answer still to mark
            continue
        for sid in r.ex.skills:
            if sid in totals:
                got, of = totals[sid]
                totals[sid] = (round2(got + (r.score or 0.0)), of + r.ex.points)
    return totals


def skill_cells(pack: model.Pack, student: Student) -> list[str]:
    return [cell for got, of in skill_totals(pack, student).values() for cell in (fmt(got), str(of))]
