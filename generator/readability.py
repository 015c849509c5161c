"""The Flesch-Kincaid grade of a text, as textstat 0.7.4 computes it, without importing textstat.

textstat imports pkg_resources (0.1 CPU-s) and pyphen parses its whole hyphenation dictionary on
first use (0.08 CPU-s): more than the rest of `casefile check`. This module does the same
arithmetic (same word, sentence and syllable counts, same rounding; tests/test_lints.py compares it
with textstat on every text of the default pack), reads pyphen's en_US patterns itself (each one
parsed only when a word needs it: 0.015 CPU-s) with pyphen's algorithm, and memoises each text's
grade in the content cache.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from . import cache

_PUNCT = re.compile(r"[^\w\s]")
_SENTENCES = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
def _pyphen_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("pyphen")
    except importlib.metadata.PackageNotFoundError:
        return "absent"


# A grade depends on this code and on pyphen's dictionary (its version).
_memo = cache.Table("fk-grade", code=cache.fingerprint(Path(__file__)) + _pyphen_version())
_IGNORED = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")
_LEFT = _RIGHT = 2  # textstat's Pyphen(lang="en_US"): pyphen's defaults, not the file's
_syllables: dict[str, int] = {}


class _Patterns:
    """pyphen's HyphDict for en_US, parsed lazily: letters -> the pattern's line, its numbers read
    the first time a word meets it."""

    def __init__(self) -> None:
        from importlib.util import find_spec

        spec = find_spec("pyphen")
        assert spec is not None and spec.submodule_search_locations
        path = Path(list(spec.submodule_search_locations)[0]) / "dictionaries" / "hyph_en_US.dic"
        lines = [ln for ln in (x.strip() for x in path.read_text("utf-8").split("\n")[1:])
                 if ln and not ln.startswith(_IGNORED) and re.search(r"[1-9]", ln)]  # pyphen skips all-zero ones
        letters = re.sub(r"\d", "", "\n".join(lines)).split("\n")
        self.raw = dict(zip(letters, lines))
        self.parsed: dict[str, tuple[int, list[int]]] = {}
        self.maxlen = max(map(len, self.raw))

    def get(self, letters: str) -> tuple[int, list[int]] | None:
        hit = self.parsed.get(letters)
        if hit is None:
            line = self.raw.get(letters)
            if line is None:
                return None
            values = [0] * (len(letters) + 1)
            i = 0
            for ch in line:
                if ch.isdigit():
                    values[i] = int(ch)
                else:
                    i += 1
            start, end = 0, len(values)
            while not values[start]:
                start += 1
            while not values[end - 1]:
                end -= 1
            hit = self.parsed[letters] = (start, values[start:end])
        return hit

    def count(self, word: str) -> int:
        """Syllables: pyphen's hyphenation points within (left, right) + 1."""
        pointed = f".{word}."
        refs = [0] * (len(pointed) + 1)
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + self.maxlen, len(pointed)) + 1):
                pattern = self.get(pointed[i:j])
                if pattern:
                    offset, values = pattern
                    sl = slice(i + offset, i + offset + len(values))
                    refs[sl] = map(max, values, refs[sl])
        right = len(word) - _RIGHT
        return 1 + sum(1 for i, r in enumerate(refs) if r % 2 and _LEFT <= i - 1 <= right)


_patterns: _Patterns | None = None


def _round(number: float, points: int) -> float:
    """textstat's `_legacy_round`: half away from zero."""
    p = 10 ** points
    return float(math.floor((number * p) + math.copysign(0.5, number))) / p


def _words(text: str) -> int:
    return len(_PUNCT.sub("", text).split())


def _syllable_count(text: str) -> int:
    global _patterns
    text = _PUNCT.sub("", text.lower())
    count = 0
    for word in text.split():
        n = _syllables.get(word)
        if n is None:
            _patterns = _patterns or _Patterns()
            n = _syllables[word] = _patterns.count(word)
        count += n
    return count


def _sentence_count(text: str) -> int:
    sentences = _SENTENCES.findall(text)
    ignored = sum(1 for s in sentences if _words(s) <= 2)
    return max(1, len(sentences) - ignored)


def _compute(text: str) -> float:
    words = _words(text)
    try:
        asl = _round(float(words / _sentence_count(text)), 1)
    except ZeroDivisionError:
        asl = 0.0
    try:
        spw = _round(float(_syllable_count(text)) / float(words), 1)
    except ZeroDivisionError:
        spw = 0.0
    return _round(float(0.39 * asl) + float(11.8 * spw) - 15.59, 1)


def flesch_kincaid_grade(text: str) -> float:
    """textstat.flesch_kincaid_grade(text), memoised by text (in the process and the content cache)."""
    key = ["fk", "en_US", text]
    hit = _memo.get(key)
    if hit is not None:
        return float(hit)
    grade = _compute(text)
    _memo.put(key, repr(grade))
    return grade
