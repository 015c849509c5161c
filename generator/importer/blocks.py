"""What every input format is turned into: an article's metadata and its text blocks, with a
guessed kind for each block. Words are kept as published; only runs of white space are folded."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lxml is imported where HTML is parsed: `casefile check` reaches this module too
    from lxml import html as lxml_html

KINDS = ("headline", "dek", "byline", "heading", "quote", "caption", "body", "furniture", "advert")
UNKNOWN = "unknown"


def fold(text: str) -> str:
    """Runs of white space (including non-breaking and zero-width ones) folded to one space."""
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    text = _CONTROL.sub("", re.sub(r"\s+", " ", text))   # control characters are not words (and YAML refuses them)
    return re.sub(r"\s+", " ", text).strip()


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Block:
    text: str
    kind: str = "body"
    order: float = 0          # position in the document, to put a kept block back in its place
    why: str = ""             # why it was dropped


@dataclass
class Meta:
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    url: str | None = None
    description: str | None = None


@dataclass
class Article:
    meta: Meta
    paragraphs: list[Block]
    dropped: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ kinds

_ADVERT = re.compile(r"^(advertisement|advert|sponsored( content)?|promoted|ad|paid (content|post)|partner content)\b", re.I)
_FURNITURE = re.compile(
    r"^(related( (stories|articles|posts|reading))?:?|read more\b|see also:|share( this| on| via)?\b|"
    r"sign up\b|subscribe\b|follow us\b|topics$|tags?:|filed under\b|more from\b|most (read|viewed|popular)\b|"
    r"leave a (reply|comment)|comments?\s*\(\d+\)|\d+ (comments?|thoughts on)\b|skip to\b|"
    r"support (us|independent journalism)\b|we use cookies\b|cookie (policy|settings)\b|"
    r"(all rights reserved|copyright\b|©))", re.I)
# Furniture and adverts said anywhere in a short block (calls to action, notices, shop blurbs).
_FURNITURE_ANYWHERE = re.compile(
    r"\b(follow us|click (here|the share buttons)|share buttons|sign up (for|to)|subscribe (to|for|here)|"
    r"become a (member|subscriber|patron)|note to readers|for media inquiries|"
    r"can be read in \d+ languages|the original source of this article|all rights reserved|"
    r"comment on .{0,60} (on|at) our)\b|\b(disclaimer|articles by):|copyright ©|© ?\d{4}", re.I)
_ADVERT_ANYWHERE = re.compile(r"\b(ISBN|list price|special price|order now|click here to order|buy now|book now|"
                              r"\d+% off|free shipping)\b", re.I)
_EMBED = re.compile(r"^[-—–]\s*\S.{0,80}\(@\w{1,30}\)\s+\w+ \d{1,2}, \d{4}$")   # — Name (@handle) August 28, 2021
_SEPARATOR = re.compile(r"^[*•·#~=_\-—–]{1,10}$")
_CAPTION = re.compile(r"\b(photo(graph)?|image|picture|illustration|credit|source)\s*:\s*\S", re.I)
_BYLINE = re.compile(r"^(?i:by|von|par|por|door)\s+[A-Z\u00C0-\u024F]", re.U)


def guess_kind(text: str, hint: str = "body") -> str:
    """A kind for a block, from its structural hint (what the format said: heading, quote, ...)
    and its words. Page furniture and adverts are recognised by the words they start with."""
    if hint in ("headline", "dek", "byline", "heading", "caption"):
        return hint
    if _ADVERT.match(text) and len(text) < 200:
        return "advert"
    if _FURNITURE.match(text) and len(text) < 300:
        return "furniture"
    if _SEPARATOR.match(text):
        return "furniture"
    if _EMBED.match(text):
        return "embed"
    if _ADVERT_ANYWHERE.search(text) and len(text) < 300:
        return "advert"
    if _FURNITURE_ANYWHERE.search(text) and len(text) < 300:
        return "furniture"
    if _BYLINE.match(text) and len(text) < 160:
        return "byline"
    if _CAPTION.search(text) and len(text) < 300 and hint != "quote":
        return "caption"
    if hint == "quote" or _mostly_quoted(text):
        return "quote"
    return "body"


def _mostly_quoted(text: str) -> bool:
    """A paragraph that opens with a quotation and is mostly quoted words ("...," she said)."""
    if not text[:1] in "\"“‘«„":
        return False
    quoted = sum(len(m) for m in re.findall(r"[\"“«„]([^\"”»“]*)[\"”»]", text))
    return quoted >= 0.6 * len(text)


# ------------------------------------------------------------------ blocks of an HTML tree

BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "figure", "div", "section",
    "article", "aside", "header", "footer", "nav", "main", "ul", "ol", "dl", "dt", "dd", "table", "tr",
    "td", "th", "pre", "form", "address", "details", "summary", "body", "html", "caption", "hgroup", "dialog",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "select",
             "textarea", "button", "input"}


@dataclass
class HtmlBlock:
    text: str
    tag: str         # the block element that holds the text
    classes: str     # its class and id attributes, and its ancestors', lower case
    in_tags: frozenset[str]   # tags of its ancestors (to tell a quote's paragraph, a caption, ...)


def parse_html(text: str) -> lxml_html.HtmlElement:
    from lxml import html as lxml_html

    return lxml_html.document_fromstring(text)


def html_blocks(root: lxml_html.HtmlElement) -> list[HtmlBlock]:
    """Every run of text in document order, split at block elements."""
    out: list[HtmlBlock] = []

    def walk(el: lxml_html.HtmlElement, ancestors: tuple[tuple[str, str], ...]) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return
        here = ancestors + ((tag, f"{el.get('class', '')} {el.get('id', '')}".lower()),)
        parts: list[str] = [el.text or ""]

        def flush() -> None:
            text = fold("".join(parts))
            parts.clear()
            if text:
                out.append(HtmlBlock(text, tag, " ".join(c for _, c in here), frozenset(t for t, _ in here)))

        for child in el:
            ctag = child.tag if isinstance(child.tag, str) else ""
            if ctag in BLOCK_TAGS:
                flush()
                walk(child, here)
            elif ctag == "br":
                parts.append(" ")
            elif ctag and ctag not in SKIP_TAGS:
                if any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in child.iterdescendants()):
                    flush()
                    walk(child, here)   # an inline element holding blocks (e.g. <a><div>): treat it as a block
                else:
                    parts.append(_inline_text(child))
            parts.append(child.tail or "")
        flush()

    walk(root, ())
    return out


def _inline_text(el: lxml_html.HtmlElement) -> str:
    parts = [el.text or ""]
    for child in el:
        ctag = child.tag if isinstance(child.tag, str) else ""
        if ctag == "br":
            parts.append(" ")
        elif ctag and ctag not in SKIP_TAGS:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def structural_hint(b: HtmlBlock) -> str:
    if b.tag == "h1":
        return "headline"
    if b.tag in ("h2", "h3", "h4", "h5", "h6"):
        return "heading"
    if b.tag == "figcaption" or "figcaption" in b.in_tags or "caption" in b.classes.split():
        return "caption"
    if "blockquote" in b.in_tags:
        return "quote"
    return "body"


# ------------------------------------------------------------------ dates in text

_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def find_date(text: str) -> dt.date | None:
    """The first date written in a short text: 2024-03-05, 5 March 2024, March 5, 2024."""
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text)
    if m and m[2][:3].lower() in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]))
    m = re.search(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", text)
    if m and m[1][:3].lower() in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]))
    return None


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_iso_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return find_date(value)
    return None
