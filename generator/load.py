"""Read a lesson folder: YAML 1.2 with positions, then the pydantic model, then cross-checks.

`load_pack(folder)` returns a checked `Pack` or raises `PackError` with every problem found.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import model
from .docs_pages import PACK_PAGES, guide_file, pack_page_problems
from .errors import PackError, Problem, display_path, one_line
from .limits import Limits, megabytes
from .yaml_reader import Path_, YamlFile, read_yaml
from .suggest import did_you_mean  # noqa: F401 - used here, and by name elsewhere

__all__ = ["Loaded", "YamlFile", "Path_", "read_yaml", "load_pack", "validate", "did_you_mean", "enum_values"]
LESSON_FILE = re.compile(r"^\d{2}-[a-z0-9][a-z0-9_-]*\.ya?ml$")
SINGULAR = {
    "exercises": "exercise", "claims": "claim", "terms": "term", "references": "reference",
    "paragraphs": "paragraph", "options": "option", "items": "item", "activities": "activity",
    "categories": "category", "left": "item", "right": "item", "lessons": "lesson", "key": "key",
}


@dataclass
class Loaded:
    pack: model.Pack
    files: dict[str, YamlFile]
    # where each object came from: ("lesson", id) -> file key, etc.
    origin: dict[tuple[str, str], str]


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
    """A value as a message shows it: on one line (control characters as escapes), at most 60 characters."""
    if isinstance(value, str):
        value = one_line(value)
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
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            return f.problem(path, f"{ctx}'{name}' is {_show(value)}, which is not a real date; write it as YYYY-MM-DD "
                                   "with a month from 01 to 12 and a day that month has (like 2021-08-29)")
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
    if kind == "url":  # the model's own words: "may only be an http://, https:// or relative address, …"
        return f.problem(path, f"{ctx}'{name}' {msg}")
    return f.problem(path, f"{ctx}'{name}': {msg[0].lower() + msg[1:]}")


def validate(f: YamlFile, cls: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    obj, problems, _ = validate_salvaging(f, cls)
    return (obj if not problems else None), problems


def _problems_of(errors: list[dict[str, Any]], f: YamlFile, cls: type[BaseModel]) -> list[Problem]:
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
    return [_explain(err, f, cls) for err in errors
            if not (err["type"] == "missing" and tuple(err["loc"]) in meant)]


# ------------------------------------------------------------------ every problem at once: keep what validated

# The lists whose items are validated one by one: an invalid item is left out of the salvaged
# object (and reported), so the rest of the file is still cross-checked.
UNITS: dict[str, tuple[str, ...]] = {
    "Lesson": ("exercises", "activities"), "Source": ("paragraphs",), "ClaimRegister": ("claims",),
    "ReferenceRegister": ("references",), "Glossary": ("terms",),
}


@dataclass
class Salvage:
    """What was left out of a file to validate the rest: list name -> the ids of the items dropped
    (None for an item without a usable id), and the top-level keys dropped."""

    items: dict[str, list[str | None]]
    keys: set[str]


def validate_salvaging(f: YamlFile, cls: type[BaseModel]) -> tuple[BaseModel | None, list[Problem], Salvage | None]:
    """The model, the problems, and (when there were problems) the object made of the parts that
    did validate, with `f` re-pointed at that object's data; (None, problems, None) if nothing
    sensible is left (a required top-level field is wrong or missing)."""
    try:
        return cls.model_validate(f.data), [], None
    except ValidationError as e:
        errors = e.errors(include_url=False)
    problems = _problems_of(errors, f, cls)
    units = UNITS.get(cls.__name__, ())
    by_key = {fi.alias or n: fi for n, fi in cls.model_fields.items()}
    drop_items: dict[str, set[int]] = {}
    drop_keys: set[str] = set()
    renamed: dict[str, str] = {}  # a misspelt top-level key -> the required key it was meant to be
    for err in errors:
        if err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
            close = difflib.get_close_matches(str(err["loc"][0]), list(by_key), n=1, cutoff=0.6)
            if close and close[0] not in f.data and by_key[close[0]].is_required():
                renamed[close[0]] = str(err["loc"][0])
    for err in errors:
        path = _data_path(f.data, tuple(err["loc"]))
        if err["type"] == "missing" and len(path) == 1 and path[0] in renamed:
            continue
        if len(path) >= 2 and path[0] in units and isinstance(path[1], int) \
                and isinstance(f.data.get(path[0]), list) and path[1] < len(f.data[path[0]]):
            drop_items.setdefault(path[0], set()).add(path[1])
        elif path and isinstance(path[0], str) and path[0] in f.data and \
                (path[0] not in by_key or not by_key[path[0]].is_required()):
            drop_keys.add(path[0])
        else:
            return None, problems, None
    data = {k: v for k, v in f.data.items() if k not in drop_keys}
    for meant, written in renamed.items():
        data[meant] = f.data[written]
    for name, drop in drop_items.items():
        data[name] = [v for i, v in enumerate(f.data[name]) if i not in drop]
    try:
        obj = cls.model_validate(data)
    except ValidationError:
        return None, problems, None
    salvage = Salvage(items={name: [_raw_id(f.data[name][i]) for i in sorted(drop)] for name, drop in drop_items.items()},
                      keys=drop_keys)

    written_as = {written: meant for meant, written in renamed.items()}

    def remap(path: Path_) -> Path_ | None:
        if path and path[0] in written_as:
            return (written_as[path[0]],) + path[1:]
        if path and path[0] in drop_keys:
            return None
        if len(path) >= 2 and path[0] in drop_items and isinstance(path[1], int):
            drop = drop_items[path[0]]
            if path[1] in drop:
                return None
            return (path[0], path[1] - sum(1 for d in drop if d < path[1])) + path[2:]
        return path

    for table in (f.positions, f.key_positions):
        moved = {}
        for path, pos in table.items():
            new = remap(path)
            if new is not None:
                moved[new] = pos
        table.clear()
        table.update(moved)
    f.data = data
    return obj, problems, salvage


def _raw_id(item: Any) -> str | None:
    ident = item.get("id") if isinstance(item, dict) else None
    return ident if isinstance(ident, str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", ident) else None


# Cross-check messages that only say "X is not there" because X's item was left out above.
_CONSEQUENCES: dict[str, tuple[str, bool]] = {  # list -> (pattern with the referred id, whole pack?)
    "exercises": (r"exercise '([^']*)' is not in this lesson", False),
    "activities": (r"the activities add up to ()", False),
    "claims": (r"claim '([^']*)' is not in claims\.yml", True),
    "references": (r"reference '([^']*)' is not in references\.yml", True),
    "terms": (r"(?:vocabulary|see_also) '([^']*)' is not in (?:glossary\.yml|the glossary)", True),
    "paragraphs": (r"paragraph '([^']*)' does not exist in source", True),
    "skills": (r"skill '([^']*)' is not in skills\.yml", True),
    "sources": (r"unknown source '([^']*)'|this pack has \d+ sources()|is not in paragraph '([^']*)' word for word", True),
}

# A source or register file that could not be read at all counts as empty; what it would have
# held is then "not there" everywhere, which says nothing new.
WHOLE_FILE = {"Source": ("paragraphs", "sources"), "ClaimRegister": ("claims",),
              "ReferenceRegister": ("references",), "Glossary": ("terms",),
              "SkillList": ("skills",)}


def drop_consequences(problems: list[Problem], salvaged: dict[str, Salvage]) -> list[Problem]:
    """Leave out the cross-check problems caused only by an item already reported and left out."""
    rules = []
    for shown, s in salvaged.items():
        for name, ids in s.items.items():
            if name in _CONSEQUENCES:
                pattern, pack_wide = _CONSEQUENCES[name]
                rules.append((re.compile(pattern), None if pack_wide else shown, set(ids)))
    if not rules:
        return problems
    out = []
    for pr in problems:
        for rx, only_file, ids in rules:
            m = rx.search(pr.message)
            if m and (only_file is None or pr.file == only_file) and (None in ids or not m.group(1) or m.group(1) in ids):
                break
        else:
            out.append(pr)
    return out


# ------------------------------------------------------------------ the pack

def _pack_size_problem(folder: Path, limits: Limits) -> Problem | None:
    total = 0
    for pattern in ("*.yml", "*.yaml", "sources/*.yml", "sources/*.yaml"):
        for p in folder.glob(pattern):
            try:
                total += p.stat().st_size
            except OSError:
                continue
    if total <= limits.pack_bytes:
        return None
    return Problem(display_path(folder), 1, 1, f"the pack's YAML files add up to {megabytes(total)}, more than the "
                                                f"{megabytes(limits.pack_bytes)} a pack may hold; remove files that do not "
                                                "belong, or allow more with --max-pack-mb (or CASEFILE_MAX_PACK_MB)")


# `casefile serve` sets this to {}: each file's reading and validation is then remembered by its
# path and bytes, so a save re-parses only the file that changed.
MEMO: dict[tuple[str, bytes, str, str], Any] | None = None


def load_pack(folder: Path, limits: Limits | None = None, docs_dir: Path | None = None) -> Loaded:
    """Load and check a lesson folder; raise PackError listing every problem.

    With `docs_dir` (the site's hand-written pages), the workshop guide named in pack.yml must exist there."""
    from .checks import check_pack, page_link_problems  # checks needs Loaded
    from .media import check_media

    folder = Path(folder)
    limits = limits or Limits.from_env()
    problems: list[Problem] = []
    files: dict[str, YamlFile] = {}
    origin: dict[tuple[str, str], str] = {}
    salvaged: dict[str, Salvage] = {}

    if not folder.is_dir():
        raise PackError([Problem(display_path(folder), 1, 1, "lesson folder not found; run from the project folder or pass --lessons DIR")])
    too_big = _pack_size_problem(folder, limits)
    if too_big:
        raise PackError([too_big])

    def parse(path: Path, cls: type[BaseModel]) -> Any:
        key = (str(path), path.read_bytes(), cls.__name__, repr(limits)) if MEMO is not None else None
        if key is not None and key in MEMO:  # type: ignore[operator]
            f, read_errs, obj, errs, salvage = MEMO[key]  # type: ignore[index]
        else:
            f, read_errs = read_yaml(path, limits=limits)
            obj = salvage = None
            errs = []
            if not read_errs:
                obj, errs, salvage = validate_salvaging(f, cls)
            if key is not None:
                MEMO[key] = (f, read_errs, obj, errs, salvage)  # type: ignore[index]
        files[f.shown] = f
        problems.extend(read_errs or errs)
        if obj is None and cls.__name__ in WHOLE_FILE:
            salvage = Salvage(items={name: [None] for name in WHOLE_FILE[cls.__name__]}, keys=set())
        if salvage is not None:
            salvaged[f.shown] = salvage
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
    skills = optional("skills.yml", model.SkillList, "skills")

    lessons: dict[str, model.Lesson] = {}
    known = {"pack.yml", "claims.yml", "references.yml", "glossary.yml", "skills.yml"}
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

    # Cross-checks run on everything that could be read, so every problem shows at once: parts of a
    # file that did not validate were left out of it (and reported), files that could not be read
    # count as empty; the cross-check lines that only repeat that are dropped (drop_consequences).
    # Only pack.yml is needed whole.
    if info is None:
        raise PackError(problems)

    if info.main_source:  # the main source first: everything that defaults to a source takes sources[0]
        sources.sort(key=lambda s: s.id != info.main_source)
    ordered = [lessons[i] for i in info.lessons if lessons.get(i)]
    try:
        pack = model.Pack(info=info, sources=sources, claims=claims, references=references,
                          glossary=glossary, lessons=ordered, skills=skills)
    except ValidationError:
        raise PackError(problems or [Problem(origin[("pack", "")], 1, 1, "the pack's files do not fit together; "
                                                                          "fix the problems above and check again")])
    loaded = Loaded(pack=pack, files=files, origin=origin)
    problems.extend(drop_consequences(check_pack(loaded, present=set(lessons)), salvaged))
    media_problems, pack.media = check_media(loaded, folder, limits)  # images: read and vetted once
    problems.extend(media_problems)
    problems.extend(_guide_problems(info, files[origin[("pack", "")]], docs_dir, folder / PACK_PAGES))
    problems.extend(Problem(display_path(p), 1, 1, what) for p, what in pack_page_problems(folder / PACK_PAGES))
    for page in sorted((folder / PACK_PAGES).rglob("*.md")) if (folder / PACK_PAGES).is_dir() else []:
        problems.extend(page_link_problems(display_path(page), page.read_text(encoding="utf-8", errors="replace")))
    if problems:
        raise PackError(problems)
    return loaded


def _guide_problems(info: model.PackInfo, f: YamlFile, docs_dir: Path | None, pages_dir: Path) -> list[Problem]:
    """The workshop guide is a page of the pack's pages/ folder or of docs/: it must be there, and
    may not point outside them."""
    guide = info.workshop.guide if info.workshop else None
    if not guide:
        return []
    at = ("workshop", "guide")
    rel = Path(guide)
    if rel.is_absolute() or ".." in rel.parts or "\\" in guide:
        return [f.problem(at, f"workshop guide '{guide}' must be a path inside the pack's pages/ folder or docs/ "
                              "(like teacher/facilitator-guide.md), without '..' or a leading '/'")]
    docs = Path(docs_dir) if docs_dir is not None and Path(docs_dir).is_dir() else None
    if (docs is not None or pages_dir.is_dir()) and guide_file(guide, docs, pages_dir, info.site.generic_pages) is None:
        where = " or ".join(f"{display_path(d)}/" for d in (pages_dir, docs if info.site.generic_pages else None) if d is not None)
        return [f.problem(at, f"workshop guide '{guide}' is not in {where}; create it there, "
                              "or fix the path (it is relative to either folder)")]
    return []


def enum_values(e: type[Enum]) -> list[str]:
    return [m.value for m in e]
