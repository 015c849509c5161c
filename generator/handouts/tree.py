"""Author text as a small tree of nodes, for the Typst templates to render (never as markup).

Author Markdown goes through text.py (Markdown, then the nh3 sanitizer) exactly as on the site; the
sanitized HTML is then parsed into nodes: a node is a string (text, printed literally by Typst) or
{"t": tag, "c": [children]} (plus "href" on links). Typst's templates render the tree with one
recursive function (templates/print/lib.typ `md`), so nothing an author types can become Typst
code: `#read(...)`, `$`, `]` or `@ref` arrive as the characters they are.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from typing import Any, Union

from ..text import to_html

Node = Union[str, dict[str, Any]]

# Tags kept as nodes; anything else the sanitizer let through is unwrapped (its children kept).
TAGS = {
    "p", "em", "i", "strong", "b", "a", "ul", "ol", "li", "blockquote", "code", "pre", "br", "q", "del",
    "s", "u", "mark", "small", "sub", "sup", "kbd", "hr", "dl", "dt", "dd", "table", "thead", "tbody",
    "tr", "td", "th", "h2", "h3", "h4", "h5", "h6",
}
ALIASES = {"i": "em", "b": "strong", "s": "del", "kbd": "code"}
VOID = {"br", "hr"}
# Containers whose whitespace-only text children are layout, not content.
BLOCKS = {"ul", "ol", "blockquote", "dl", "table", "thead", "tbody", "tr", "root", "li", "td", "th", "dd"}
_WS = re.compile(r"\s+")


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"t": "root", "c": []}
        self.stack = [self.root]
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            return
        node: dict[str, Any] = {"t": ALIASES.get(tag, tag), "c": []}
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://", "mailto:")):
                node["href"] = href
        self.stack[-1]["c"].append(node)
        if tag in VOID:
            return
        self.stack.append(node)
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.stack[-1]["c"].append({"t": tag, "c": []})

    def handle_endtag(self, tag: str) -> None:
        if tag not in TAGS or tag in VOID:
            return
        want = ALIASES.get(tag, tag)
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i]["t"] == want:
                if want == "pre":
                    self.pre -= 1
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        text = data if self.pre else _WS.sub(" ", data)
        if text:
            self.stack[-1]["c"].append(text)


def _tidy(node: dict[str, Any]) -> dict[str, Any]:
    """Drop layout whitespace between blocks; trim spaces at the start and end of a block."""
    kids: list[Node] = []
    for c in node["c"]:
        if isinstance(c, dict):
            kids.append(_tidy(c))
        elif node["t"] in BLOCKS and not c.strip() and node["t"] != "pre":
            continue
        else:
            kids.append(c)
    if node["t"] != "pre" and node["t"] not in ("em", "strong", "a", "q", "code", "del", "u", "mark", "small", "sub", "sup"):
        if kids and isinstance(kids[0], str):
            kids[0] = kids[0].lstrip()
        if kids and isinstance(kids[-1], str):
            kids[-1] = kids[-1].rstrip()
        kids = [k for k in kids if k != ""]
    node["c"] = kids
    return node


def html_tree(html: str) -> list[Node]:
    """Sanitized HTML (from text.py) as a list of nodes."""
    b = _Builder()
    b.feed(html)
    b.close()
    return _tidy(b.root)["c"]


def md_tree(text: str | None) -> list[Node]:
    """Author Markdown as nodes: a one-paragraph text is inline (no paragraph node around it).
    The result is shared between callers (the same text recurs in worksheets, keys and packs):
    treat it as read-only."""
    if not text:
        return []
    return _md_tree(text)


@functools.lru_cache(maxsize=50_000)
def _md_tree(text: str) -> list[Node]:
    return html_tree(to_html(text, inline=True))


def plain_tree(text: str) -> list[Node]:
    """Text that is not Markdown (an article paragraph): its line breaks kept, nothing else."""
    out: list[Node] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append({"t": "br", "c": []})
        if line:
            out.append(line)
    return out
