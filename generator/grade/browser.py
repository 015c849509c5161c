"""The key the teacher's Check answers page scores with: the same rules as `grade` (each kind's
kind.js; ANSWERS.md). Teacher edition only: it holds every key."""

from __future__ import annotations

from typing import Any

from .. import i18n, model
from ..render import content_version
from ..text import to_plain
from .by_skill import graded_skills, skill_header
from .gradebook import TOTALS, gradebook_header
from .marks import FORMAT as MARKS_FORMAT
from .marks import FORMAT_VERSION as MARKS_VERSION
from .read import FORMAT, FORMAT_VERSION, canonical
from .report import CSP, CSS


def rubric_key(r: Any) -> dict[str, Any]:
    """What the page needs to mark an open answer: criteria (plain text), level names, points."""
    return {"criteria": [to_plain(c.criterion) for c in r.criteria], "levels": r.names,
            "points": dict(r.points) if r.max_points is not None else None, "max": r.max_points}


def browser_key(pack: model.Pack) -> dict[str, Any]:
    with i18n.using(pack.info.language):  # the kinds' words in it (labels, field names)
        return _browser_key(pack)


def _browser_key(pack: model.Pack) -> dict[str, Any]:
    """What the teacher "Check answers" page needs to score files exactly as `grade` does.
    Teacher edition only: it holds every key. Each exercise: id, type, points, auto (scored by
    kind.js) and the kind's own part (`Kind.browser_key`); for the marks and the feedback files:
    label, prompt, explanation and model answer as plain text, the rubric (`rubric_key`)."""
    lessons = []
    label = i18n.translations(pack.info.language).gettext  # a kind's label, in the pack's language
    for lesson in pack.lessons:
        paras = {ref: p.text or "" for ref, p in pack.lesson_paragraphs(lesson).items()}
        exs = []
        for ex in lesson.exercises:
            e: dict[str, Any] = {"id": ex.id, "type": ex.type, "points": ex.points, "label": label(ex.kind.label_for(ex)),
                                 "prompt": to_plain(ex.prompt), "why": to_plain(ex.explanation) if ex.explanation else "",
                                 "skills": list(ex.skills)}
            r = getattr(ex, "rubric", None)
            if not ex.kind.auto_graded and r is not None:
                e["rubric"] = rubric_key(r)
                e["model"] = to_plain(getattr(ex, "model_answer", None) or "")
            e |= ex.kind.browser_key(ex, paras)
            exs.append(e)
        lessons.append({"id": lesson.id, "title": to_plain(lesson.title), "version": content_version(pack, lesson), "exercises": exs})
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "pack": pack.info.id, "pack_version": pack.info.version,
            "title": to_plain(pack.info.title), "language": pack.info.language,
            "lessons": lessons, "header": gradebook_header(pack), "totals": [h for t in TOTALS for h in t.headers(pack)],
            "skills": [s.id for s in graded_skills(pack)], "skill_header": skill_header(pack),  # grade --by-skill's columns
            "marks_format": MARKS_FORMAT, "marks_version": MARKS_VERSION, "feedback": {"css": CSS, "csp": CSP}}


def browser_key_json(pack: model.Pack) -> str:
    """The key as one line of JSON that is safe inside <script type="application/json">."""
    return canonical(browser_key(pack)).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
