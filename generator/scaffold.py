"""`casefile new lesson "Title"`: a valid, numbered lesson file to fill in, listed in pack.yml."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------- casefile new pack DIR [--from FILE]

SAMPLE_ARTICLE = """\
---
title: Replace this article with your own
author: Casefile
publisher: Casefile sample
date: 2024-01-15
url: https://unknown.invalid/sample
---

# Replace this article with your own

This is a placeholder article. To build a pack on the article you want to teach with, save its page and run: casefile new pack my-pack --from ARTICLE.html

The town council said on Monday that 120 new trees would be planted by March, according to a statement on its website.

"We want every street to have shade by 2030," the mayor told reporters.
"""

GLOSSARY = """\
# Words the lessons use. A lesson lists the ones it needs under vocabulary:.
terms:
  - id: claim
    term: Claim
    definition: Something stated as true that can be checked against evidence.
    see_also: [evidence]
  - id: source
    term: Source
    definition: Where a piece of information comes from, and who is behind it.
    see_also: [attribution]
  - id: evidence
    term: Evidence
    definition: What a claim rests on, that someone else could look at and check.
  - id: attribution
    term: Attribution
    definition: Saying who made a claim ("the mayor said", "according to the report").
  - id: lateral-reading
    term: Lateral reading
    definition: Leaving the page to find out what other sources say about it and about who is behind it.
    see_also: [source]
"""

PACK = """\
# The lesson pack: what it is, who it is for, and the order of its lessons.
id: {id}
title: {title}
description: {description}
audience: Students aged 14 to 18
language: en
license: "Lesson text: choose a licence (for example CC BY 4.0); the article belongs to its publisher"
version: "1"
authors:
  - Your name
lessons:
  - {lesson}
site:
  student_title: {title}
  teacher_title: {teacher_title}
"""

LESSON = """\
# yaml-language-server: $schema=schema/lesson.schema.json
# A starter lesson on the imported article. Change anything; keep the minutes adding up to
# `duration`, then run: casefile check
id: {id}
title: First look at the article
summary: Students read the article, find its claims and ask who is behind it and what each claim rests on.
audience: Students aged 14 to 18
duration: 50
source: {source}
objectives:
  - Say who wrote and published the article, and when.
  - Find claims in the article that could be checked.
  - Say what a claim rests on, and how to check it.
key_points:
  - Before deciding whether to believe an article, ask who is behind it and what its claims rest on.
vocabulary: [claim, source, evidence]
focus_paragraphs: {focus}
materials:
  - The article page (or its printed copy)
activities:
  - kind: warm_up
    title: Who is behind it?
    minutes: 10
    description: Show the article's headline and byline only. Ask who wrote it, who published it, and how to find out more about them.
    student: Look at the headline and byline. Who wrote this, who published it, and how could you find out more about them?
    exercises: [{p}-behind]
  - kind: reading
    title: Read the article
    minutes: 15
    description: Students read the focus paragraphs and mark every sentence that states something as a fact.
    student: Read the paragraphs listed above. Mark every sentence that states something as a fact.
  - kind: exercises
    title: Find and weigh a claim
    minutes: 20
    description: Students do the exercises; discuss what each claim rests on.
    student: Do the exercises below.
    exercises: [{exercise_ids}]
  - kind: exit_ticket
    title: Exit ticket
    minutes: 5
    description: Each student writes one question they would ask before sharing the article.
    student: Write one question you would ask before sharing this article.
discussion:
  - {discussion}
teacher_notes: A starter lesson written by casefile new pack. Check the draft claims in the claim register before you teach it.
extensions:
  - Find another report of the same events and compare what it says with this article.
exercises:
  - id: {p}-behind
    type: choice
    prompt: You meet an article you have never seen before. What is the first thing to find out?
    feedback: instant
    options:
      - id: a
        text: Who is behind it, and what they want you to think.
        why: Knowing who is behind information tells you how far to trust it before you weigh the details.
      - id: b
        text: How many people have shared it.
        why: Popular is not the same as true; many people share things they have not checked.
      - id: c
        text: Whether it agrees with what you already think.
        why: Agreeing with it feels good but says nothing about whether it is right.
    answer: a
{highlight}  - id: {p}-rests-on
    type: short_answer
    prompt: Choose one claim in the article. Who makes it, what does it rest on, and how could you check it?
    paragraphs: {focus}
    lines: 8
    rubric:
      criteria:
        - criterion: Finds a checkable claim and says who makes it
          levels:
            Proficient: Quotes a checkable claim exactly and names who makes it.
            Emergent: Finds a claim but is vague about who makes it.
            Basic: Does not find a checkable claim.
        - criterion: Says how to check it
          levels:
            Proficient: Names a specific, independent source that could confirm or refute it.
            Emergent: Says to "look it up" without saying where.
            Basic: Does not say how to check it.
    model_answer: Write a model answer for this article here (for example, one of the claims in the claim register, who makes it, and which independent source could confirm it).
"""

HIGHLIGHT = """\
  - id: {p}-claim
    type: highlight
    prompt: Highlight a sentence in this paragraph that states something you could check.
    paragraph: {paragraph}
    answers:
      - text: {quote}
        why: It states something definite (it has {why}) that another source could confirm or refute.
"""


@dataclass
class NewPack:
    folder: Path
    files: list[str]
    drafts: int
    imported: Any = None


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML 1.2)."""
    return json.dumps(value, ensure_ascii=False)


def new_pack(folder: Path, source_file: Path | None, *, title: str | None = None, today: dt.date | None = None) -> NewPack:
    from .importer import import_source
    from .importer.drafts import candidates, draft_claims

    if folder.exists() and any(folder.iterdir()):
        raise ValueError(f"{folder}:1:1: the folder is not empty; choose a new folder for the pack")
    pack_id = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")[:60] or "pack"
    if not re.match(r"^[a-z0-9]", pack_id):
        pack_id = "pack-" + pack_id
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-pack-", dir=folder.parent))  # same file system: renamed into place
    try:
        lessons = staging / "lessons"
        lessons.mkdir()
        sample = None
        if source_file is None:
            sample = staging / "sample-article.md"
            sample.write_text(SAMPLE_ARTICLE, encoding="utf-8")
        imported = import_source(source_file or sample, lessons, slug="sample-article" if sample else None)  # type: ignore[arg-type]
        if sample:
            sample.unlink()
        paragraphs = imported.paragraphs
        today = today or _today()
        claims = draft_claims(paragraphs, today)
        body = [p["id"] for p in paragraphs if p["kind"] in ("body", "quote")] or [paragraphs[0]["id"]]
        focus = body[:3]
        article_title = imported.title if imported.title and imported.title != "unknown" else "the article"
        pack_title = title or f"Checking \u201c{article_title}\u201d"
        prefix = "l1"
        found = candidates(paragraphs)
        highlight = ""
        exercise_ids = [f"{prefix}-rests-on"]
        if found:
            c = found[0]
            highlight = HIGHLIGHT.format(p=prefix, paragraph=c.paragraph, quote=_q(c.quote), why=" and ".join(
                {"attribution": "an attribution", "quotation": "a quotation", "number": "a number", "date": "a date"}[w]
                for w in c.why))
            exercise_ids.insert(0, f"{prefix}-claim")
        first = next(p for p in paragraphs if p["id"] == body[0])
        words = [w for w in first["text"].split(" ")[:6] if "]" not in w and "|" not in w and "[" not in w]
        opening = " ".join(words) if words and " ".join(words) in first["text"] else ""
        discussion = (f"The article says [[{first['id']}|{opening}]]… What would you need to know to trust what follows?"
                      if opening else "What would you need to know to trust this article?")
        lesson_id = "01-first-look"
        (lessons / f"{lesson_id}.yml").write_text(LESSON.format(
            id=lesson_id, source=imported.source_id, focus="[" + ", ".join(focus) + "]", p=prefix,
            exercise_ids=", ".join(exercise_ids), discussion=_q(discussion), highlight=highlight), encoding="utf-8")
        (lessons / "pack.yml").write_text(PACK.format(
            id=pack_id, title=_q(pack_title), lesson=lesson_id, teacher_title=_q(pack_title + " (teacher edition)"),
            description=_q(f"A lesson pack built on \u201c{article_title}\u201d: who is behind it, what its claims "
                           "rest on, and what other sources say.")), encoding="utf-8")
        (lessons / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
        (lessons / "references.yml").write_text(
            "# Sources you consulted to check the claims (cited by id from claims.yml).\nreferences: []\n", encoding="utf-8")
        (lessons / "claims.yml").write_text(_claims_yaml(claims), encoding="utf-8")
        templates = Path(__file__).parent / "templates" / "newpack"
        (staging / "mkdocs.yml").write_text((templates / "mkdocs.yml").read_text(encoding="utf-8")
                                            .replace("{site_name}", _q(pack_title)).replace("{language}", "en"),
                                            encoding="utf-8")
        shutil.copytree(templates / "docs", staging / "docs")
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    imported.path = folder / "lessons" / "sources" / imported.path.name
    files = ["mkdocs.yml", "docs/", "lessons/pack.yml", f"lessons/sources/{imported.path.name}",
             f"lessons/{lesson_id}.yml", "lessons/claims.yml", "lessons/references.yml", "lessons/glossary.yml"]
    return NewPack(folder, files, len(claims), None if source_file is None else imported)


def _today() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def _claims_yaml(claims: list[dict[str, Any]]) -> str:
    import io

    y = YAML()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.ignore_aliases = lambda *args: True
    buf = io.StringIO()
    y.dump({"claims": claims}, buf)
    return ("# The claim register (teacher edition only). These are DRAFTS found by casefile new pack:\n"
            "# sentences with an attribution, a quotation, a number or a date. Check each one, fill in\n"
            "# claimant, relies_on, type, status, confidence and note, then delete its 'draft: true'.\n"
            "# casefile check counts the drafts left.\n" + (buf.getvalue() if claims else "claims: []\n"))
