"""Shuffled options and items: the one shuffle every output shares.

Which exercises shuffle: `wanted(info, ex)`: the exercise's own `shuffle:` when it has one, else the
pack's `exercises: {shuffle: …}` (pack.yml), and only for kinds that can (`Kind.shuffles` names
the lists a kind may reorder: choice options, true-or-false statements, classify and order items,
match sides; highlight has none, its text order matters).

How: `permutation(n, *seed)` is mulberry32 seeded from SHA-256 of the seed parts, then
Fisher–Yates, the same steps as `shuffleOrder` in assets/casefile.js (tests/test_shuffle.py runs
both on the same seeds). A list a kind must never start in (an order exercise's key:
`Kind.shuffle_avoid`) is avoided by drawing again, then by rotating.

- Paper: `version(pack, letter)` is the pack with every shuffling exercise of version B, C, …
  reordered, deterministically from (pack id, lesson id, exercise id, letter); version A is the
  order as written. Answer ids never change, so keys and grading follow by themselves.
- Site: the browser shuffles each student's page itself (seeded by a random id kept in that
  browser); for a list with an order to avoid, the page carries a few start orders made here
  (`start_orders`), none of them the key, and the browser picks one.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterator, Sequence

from . import model
from .handout_names import VERSION_LETTERS

MAX_VERSIONS = len(VERSION_LETTERS)
WEB_ORDERS = 6          # start orders an avoiding list offers the browser (at most)


# ---------------------------------------------------------------- the generator (as casefile.js)

def seed_of(*parts: str) -> int:
    """A 32-bit seed: the first 4 bytes of SHA-256 of the parts joined by '/'."""
    return int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:4], "big")


def mulberry32(seed: int) -> Iterator[float]:
    """Tommy Ettinger's mulberry32: floats in [0, 1), bit for bit as casefile.js computes them."""
    a = seed & 0xFFFFFFFF
    while True:
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        yield ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


def permutation(n: int, *seed: str) -> list[int]:
    """A shuffled range(n): Fisher–Yates from the last place down, drawing from mulberry32."""
    order = list(range(n))
    rand = mulberry32(seed_of(*seed))
    for i in range(n - 1, 0, -1):
        j = int(next(rand) * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def shuffled_ids(ids: list[str], seed: tuple[str, ...], avoid: Sequence[list[str]] = (),
                 prefer_not: Sequence[list[str]] = ()) -> list[str]:
    """`ids` in a shuffled order that is none of `avoid` (never) and, where there are enough
    orders, none of `prefer_not` either: draw k is permutation(*seed, k), the first that fits
    wins (24 draws, then a rotation of the first). Deterministic from `seed`."""
    hard = {tuple(a) for a in avoid}
    soft = hard | {tuple(p) for p in prefer_not}
    draws: list[list[str]] = []

    def draw(k: int) -> list[str]:
        while len(draws) <= k:
            draws.append([ids[i] for i in permutation(len(ids), *seed, str(len(draws)))])
        return draws[k]

    for banned in (soft, hard):
        for k in range(24):
            if tuple(draw(k)) not in banned:
                return draw(k)
    first = draw(0)
    for r in range(1, len(ids)):  # a rotation is a different order (ids are unique)
        d = first[r:] + first[:r]
        if tuple(d) not in hard:
            return d
    return list(ids)


# ---------------------------------------------------------------- which exercises

def wanted(info: model.PackInfo, ex: Any) -> bool:
    """Does `ex` start shuffled? Its own `shuffle:`, else the pack's; never for a kind that cannot."""
    if not ex.kind.shuffles:
        return False
    return bool(ex.shuffle if ex.shuffle is not None else info.exercises.shuffle)


def _reorder(items: list[Any], order: list[str]) -> list[Any]:
    by_id = {it.id: it for it in items}
    return [by_id[i] for i in order]


def shuffle_exercise(ex: Any, seed: tuple[str, ...], earlier: Sequence[Any] = ()) -> Any:
    """A copy of `ex` with each of its kind's shuffled lists reordered; `earlier`: the same
    exercise in the versions before (and as written), whose orders are avoided where possible."""
    update = {}
    for field in ex.kind.shuffles:
        items = getattr(ex, field)
        ids = [it.id for it in items]
        before = [[it.id for it in getattr(e, field)] for e in earlier]
        order = shuffled_ids(ids, seed + (field,), ex.kind.shuffle_avoid(ex, field), before)
        update[field] = _reorder(items, order)
    return ex.model_copy(update=update)


def version(pack: model.Pack, letter: str) -> model.Pack:
    """The pack as version `letter` of its worksheets: A as written, the others shuffled."""
    index = VERSION_LETTERS.index(letter)
    if index == 0:
        return pack
    lessons = []
    for lesson in pack.lessons:
        exercises = []
        for ex in lesson.exercises:
            if wanted(pack.info, ex):
                made = [ex]  # as written, then each earlier version as that version makes it
                for v in VERSION_LETTERS[1:index + 1]:
                    made.append(shuffle_exercise(ex, (pack.info.id, lesson.id, ex.id, v), made))
                ex = made[-1]
            exercises.append(ex)
        lessons.append(lesson.model_copy(update={"exercises": exercises}))
    return pack.model_copy(update={"lessons": lessons})


def versions_note(pack: model.Pack, versions: int) -> str | None:
    """What to tell a teacher who asked for versions of a pack in which nothing shuffles."""
    if versions > 1 and not any(wanted(pack.info, ex) for lesson in pack.lessons for ex in lesson.exercises):
        return (f"note: no exercise shuffles, so versions A to {VERSION_LETTERS[versions - 1]} differ only in their "
                "letter; set exercises: {shuffle: true} in pack.yml, or shuffle: true on an exercise")
    return None


def letters(n: int) -> list[str]:
    """The first n version letters (A, B, …)."""
    if not 1 <= n <= MAX_VERSIONS:
        raise ValueError(f"--versions must be between 1 and {MAX_VERSIONS}, not {n}")
    return list(VERSION_LETTERS[:n])


# ---------------------------------------------------------------- the site

def start_orders(pack: model.Pack, lesson_id: str, ex: Any) -> dict[str, list[list[str]]]:
    """For each shuffled list of `ex` that has an order to avoid (an order exercise's key): a few
    start orders for the browser to pick from, none of them an order to avoid. Never all the other
    orders: the list would then tell which one is the key (at most half of them are listed)."""
    out: dict[str, list[list[str]]] = {}
    for field in ex.kind.shuffles:
        avoid = ex.kind.shuffle_avoid(ex, field)
        if not avoid:
            continue
        ids = [it.id for it in getattr(ex, field)]
        total = 1
        for k in range(2, len(ids) + 1):
            total *= k
        room = max(1, min(WEB_ORDERS, (total - len(avoid)) // 2))
        orders: list[list[str]] = []
        for k in range(room * 4):
            o = shuffled_ids(ids, (pack.info.id, lesson_id, ex.id, "site", str(k), field), avoid, orders)
            if o not in orders and o not in avoid:
                orders.append(o)
            if len(orders) == room:
                break
        out[field] = orders  # empty: no order but the key (or the one written) is left; keep it as written
    return out


__all__ = ["MAX_VERSIONS", "VERSION_LETTERS", "letters", "mulberry32", "permutation", "seed_of", "shuffle_exercise",
           "shuffled_ids", "start_orders", "version", "versions_note", "wanted"]
