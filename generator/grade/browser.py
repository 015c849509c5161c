"""The key the teacher's Check answers page scores with: the same rules as `grade` (each kind's
kind.js; ANSWERS.md). Teacher edition only: it holds every key."""

from __future__ import annotations

from typing import Any

from .. import model
from ..render import content_version
from .gradebook import gradebook_header
from .read import FORMAT, FORMAT_VERSION, canonical


def browser_key(pack: model.Pack) -> dict[str, Any]:
    """What the teacher "Check answers" page needs to score files exactly as `grade` does.
    Teacher edition only: it holds every key. Each exercise: id, type, points, auto (scored by
    kind.js) and the kind's own part (`Kind.browser_key`)."""
    lessons = []
    for lesson in pack.lessons:
        paras = {ref: p.text or "" for ref, p in pack.lesson_paragraphs(lesson).items()}
        exs = []
        for ex in lesson.exercises:
            e: dict[str, Any] = {"id": ex.id, "type": ex.type, "points": ex.points}
            e |= ex.kind.browser_key(ex, paras)
            exs.append(e)
        lessons.append({"id": lesson.id, "version": content_version(pack, lesson), "exercises": exs})
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "pack": pack.info.id, "pack_version": pack.info.version,
            "lessons": lessons, "header": gradebook_header(pack)}


def browser_key_json(pack: model.Pack) -> str:
    """The key as one line of JSON that is safe inside <script type="application/json">."""
    return canonical(browser_key(pack)).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
