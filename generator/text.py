"""Author text: Markdown in lesson files to safe HTML or plain text.

Every piece of author text goes through here, for the site, handouts and exports alike, so one
sanitizer (nh3) decides what markup survives. Inline quotes of the source, written
`[[p12|exact words]]`, become a quotation with a link to the numbered paragraph.

Conversions are memoised: in this process by (text, options), and across processes and builds in
the `text` namespace of the content cache (generator/cache.py), keyed also by this file's bytes and
the versions of Markdown and nh3. Inline quotes are replaced before the lookup, so the links they
make (which depend on the page) are part of the key.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import nh3
from markupsafe import Markup

from . import cache

if TYPE_CHECKING:  # Markdown is imported when a text is first converted (not by `casefile check`)
    import markdown as _markdown

# An inline quote of a source in any Markdown field: [[p12|exact words]] or [[source-id:p12|exact words]]
INLINE_QUOTE = re.compile(r"\[\[(?:(?P<src>[a-z0-9][a-z0-9_-]*):)?(?P<para>p\d+)\|(?P<text>(?:[^\]]|\](?!\]))+?)\]\]")


def normalise(text: str) -> str:
    """Quotes and highlights are compared on the text with runs of white space (str.isspace)
    folded to one space, ends trimmed (ANSWERS.md; casefile.js's `norm` is the same rule)."""
    return re.sub(r"\s+", " ", text).strip()


def quote_in(quote: str, paragraph: str) -> bool:
    return normalise(quote) in normalise(paragraph)

_memo = cache.Table("text", code=cache.fingerprint(Path(__file__)))

# Tags and attributes author text may keep. Generated markup (exercise forms) is ours and trusted;
# this list applies to what lesson writers type.
AUTHOR_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "u", "ul", "dl", "dt", "dd",
}
AUTHOR_ATTRS = {"a": {"href", "title", "class"}, "q": {"class"}, "span": {"class"}, "abbr": {"title"},
                "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

ParaLink = Callable[[str | None, str], str]  # (source id or None, paragraph id) -> href


def clean(fragment: str) -> str:
    """Sanitize an HTML fragment made from author text."""
    return nh3.clean(fragment, tags=AUTHOR_TAGS, attributes=AUTHOR_ATTRS, url_schemes=URL_SCHEMES,
                     link_rel="noopener", strip_comments=True)


def nested_quotes(words: str) -> str:
    """Straight double quotes inside quoted words become single ones (‘ ’): the words are shown in
    double quotes already, and `"highly likely" in the…` would read “"highly likely" in the…”."""
    return re.sub(r'"([^"]*)"', "‘\\1’", words)


def end_sentence(text: str) -> str:
    """`text` followed by a full stop, unless it already ends a sentence (`… 2021).` stays as it is)."""
    text = text.rstrip()
    return text if re.search(r"[.!?…][\"'”’)\]]*$", text) else text + "."


def _quotes_to_html(text: str, para_link: ParaLink | None) -> str:
    # Markup.format escapes every argument (the quoted words, the paragraph number and the link).
    def repl(m: re.Match[str]) -> str:
        words = nested_quotes(m["text"])  # straight quotes inside become ‘ ’ / “ ” (no doubled quotes)
        num = m["para"][1:]
        if para_link is None:
            return Markup('<q class="cf-quote">{}</q> (¶{})').format(words, num)
        return Markup('<q class="cf-quote">{}</q> <a class="cf-pref" href="{}">¶{}</a>').format(
            words, para_link(m["src"], m["para"]), num)

    return INLINE_QUOTE.sub(repl, text)


@functools.cache
def _md() -> _markdown.Markdown:
    """One Markdown converter per process, reset between texts: building one costs far more than a
    short conversion (it was most of the export time)."""
    import markdown as _markdown

    return _markdown.Markdown(extensions=["sane_lists"], output_format="html")


def to_html(text: str | None, para_link: ParaLink | None = None, *, inline: bool = False) -> str:
    """Markdown to sanitized HTML. `inline` drops the wrapping <p> of a one-paragraph text."""
    if not text:
        return ""
    prepped = _quotes_to_html(text, para_link)
    parts = ("html", prepped, inline)
    out = _memo.get(parts)
    if out is None:
        out = _html(prepped, inline)
        _memo.put(parts, out)
    return out


def _html(prepped: str, inline: bool) -> str:
    out = _md().reset().convert(prepped)
    out = clean(out).strip()
    if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    # One line, so the fragment can sit inside Markdown without blank lines breaking its HTML block.
    return out.replace("\n", " ")


@functools.cache
def _md_plain() -> _markdown.Markdown:
    import markdown as _markdown

    return _markdown.Markdown()


# Text in which Markdown can do nothing but fold white space: no inline syntax, entity or tag, and
# no line that starts a list, heading, quote, rule or setext underline. Its plain text is the text
# with white space folded, without running Markdown (tests/test_text_plain.py compares the two on
# every string of the packs in the repository).
_MARKDOWN_INERT = re.compile(r"[*_`\[\]<>&\\]|^[ \t]*(?:[-+=#>]|\d+[.)])", re.M)


def to_plain(text: str | None) -> str:
    """Markdown to plain text (for GIFT titles, PDFs' metadata, CSV headers)."""
    if not text:
        return ""
    text = INLINE_QUOTE.sub(lambda m: f"“{nested_quotes(m['text'])}” (¶{m['para'][1:]})", text)
    if not _MARKDOWN_INERT.search(text):
        return " ".join(text.split())
    parts = ("plain", text)
    out = _memo.get(parts)
    if out is None:
        out = _plain_by_markdown(text)
        _memo.put(parts, out)
    return out


def _plain_by_markdown(text: str) -> str:
    """The plain text of Markdown by running it (to_plain's path for text that is not inert)."""
    out = nh3.clean(_md_plain().reset().convert(text), tags=set())
    return html.unescape(re.sub(r"\s+", " ", out)).strip()


def md_escape(text: str) -> str:
    """Plain text made safe to place in Markdown (headings, link text): HTML-escaped, Markdown inert."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~])", r"\\\1", html.escape(text, quote=False).replace("&lt;", "<").replace("&gt;", ">")).replace("\\<", "&lt;").replace("\\>", "&gt;")


def safe_title(text: str) -> str:
    """A title for places the theme prints unescaped (nav, <title>, site name): no tags can survive,
    even after the theme's `striptags` unescapes entities."""
    plain = to_plain(text).replace("<", "‹").replace(">", "›")
    # the theme also prints the site name inside a double-quoted attribute (the logo's aria-label):
    # straight double quotes become typographic ones, opening and closing in turn
    parts = plain.split('"')
    plain = "".join(part + ("“" if i % 2 == 0 else "”") for i, part in enumerate(parts[:-1])) + parts[-1]
    return html.escape(plain, quote=False)
