"""Read every file of a built output as text, whatever its kind (HTML, JSON, JS, gzip, PDF)."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Iterator

MARKER = re.compile(r"TMARK-[A-Za-z0-9-]+")
INSTANT = re.compile(r"INSTANT-[A-Za-z0-9-]+")


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def texts(root: Path) -> Iterator[tuple[Path, str]]:
    """(file, its text) for every file under root; compressed and PDF files are opened."""
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".pdf":
            yield path, pdf_text(path)
            yield path, data.decode("latin-1")  # raw bytes too: metadata, uncompressed streams
            continue
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    yield path / name, z.read(name).decode("utf-8", "replace")
            continue
        yield path, data.decode("utf-8", "replace")


def fixture_markers(pack_dir: Path, pattern: re.Pattern[str] = MARKER) -> set[str]:
    found: set[str] = set()
    for f in pack_dir.rglob("*.yml"):
        found |= set(pattern.findall(f.read_text(encoding="utf-8")))
    return found
