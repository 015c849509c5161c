"""The one `casefile.js` the site ships: the core (assets/casefile.js: storage, answer files, the
contract's small rules, the lesson page) with every registered kind's kind.js inserted at its
`@kinds` mark, in registry order. The same bytes for the same kinds: a pure function of the files."""

from __future__ import annotations

import functools
from pathlib import Path

from . import KINDS, KindError

ASSETS = Path(__file__).parent.parent / "assets"
CORE = ASSETS / "casefile.js"
MARK = "  /* @kinds: each registered kind's kind.js is inserted here (generator/kinds/bundle.py) */\n"


def _indent(js: str) -> str:
    return "".join(("  " + line if line.strip() else line) for line in js.splitlines(keepends=True))


@functools.cache
def casefile_js() -> str:
    core = CORE.read_text(encoding="utf-8")
    if core.count(MARK) != 1:
        raise KindError(f"{CORE} must hold the @kinds mark exactly once")
    parts = [MARK]
    for name, kind in KINDS.items():
        js = kind.script.read_text(encoding="utf-8")
        parts.append(f"\n  /* ---- kind: {name} (generator/kinds/{name}/kind.js) */\n" + _indent(js.rstrip("\n") + "\n"))
    return core.replace(MARK, "".join(parts))


def asset_bytes(name: str) -> bytes:
    """A site asset by its name under generator/assets/: casefile.js is the bundle, the rest as they are."""
    if name == "casefile.js":
        return casefile_js().encode("utf-8")
    return (ASSETS / name).read_bytes()
