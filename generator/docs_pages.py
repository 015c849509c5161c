"""Hand-written pages: which edition sees each, their titles and order in the nav.

Two folders hold them. `docs/` (next to mkdocs.yml) has the generic pages, the same for every pack
(for students, for teachers, writing lessons). The pack's own `pages/` folder (`lessons/pages/`)
has the pages about its article: a page there replaces the `docs/` page of the same path, and
`site.generic_pages: false` in pack.yml leaves the generic `docs/` pages out altogether (a pack in
another language, say). Both follow the same rules: Markdown with optional front matter
(`title:`, `order:`, `edition: teacher`), teacher-only under `teacher/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import edition as ed

PACK_PAGES = "pages"  # the folder in the lesson pack that holds its own pages


@dataclass(frozen=True)
class DocPage:
    uri: str      # path in the site, posix
    title: str
    order: str    # sort key: front matter `order:` (default 50), then the path
    teacher: bool


def pack_pages_dir(lessons: Path | None) -> Path | None:
    """The pack's own pages folder (lessons/pages/), or None without a lesson folder."""
    return Path(lessons) / PACK_PAGES if lessons is not None else None


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


def _files(folder: Path | None) -> dict[str, Path]:
    if folder is None or not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def page_files(docs_dir: Path | None, pages_dir: Path | None, generic: bool = True) -> dict[str, Path]:
    """uri -> file of every hand-written file the site may hold: the pack's pages over the docs/
    files of the same path; without `generic`, no Markdown page of docs/ (its other files stay)."""
    files = {uri: p for uri, p in _files(docs_dir).items() if generic or p.suffix != ".md"}
    files.update({uri: p for uri, p in _files(pages_dir).items() if p.suffix == ".md"})
    return files


def pack_page_problems(pages_dir: Path | None) -> list[tuple[Path, str]]:
    """Files in the pack's pages folder that cannot be pages: (file, what to do)."""
    return [(p, "only Markdown pages (.md) can go in the pack's pages folder; move this file out of it")
            for p in _files(pages_dir).values() if p.suffix != ".md"]


def inert_markdown(text: str) -> str:
    """A pack page's Markdown with its raw HTML made text (`<` → `&lt;` before a tag), outside code:
    the copy `--markdown-out` writes, for engines that would not sanitize it as the plugin does."""
    out, fence = [], None
    for line in text.splitlines(keepends=True):
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if m and (fence is None or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            fence = None if fence else m.group(1)
            out.append(line)
            continue
        if fence:
            out.append(line)
            continue
        parts = re.split(r"(`+[^`]*`+)", line)  # inline code stays as it is
        out.append("".join(part if i % 2 else re.sub(r"<(?=[A-Za-z/!?])", "&lt;", part) for i, part in enumerate(parts)))
    return "".join(out)


def guide_file(guide: str, docs_dir: Path | None, pages_dir: Path | None, generic: bool = True) -> Path | None:
    """The workshop guide named in pack.yml (a path like teacher/facilitator-guide.md): the pack's
    page, else the docs/ page; None when neither exists."""
    for folder in (pages_dir, docs_dir if generic else None):
        if folder is not None and (folder / guide).is_file():
            return folder / guide
    return None


def scan_pages(files: dict[str, Path], edition: ed.Edition) -> tuple[list[DocPage], set[str]]:
    """Markdown pages this edition shows, and every uri (any type) it must not contain."""
    pages: list[DocPage] = []
    hidden: set[str] = set()
    for uri, path in sorted(files.items()):
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


def scan_docs(docs_dir: Path, edition: ed.Edition) -> tuple[list[DocPage], set[str]]:
    """docs/ alone (no pack pages)."""
    return scan_pages(_files(docs_dir), edition)


def doc_nav(pages: list[DocPage]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(public pages, teacher pages) as (title, uri), in order."""
    ordered = sorted(pages, key=lambda p: p.order)
    return ([(p.title, p.uri) for p in ordered if not p.teacher], [(p.title, p.uri) for p in ordered if p.teacher])
