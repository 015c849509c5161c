"""A saved web page (as a browser's "Save page as" writes it): trafilatura finds the article's
main text, trafilatura and htmldate its metadata. Only the local file is read: nothing is fetched,
and the page's `_files/` folder (styles, scripts, images) is not needed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .blocks import Article, Block, HtmlBlock, Meta, fold, guess_kind, html_blocks, parse_html, parse_iso_date, structural_hint

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_DEK_CLASS = re.compile(r"\b(standfirst|dek|subtitle|subhead(ing)?|excerpt|summary|lede|intro|sub-?headline)\b")
_BYLINE_CLASS = re.compile(r"\b(byline|author|entry-meta|post-meta|article-meta|content__meta|meta)\b")


def decode(raw: bytes) -> str:
    from trafilatura.utils import decode_file

    return decode_file(raw)


def read_webpage(path: Path) -> Article:
    from lxml.etree import LxmlError

    text = decode(path.read_bytes())
    if not text.strip():
        raise ValueError(f"{path}:1:1: the file is empty; save the article's page again")
    try:
        return extract(text)
    except (LxmlError, ValueError) as e:
        raise ValueError(f"{path}:1:1: the page could not be read as HTML ({e}); save it again as "
                         "\"Web page, complete\"") from None


def extract(text: str) -> Article:
    import trafilatura
    from lxml import etree

    # No url= anywhere: trafilatura and htmldate are only ever given the page's text.
    xml = trafilatura.extract(text, output_format="xml", include_comments=False, include_tables=True,
                              include_images=False, include_formatting=False, include_links=False,
                              with_metadata=True, deduplicate=False, favor_recall=True)
    root = parse_html(text)
    blocks = html_blocks(root.body if root.find("body") is not None else root)
    meta = _metadata(text, root, xml)
    extracted: list[tuple[str, str]] = []   # (text, hint)
    if xml:
        doc = etree.fromstring(xml.encode("utf-8"))
        main = doc.find("main")
        for el in (main.iter() if main is not None else []):
            if el.tag in ("p", "head", "item", "cell"):
                words = fold("".join(el.itertext()))
                if not words:
                    continue
                hint = "heading" if el.tag == "head" else "quote" if any(a.tag == "quote" for a in el.iterancestors()) else "body"
                if el.tag == "head" and el.get("rend") == "h1":
                    hint = "headline"
                extracted.append((words, hint))
    return assemble(meta, blocks, extracted)


def assemble(meta: Meta, blocks: list[HtmlBlock], extracted: list[tuple[str, str]]) -> Article:
    """Paragraphs in the extractor's order, each placed at its block in the page; every block of
    the page that is in no paragraph is reported as dropped, with where it was."""
    paragraphs: list[Block] = []
    used: set[int] = set()
    cursor = 0
    for words, hint in extracted:
        at = _find(blocks, words, cursor)
        if at is None:
            order = paragraphs[-1].order + 0.001 if paragraphs else 0
        else:
            order = at
            used.add(at)
            cursor = at + 1
            # blocks that make up a longer extracted paragraph (e.g. a <p> split by inline blocks)
            for j in range(at + 1, len(blocks)):
                if blocks[j].text in words and j not in used:
                    used.add(j)
                    cursor = j + 1
                else:
                    break
        kind = guess_kind(words, hint)
        paragraphs.append(Block(words, kind, order))
    dropped = [Block(b.text, guess_kind(b.text, structural_hint(b)), i, "not part of the article's main text")
               for i, b in enumerate(blocks) if i not in used and not _inside(b.text, extracted)]
    first_body = min((p.order for p in paragraphs if p.kind != "headline"), default=len(blocks))
    # The headline, the dek and the byline sit above the main text and extractors leave them out.
    top: list[Block] = []
    if meta.title and not any(p.kind == "headline" for p in paragraphs[:2]):
        hit = next((d for d in dropped if d.text == meta.title and d.order < first_body), None)
        top.append(Block(meta.title, "headline", hit.order if hit else -3))
        if hit:
            dropped.remove(hit)
    if paragraphs and paragraphs[0].kind == "headline" and meta.title is None:
        meta.title = paragraphs[0].text
    dek = next((d for d in dropped if d.order < first_body and (
        (meta.description and d.text == fold(meta.description)) or _DEK_CLASS.search(blocks[int(d.order)].classes))
        and len(d.text) > 30), None)
    if dek:
        dropped.remove(dek)
        top.append(Block(dek.text, "dek", dek.order))
    if meta.author:
        byline = next((d for d in dropped if d.order < first_body and meta.author in d.text and len(d.text) < 200
                       and (_BYLINE_CLASS.search(blocks[int(d.order)].classes) or d.kind == "byline")), None)
        if byline:
            dropped.remove(byline)
            top.append(Block(byline.text, "byline", byline.order))
    for p in list(paragraphs):
        if p.kind in ("furniture", "advert"):
            paragraphs.remove(p)
            p.why = f"looks like {'an advert' if p.kind == 'advert' else 'page furniture'}"
            dropped.append(p)
    dropped.sort(key=lambda b: b.order)
    return Article(meta, sorted(top, key=lambda b: b.order) + paragraphs, dropped)


def _find(blocks: list[HtmlBlock], words: str, start: int) -> int | None:
    for rng in (range(start, len(blocks)), range(0, start)):
        for i in rng:
            if blocks[i].text == words:
                return i
    for rng in (range(start, len(blocks)), range(0, start)):
        for i in rng:
            t = blocks[i].text
            if len(t) > 20 and (words.startswith(t) or t in words):
                return i
    return None


def _inside(text: str, extracted: list[tuple[str, str]]) -> bool:
    return len(text) > 3 and any(text in words for words, _ in extracted)


# ------------------------------------------------------------------ metadata

def _metadata(text: str, root: object, xml: str | None) -> Meta:
    from htmldate import find_date
    from trafilatura.metadata import extract_metadata

    meta = Meta()
    doc = extract_metadata(parse_html(text))
    meta.title = fold(doc.title) if doc.title else None
    meta.author = fold(doc.author) if doc.author else None
    meta.publisher = fold(doc.sitename) if doc.sitename else None
    meta.description = doc.description
    canonical = root.xpath("//link[@rel='canonical']/@href")  # type: ignore[attr-defined]
    saved = _SAVED_FROM.search(text[:2000])
    for candidate in (canonical[0] if canonical else None, _jsonld_url(root), doc.url, saved.group(1) if saved else None):
        if candidate and re.match(r"^https?://", candidate.strip()):
            meta.url = candidate.strip()
            break
    # htmldate is given the parsed page, never an address: it has nothing to download.
    found = find_date(parse_html(text), original_date=True, extensive_search=True, url=None)
    meta.published = parse_iso_date(found) if found else parse_iso_date(doc.date)
    if meta.publisher is None and meta.title:
        page_title = fold(" ".join(root.xpath("//title//text()")))  # type: ignore[attr-defined]
        m = re.match(re.escape(meta.title) + r"\s+[|–—:-]\s+(.+)$", page_title)
        if m:
            meta.publisher = m.group(1).strip()
    return meta


def _jsonld_url(root: object) -> str | None:
    for script in root.xpath("//script[@type='application/ld+json']/text()"):  # type: ignore[attr-defined]
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                page = item.get("mainEntityOfPage") or item.get("url")
                if isinstance(page, dict):
                    page = page.get("@id")
                if isinstance(page, str):
                    return page
    return None
