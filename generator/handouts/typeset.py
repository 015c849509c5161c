"""What this process typeset: the SHA-256 of each public PDF's bytes -> the JSON it was made from.

The leak guard (leak_guard.py) must check the text of every student PDF. A PDF's text can only come
from its document: the templates are Casefile's code, and Typst is given nothing of the pack but
the document's JSON (prose as text nodes, images as vetted bytes: an SVG's <text> is text too, and
the guard reads it). So a PDF whose exact bytes this build typeset is checked by that document,
with no need to read the PDF back; that also catches what the layout
hides from a reader of the PDF (a note that runs over a page break has the page's footer in the
middle of it; a list gets numbers). Any other PDF (changed after Typst wrote it, or restored from
an earlier build) is not in this table and is read back with PDFium (pdf_text.py).

Only PDFs in a public edition's handout folder are kept (the guard reads no other), compressed: a
big pack's worksheets are tens of MB of JSON. build_handouts() empties the table before it starts.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

_MADE: dict[str, bytes] = {}


def digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def forget_all() -> None:
    _MADE.clear()


def _public(out: Path) -> bool:
    from ..edition import EDITIONS, policy

    return any(out.parent.name in policy(e).handout_folders for e in EDITIONS if not policy(e).private)


def remember(pdf: bytes, document_json: str, out: str | Path) -> None:
    """Record that `pdf`, written to `out`, was typeset from `document_json` here."""
    if _public(Path(out)):
        _MADE[digest(pdf)] = zlib.compress(document_json.encode("utf-8"), 1)


def pairs() -> list[tuple[str, bytes]]:
    """Everything remembered (a pool worker sends it to the parent, which calls remember_pairs)."""
    return list(_MADE.items())


def remember_pairs(made: list[tuple[str, bytes]]) -> None:
    _MADE.update(made)


def knows(pdf_digest: str) -> bool:
    return pdf_digest in _MADE


def source_of(pdf_digest: str) -> str | None:
    """The JSON the PDF with this SHA-256 was typeset from in this process, or None."""
    packed = _MADE.get(pdf_digest)
    return None if packed is None else zlib.decompress(packed).decode("utf-8")
