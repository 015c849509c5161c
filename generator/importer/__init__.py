"""`casefile import FILE`: an article of your own (saved web page, Word, Markdown, plain text) →
`sources/<slug>.yml`, with every paragraph numbered and its kind guessed.

One module per input format (`webpage`, `word`, `plain`), the blocks and kind guesser they share
(`blocks`), stable ids across re-imports (`ids`), the YAML writer (`writer`), candidate claims
(`drafts`) and what `casefile check` asks the teacher to review (`review`). Local files only:
nothing here opens a network connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .blocks import UNKNOWN, Article, Block, fold
from .ids import assign_ids, out_of_order
from .writer import PLACEHOLDERS, highest_id, is_placeholder, source_yaml, write

FORMATS = {".html": "web page", ".htm": "web page", ".xhtml": "web page", ".mhtml": None, ".mht": None,
           ".docx": "Word document", ".md": "Markdown", ".markdown": "Markdown", ".txt": "plain text",
           ".text": "plain text"}


class ImportError_(ValueError):
    """A file that cannot be imported: the message is one `file:line:col: ...` line."""


@dataclass
class ImportResult:
    path: Path
    source_id: str
    paragraphs: list[dict[str, Any]]
    dropped: list[Block]
    kept: list[str] = field(default_factory=list)         # ids kept from the previous import
    edited: dict[str, str] = field(default_factory=dict)  # ids kept for lightly edited paragraphs
    added: list[str] = field(default_factory=list)        # new ids
    removed: list[str] = field(default_factory=list)      # ids whose paragraph is gone
    missing: list[tuple[str, str]] = field(default_factory=list)  # (field, what to write)
    notes: list[str] = field(default_factory=list)
    reimport: bool = False
    title: str = ""


def read_article(file: Path) -> Article:
    suffix = file.suffix.lower()
    if re.match(r"^[a-z][a-z0-9+.-]*:/", str(file), re.I) and not file.exists():
        raise ImportError_(f"{file}:1:1: casefile import reads saved files only and never fetches a page; open it in "
                           "your browser, save it (File → Save page as, \"Web page, complete\") and import the .html file")
    if not file.is_file():
        raise ImportError_(f"{file}:1:1: file not found; give the path of a saved web page, .docx, .md or .txt file")
    if suffix in (".mhtml", ".mht"):
        raise ImportError_(f"{file}:1:1: single-file web archives (.mhtml) are not read; save the page as "
                           "\"Web page, complete\" (.html) instead")
    if suffix not in FORMATS:
        raise ImportError_(f"{file}:1:1: cannot import a '{suffix or 'file without extension'}' file; "
                           "use a saved web page (.html), a Word document (.docx), Markdown (.md) or plain text (.txt)")
    if suffix in (".html", ".htm", ".xhtml"):
        from .webpage import read_webpage

        try:
            article = read_webpage(file)
        except ValueError as e:
            raise ImportError_(str(e)) from None
        files = file.with_name(file.stem + "_files")
        if files.is_dir():
            article.notes.append(f"{files.name}/ (the page's styles, scripts and images) is not needed and was not read")
        return article
    if suffix == ".docx":
        from .word import read_docx

        try:
            return read_docx(file)
        except ValueError as e:
            raise ImportError_(str(e)) from None
    from .plain import read_markdown, read_plain

    return read_markdown(file) if suffix in (".md", ".markdown") else read_plain(file)


def keep_blocks(article: Article, keep: list[str]) -> list[str]:
    """Bring dropped blocks back (those starting with, or else containing, each phrase), in their
    place in the document. Returns the phrases that matched nothing."""
    unmatched = []
    for phrase in keep:
        words = fold(phrase).lower()
        hit = next((d for d in article.dropped if d.text.lower().startswith(words)), None) or \
            next((d for d in article.dropped if words in d.text.lower()), None)
        if hit is None or not words:
            unmatched.append(phrase)
            continue
        article.dropped.remove(hit)
        article.paragraphs.append(hit)   # with its guessed kind (caption, furniture, ...): it says what it is
    article.paragraphs.sort(key=lambda b: b.order)
    return unmatched


def slug_for(article: Article, file: Path) -> str:
    meta = article.meta
    if not meta.title:
        stem = re.sub(r"[^a-z0-9]+", "-", file.stem.lower()).strip("-")[:60].strip("-")
        return stem if re.match(r"^[a-z0-9]", stem) else "article"
    if meta.author and meta.published and meta.author != UNKNOWN:
        surname = re.sub(r"[^a-z0-9]+", "-", meta.author.split(",")[0].split(" and ")[0].split()[-1].lower()).strip("-")
        if surname:
            return f"{surname}-{meta.published.year}"
    words = re.sub(r"[^a-z0-9]+", "-", (meta.title or "article").lower()).strip("-").split("-")
    slug = "-".join(words[:6])[:60].strip("-") or "article"
    return slug + (f"-{meta.published.year}" if meta.published else "")


def import_source(file: Path, lessons: Path, *, slug: str | None = None, keep: list[str] | None = None) -> ImportResult:
    """Read FILE and write lessons/sources/<slug>.yml; a file already there keeps its ids."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    article = read_article(file)
    unmatched = keep_blocks(article, list(keep or []))
    if unmatched:
        raise ImportError_("\n".join(f"{file}:1:1: --keep \"{p}\": no dropped block starts with or contains these "
                                     "words; run with --show-dropped to see them" for p in unmatched))
    if not article.paragraphs:
        raise ImportError_(f"{file}:1:1: no article text found; check it is the article's page "
                           "(or use --show-dropped and --keep to choose its paragraphs)")
    if slug is not None and not re.match(r"^[a-z0-9][a-z0-9_-]*$", slug):
        raise ImportError_(f"--id {slug!r} is not a valid id; use lowercase letters, digits, '-' and '_'")
    slug = slug or slug_for(article, file)
    path = lessons / "sources" / f"{slug}.yml"
    meta = article.meta
    data: dict[str, Any] = {
        "id": slug, "title": meta.title, "author": meta.author, "publisher": meta.publisher,
        "published": meta.published, "url": meta.url,
        "attribution": (f"By {meta.author}, {meta.publisher}" if meta.author and meta.publisher else None),
        "license_note": None,
    }
    old: dict[str, Any] = {}
    highest = 0
    if path.exists():
        text = path.read_text(encoding="utf-8")
        try:
            old = YAML(typ="safe", pure=True).load(text) or {}
        except YAMLError:
            raise ImportError_(f"{path}:1:1: the source already there is not valid YAML; fix it or "
                               "import under another --id") from None
        highest = highest_id(text)
    # The teacher's own metadata in an earlier import wins over what the page says.
    for key in data:
        if key != "id" and old.get(key) is not None and not is_placeholder(key, old.get(key)):
            data[key] = old[key]
    for key in ("republished", "original_url"):
        if old.get(key) is not None:
            data[key] = old[key]
    result = ImportResult(path=path, source_id=slug, paragraphs=[], dropped=article.dropped, notes=list(article.notes),
                          reimport=bool(old), title=str(data["title"] or ""))
    for key, (placeholder, what) in PLACEHOLDERS.items():
        if data.get(key) in (None, ""):
            data[key] = placeholder
            result.missing.append((key, what))
    old_items = [p for p in old.get("paragraphs") or [] if isinstance(p, dict)]
    images = [p for p in old_items if _is_image(p)]  # the teacher's: an import brings no images
    old_paras = [(str(p.get("id")), fold(str(p.get("text", "")))) for p in old_items if not _is_image(p)]
    old_kind = {str(p.get("id")): p.get("kind", "body") for p in old_items}
    texts = [p.text for p in article.paragraphs]
    image_ids = [str(p.get("id")) for p in images]
    ids, edited = assign_ids(texts, old_paras, max([highest] + [int(i[1:]) for i in image_ids if re.match(r"^p\d+$", i)]))
    items: list[dict[str, Any]] = []
    for pid, block in zip(ids, article.paragraphs):
        kind = old_kind.get(pid, block.kind) if pid in old_kind else block.kind
        items.append({"id": pid, "kind": kind, "text": block.text})
    items = _keep_images(items, images, [str(p.get("id")) for p in old_items])
    fresh = {pid for pid in ids if pid not in dict(old_paras)}
    moved = out_of_order([it["id"] for it in items], fresh) if old_paras else set()
    for item in items:
        if item["id"] in moved:
            item["inserted"] = True
        result.paragraphs.append(item)
    if images:
        result.notes.append(f"kept {len(images)} image paragraph{'s' if len(images) != 1 else ''} of the earlier file "
                            f"({', '.join(image_ids)}), each after the paragraph it followed: "
                            "an import brings in no images")
    old_ids = {pid for pid, _ in old_paras}
    if old_paras and not any(pid in old_ids for pid in ids):
        raise ImportError_(f"{path}:1:1: this file holds another article (\"{str(old.get('title', ''))[:60]}\"), "
                           f"with no paragraph in common with {file.name}; import it under another --id, "
                           "or delete that file first")
    result.kept = [pid for pid in ids if pid in old_ids and pid not in edited] + image_ids
    result.edited = edited
    result.added = [pid for pid in ids if pid not in old_ids]
    result.removed = [pid for pid, _ in old_paras if pid not in set(ids)]
    top = max([highest] + [int(pid[1:]) for pid in ids + list(old_ids) + image_ids if re.match(r"^p\d+$", pid)])
    data["paragraphs"] = result.paragraphs
    others = sorted(p.stem for p in (lessons / "sources").glob("*.y*ml") if p.stem != slug) if not old else []
    write(path, source_yaml(data, origin=file.name, highest=top))
    if others:
        result.notes += _second_source(lessons, slug, others)
    return result


def _is_image(p: dict[str, Any]) -> bool:
    return isinstance(p.get("image"), dict)  # (a `kind: image` with no image is a mistake `check` reports)


def _keep_images(items: list[dict[str, Any]], images: list[dict[str, Any]], old_order: list[str]) -> list[dict[str, Any]]:
    """The new paragraphs with the earlier file's image paragraphs put back, each right after the
    paragraph it followed there (the nearest earlier one that is still in the article), or first."""
    if not images:
        return items
    present = {it["id"] for it in items}
    after: dict[str | None, list[dict[str, Any]]] = {}
    for img in images:
        pos = old_order.index(str(img.get("id")))
        anchor = next((pid for pid in reversed(old_order[:pos]) if pid in present), None)
        after.setdefault(anchor, []).append({**img, "kind": "image"})
    out = list(after.get(None, []))
    for it in items:
        out.append(it)
        out += after.get(it["id"], [])
    return out


def _second_source(lessons: Path, slug: str, others: list[str]) -> list[str]:
    """A pack that had one source keeps working with two: its lessons and claims, which name no
    source, go on using the first one, named once in pack.yml as main_source (one line added)."""
    pack_file = lessons / "pack.yml"
    note = (f"to use '{slug}' in a lesson, write source: {slug} in it, or quote it anywhere as "
            f"[[{slug}:p3|exact words]]")
    if not pack_file.exists():
        return [note]
    from ..scaffold import append_line, read_as_is, write_as_is

    text = read_as_is(pack_file)  # the teacher's file: one line added, nothing else changed (CRLF kept)
    if re.search(r"^main_source:", text, re.M):
        return [note]
    if len(others) != 1:
        return [f"this pack has {len(others) + 1} sources; name the main one in {pack_file} (main_source: ID); " + note]
    write_as_is(pack_file, append_line(text, f"main_source: {others[0]}   # lessons and claims without 'source:' use this one"))
    return [f"added main_source: {others[0]} to {pack_file}, so lessons and claims without 'source:' keep using it; " + note]


def quote_problems(lessons: Path) -> list[str]:
    """Load the pack after an import and keep the problems a changed source causes: quotes that no
    longer match their paragraph, paragraphs that no longer exist."""
    from ..errors import PackError
    from ..load import load_pack

    if not (lessons / "pack.yml").exists():
        return []
    try:
        load_pack(lessons)
    except PackError as e:
        return [str(p) for p in e.problems
                if "word for word" in p.message or "does not exist in source" in p.message]
    return []
