"""Progress for long work (PDFs, many lessons), on stderr.

On a terminal one line is redrawn as the work goes; elsewhere (CI, logs, a pipe) only the closing
line is printed, or one line per step with `--verbose` (`Progress.verbose`). `--quiet` silences it."""

from __future__ import annotations

import sys
import time
from typing import ClassVar, TextIO


class Progress:
    """`with Progress("Handouts", total) as p: p.step("01-first-look worksheet")`."""

    verbose: ClassVar[bool] = False  # `casefile build --verbose`: a line per step even off a terminal

    def __init__(self, label: str, total: int, *, quiet: bool = False, stream: TextIO | None = None):
        self.label, self.total, self.quiet = label, max(total, 1), quiet
        self.stream = stream or sys.stderr
        self.done = 0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()

    def __enter__(self) -> "Progress":
        return self

    def step(self, what: str = "") -> None:
        self.done += 1
        if self.quiet or not (self.tty or self.verbose):
            return
        width = 24
        filled = int(width * self.done / self.total)
        bar = "█" * filled + "·" * (width - filled)
        line = f"{self.label} [{bar}] {self.done}/{self.total} {what}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\033[K")
        secs = time.monotonic() - self.start
        self.stream.write(f"{self.label}: {self.done} done in {secs:.1f} s\n")
        self.stream.flush()
