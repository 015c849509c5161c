"""Page layout check for handout PDFs, from what is on each page (poppler's pdftotext -bbox-layout for
text lines, pdftoppm for ink, so ruled lines, boxes and tables count as content).

A page is bad when it is
- near-empty: its body holds less than 8 % of the page's height of content (a lone table row, a
  line or two), or less than 12 % in at most two text lines (a lone line, a heading alone), on a
  document part of more than one page;
- a page ending in a heading: the last text line of its body is a heading (larger type than the
  document's usual line) and more of the part follows;
- mostly blank: not the last page of its part, yet filled to less than half its height.

A part is what a "Page X of Y" footer counts (a workshop pack holds several). Run as a script:
`python tests/page_layout.py DIR...` prints the bad pages of every PDF under each DIR and a total.
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4
TOP, BOTTOM = 20 * MM, 18 * MM  # the handouts' page margins (running header and footer live there)
DPI = 30
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
_WORD = re.compile(r"<word[^>]*>(.*?)</word>", re.S)
_FOOT = re.compile(r"Page (\d+) of (\d+)")


@dataclass
class Line:
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Page:
    number: int
    height: float
    lines: list[Line]   # body lines only
    fill: float         # content height / body height, from ink
    of: tuple[int, int] | None  # (X, Y) of the footer's "Page X of Y"


def _ink_rows(pdf: Path) -> list[tuple[int, list[int]]]:
    """Per page: (image height, the rows holding ink)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        out = []
        for f in sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1])):
            data = f.read_bytes()
            m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
            assert m, f
            w, h = int(m[1]), int(m[2])
            px = data[m.end():]
            rows = [y for y in range(h) if min(px[y * w:(y + 1) * w]) < 200]
            out.append((h, rows))
        return out


def pages_of(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ink = _ink_rows(pdf)
    pages = []
    for n, (m, (img_h, rows)) in enumerate(zip(_PAGE.finditer(xml), ink), 1):
        height = float(m[2])
        body_top, body_bottom = TOP + 1 * MM, height - BOTTOM - 1 * MM
        lines, of = [], None
        for lm in _LINE.finditer(m[3]):
            text = html.unescape(" ".join(_WORD.findall(lm[5])))
            top, bottom = float(lm[2]), float(lm[4])
            if bottom < body_top or top > body_bottom:
                f = _FOOT.search(text)
                if f and top > body_bottom:
                    of = (int(f[1]), int(f[2]))
                continue
            lines.append(Line(top, bottom, text))
        scale = img_h / height
        body_rows = [y for y in rows if body_top * scale <= y <= body_bottom * scale]
        fill = ((max(body_rows) / scale - body_top) / (body_bottom - body_top)) if body_rows else 0.0
        pages.append(Page(n, height, lines, max(0.0, fill), of))
    return pages


def problems(pdf: Path) -> list[str]:
    """One line per bad page: 'name p.N: what'."""
    pages = pages_of(pdf)
    heights = [l.height for p in pages for l in p.lines]
    usual = statistics.median(heights) if heights else 0
    out = []
    for p in pages:
        last_of_part = p.of is None or p.of[0] == p.of[1]
        one_page_part = p.of is not None and p.of[1] == 1
        where = f"{pdf.name} p.{p.number}"
        if not one_page_part and (p.fill < 0.08 or (p.fill < 0.12 and len(p.lines) <= 2)):
            out.append(f"{where}: near-empty ({p.fill:.0%} of the page): {' / '.join(l.text for l in p.lines)[:80]!r}")
            continue
        if not last_of_part and p.lines and p.lines[-1].height > 1.3 * usual:
            out.append(f"{where}: ends in a heading: {p.lines[-1].text[:60]!r}")
        if not last_of_part and p.fill < 0.5:
            out.append(f"{where}: mostly blank ({p.fill:.0%} filled) and more of the part follows")
    return out


def check_tree(*dirs: Path) -> tuple[int, int, list[str]]:
    """(PDFs, pages, problems) over every PDF under dirs."""
    files = sorted(f for d in dirs for f in Path(d).rglob("*.pdf"))
    bad: list[str] = []
    pages = 0
    for f in files:
        pages += len(pages_of(f))
        bad += [f"{f.parent.name}/{b}" for b in problems(f)]
    return len(files), pages, bad


if __name__ == "__main__":
    n, pages, bad = check_tree(*map(Path, sys.argv[1:]))
    print("\n".join(bad))
    print(f"{len(bad)} bad pages out of {pages} pages in {n} PDFs")
