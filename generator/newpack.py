"""`casefile new pack DIR [--from FILE]`: a complete pack built on an article (lessons/ with the
imported source, draft claims, a starter glossary and lesson; mkdocs.yml; generic docs/), valid and
ready for `casefile build`. The files it starts from are in templates/newpack/."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

TEMPLATES = Path(__file__).parent / "templates" / "newpack"


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")

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
            sample.write_text(_template("sample-article.md"), encoding="utf-8")
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
            highlight = _template("highlight.yml.txt").format(p=prefix, paragraph=c.paragraph, quote=_q(c.quote), why=" and ".join(
                {"attribution": "an attribution", "quotation": "a quotation", "number": "a number", "date": "a date"}[w]
                for w in c.why))
            exercise_ids.insert(0, f"{prefix}-claim")
        first = next(p for p in paragraphs if p["id"] == body[0])
        words = [w for w in first["text"].split(" ")[:6] if "]" not in w and "|" not in w and "[" not in w]
        opening = " ".join(words) if words and " ".join(words) in first["text"] else ""
        discussion = (f"The article says [[{first['id']}|{opening}]]… What would you need to know to trust what follows?"
                      if opening else "What would you need to know to trust this article?")
        lesson_id = "01-first-look"
        (lessons / f"{lesson_id}.yml").write_text(_template("lesson.yml.txt").format(
            id=lesson_id, source=imported.source_id, focus="[" + ", ".join(focus) + "]", p=prefix,
            exercise_ids=", ".join(exercise_ids), discussion=_q(discussion), highlight=highlight), encoding="utf-8")
        (lessons / "pack.yml").write_text(_template("pack.yml.txt").format(
            id=pack_id, title=_q(pack_title), lesson=lesson_id, teacher_title=_q(pack_title + " (teacher edition)"),
            description=_q(f"A lesson pack built on \u201c{article_title}\u201d: who is behind it, what its claims "
                           "rest on, and what other sources say.")), encoding="utf-8")
        (lessons / "glossary.yml").write_text(_template("glossary.yml"), encoding="utf-8")
        (lessons / "references.yml").write_text(
            "# Sources you consulted to check the claims (cited by id from claims.yml).\nreferences: []\n", encoding="utf-8")
        (lessons / "claims.yml").write_text(_claims_yaml(claims), encoding="utf-8")
        templates = TEMPLATES
        (staging / "mkdocs.yml").write_text((templates / "mkdocs.yml").read_text(encoding="utf-8")
                                            .replace("{site_name}", _q(pack_title)).replace("{language}", "en"),
                                            encoding="utf-8")
        shutil.copytree(templates / "docs", staging / "docs")
        (staging / ".gitignore").write_text("# Built sites, Casefile's cache, and grades/ (students' answers and marks: keep them private)\n"
                                            "/site/\n/.casefile-cache/\n/grades/\n", encoding="utf-8")
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
