"""Handout file names and the edition folder of each: a function of the pack only (the sites link them)."""

from __future__ import annotations

from .. import model

GUIDE_NAME = "facilitator-guide.pdf"
WORKSHOP_WORKSHEETS = "workshop-worksheets.pdf"
WORKSHOP_KEYS = "workshop-keys.pdf"

# Handout kinds students may have; every other kind is teacher-only.
STUDENT_KINDS = frozenset({"worksheet", "article", "workshop-worksheets"})


def worksheet_name(lesson_id: str) -> str:
    return f"{lesson_id}-worksheet.pdf"


def key_name(lesson_id: str) -> str:
    return f"{lesson_id}-key.pdf"


def article_name(source_id: str, annotated: bool = False) -> str:
    return f"article-{source_id}{'-annotated' if annotated else ''}.pdf"


def pack_handout_names(pack: model.Pack) -> dict[str, dict[str, str]]:
    """{lesson id, or "" for the pack: {kind: PDF name}} of every handout build_handouts writes.
    Pack-level kinds: guide, workshop-worksheets, workshop-keys, article:<source id>,
    article-annotated:<source id>."""
    out: dict[str, dict[str, str]] = {l.id: {"worksheet": worksheet_name(l.id), "key": key_name(l.id)}
                                      for l in pack.lessons}
    whole = {"guide": GUIDE_NAME, "workshop-worksheets": WORKSHOP_WORKSHEETS, "workshop-keys": WORKSHOP_KEYS}
    for src in pack.sources:
        whole |= {f"article:{src.id}": article_name(src.id), f"article-annotated:{src.id}": article_name(src.id, annotated=True)}
    out[""] = whole
    return out


def handout_folder(name: str) -> str:
    """student/ for worksheets, the clean article and the workshop worksheets; teacher/ for the rest."""
    student = name.endswith("-worksheet.pdf") or name == WORKSHOP_WORKSHEETS or (
        name.startswith("article-") and not name.endswith("-annotated.pdf"))
    return "student" if student else "teacher"
