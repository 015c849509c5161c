"""Read one lesson-pack YAML file: plain data, the line:col of every key and value, and plain-words errors.

The text goes through libyaml's C parser (PyYAML's `CSafeLoader`); this module turns its event
stream into plain Python data itself, so that:

- scalars follow the YAML 1.2 core schema (`no`, `on`, `yes` stay text; `true`/`false`, integers,
  floats and null as in YAML 1.2; dates stay text, the model parses them with a clear message);
- duplicate keys, anchors/aliases (teachers never need them; they are how "billion laughs" bombs
  work), tags, several documents in one file and nesting deeper than `Limits.depth` are refused;
- every key and value gets its 1-based (line, column) for error messages.

The walk is a loop over events, not a recursion, so no input can exhaust the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from .errors import Problem, display_path
from .limits import Limits, megabytes

Path_ = tuple[Any, ...]
Pos = tuple[int, int]

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_MAYBE_NOT_TEXT = frozenset("-+.0123456789~nNtTfF")
STR_TAG = "tag:yaml.org,2002:str"


def scalar(value: str) -> Any:
    """A plain (unquoted) scalar by the YAML 1.2 core schema."""
    if value and value[0] not in _MAYBE_NOT_TEXT:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _OCT.fullmatch(value):
        return int(value[2:], 8)
    if _HEX.fullmatch(value):
        return int(value[2:], 16)
    if _INF.fullmatch(value):
        return float("-inf") if value[0] == "-" else float("inf")
    if _NAN.fullmatch(value):
        return float("nan")
    return value


@dataclass
class YamlFile:
    """One parsed file: plain data plus the line/column of every key and value."""

    path: Path
    shown: str
    data: Any = None
    positions: dict[Path_, Pos] = field(default_factory=dict)
    key_positions: dict[Path_, Pos] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> Pos:
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


class _Refused(Exception):
    """A construct lesson files may not use; carries the one problem to report."""

    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message


def read_yaml(path: Path, root: Path | None = None, limits: Limits | None = None) -> tuple[YamlFile, list[Problem]]:
    """Parse one file; the problems are empty when `f.data` is a mapping ready for the model."""
    f = YamlFile(path=path, shown=display_path(path, root))
    limits = limits or Limits()
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            return f, [Problem(f.shown, 1, 1, f"the file is {megabytes(size)}, more than the {megabytes(limits.file_bytes)} "
                                              "a lesson-pack file may hold; split it into smaller files, or allow more with "
                                              "--max-file-mb (or CASEFILE_MAX_FILE_MB)")]
        raw = path.read_bytes()
    except OSError as e:
        return f, [Problem(f.shown, 1, 1, f"cannot read the file ({e.strerror}); check it exists and is readable")]
    return f, parse_into(f, raw, limits)


def parse_into(f: YamlFile, raw: bytes, limits: Limits | None = None) -> list[Problem]:
    limits = limits or Limits()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, e.start) + 1: e.start].decode("utf-8", "replace")) + 1
        return [Problem(f.shown, line, col, f"the file is not UTF-8 text (byte 0x{raw[e.start]:02x}); save it with UTF-8 encoding")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return [Problem(f.shown, 1, 1, "the file is empty; fill it in or delete it")]
    if "\t" in text:
        problems = [Problem(f.shown, n, len(m.group(1)) + 1,
                            "a tab is used for indentation; YAML needs spaces, so replace the tab with spaces")
                    for n, m in ((n, re.match(r"^( *)\t", ln)) for n, ln in enumerate(text.splitlines(), 1)) if m]
        if problems:
            return problems
    try:
        f.data = _build(text, f, limits)
    except _Refused as r:
        return [Problem(f.shown, r.line, r.col, r.message)]
    except yaml.MarkedYAMLError as e:
        try:
            line, col, message = syntax_problem(text, e)
        except Exception:  # noqa: BLE001 - a hint must never turn a YAML mistake into a traceback
            mark = e.problem_mark or e.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = f"YAML syntax error: {(e.problem or 'invalid YAML').strip()}; check the indentation and quoting on this line and the one before"
        return [Problem(f.shown, line, col, message)]
    except yaml.reader.ReaderError as e:  # a character YAML forbids (control characters and the like)
        line, col = _line_col_of_byte(text, e.position)
        char = e.character if isinstance(e.character, int) else 0
        return [Problem(f.shown, line, col, f"the character U+{char:04X} is not allowed in YAML; delete it "
                                            "(it is invisible in most editors)")]
    except yaml.YAMLError as e:  # pragma: no cover - libyaml gives marks in practice
        first = str(e).strip().splitlines()[0] if str(e).strip() else "invalid YAML"
        return [Problem(f.shown, 1, 1, f"YAML syntax error: {first}; fix the YAML syntax")]
    if not isinstance(f.data, dict):
        kind = type(f.data).__name__ if f.data is not None else "nothing"
        return [Problem(f.shown, 1, 1, f"the file must hold a mapping of keys (key: value), not {_kind(kind)}")]
    return []


def _build(text: str, f: YamlFile, limits: Limits) -> Any:
    """Plain data from libyaml's events, recording positions into f; raises _Refused or a YAML error."""
    parser = yaml.CSafeLoader(text)
    try:
        return _walk(parser.get_event, f.positions, f.key_positions, limits)
    finally:
        parser.dispose()


def _walk(get_event: Any, positions: dict[Path_, Pos], key_positions: dict[Path_, Pos], limits: Limits) -> Any:
    # One frame per open collection: [container, path, is_mapping, pending key or None, key mark, keys seen]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    while True:
        ev = get_event()
        cls = ev.__class__
        if cls is StreamEndEvent:
            break
        if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
            mark = ev.start_mark
            if ev.anchor is not None:
                raise _Refused(mark.line + 1, mark.column + 1,
                               f"YAML anchors ('&{ev.anchor}') are not allowed in lesson files, and teachers never need "
                               "them; remove it and write each value out in full")
            if ev.tag is not None and not (cls is ScalarEvent and ev.tag == STR_TAG):
                raise _Refused(mark.line + 1, mark.column + 1,
                               f"YAML tags ('{ev.tag}') are not used in lesson files; remove it (put text in quotes instead)")
            if cls is ScalarEvent:
                value: Any = ev.value if ev.style or ev.tag else scalar(ev.value)
            else:
                value = {} if cls is MappingStartEvent else []
            pos = (mark.line + 1, mark.column + 1)
            if not stack:
                root = value
            else:
                top = stack[-1]
                if top[2]:  # in a mapping
                    if top[3] is None:  # this is a key
                        if cls is not ScalarEvent:
                            raise _Refused(pos[0], pos[1], "a key must be a plain word, not a list or mapping; "
                                                           "check for a stray '?', '[' or '{' before the colon")
                        name = value if isinstance(value, str) else str(value)
                        if name in top[5]:
                            raise _Refused(pos[0], pos[1], f"duplicate key '{name}' in the same mapping; keep only one of them")
                        top[5].add(name)
                        top[3], top[4] = name, pos
                        continue
                    p = top[1] + (top[3],)
                    key_positions[p] = top[4]
                    positions[p] = pos
                    top[0][top[3]] = value
                    top[3] = None
                else:
                    p = top[1] + (len(top[0]),)
                    positions[p] = pos
                    top[0].append(value)
            if cls is not ScalarEvent:
                if len(stack) >= limits.depth:
                    raise _Refused(pos[0], pos[1], f"the YAML is nested more than {limits.depth} levels deep here; "
                                                   "lesson files never need this much, so check for runaway brackets or indentation")
                stack.append([value, p if stack else (), cls is MappingStartEvent, None, None, set()])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            stack.pop()
        elif cls is AliasEvent:
            mark = ev.start_mark
            raise _Refused(mark.line + 1, mark.column + 1,
                           f"YAML aliases ('*{ev.anchor}') are not allowed in lesson files, and teachers never need "
                           "them; write the value out in full")
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = ev.start_mark
                raise _Refused(mark.line + 1, mark.column + 1,
                               "a second YAML document starts here ('---'); a lesson-pack file holds one, so remove "
                               "this line or split the file")
    return root


# ------------------------------------------------------------------ syntax errors in plain words

_KEY_LINE = re.compile(r"^(\s*)(?:- +)?([^\s#'\"\[\]{},:][^#:]*?|\"[^\"]*\"|'[^']*'):(?:\s|$)")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(lines: list[str], n: int) -> int | None:
    """Index of the nearest line before index n that holds something other than a comment."""
    for i in range(n - 1, -1, -1):
        s = lines[i].strip()
        if s and not s.startswith("#"):
            return i
    return None


def _unclosed_quote(text: str, upto: tuple[int, int]) -> tuple[int, int, str] | None:
    """The opening quote of a quoted value that swallowed the following lines (key: value lines)
    before the point of the error: the usual cause of a syntax error far below a missing quote."""
    best = None
    try:
        for ev in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(ev, ScalarEvent) and ev.style in ('"', "'") and ev.end_mark.line > ev.start_mark.line:
                if (ev.start_mark.line, ev.start_mark.column) >= upto:
                    break
                inside = text[ev.start_mark.index: ev.end_mark.index] if ev.start_mark.index < len(text) else ""
                if re.search(r"\n\s*(?:- )?[\w-]+:\s", inside):
                    best = (ev.start_mark.line + 1, ev.start_mark.column + 1, ev.style)
    except yaml.YAMLError:
        pass
    return best


def syntax_problem(text: str, e: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """(line, col, message) for a libyaml syntax error: at the line of the mistake, with a hint."""
    problem = (e.problem or "invalid YAML").strip()
    context = (e.context or "").strip()
    mark = e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = _lines(text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""

    if "maximum nesting depth" in problem:
        return (line, col, "the YAML is nested too deeply here (more than 1000 levels); lesson files never need "
                           "this much, so check for runaway brackets")
    if context == "while scanning a quoted scalar" and e.context_mark is not None:
        m = e.context_mark  # the quote never closes before the end of the file
        quote = lines[m.line][m.column: m.column + 1] if m.line < len(lines) else '"'
        return (m.line + 1, m.column + 1, f"YAML syntax error: this quote is never closed; put a closing {quote} "
                                          "at the end of the value")
    swallowed = _unclosed_quote(text, (line - 1, col - 1))
    if swallowed:
        ql, qc, quote = swallowed
        return (ql, qc, f"YAML syntax error: this quote is never closed, so the lines below it became part of "
                        f"the value; put a closing {quote} at the end of the value")
    if context.startswith("while parsing a flow") and e.context_mark is not None:
        m = e.context_mark
        opener = lines[m.line][m.column: m.column + 1] if m.line < len(lines) else "["
        closer = {"[": "]", "{": "}"}.get(opener, "]")
        what = "list" if opener == "[" else "mapping"
        return (m.line + 1, m.column + 1, f"YAML syntax error: this {opener} is never closed; put a {closer} at the end "
                                          f"of the {what} (or quote the value if the bracket is meant as text)")

    prev_i = _previous_content_line(lines, line - 1)
    prev = lines[prev_i] if prev_i is not None else ""
    key_here = _KEY_LINE.match(here)
    if "mapping values are not allowed" in problem:
        if key_here and prev_i is not None and _indent(here) > _indent(prev) and col - 1 == key_here.end(2) \
                and not prev.rstrip().endswith(":"):
            return (line, _indent(here) + 1, "YAML syntax error: this line is indented further than the line above, "
                                             "so YAML cannot tell where it belongs; start it in the same column as "
                                             "the key above it (or deeper only under a key that ends with ':')")
        return (line, col, "YAML syntax error: mapping values are not allowed here; a value containing ': ' must be quoted")
    if "could not find expected ':'" in problem and prev_i is not None:
        glued = re.match(r"^(\s*)(?:- +)?([\w-]+):(\S)", prev)
        if glued:
            return (prev_i + 1, glued.end(2) + 1, f"YAML syntax error: no space after the ':' of '{glued.group(2)}'; "
                                                   f"write '{glued.group(2)}: ' with a space before the value")
        if ": " not in prev and not prev.rstrip().endswith(":"):
            return (prev_i + 1, _indent(prev) + 1, "YAML syntax error: this line is not 'key: value'; add the key and "
                                                   "its ':', or join it to the value it belongs to")
    if "did not find expected" in problem or "expected <block end>" in problem:
        if here.lstrip().startswith("- ") or here.strip() == "-":
            if prev_i is not None and prev.lstrip().startswith("- ") and _indent(here) != _indent(prev):
                return (line, _indent(here) + 1, "YAML syntax error: this list item is not lined up with the one "
                                                 "above; start every '- ' of a list in the same column")
            return (line, _indent(here) + 1, "YAML syntax error: a list item ('- ') where a 'key: value' was "
                                             "expected; indent it under the key whose list it is, or add that key")
        if key_here and prev_i is not None and _indent(here) != _indent(prev) and col - 1 <= _indent(here) + 2:
            return (line, _indent(here) + 1, "YAML syntax error: this line's indentation does not match the lines "
                                             "above; start it in the same column as the other keys of its group")
        if "'" in here[: col - 1] or '"' in here[: col - 1]:
            return (line, col, "YAML syntax error: text after a closing quote; quote the whole value, and write a ' "
                               "inside '...' as '' (or use \"...\")")
        return (line, col, f"YAML syntax error: {problem}; check the indentation and quoting on this line and the one before")
    if "found character '\\t'" in problem or "found character that cannot start any token" in problem:
        return (line, col, f"YAML syntax error: {problem}; quote the value (characters such as ` @ % cannot start "
                           "an unquoted value)")
    return (line, col, f"YAML syntax error: {problem}; check the indentation and quoting on this line and the one before")


def _line_col_of_byte(text: str, pos: int) -> Pos:
    """1-based line and column of a UTF-8 byte offset (libyaml reports reader errors so)."""
    before = text.encode("utf-8")[:pos].decode("utf-8", "replace")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _kind(name: str) -> str:
    return {"list": "a list", "str": "a single text", "int": "a number", "float": "a number",
            "bool": "true/false"}.get(name, name)


__all__ = ["YamlFile", "Path_", "read_yaml", "parse_into", "scalar", "syntax_problem", "display_path"]
