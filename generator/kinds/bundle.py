"""The one `casefile.js` the site ships: the core (assets/casefile.js: storage, answer files, the
contract's small rules, the lesson page) with every registered kind's kind.js inserted at its
`@kinds` mark, in registry order, and the interface's words in the pack's language at its
`@strings` mark (generator/i18n.py: every `t("…")` and `tn("…", "…", n)` of the scripts, as data).
The same bytes for the same kinds and language: a pure function of the files."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from .. import i18n
from . import KINDS, KindError

ASSETS = Path(__file__).parent.parent / "assets"
CORE = ASSETS / "casefile.js"
MARK = "  /* @kinds: each registered kind's kind.js is inserted here (generator/kinds/bundle.py) */\n"
STRINGS_MARK = 'var STRINGS = {"lang": "en", "s": {}, "p": {}};  /* @strings */'
# Scripts whose t()/tn() strings the bundle carries (check-answers.js uses casefile.js's t and tn).
STRING_SOURCES = ("check-answers.js",)
_JS_STR = r'"((?:[^"\\\n]|\\.)*)"'
_T_CALL = re.compile(r"\bt\(\s*" + _JS_STR)
_TN_CALL = re.compile(r"\btn\(\s*" + _JS_STR + r"\s*,\s*" + _JS_STR)


def script_messages(js: str) -> list[str | tuple[str, str]]:
    """The message ids of a script: the literal first argument(s) of every t(…) and tn(…)."""
    out: list[str | tuple[str, str]] = []
    for m in _TN_CALL.finditer(js):
        pair = (json.loads(f'"{m.group(1)}"'), json.loads(f'"{m.group(2)}"'))
        if pair not in out:
            out.append(pair)
    for m in _T_CALL.finditer(js):
        one = json.loads(f'"{m.group(1)}"')
        if one not in out:
            out.append(one)
    return out


def _indent(js: str) -> str:
    return "".join(("  " + line if line.strip() else line) for line in js.splitlines(keepends=True))


@functools.cache
def casefile_js(language: str = "en") -> str:
    core = CORE.read_text(encoding="utf-8")
    if core.count(MARK) != 1 or core.count(STRINGS_MARK) != 1:
        raise KindError(f"{CORE} must hold the @kinds and @strings marks exactly once")
    parts = [MARK]
    for name, kind in KINDS.items():
        js = kind.script.read_text(encoding="utf-8")
        parts.append(f"\n  /* ---- kind: {name} (generator/kinds/{name}/kind.js) */\n" + _indent(js.rstrip("\n") + "\n"))
    js = core.replace(MARK, "".join(parts))
    messages = script_messages(js + "".join((ASSETS / n).read_text(encoding="utf-8") for n in STRING_SOURCES))
    data = json.dumps(i18n.browser_strings(language, messages), ensure_ascii=False, sort_keys=True)
    return js.replace(STRINGS_MARK, f"var STRINGS = {data};  /* @strings: generator/i18n.py */")


def asset_bytes(name: str, language: str = "en") -> bytes:
    """A site asset by its name under generator/assets/: casefile.js is the bundle (in the pack's
    language), the rest as they are."""
    if name == "casefile.js":
        return casefile_js(language).encode("utf-8")
    return (ASSETS / name).read_bytes()
