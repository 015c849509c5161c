"""The text of a PDF, as PDFium reads it (pypdfium2: the C library as a wheel).

Used by the leak guard (leak_guard.py) on every student PDF. PDFium maps each glyph through its
font's ToUnicode table as viewers do for copy and search; about 40 ms for a 20-page worksheet.
Spacing is approximate (PDF has no words, only glyphs placed on a page), so callers compare text
with whitespace removed.
"""

from __future__ import annotations


def pdf_text(data: bytes) -> str:
    """Every page's text, pages separated by newlines."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(out)
    finally:
        doc.close()
