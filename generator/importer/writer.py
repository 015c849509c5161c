"""The source file `casefile import` writes: the Source model's fields in order, placeholders that
`casefile check` points at, and a note of the highest paragraph id ever given (ids are never reused)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from .blocks import UNKNOWN

UNKNOWN_DATE = dt.date(1900, 1, 1)
UNKNOWN_URL = "https://unknown.invalid/"
HIGHEST = re.compile(r"^# highest paragraph id so far: p(\d+)", re.M)

# What to write in each field the import could not find, and what the teacher should put there.
PLACEHOLDERS: dict[str, tuple[Any, str]] = {
    "title": (UNKNOWN, "the article's headline"),
    "author": (UNKNOWN, "who wrote it (or the organisation, if no one is named)"),
    "publisher": (UNKNOWN, "who published it (the site or paper)"),
    "published": (UNKNOWN_DATE, "the date it was first published (YYYY-MM-DD)"),
    "url": (UNKNOWN_URL, "the web address of the copy you reproduce"),
    "attribution": (UNKNOWN, "the credit line the publisher asks for"),
    "license_note": (f"{UNKNOWN}: say under what terms you reproduce this text (a licence, the publisher's "
                     "permission, or fair use for criticism and teaching)", "the terms you reproduce the text under"),
}


def is_placeholder(field: str, value: Any) -> bool:
    if field == "published":
        return value == UNKNOWN_DATE or str(value) == UNKNOWN_DATE.isoformat()
    if field == "url":
        return isinstance(value, str) and "unknown.invalid" in value
    return isinstance(value, str) and (value == UNKNOWN or value.startswith(UNKNOWN + ":"))


def highest_id(text: str) -> int:
    m = HIGHEST.search(text)
    return int(m.group(1)) if m else 0


def source_yaml(data: dict[str, Any], *, origin: str, highest: int) -> str:
    from ruamel.yaml import YAML  # imported here: `casefile check` reads this module's PLACEHOLDERS
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    doc = CommentedMap()
    for key in ("id", "title", "author", "publisher", "published", "republished", "url", "original_url",
                "attribution", "license_note"):
        if data.get(key) is not None:
            doc[key] = data[key]
    for key, (_, what) in PLACEHOLDERS.items():
        if is_placeholder(key, doc.get(key)):
            doc.yaml_add_eol_comment(f"TO FILL IN: {what}", key)
    paras = CommentedSeq()
    for p in data["paragraphs"]:
        item = CommentedMap(id=p["id"], kind=p["kind"])
        if p.get("inserted"):
            item["inserted"] = True
        if p.get("image") is not None:  # an image paragraph kept from the earlier file: its words are its caption
            item["image"] = p["image"]
        else:
            item["text"] = p["text"]
        paras.append(item)
    doc["paragraphs"] = paras
    y = YAML()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    y.dump(doc, buf)
    return (f"# Imported by `casefile import` from {origin}. The words are the publisher's: keep them as they are\n"
            "# (quotes are checked against them); fix the metadata and the paragraph kinds if needed.\n"
            f"# highest paragraph id so far: p{highest} (ids are never reused; re-import keeps them)\n" + buf.getvalue())


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
