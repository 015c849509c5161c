"""Plain text and Markdown articles. Metadata from YAML front matter (title, author, publisher,
date, url) or, failing that, from the first lines (a headline, a "By ..." line, a date)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .blocks import Article, Block, Meta, find_date, fold, guess_kind, html_blocks, parse_html, parse_iso_date, structural_hint

_FRONT = re.compile(r"^---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*\r?\n", re.S)
_KEYS = {"title": "title", "headline": "title", "author": "author", "authors": "author", "by": "author",
         "publisher": "publisher", "site": "publisher", "sitename": "publisher", "source": "publisher",
         "date": "published", "published": "published", "url": "url", "link": "url", "canonical": "url",
         "description": "description", "summary": "description"}


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def front_matter(text: str) -> tuple[Meta, str, list[str]]:
    meta, notes = Meta(), []
    m = _FRONT.match(text)
    if not m:
        return meta, text, notes
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data: Any = YAML(typ="safe", pure=True).load(m.group(1))
    except YAMLError:
        return meta, text[m.end():], ["the front matter is not valid YAML; it was left out"]
    if isinstance(data, dict):
        for key, value in data.items():
            name = _KEYS.get(str(key).lower())
            if not name or value is None:
                continue
            if name == "published":
                meta.published = parse_iso_date(value if not isinstance(value, (int, float)) else str(value))
            elif isinstance(value, list):
                setattr(meta, name, ", ".join(fold(str(v)) for v in value))
            else:
                setattr(meta, name, fold(str(value)))
    return meta, text[m.end():], notes


def read_markdown(path: Path) -> Article:
    import markdown

    meta, body, notes = front_matter(read_text(path))
    # Markdown → HTML only to see the structure and drop the markup; the words are the author's.
    page = markdown.markdown(body, extensions=["extra"], output_format="html")
    root = parse_html(f"<html><body>{page}</body></html>")
    blocks = html_blocks(root.body)
    paragraphs = [Block(b.text, guess_kind(b.text, structural_hint(b)), i) for i, b in enumerate(blocks)]
    if paragraphs and not any(p.kind == "headline" for p in paragraphs) and _looks_like_headline(paragraphs[0].text) \
            and (len(paragraphs) == 1 or len(paragraphs[0].text) < len(paragraphs[1].text) or paragraphs[1].kind == "byline"):
        paragraphs[0].kind = "headline"
    # A paragraph in italics (or bold) straight after the headline is its dek (standfirst).
    first = root.body[1] if len(root.body) > 1 and root.body[0].tag == "h1" else None
    if (first is not None and first.tag == "p" and len(first) == 1 and first[0].tag in ("em", "strong")
            and not (first.text or "").strip() and not (first[0].tail or "").strip() and len(paragraphs) > 1):
        paragraphs[1].kind = "dek"
    return _finish(meta, paragraphs, notes)


def read_plain(path: Path) -> Article:
    meta, body, notes = front_matter(read_text(path))
    chunks = [fold(c) for c in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n"))]
    paragraphs = [Block(c, guess_kind(c), i) for i, c in enumerate(chunks) if c]
    if paragraphs and _looks_like_headline(paragraphs[0].text):
        paragraphs[0].kind = "headline"
    # Short first lines: a byline ("By Jane Doe"), a date line.
    for p in paragraphs[1:4]:
        if p.kind == "body" and len(p.text) < 80 and find_date(p.text) and len(p.text.split()) <= 8:
            p.kind = "byline"
    return _finish(meta, paragraphs, notes)


def _looks_like_headline(text: str) -> bool:
    return len(text) <= 160 and not text.endswith((".", ",", ";", ":")) or (len(text) <= 160 and text.endswith("?"))


def _finish(meta: Meta, paragraphs: list[Block], notes: list[str]) -> Article:
    # The first lines of an article: "By ..." is its byline, whatever its length; a short block
    # between the headline and the byline is its dek.
    for k, p in enumerate(paragraphs[:5]):
        if p.kind in ("body", "furniture") and re.match(r"^(?i:by)\s+[A-Z]", p.text) and len(p.text) < 400:
            p.kind = "byline"
            if k == 2 and paragraphs[0].kind == "headline" and paragraphs[1].kind == "body" and len(paragraphs[1].text) < 300:
                paragraphs[1].kind = "dek"
            break
    dropped = [p for p in paragraphs if p.kind in ("furniture", "advert")]
    for p in dropped:
        p.why = f"looks like {'an advert' if p.kind == 'advert' else 'page furniture'}"
    paragraphs = [p for p in paragraphs if p not in dropped]
    heads = [p for p in paragraphs if p.kind == "headline"]
    for extra in heads[1:]:
        extra.kind = "heading"
    if heads and meta.title is None:
        meta.title = heads[0].text
    for p in paragraphs[:5]:
        if p.kind == "byline":
            if meta.author is None:
                m = re.match(r"^(?:by|von|par|por|door)\s+(.+?)(?:,|\s+[|·•–—-]\s+|\s+on\s+|$)", p.text, re.I)
                if m:
                    meta.author = m.group(1).strip()
            if meta.published is None:
                meta.published = find_date(p.text)
    return Article(meta, paragraphs, dropped, notes)
