"""What `casefile check` asks the teacher to review in an imported pack: metadata still marked
unknown, and draft claims. These are notes, not errors: the pack builds."""

from __future__ import annotations

from typing import Any

from .writer import PLACEHOLDERS, is_placeholder


def review_notes(loaded: Any) -> list[str]:
    pack = loaded.pack
    out: list[str] = []
    for s in pack.sources:
        f = loaded.files[loaded.origin[("source", s.id)]]
        for name, (_, what) in PLACEHOLDERS.items():
            if is_placeholder(name, getattr(s, name)):
                out.append(str(f.problem((name,), f"source '{s.id}': {name} is unknown; write {what}")))
    drafts = [c for c in pack.claims if getattr(c, "draft", False)]
    if drafts:
        f = loaded.files[loaded.origin[("claims", "")]]
        first = next(i for i, c in enumerate(pack.claims) if c.draft)
        at = f.problem(("claims", first, "draft"), "")
        out.append(f"{at.file}:{at.line}:{at.col}: {len(drafts)} draft claim{'s' if len(drafts) != 1 else ''} to review "
                   f"({', '.join(c.id for c in drafts)}); check each, then delete its 'draft: true'")
    return out
