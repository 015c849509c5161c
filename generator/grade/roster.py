"""A class list (`--roster class.csv`): one student a row, names (or ids) in the first column; a
first row `name`, `id` or `student` is a header. Rows match answer files by the name key
(read.name_key: spacing and case ignored), the same rule that merges a student's files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import display_path
from .read import clean_name, name_key

HEADERS = {"name", "id", "student", "names", "ids", "students"}
MAX_BYTES = 2_000_000


def read_roster(path: Path) -> tuple[list[str], list[str]]:
    """(names in the file's order, duplicates dropped; problems as "file: what is wrong, what to do")."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return [], [f"{shown}: class list cannot be read ({e.strerror}); check the file name"]
    if len(raw) > MAX_BYTES:
        return [], [f"{shown}: too large for a class list ({len(raw)} bytes); give a CSV with one student a row"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            return [], [f"{shown}: not text; save the class list as CSV (UTF-8)"]
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    names: list[str] = []
    seen: set[str] = set()
    for i, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        cell = clean_name(row[0]) if row else ""
        if not cell or (i == 0 and cell.lower() in HEADERS):
            continue
        if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@"):  # a name the gradebook guarded, pasted back
            cell = cell[1:]
        if name_key(cell) not in seen:
            seen.add(name_key(cell))
            names.append(cell)
    if not names:
        return [], [f"{shown}: no names found; put one student a row in the first column (a header row 'name' or 'id' is fine)"]
    return names, []
