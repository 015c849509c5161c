"""Teacher marks for open answers: the marks file (`*.marks.json`, written by the Check answers
page or by hand; ANSWERS.md, "Marks") read and checked, and an open answer's points from its mark.

    {"format": "casefile-marks", "format_version": 1, "pack": "<pack id>",
     "marks": [{"student": "<name key>", "lesson": "<lesson id>", "lesson_version": "<content version>",
                "exercise": "<exercise id>", "levels": ["<level of criterion 1>", null, ...],
                "points": null, "comment": "...", "marked_at": "2026-12-01T10:00:00Z"}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import model
from ..errors import display_path
from ..kinds.base import points as share
from ..limits import ANSWER_JSON_DEPTH, JsonTooDeep, loads_bounded
from ..render import content_version
from .read import MAX_BYTES, clean_name, name_key

FORMAT = "casefile-marks"
FORMAT_VERSION = 1
MAX_COMMENT = 20_000
SUFFIX = ".marks.json"


@dataclass
class Mark:
    student: str  # name key
    lesson: str
    lesson_version: str
    exercise: str
    levels: list[str | None]
    points: float | None  # typed by the teacher (a rubric without points)
    comment: str
    marked_at: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student, self.lesson, self.exercise)

    def as_json(self) -> dict[str, Any]:
        return {"student": self.student, "lesson": self.lesson, "lesson_version": self.lesson_version,
                "exercise": self.exercise, "levels": self.levels, "points": self.points, "comment": self.comment,
                "marked_at": self.marked_at}


def is_marks_file(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def marks_json(pack: model.Pack, marks: list[Mark]) -> str:
    """A marks file (the page downloads the same shape)."""
    body = {"format": FORMAT, "format_version": FORMAT_VERSION, "pack": pack.info.id,
            "marks": [m.as_json() for m in sorted(marks, key=lambda m: m.key)]}
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def mark_points(ex: Any, mark: Mark | None) -> float | None:
    """An open answer's points from its mark: the rubric points reached as a share of the rubric's
    total, times the exercise's points (half up to 2 decimals, like every score); a rubric without
    points takes the points the teacher typed. None: not marked (yet)."""
    if mark is None:
        return None
    r = getattr(ex, "rubric", None)
    if r is not None and r.max_points is not None:
        got = r.reached(mark.levels)
        return None if got is None else share(ex.points, got, r.max_points)
    return mark.points


def _lesson(pack: model.Pack, lesson_id: Any) -> model.Lesson | None:
    return next((ls for ls in pack.lessons if ls.id == lesson_id), None)


def check_marks(pack: model.Pack, name: str, data: Any) -> tuple[list[Mark], list[str], list[str]]:
    """(marks, problems, notes) of one marks file's data. A mark for an older version of a lesson is
    left out with a note; a malformed one is a problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [], [f"{name}: not a Casefile marks file (no \"format\": \"{FORMAT}\"); pick the file the Check answers page downloaded"], []
    if data.get("format_version") != FORMAT_VERSION:
        return [], [f"{name}: marks file format version {data.get('format_version')!r} is not supported (this Casefile reads version {FORMAT_VERSION}); update Casefile"], []
    if data.get("pack") != pack.info.id:
        return [], [f"{name}: marks for pack '{data.get('pack')}', not this pack '{pack.info.id}'; grade it with --lessons pointing at the pack it comes from"], []
    entries = data.get("marks")
    if not isinstance(entries, list):
        return [], [f"{name}: \"marks\" is not a list; the file is damaged: download it again from the Check answers page"], []
    marks: list[Mark] = []
    problems: list[str] = []
    notes: list[str] = []
    for i, e in enumerate(entries, 1):
        at = f"{name}: mark {i}"
        if not isinstance(e, dict):
            problems.append(f"{at}: not an object; the file is damaged: download it again from the Check answers page")
            continue
        student, lesson_id, ex_id = e.get("student"), e.get("lesson"), e.get("exercise")
        if not all(isinstance(v, str) and v for v in (student, lesson_id, ex_id)):
            problems.append(f"{at}: needs \"student\", \"lesson\" and \"exercise\" as text; fix the entry or download the file again")
            continue
        lesson = _lesson(pack, lesson_id)
        ex = next((x for x in lesson.exercises if x.id == ex_id), None) if lesson else None
        if ex is None or ex.kind.auto_graded:
            problems.append(f"{at}: '{lesson_id}/{ex_id}' is not an open answer of this pack; fix the entry or leave it out")
            continue
        if e.get("lesson_version") != content_version(pack, lesson):
            notes.append(f"{at} ({student}, {lesson_id}/{ex_id}) is for an older version of the lesson; not used, mark the answer again")
            continue
        levels = e.get("levels", [])
        r = getattr(ex, "rubric", None)
        names, n_criteria = (r.names, len(r.criteria)) if r is not None else ([], 0)
        if not isinstance(levels, list) or len(levels) > n_criteria or any(lv is not None and lv not in names for lv in levels):
            problems.append(f"{at} ({student}, {lesson_id}/{ex_id}): \"levels\" must list one of {', '.join(names) or 'nothing'} (or null) "
                            f"for each of the rubric's {n_criteria} criteria; fix the entry")
            continue
        pts = e.get("points")
        if pts is not None and (isinstance(pts, bool) or not isinstance(pts, (int, float)) or not 0 <= pts <= ex.points):
            problems.append(f"{at} ({student}, {lesson_id}/{ex_id}): \"points\" must be a number from 0 to {ex.points}, or null; fix the entry")
            continue
        comment = e.get("comment", "")
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            problems.append(f"{at} ({student}, {lesson_id}/{ex_id}): \"comment\" must be text of at most {MAX_COMMENT} characters; fix the entry")
            continue
        marked_at = e.get("marked_at", "")
        marks.append(Mark(name_key(student), lesson_id, e["lesson_version"], ex_id,
                          list(levels) + [None] * (n_criteria - len(levels)), pts, comment,
                          marked_at if isinstance(marked_at, str) else ""))
    return marks, problems, notes


def read_marks_file(pack: model.Pack, path: Path) -> tuple[list[Mark], list[str], list[str]]:
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return [], [f"{name}: cannot be read ({e.strerror}); check the file name"], []
    if len(raw) > MAX_BYTES:
        return [], [f"{name}: too large for a marks file ({len(raw)} bytes); pick the file the Check answers page downloaded"], []
    try:
        data = loads_bounded(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError, JsonTooDeep):
        return [], [f"{name}: not a JSON marks file (or nested more than {ANSWER_JSON_DEPTH} levels); download it again from the Check answers page"], []
    return check_marks(pack, name, data)


def merge_marks(old: list[Mark], new: list[Mark]) -> list[Mark]:
    """One mark per student, lesson and exercise: the later `marked_at` wins (the newer file on a tie)."""
    out: dict[tuple[str, str, str], Mark] = {}
    for m in old + new:
        have = out.get(m.key)
        if have is None or m.marked_at >= have.marked_at:
            out[m.key] = m
    return list(out.values())


__all__ = ["FORMAT", "FORMAT_VERSION", "Mark", "SUFFIX", "check_marks", "clean_name", "is_marks_file", "mark_points",
           "marks_json", "merge_marks", "read_marks_file"]
