"""Problems found in a lesson pack, reported as `file:line:col: message`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {one_line(self.message)}"


def one_line(text: str) -> str:
    """A message on one line whatever it quotes: control characters (a newline in a key or a
    value from the pack) are shown as escapes such as \\n."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class PackError(Exception):
    """Raised with every problem found; the CLI prints them, one per line, and exits 1."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


@lru_cache(maxsize=64)
def _resolved(base: str) -> Path:
    return Path(base).resolve()


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user would type it: relative to the current folder when possible."""
    path = Path(path)
    full = path.resolve()
    for base in (os.getcwd(), root):
        if base is None:
            continue
        try:
            return full.relative_to(_resolved(str(base))).as_posix()
        except ValueError:
            continue
    return path.as_posix()
