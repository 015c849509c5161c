"""`casefile new lesson "Title"`: a valid, numbered lesson file to fill in, listed in pack.yml."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

LESSON_TEMPLATE = """\
# yaml-language-server: $schema=schema/lesson.schema.json
# A new lesson. Replace the text in every field, keep the minutes adding up to `duration`,
# then run: casefile check
id: {id}
title: "{title}"
summary: One sentence that says what students will do and why.
audience: Students aged 14 to 18
duration: 50
objectives:
  - Say what students will be able to do at the end.
key_points:
  - The one idea students should leave with.
vocabulary: []          # glossary ids, e.g. [lateral-reading]
focus_paragraphs: []    # source paragraphs the lesson works on, e.g. [p1, p2]
materials:
  - The article page
activities:
  - kind: warm_up
    title: Warm-up
    minutes: 10
    description: What happens first.
  - kind: exercises
    title: Exercises
    minutes: 30
    description: Students do the exercises.
    exercises: [{prefix}-first]
  - kind: exit_ticket
    title: Exit ticket
    minutes: 10
    description: One question to answer before leaving.
discussion:
  - A question for the class.
teacher_notes: Notes for whoever teaches this lesson (teacher edition only).
extensions: []
exercises:
  - id: {prefix}-first
    type: choice
    prompt: Write the question here.
    feedback: instant     # instant: checked in the browser; teacher: saved for the teacher
    options:
      - id: a
        text: The right answer.
        why: Why it is right.
      - id: b
        text: A tempting wrong answer.
        why: Why it is wrong.
    answer: a
"""


def new_lesson(lessons: Path, title: str) -> Path:
    if not title.strip():
        raise ValueError("give the lesson a title, e.g. casefile new lesson \"Reading the byline\"")
    pack_file = lessons / "pack.yml"
    if not pack_file.exists():
        raise ValueError(f"{pack_file}:1:1: pack.yml not found; run from the project folder or pass --lessons")
    numbers = [int(m.group(1)) for p in lessons.glob("*.y*ml") if (m := re.match(r"^(\d{2})-", p.name))]
    number = max(numbers, default=0) + 1
    if number > 99:
        raise ValueError("lesson numbers go up to 99")
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "lesson"
    lesson_id = f"{number:02d}-{slug}"
    path = lessons / f"{lesson_id}.yml"
    safe_title = title.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(LESSON_TEMPLATE.format(id=lesson_id, title=safe_title, prefix=f"l{number}"), encoding="utf-8")
    write_as_is(pack_file, add_to_list(read_as_is(pack_file), "lessons", lesson_id))
    return path


def read_as_is(path: Path) -> str:
    """A teacher's file exactly as written: line endings (CRLF too) kept."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def write_as_is(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def line_ending(text: str) -> str:
    """The file's own line ending: CRLF if its first line ends so, else LF."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def append_line(text: str, line: str) -> str:
    """`text` with one line added at its end, in the file's line ending."""
    eol = line_ending(text)
    sep = "" if not text or text.endswith("\n") else eol
    return text + sep + line + eol


def add_to_list(text: str, key: str, value: str) -> str:
    """`text` (a YAML file the teacher wrote) with `value` added to its top-level list `key`, and
    nothing else changed: one line added in the list's own style (block list, indented or flush,
    with the items' quotes and spacing; flow list on one line or wrapped over several), comments,
    blank lines, trailing spaces and line endings (CRLF too) kept. Falls back to a ruamel round
    trip only for layouts it does not recognise."""
    lines = text.splitlines(keepends=True)
    eol = line_ending(text)
    for i, line in enumerate(lines):
        m = re.match(rf"^(?:\ufeff)?{re.escape(key)}:[ \t]*(.*?)[ \t]*\r?\n?$", line)
        if not m:
            continue
        rest = m.group(1)
        if rest.startswith("["):                       # flow list: lessons: [a, b], maybe wrapped
            out = _add_to_flow(lines, i, line.index("[", len(key)), value, eol)
            if out is None:
                break
            return "".join(out)
        if rest and not rest.startswith("#"):
            break
        last, indent, dash = None, None, " "           # block list: the items below the key
        items: list[str] = []
        for j in range(i + 1, len(lines)):
            item = re.match(r"^([ \t]*)-([ \t]+)(.*?)(?:[ \t]+#.*)?\r?\n?$", lines[j])
            if item and (indent is None or item.group(1) == indent):
                last, indent, dash = j, item.group(1), item.group(2)
                items.append(item.group(3).strip())
            elif not lines[j].strip() or lines[j].lstrip().startswith("#") or (indent is not None and re.match(rf"^{re.escape(indent)}[ \t]+\S", lines[j])):
                continue
            else:
                break
        if last is None:
            break
        if not lines[last].endswith("\n"):
            lines[last] += eol
        lines.insert(last + 1, f"{indent}-{dash}{_quoted_like(items, value)}{eol}")
        return "".join(lines)
    else:
        if not re.search(rf"^{re.escape(key)}:", text, re.M):   # no such list yet: one line at the end
            return append_line(text, f"{key}: [{value}]")
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(text)
    data.setdefault(key, []).append(value)
    import io

    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _quoted_like(items: list[str], value: str) -> str:
    """`value` quoted the way every existing item is (all '…' or all "…"), else bare."""
    for q in ("'", '"'):
        if items and all(len(x) > 1 and x[0] == q and x[-1] == q for x in items):
            return f"{q}{value}{q}"
    return value


def _add_to_flow(lines: list[str], i: int, start: int, value: str, eol: str) -> list[str] | None:
    """Add `value` to the flow list opened at lines[i][start] ('['), which may close lines below.
    None if it never closes (or a quoted item runs over a line: left to ruamel)."""
    spans: list[tuple[int, int, int]] = []  # (line, start, end) of the list's own text on each line
    quote = None
    for j in range(i, len(lines)):
        line = lines[j].rstrip("\r\n")
        k = begin = start + 1 if j == i else 0
        while k < len(line):
            ch = line[k]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and (k == 0 or line[k - 1] in " \t"):
                break                             # a comment: the rest of the line is not the list
            elif ch == "]":
                spans.append((j, begin, k))
                return _insert_flow(lines, spans, value, eol)
            k += 1
        spans.append((j, begin, k))
        if quote:
            return None
    return None


def _insert_flow(lines: list[str], spans: list[tuple[int, int, int]], value: str, eol: str) -> list[str]:
    """Only the line that closes the list changes; or, when its ']' stands on a line of its own,
    one line is added before it (and a comma after the last item, if it has none)."""
    items = [x.strip() for x in ",".join(lines[j][a:b] for j, a, b in spans).split(",") if x.strip()]
    new = _quoted_like(items, value)
    j, a, close = spans[-1]
    line = lines[j]
    if not items:                                          # lessons: []
        lines[j] = line[:a] + new + line[close:] if len(spans) == 1 else line[:close] + new + line[close:]
        return lines
    if line[a:close].strip():                              # ']' after an item: add it there
        head = line[:close].rstrip()
        lines[j] = head + (" " if head.endswith(",") else ", ") + new + line[close:]
        return lines
    n = max(n for n, (jj, aa, bb) in enumerate(spans) if lines[jj][aa:bb].strip())  # ']' alone: a new line
    lj, la, lb = spans[n]
    text = lines[lj]
    content = text[la:lb].rstrip()
    if n == 0:                                             # the items sit on the key's line
        indent = " " * (la + len(content) - len(content.lstrip()))
    else:
        indent = re.match(r"^[ \t]*", text).group(0)
    if content.endswith(","):
        lines.insert(lj + 1, f"{indent}{new},{eol}")
    else:
        end = la + len(content)
        lines[lj] = text[:end] + "," + text[end:]
        lines.insert(lj + 1, f"{indent}{new}{eol}")
    return lines
