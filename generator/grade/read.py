"""Reading students' answer files (`<lesson>-<name>.casefile.json`): the contract's small pieces
(canonical JSON, checksum, name normalisation; ANSWERS.md), limits, and one file checked into an
`AnswerFile` or a list of "file: what is wrong, what to do" lines."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import model
from ..errors import display_path
from ..limits import ANSWER_JSON_DEPTH, JsonTooDeep, loads_bounded, visible_name
from ..render import content_version
from .variant_hint import made_on

FORMAT = "casefile-answers"
FORMAT_VERSION = 1
MAX_BYTES = 5_000_000
REDOWNLOAD = "ask the student to download it again from the lesson page"


def canonical(obj: Any) -> str:
    """Keys sorted at every level, no spaces, non-ASCII kept (the browser does the same)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the file without its "checksum" key. It detects edited or
    damaged files; it is not protection (anyone can recompute it)."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def name_key(name: str) -> str:
    """Files from one student merge on the name with spacing and case ignored: white space folded,
    then Unicode upper case, then lower case (ANSWERS.md). casefile.js does the same with
    toUpperCase().toLowerCase(), so "Strauß" and "STRAUSS", "ΟΔΥΣΣΕΥΣ" and "Οδυσσευς" merge in both."""
    return clean_name(name).upper().lower()


@dataclass
class AnswerFile:
    path: Path
    name: str  # as shown in messages
    student: str
    lesson: model.Lesson
    saved_at: str
    answers: dict[str, Any]
    data: dict[str, Any] | None = None  # the file as read (kept in gradebook.json for the next run)


def read_answer_file(pack: model.Pack, path: Path) -> AnswerFile | list[str]:
    """The file, checked; or every problem found, as "file: what is wrong, what to do" lines."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [f"{name}: file not found; check the name"]
    except OSError as e:
        return [f"{name}: cannot be read ({e.strerror}); check the file"]
    if len(raw) > MAX_BYTES:
        return [f"{name}: too large for an answer file ({len(raw)} bytes); pick the .casefile.json file the student downloaded"]
    try:
        data = loads_bounded(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [f"{name}: not UTF-8 text, so not an answer file; pick the .casefile.json file the student downloaded"]
    except json.JSONDecodeError as e:
        return [f"{name}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); the file is damaged: {REDOWNLOAD}"]
    except JsonTooDeep:
        return [f"{name}: nested more than {ANSWER_JSON_DEPTH} levels deep, so not an answer file; "
                "pick the .casefile.json file the student downloaded"]
    except (ValueError, RecursionError) as e:  # e.g. a number with more than 4,300 digits
        return [f"{name}: not valid JSON ({str(e).splitlines()[0][:80]}); the file is damaged: {REDOWNLOAD}"]
    return check_answer_data(pack, path, name, data)


def check_answer_data(pack: model.Pack, path: Path, name: str, data: Any) -> AnswerFile | list[str]:
    """An answer file's parsed JSON, checked (also the files a previous run kept in gradebook.json)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"{name}: not a Casefile answer file (no \"format\": \"{FORMAT}\"); pick the .casefile.json file the student downloaded"]
    if data.get("format_version") != FORMAT_VERSION or type(data.get("format_version")) is not int:
        return [f"{name}: answer file format version {data.get('format_version')!r} is not supported (this Casefile reads version {FORMAT_VERSION}); update Casefile or {REDOWNLOAD}"]
    problems: list[str] = []
    missing = [k for k in ("pack", "pack_version", "lesson", "lesson_version", "student", "saved_at", "answers", "checksum")
               if k not in data]
    if missing:
        return [f"{name}: missing {', '.join(missing)}; the file is incomplete: {REDOWNLOAD}"]
    if not isinstance(data["checksum"], str) or data["checksum"].lower() != checksum(data):
        problems.append(f"{name}: checksum does not match: the file was edited or damaged after it was saved; {REDOWNLOAD}")
    if data["pack"] != pack.info.id:
        problems.append(f"{name}: answers for pack '{data['pack']}', not this pack '{pack.info.id}'; "
                        f"grade it with --lessons pointing at the pack it comes from")
        return problems
    lesson = next((ls for ls in pack.lessons if ls.id == data["lesson"]), None)
    if lesson is None:
        problems.append(f"{name}: lesson '{data['lesson']}' is not in this pack (lessons: {', '.join(ls.id for ls in pack.lessons)}); "
                        f"grade it against the pack it comes from")
        return problems
    now = content_version(pack, lesson)
    if data["lesson_version"] != now:
        other = made_on(pack, lesson, data["lesson_version"])  # grade/variant_hint.py
        if other is not None:
            problems.append(f"{name}: made on the '{other}' path of lesson '{lesson.id}', not the one graded; "
                            f"grade it with --variant {other}")
            return problems
        was = f"pack version {data['pack_version']}, " if str(data["pack_version"]) != pack.info.version else ""
        problems.append(f"{name}: saved from an older version of lesson '{lesson.id}' ({was}lesson version {data['lesson_version']}, now {now}); "
                        f"the exercises have changed since: ask the student to open the lesson again, check their answers and download a new file")
        return problems
    student = visible_name(data["student"]) if isinstance(data["student"], str) else data["student"]
    if not isinstance(student, str) or not clean_name(student):
        problems.append(f"{name}: no student name; ask the student to type their name and download again")
    if not isinstance(data["saved_at"], str):
        problems.append(f"{name}: \"saved_at\" is not a date; {REDOWNLOAD}")
    answers = data["answers"]
    if not isinstance(answers, dict):
        problems.append(f"{name}: \"answers\" is not an object; {REDOWNLOAD}")
        return problems
    by_id = {ex.id: ex for ex in lesson.exercises}
    for ex_id, a in answers.items():
        ex = by_id.get(ex_id)
        if ex is None:
            problems.append(f"{name}: exercise '{ex_id}' is not in lesson '{lesson.id}'; the file does not match this pack: {REDOWNLOAD}")
            continue
        for what in shape_problems(ex, a):
            problems.append(f"{name}: exercise '{ex_id}': {what}; {REDOWNLOAD}")
    if problems:
        return problems
    return AnswerFile(path, name, clean_name(student), lesson, data["saved_at"], answers, data)


def shape_problems(ex: Any, answer: Any) -> list[str]:
    """What is wrong with one answer's shape (empty when it is fine): the kind says."""
    return ex.kind.shape_problems(ex, answer)


def expand(files: list[Path]) -> list[Path]:
    """Folders stand for the .json files in them (answer files and marks files, `*.marks.json`)."""
    out: list[Path] = []
    for f in files:
        if f.is_dir():
            found = sorted(f.glob("*.json"))
            out += found if found else [f]
        else:
            out.append(f)
    return out
