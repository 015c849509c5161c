"""File names made from a student's name: the ONE rule shared with the browser (casefile.js
`slug`, used for the answer file a student downloads; check-answers.js for the feedback file), so
a student's report and feedback carry the same name as their answer file (ANSWERS.md, "Names")."""

from __future__ import annotations

import unicodedata


def file_slug(name: str, limit: int = 60) -> str:
    """NFKD, combining marks U+0300–U+036F dropped, lower case, every run of characters that are
    neither letters nor numbers (Unicode L*, N*) one "-", dashes trimmed, at most `limit` code
    points; "student" when nothing is left. "Zoë O'Brien" -> "zoe-o-brien", "Łukasz" -> "łukasz",
    "山田 太郎" -> "山田-太郎"."""
    s = "".join(c for c in unicodedata.normalize("NFKD", name) if not 0x300 <= ord(c) <= 0x36F).lower()
    out: list[str] = []
    for c in s:
        if unicodedata.category(c)[0] in "LN":
            out.append(c)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:limit] or "student"


def unique_slugs(names: list[str]) -> dict[str, str]:
    """A file name for each name (in order), "-2", "-3" added where two names give the same one."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        base = slug = file_slug(name)
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out[name] = slug
    return out
