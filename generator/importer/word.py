"""Word documents (.docx): paragraphs and their styles (Title, Subtitle, Heading n, Quote, Caption)
with python-docx; title, author and dates from the document's properties."""

from __future__ import annotations

from pathlib import Path

from .blocks import Article, Block, Meta, fold, guess_kind

_STYLE_HINTS = {"title": "headline", "subtitle": "dek", "quote": "quote", "intense quote": "quote",
                "caption": "caption", "block text": "quote"}


def read_docx(path: Path) -> Article:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise ValueError(f"{path}:1:1: not a Word .docx file that can be read ({e}); save it again as .docx") from None
    props = document.core_properties
    meta = Meta(title=fold(props.title) or None, author=fold(props.author) or None,
                description=fold(props.subject) or None)
    date = props.created or props.modified
    meta.published = date.date() if date else None
    paragraphs: list[Block] = []
    dropped: list[Block] = []
    for i, para in enumerate(document.paragraphs):
        text = fold(para.text)
        if not text:
            continue
        style = (para.style.name if para.style is not None else "").lower()
        hint = _STYLE_HINTS.get(style, "heading" if style.startswith("heading") else "body")
        kind = guess_kind(text, hint)
        block = Block(text, kind, i)
        if kind in ("furniture", "advert"):
            block.why = f"looks like {'an advert' if kind == 'advert' else 'page furniture'}"
            dropped.append(block)
        else:
            paragraphs.append(block)
    heads = [p for p in paragraphs if p.kind == "headline"]
    if not heads and paragraphs and paragraphs[0].kind == "heading":
        paragraphs[0].kind = "headline"
        heads = [paragraphs[0]]
    if meta.title is None and heads:
        meta.title = heads[0].text
    for p in paragraphs[:4]:
        if p.kind == "byline" and meta.author is None:
            meta.author = p.text.split(None, 1)[1] if " " in p.text else None
    notes = []
    if meta.published:
        notes.append(f"the date {meta.published.isoformat()} is the document's creation date; check it is when the article was published")
    if document.tables:
        notes.append(f"{len(document.tables)} table(s) in the document were left out; copy their text in by hand if needed")
    return Article(meta, paragraphs, dropped, notes)
