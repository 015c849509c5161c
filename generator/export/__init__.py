"""LMS exports: Canvas (QTI 1.2 zip), Moodle XML and GIFT, from the teacher view of the pack.

`export_pack(pack, out, formats, lesson=None)` writes one file per format into `out` (never a
student folder: the files hold every answer) and returns notes: which exercises each format left
out and why, and what a format carries differently. An unknown lesson id raises ValueError.

File names: `<pack-id>-qti.zip`, `<pack-id>-moodle.xml`, `<pack-id>.gift.txt`; with a lesson,
`<pack-id>-<lesson-id>-…`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .. import i18n, model
from ..edition import view
from . import common, gift, moodle, qti

FORMATS = common.FORMATS
WRITERS = {"qti": qti.write, "moodle": moodle.write, "gift": gift.write}


def file_name(pack_id: str, fmt: str, lesson: str | None = None) -> str:
    stem = f"{pack_id}-{lesson}" if lesson else pack_id
    return {"qti": f"{stem}-qti.zip", "moodle": f"{stem}-moodle.xml", "gift": f"{stem}.gift.txt"}[fmt]


def export_pack(pack: model.Pack, out: Path, formats: Iterable[str] = FORMATS, *, lesson: str | None = None,
                quiet: bool = False) -> list[str]:
    """Write the chosen formats into `out`; return notes (left-out exercises, format limits, files written)."""
    formats = tuple(formats)
    wanted = [f for f in FORMATS if f in formats]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown export format '{unknown[0]}'; choose from {', '.join(FORMATS)}")
    teacher = view(pack, "teacher")
    sel = common.select(teacher, lesson)  # raises ValueError for an unknown lesson, before anything is written
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    for fmt in wanted:
        path = out / file_name(pack.info.id, fmt, lesson)
        with i18n.using(pack.info.language):  # the words the files carry, in the pack's language
            count, fmt_notes = WRITERS[fmt](sel, path)
            notes += fmt_notes + common.image_notes(sel, fmt)
        if not quiet:
            total = sum(len(qs) for qs in sel.questions.values())
            notes.append(f"{fmt}: {count} of {total} exercises exported to {path.name} ({path.stat().st_size:,} bytes)")
    return notes
