"""Handout PDF names and folders: a function of the pack only, so the site can link the PDFs
while generator.handouts is still making them. Used by handouts (which writes them), render and
plugin (which link them); it imports nothing of theirs."""

from __future__ import annotations

import re

from . import model

GUIDE_NAME = "facilitator-guide.pdf"
WORKSHOP_WORKSHEETS = "workshop-worksheets.pdf"
WORKSHOP_KEYS = "workshop-keys.pdf"
VERSION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # `--versions N`: at most 26 (shuffle.py, cli.py use these)


def worksheet_name(lesson_id: str, version: str | None = None) -> str:
    """`version`: a letter of `casefile handouts --versions N` (03-x-worksheet-B.pdf)."""
    return f"{lesson_id}-worksheet{'-' + version if version else ''}.pdf"


def key_name(lesson_id: str, version: str | None = None) -> str:
    return f"{lesson_id}-key{'-' + version if version else ''}.pdf"


def article_name(source_id: str, annotated: bool = False) -> str:
    return f"article-{source_id}{'-annotated' if annotated else ''}.pdf"


# Handout kinds students may have; every other kind is teacher-only.
STUDENT_KINDS = frozenset({"worksheet", "article", "workshop-worksheets"})


def pack_handout_names(pack: model.Pack, versions: int = 1) -> dict[str, dict[str, str]]:
    """{lesson id, or "" for the pack: {kind: PDF name}} of every handout build_handouts writes.
    Pack-level kinds: guide, workshop-worksheets, workshop-keys, article:<source id>,
    article-annotated:<source id>. `versions` > 1 (`--versions N`): also worksheet:<letter> and
    key:<letter> of each lesson, A, B, …"""
    letters = VERSION_LETTERS[:versions] if versions > 1 else ""
    out: dict[str, dict[str, str]] = {
        l.id: {"worksheet": worksheet_name(l.id), "key": key_name(l.id)}
        | {f"{kind}:{v}": name(l.id, v) for v in letters for kind, name in (("worksheet", worksheet_name), ("key", key_name))}
        for l in pack.lessons}
    whole = {"guide": GUIDE_NAME, "workshop-worksheets": WORKSHOP_WORKSHEETS, "workshop-keys": WORKSHOP_KEYS}
    for src in pack.sources:
        whole |= {f"article:{src.id}": article_name(src.id), f"article-annotated:{src.id}": article_name(src.id, annotated=True)}
    out[""] = whole
    return out


def handout_folder(name: str) -> str:
    """student/ for worksheets, the clean article and the workshop worksheets; teacher/ for the rest."""
    student = re.search(r"-worksheet(-[A-Z])?\.pdf$", name) is not None or name == WORKSHOP_WORKSHEETS or (
        name.startswith("article-") and not name.endswith("-annotated.pdf"))
    return "student" if student else "teacher"
