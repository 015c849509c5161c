"""gradebook.json: what `casefile grade` has graded so far in an output folder, so the next run
merges with it instead of overwriting it: the answer files themselves (as the students saved
them, checked again against the pack on every run), the teacher's marks and the class list.
gradebook.csv, the reports and the feedback files are all made again from it on every run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import model
from ..errors import display_path
from .marks import Mark, check_marks

FORMAT = "casefile-gradebook"
FORMAT_VERSION = 1
NAME = "gradebook.json"


@dataclass
class Stored:
    files: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (file name, answer file data)
    marks: list[Mark] = field(default_factory=list)
    roster: list[str] | None = None


def load_store(pack: model.Pack, out: Path) -> tuple[Stored, list[str]]:
    """The previous run's state in `out` (empty when there is none), with notes about what could not be kept."""
    path = out / NAME
    if not path.exists():
        return Stored(), []
    shown = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return Stored(), [f"{shown} could not be read, so earlier results were not merged; they are replaced by this run's"]
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        return Stored(), [f"{shown} is not a gradebook this Casefile writes; earlier results were not merged"]
    if data.get("pack") != pack.info.id:
        return Stored(), [f"{shown} holds grades of pack '{data.get('pack')}', not '{pack.info.id}'; they are replaced by this run's "
                          "(use another --out to keep both)"]
    files = [(str(f.get("file", "?")), f["data"]) for f in data.get("files", []) if isinstance(f, dict) and isinstance(f.get("data"), dict)]
    marks, problems, notes = check_marks(pack, shown, {"format": "casefile-marks", "format_version": 1, "pack": pack.info.id,
                                                      "marks": data.get("marks", [])})
    roster = data.get("roster")
    roster = [str(n) for n in roster] if isinstance(roster, list) else None
    return Stored(files, marks, roster), problems + notes


def store_json(pack: model.Pack, files: list[tuple[str, dict[str, Any]]], marks: list[Mark], roster: list[str] | None) -> str:
    body = {"format": FORMAT, "format_version": FORMAT_VERSION, "pack": pack.info.id,
            "note": "Student data: what casefile grade graded so far (answer files, marks, class list). Keep it private.",
            "files": [{"file": n, "data": d} for n, d in files],
            "marks": [m.as_json() for m in sorted(marks, key=lambda m: m.key)], "roster": roster}
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
