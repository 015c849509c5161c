"""Read a lesson folder: YAML 1.2 with positions, then the pydantic model, then cross-checks.

`load_pack(folder)` returns a checked `Pack` or raises `PackError` with every problem found.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import re
import typing
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from . import model
from .errors import PackError, Problem, display_path
from .suggest import did_you_mean  # noqa: F401 - used here, and by name elsewhere

Path_ = tuple[Any, ...]
LESSON_FILE = re.compile(r"^\d{2}-[a-z0-9][a-z0-9_-]*\.ya?ml$")
SINGULAR = {
    "exercises": "exercise", "claims": "claim", "terms": "term", "references": "reference",
    "paragraphs": "paragraph", "options": "option", "items": "item", "activities": "activity",
    "categories": "category", "left": "item", "right": "item", "lessons": "lesson", "key": "key",
}


@dataclass
class YamlFile:
    """One parsed file: plain data plus the line/column of every key and value."""

    path: Path
    shown: str
    data: Any = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best position for a path: the value itself, else its key, else the nearest parent."""
        path = tuple(path)
        while True:
            if key and path in self.key_positions:
                return self.key_positions[path]
            if path in self.positions:
                return self.positions[path]
            if path in self.key_positions:
                return self.key_positions[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        line, col = self.at(path, key=key)
        return Problem(self.shown, line, col, message)


@dataclass
class Loaded:
    pack: model.Pack
    files: dict[str, YamlFile]
    # where each object came from: ("lesson", id) -> file key, etc.
    origin: dict[tuple[str, str], str]


# ------------------------------------------------------------------ YAML

def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.version = (1, 2)
    y.allow_duplicate_keys = False
    return y


def _plain(node: Any, path: Path_, f: YamlFile) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for k in node:
            try:
                kl, kc, vl, vc = node.lc.data[k]
                f.key_positions[path + (str(k),)] = (kl + 1, kc + 1)
                f.positions[path + (str(k),)] = (vl + 1, vc + 1)
            except (KeyError, AttributeError, TypeError, ValueError):
                pass
            out[str(k) if not isinstance(k, str) else k] = _plain(node[k], path + (str(k),), f)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, v in enumerate(node):
            try:
                il, ic = node.lc.data[i]
                f.positions[path + (i,)] = (il + 1, ic + 1)
            except (KeyError, AttributeError, TypeError, IndexError):
                pass
            items.append(_plain(v, path + (i,), f))
        return items
    if isinstance(node, (dt.datetime, dt.date)):
        return node.isoformat()[:10] if not isinstance(node, dt.datetime) else node.isoformat()
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


# Parsed files by content: ruamel's pure-Python parser is most of the cost of loading a pack, and
# `casefile build` loads it in its own process and again in each edition's MkDocs build (worker
# processes forked after the first load inherit this), `casefile serve` on every save.
_PARSED: dict[tuple[str, bytes], tuple[Any, dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]] = {}


def read_yaml(path: Path, root: Path | None = None) -> tuple[YamlFile, list[Problem]]:
    f = YamlFile(path=path, shown=display_path(path, root))
    try:
        raw = path.read_bytes()
    except OSError as e:
        return f, [Problem(f.shown, 1, 1, f"cannot read the file ({e.strerror}); check it exists and is readable")]
    memo = (f.shown, hashlib.sha256(raw).digest())
    if memo in _PARSED:
        data, positions, key_positions = _PARSED[memo]
        f.data, f.positions, f.key_positions = copy.deepcopy(data), dict(positions), dict(key_positions)
        return f, []
    f, problems = _parse(f, raw)
    if not problems:
        if len(_PARSED) > 5000:
            _PARSED.clear()
        _PARSED[memo] = (copy.deepcopy(f.data), dict(f.positions), dict(f.key_positions))
    return f, problems


def _parse(f: YamlFile, raw: bytes) -> tuple[YamlFile, list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return f, [Problem(f.shown, line, col,
                           f"the file is not UTF-8 text (byte 0x{raw[e.start]:02x}); save it with UTF-8 encoding")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return f, [Problem(f.shown, 1, 1, "the file is empty; fill it in or delete it")]
    problems = []
    for n, ln in enumerate(text.splitlines(), 1):
        m = re.match(r"^( *)\t", ln)
        if m:
            problems.append(Problem(f.shown, n, len(m.group(1)) + 1,
                                    "a tab is used for indentation; YAML needs spaces, so replace the tab with spaces"))
    if problems:
        return f, problems
    try:
        node = _yaml().load(text)
    except DuplicateKeyError as e:
        mark = e.problem_mark
        key = re.search(r'found duplicate key "([^"]*)"', str(e))
        name = f"'{key.group(1)}' " if key else ""
        return f, [Problem(f.shown, mark.line + 1, mark.column + 1,
                           f"duplicate key {name}in the same mapping; keep only one of them")]
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or "invalid YAML").strip()
        hint = _yaml_hint(what)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return f, [Problem(f.shown, line, col, f"YAML syntax error: {what}; {hint}")]
    except ReaderError as e:  # a character YAML forbids (control characters and the like)
        line, col = _line_col(text, e.position)
        char = e.character if isinstance(e.character, int) else 0
        return f, [Problem(f.shown, line, col, f"the character U+{char:04X} is not allowed in YAML; delete it "
                                               "(it is invisible in most editors)")]
    except YAMLError as e:  # pragma: no cover - ruamel always gives marks in practice
        first = str(e).strip().splitlines()[0] if str(e).strip() else "invalid YAML"
        return f, [Problem(f.shown, 1, 1, f"YAML syntax error: {first}; fix the YAML syntax")]
    f.data = _plain(node, (), f)
    if not isinstance(f.data, dict):
        kind = type(f.data).__name__ if f.data is not None else "nothing"
        return f, [Problem(f.shown, 1, 1, f"the file must hold a mapping of keys (key: value), not {_kind(kind)}")]
    return f, []


def _line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting line breaks as YAML does."""
    line, col, i = 1, 1, 0
    while i < min(pos, len(text)):
        ch = text[i]
        if ch in "\n\x85\u2028\u2029" or (ch == "\r" and text[i + 1:i + 2] != "\n"):
            line, col = line + 1, 1
        elif ch != "\r":
            col += 1
        i += 1
    return line, col


def _kind(name: str) -> str:
    return {"list": "a list", "str": "a single text", "int": "a number", "float": "a number",
            "bool": "true/false"}.get(name, name)


def _yaml_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted"
    if "could not find expected ':'" in problem:
        return "each key needs a colon; check the line above for a missing ':' or unclosed quote"
    if "found unexpected end of stream" in problem or "while scanning a quoted scalar" in problem:
        return "a quote is not closed"
    if "but found '<scalar>'" in problem:
        return "check for a quote that is not closed, or a wrong indentation, on this line or the one before"
    if "found character '\\t'" in problem:
        return "replace tabs with spaces"
    return "check the indentation and quoting on this line and the one before"


# ------------------------------------------------------------------ pydantic errors → problems

def _unwrap(tp: Any) -> list[Any]:
    """The concrete types inside Annotated / Optional / Union."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        out = []
        for a in typing.get_args(tp):
            out.extend(_unwrap(a))
        return out
    return [tp]


def _model_at(cls: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model class that owns the last element of loc (the one reporting the error)."""
    current: list[Any] = [cls]
    for el in loc:
        nxt: list[Any] = []
        for tp in current:
            for t in _unwrap(tp):
                origin = typing.get_origin(t)
                if isinstance(t, type) and issubclass(t, BaseModel):
                    by_key = {fi.alias or n: fi for n, fi in t.model_fields.items()}
                    if el in by_key:
                        nxt.append(by_key[el].annotation)
                    else:  # a discriminator tag of a union: keep this class if it matches
                        lit = t.model_fields.get("type")
                        if lit is not None and el in typing.get_args(lit.annotation):
                            nxt.append(t)
                elif origin in (list, tuple) and isinstance(el, int):
                    nxt.append(typing.get_args(t)[0])
                elif origin is dict and isinstance(el, str):
                    nxt.append(typing.get_args(t)[1])
        if not nxt:
            return None
        current = nxt
    for tp in current:
        for t in _unwrap(tp):
            if isinstance(t, type) and issubclass(t, BaseModel):
                return t
    return None


def _data_path(data: Any, loc: Path_) -> Path_:
    """Drop union tags from a pydantic loc so it matches the YAML data."""
    out: list[Any] = []
    node = data
    for el in loc:
        if isinstance(node, dict):
            if el in node:
                out.append(el)
                node = node[el]
            elif node.get("type") == el or el in model.EXERCISE_KINDS:
                continue
            else:
                out.append(el)
                node = None
        elif isinstance(node, list) and isinstance(el, int) and el < len(node):
            out.append(el)
            node = node[el]
        else:
            out.append(el)
            node = None
    return tuple(out)


def _context(data: Any, path: Path_) -> str:
    """'exercise 'q1': option 'b': ' for the objects with ids along the path."""
    parts = []
    node = data
    for i, el in enumerate(path):
        if isinstance(node, (dict, list)):
            try:
                node = node[el]
            except (KeyError, IndexError, TypeError):
                break
        else:
            break
        if isinstance(el, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            container = path[i - 1] if i else ""
            parts.append(f"{SINGULAR.get(container, 'item')} '{node['id']}'")
    return ": ".join(parts) + (": " if parts else "")


def _field_name(path: Path_) -> str:
    for el in reversed(path):
        if isinstance(el, str):
            return el
    return "item"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) < 60 else f"'{value[:57]}...'"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)




def _explain(err: dict[str, Any], f: YamlFile, root_cls: type[BaseModel]) -> Problem:
    loc = tuple(err["loc"])
    path = _data_path(f.data, loc)
    ctx = _context(f.data, path)
    name = _field_name(path)
    kind = err["type"]
    value = err.get("input")
    c = err.get("ctx") or {}
    if kind == "extra_forbidden":
        owner = _model_at(root_cls, loc[:-1])
        allowed = sorted(fi.alias or n for n, fi in owner.model_fields.items()) if owner else []
        msg = f"unknown key '{loc[-1]}'{did_you_mean(loc[-1], allowed)}"
        if not did_you_mean(loc[-1], allowed) and allowed:
            msg += f"; allowed keys here: {', '.join(allowed)}"
        return f.problem(path, ctx + msg, key=True)
    if kind == "missing":
        return f.problem(path[:-1], f"{ctx}'{name}' is required; add it")
    if kind == "union_tag_invalid":
        tag = c.get("tag", value)
        return f.problem(path + ("type",), f"{ctx}unknown exercise type '{tag}'{did_you_mean(tag, model.EXERCISE_KINDS)}"
                         f"; use one of {', '.join(model.EXERCISE_KINDS)}")
    if kind == "union_tag_not_found":
        return f.problem(path, f"{ctx}the exercise has no 'type'; add one of {', '.join(model.EXERCISE_KINDS)}")
    if kind in ("literal_error", "enum"):
        expected = c.get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        return f.problem(path, f"{ctx}'{name}' is {_show(value)}{did_you_mean(value, options)}; use one of {', '.join(options)}")
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in c.get("pattern", ""):
            return f.problem(path, f"{ctx}{_show(value)} is not a valid id for '{name}'; use lowercase letters, digits, '-' and '_', starting with a letter or digit")
        if "^p[1-9]" in c.get("pattern", ""):
            return f.problem(path, f"{ctx}{_show(value)} is not a paragraph id; paragraph ids look like p1, p2, p3")
        if "\\d{4}" in c.get("pattern", ""):
            return f.problem(path, f"{ctx}{_show(value)} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        return f.problem(path, f"{ctx}{_show(value)} is not valid for '{name}'")
    if kind in ("string_type",):
        return f.problem(path, f"{ctx}'{name}' must be text, not {_show(value)}; put it in quotes if it is meant as text")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f.problem(path, f"{ctx}'{name}' must be a whole number, not {_show(value)}")
    if kind in ("bool_type", "bool_parsing"):
        return f.problem(path, f"{ctx}'{name}' must be true or false, not {_show(value)}")
    if kind in ("list_type",):
        return f.problem(path, f"{ctx}'{name}' must be a list (lines starting with '- '), not {_show(value)}")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f.problem(path, f"{ctx}'{name}' must be a mapping of keys (key: value), not {_show(value)}")
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f.problem(path, f"{ctx}'{name}' must be a date like 2021-08-29, not {_show(value)}")
    if kind == "too_short":
        n = c.get("min_length", 1)
        if isinstance(value, str) or n == 1 and not isinstance(value, list):
            return f.problem(path, f"{ctx}'{name}' is empty; write something or remove the key")
        return f.problem(path, f"{ctx}'{name}' needs at least {n} item{'s' if n != 1 else ''}")
    if kind == "too_long":
        return f.problem(path, f"{ctx}'{name}' is too long (at most {c.get('max_length')})")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = c.get("ge", c.get("le", c.get("gt", c.get("lt"))))
        rel = {"greater_than_equal": "at least", "less_than_equal": "at most",
               "greater_than": "more than", "less_than": "less than"}[kind]
        return f.problem(path, f"{ctx}'{name}' must be {rel} {bound}, not {_show(value)}")
    msg = err.get("msg", "invalid value")
    return f.problem(path, f"{ctx}'{name}': {msg[0].lower() + msg[1:]}")


def validate(f: YamlFile, cls: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return cls.model_validate(f.data), []
    except ValidationError as e:
        errors = e.errors(include_url=False)
    # A misspelt key shows up twice: as unknown, and as the required key it was meant to be.
    # Keep only the "did you mean" line.
    meant = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            owner = _model_at(cls, tuple(err["loc"])[:-1])
            keys = [fi.alias or n for n, fi in owner.model_fields.items()] if owner else []
            close = difflib.get_close_matches(str(err["loc"][-1]), keys, n=1, cutoff=0.6)
            if close:
                meant.add(tuple(err["loc"])[:-1] + (close[0],))
    return None, [_explain(err, f, cls) for err in errors
                  if not (err["type"] == "missing" and tuple(err["loc"]) in meant)]


# ------------------------------------------------------------------ the pack

def load_pack(folder: Path) -> Loaded:
    """Load and check a lesson folder; raise PackError listing every problem."""
    from .checks import check_pack  # checks needs Loaded

    folder = Path(folder)
    problems: list[Problem] = []
    files: dict[str, YamlFile] = {}
    origin: dict[tuple[str, str], str] = {}

    if not folder.is_dir():
        raise PackError([Problem(display_path(folder), 1, 1, "lesson folder not found; run from the project folder or pass --lessons DIR")])

    def parse(path: Path, cls: type[BaseModel]) -> Any:
        f, errs = read_yaml(path)
        files[f.shown] = f
        if errs:
            problems.extend(errs)
            return None
        obj, errs = validate(f, cls)
        problems.extend(errs)
        return obj

    pack_path = folder / "pack.yml"
    info = None
    if pack_path.exists():
        info = parse(pack_path, model.PackInfo)
        origin[("pack", "")] = display_path(pack_path)
    else:
        problems.append(Problem(display_path(pack_path), 1, 1, "pack.yml is missing; create it with title, description, audience, license and lessons"))

    sources: list[model.Source] = []
    src_dir = folder / "sources"
    for p in sorted(src_dir.glob("*.y*ml")) if src_dir.is_dir() else []:
        s = parse(p, model.Source)
        if s:
            sources.append(s)
            origin[("source", s.id)] = display_path(p)
    if not sources and not any(pr.file.startswith(display_path(src_dir)) for pr in problems):
        problems.append(Problem(display_path(src_dir), 1, 1, "no source document found; add one as sources/NAME.yml"))

    def optional(name: str, cls: type[BaseModel], attr: str) -> list[Any]:
        p = folder / name
        if not p.exists():
            return []
        obj = parse(p, cls)
        origin[(name.split(".")[0], "")] = display_path(p)
        return list(getattr(obj, attr)) if obj else []

    claims = optional("claims.yml", model.ClaimRegister, "claims")
    references = optional("references.yml", model.ReferenceRegister, "references")
    glossary = optional("glossary.yml", model.Glossary, "terms")

    lessons: dict[str, model.Lesson] = {}
    known = {"pack.yml", "claims.yml", "references.yml", "glossary.yml"}
    for p in sorted(folder.iterdir()):
        if p.is_dir() or p.name in known or p.name.startswith("."):
            continue
        if p.suffix not in (".yml", ".yaml"):
            continue
        if not LESSON_FILE.match(p.name):
            problems.append(Problem(display_path(p), 1, 1,
                                    "unexpected file name; lesson files are named NN-slug.yml (e.g. 03-tracing-claims.yml)"))
            continue
        lesson = parse(p, model.Lesson)
        if lesson is None:
            lessons[p.stem] = None  # type: ignore[assignment]  # present but broken
            continue
        shown = display_path(p)
        if lesson.id != p.stem:
            problems.append(files[shown].problem(("id",), f"lesson id '{lesson.id}' does not match the file name '{p.name}'; set id: {p.stem} or rename the file"))
        lessons[lesson.id] = lesson
        origin[("lesson", lesson.id)] = shown

    # Cross-checks still run when only some lessons are broken, so every problem shows at once;
    # they need the pack file, sources and registers to be sound.
    registers_broken = any(not LESSON_FILE.match(Path(pr.file).name) for pr in problems)
    if info is None or registers_broken:
        raise PackError(problems)

    ordered = [lessons[i] for i in info.lessons if lessons.get(i)]
    pack = model.Pack(info=info, sources=sources, claims=claims, references=references,
                      glossary=glossary, lessons=ordered)
    loaded = Loaded(pack=pack, files=files, origin=origin)
    problems.extend(check_pack(loaded, present=set(lessons)))
    if problems:
        raise PackError(problems)
    return loaded


def enum_values(e: type[Enum]) -> list[str]:
    return [m.value for m in e]
