"""Paragraph ids that survive a re-import: an unchanged paragraph keeps its id (matched by text),
a lightly edited one too (matched by similarity), a new one gets an id never used before."""

from __future__ import annotations

import difflib
import re

SIMILAR = 0.75   # difflib ratio above which an edited paragraph is taken for the old one


def assign_ids(new: list[str], old: list[tuple[str, str]], highest: int = 0) -> tuple[list[str], dict[str, str]]:
    """Ids for the `new` texts, given the `old` (id, text) pairs. Returns the ids and, for the
    paragraphs matched by similarity only, old id -> how it changed."""
    ids: list[str | None] = [None] * len(new)
    free = dict(old)          # old id -> text, not yet taken
    by_text: dict[str, list[str]] = {}
    for pid, text in old:
        by_text.setdefault(_norm(text), []).append(pid)
    for i, text in enumerate(new):
        hits = [pid for pid in by_text.get(_norm(text), []) if pid in free]
        if hits:
            ids[i] = hits[0]
            del free[hits[0]]
    edited: dict[str, str] = {}
    for i, text in enumerate(new):
        if ids[i] is not None or not free:
            continue
        best, score = None, SIMILAR
        for pid, old_text in free.items():
            m = difflib.SequenceMatcher(None, _norm(old_text), _norm(text), autojunk=False)
            if m.real_quick_ratio() < score or m.quick_ratio() < score:
                continue
            r = m.ratio()
            if r >= score:
                best, score = pid, r
        if best is not None:
            ids[i] = best
            edited[best] = f"edited ({round(score * 100)}% the same)"
            del free[best]
    top = max([highest] + [_num(pid) for pid, _ in old])
    for i in range(len(new)):
        if ids[i] is None:
            top += 1
            ids[i] = f"p{top}"
    return [pid for pid in ids if pid], edited


def out_of_order(ids: list[str], fresh: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The ids to mark `inserted` so that the others increase, as `casefile check` wants: every new
    id (`fresh`) placed before an older paragraph, and the fewest older ones (those off the longest
    increasing run, when paragraphs were moved)."""
    old = [i for i in ids if i not in fresh]
    nums = [_num(i) for i in old]
    n = len(nums)
    best, prev = [1] * n, [-1] * n
    for i in range(n):
        for j in range(i):
            if nums[j] < nums[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    keep: set[int] = set()
    i = max(range(n), key=lambda k: (best[k], -nums[k])) if n else -1
    while i >= 0:
        keep.add(i)
        i = prev[i]
    marked = {old[k] for k in range(n) if k not in keep}
    for pos, pid in enumerate(ids):
        if pid in fresh and any(later not in fresh for later in ids[pos + 1:]):
            marked.add(pid)
    return marked


def _num(pid: str) -> int:
    m = re.match(r"^p(\d+)$", pid)
    return int(m.group(1)) if m else 0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
