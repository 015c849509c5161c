"""Hand-written pages in docs/: which edition sees each, their titles and order in the nav."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import edition as ed


@dataclass(frozen=True)
class DocPage:
    uri: str      # path under docs/, posix
    title: str
    order: str    # sort key: front matter `order:` (default 50), then the path
    teacher: bool


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter between --- lines, and the text after it."""
    meta: dict[str, str] = {}
    m = re.match(r"^---\r?\n(.*?)\r?\n---\r?\n", text, re.S)
    if not m:
        return meta, text
    for line in m.group(1).splitlines():
        k, _, v = line.partition(":")
        if v:
            meta[k.strip()] = v.strip().strip("'\"")
    return meta, text[m.end():]


def scan_docs(docs_dir: Path, edition: ed.Edition) -> tuple[list[DocPage], set[str]]:
    """Markdown pages this edition shows, and every file (any type) it must not contain."""
    pages: list[DocPage] = []
    hidden: set[str] = set()
    if not docs_dir.is_dir():
        return pages, hidden
    for path in sorted(docs_dir.rglob("*")):
        if not path.is_file():
            continue
        uri = path.relative_to(docs_dir).as_posix()
        meta: dict[str, str] = {}
        body = ""
        if path.suffix == ".md":
            meta, body = front_matter(path.read_text(encoding="utf-8", errors="replace"))
        if not ed.policy(edition).shows_doc(uri, meta):
            hidden.add(uri)
            continue
        if path.suffix != ".md":
            continue
        h1 = re.search(r"^# (.+)$", body, re.M)
        title = meta.get("title") or (h1.group(1).strip() if h1 else path.stem.replace("-", " ").capitalize())
        pages.append(DocPage(uri, title, f"{meta.get('order', '50').zfill(4)}/{uri}", ed.is_teacher_doc(uri, meta)))
    return pages, hidden


def doc_nav(pages: list[DocPage]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(public pages, teacher pages) as (title, uri), in order."""
    ordered = sorted(pages, key=lambda p: p.order)
    return ([(p.title, p.uri) for p in ordered if not p.teacher], [(p.title, p.uri) for p in ordered if p.teacher])
