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
    text = pack_file.read_text(encoding="utf-8")
    pack_file.write_text(add_to_list(text, "lessons", lesson_id), encoding="utf-8")
    return path


def add_to_list(text: str, key: str, value: str) -> str:
    """`text` (a YAML file the teacher wrote) with `value` added to its top-level list `key`, and
    nothing else changed: one line added in the list's own style (block or flow). Falls back to a
    ruamel round trip only for layouts it does not recognise."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = re.match(rf"^{re.escape(key)}:[ \t]*(.*?)\r?\n?$", line)
        if not m:
            continue
        rest = m.group(1)
        if rest.startswith("["):                       # flow list on one line: lessons: [a, b]
            close = _flow_end(rest)
            if close is None:
                break
            inner = rest[1:close].strip()
            new = f"[{value}]" if not inner else rest[:close].rstrip() + f", {value}]"
            lines[i] = line.replace(rest[:close + 1], new, 1)
            return "".join(lines)
        if rest and not rest.startswith("#"):
            break
        last, indent = None, None                      # block list: the items below the key
        for j in range(i + 1, len(lines)):
            item = re.match(r"^([ \t]*)- ", lines[j])
            if item and (indent is None or item.group(1) == indent):
                last, indent = j, item.group(1)
            elif not lines[j].strip() or lines[j].lstrip().startswith("#") or (indent is not None and re.match(rf"^{re.escape(indent)}[ \t]+\S", lines[j])):
                continue
            else:
                break
        if last is None:
            break
        eol = "\r\n" if lines[last].endswith("\r\n") else "\n"
        if not lines[last].endswith("\n"):
            lines[last] += eol
        lines.insert(last + 1, f"{indent}- {value}{eol}")
        return "".join(lines)
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(text)
    data.setdefault(key, []).append(value)
    import io

    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _flow_end(rest: str) -> int | None:
    quote = None
    for k, ch in enumerate(rest):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "]":
            return k
    return None
