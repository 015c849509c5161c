"""text.to_plain's shortcut for text in which Markdown can do nothing: the same result as running
Markdown, on every string of every pack in the repository and on texts made to sit at the edge."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import text

ROOT = Path(__file__).resolve().parent.parent
PACKS = [ROOT / "lessons", *sorted(p for p in (ROOT / "tests" / "fixtures").glob("pack*") if (p / "pack.yml").is_file())]


def slow(value: str) -> str:
    value = text.INLINE_QUOTE.sub(lambda m: f"“{text.nested_quotes(m['text'])}” (¶{m['para'][1:]})", value)
    return text._plain_by_markdown(value)


def strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def pack_strings() -> list[str]:
    from generator.yaml_reader import read_yaml

    out: set[str] = set()
    for pack in PACKS:
        for f in sorted(pack.rglob("*.yml")):
            if "schema" in f.parts:
                continue
            data = read_yaml(f)[0].data
            out.update(s for s in strings(data) if s.strip())
    return sorted(out)


def test_the_shortcut_gives_what_markdown_gives_on_every_pack_string() -> None:
    values = pack_strings()
    assert len(values) > 1000
    inert = [v for v in values if not text._MARKDOWN_INERT.search(v)]
    assert len(inert) > 300  # the shortcut is taken for most texts
    wrong = [(v, text.to_plain(v), slow(v)) for v in values if text.to_plain(v) != slow(v)]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("value", [
    "two  spaces\nand a line", "a\n\nnew paragraph", "  leading and trailing  ", "tab\there",
    "    indented like code", "a line  \nbroken", "quotes \"straight\" and 'single'", "¶12 and “curly”",
    "1990s were years", "not a list: 3 apples", "x - y", "a + b = c", "50% of 3", "under_score",
    "- a list", "1. first", "# heading", "> quote", "Title\n===", "a *b* c", "[link](x)", "&amp;",
    "<b>x</b>", "back\\slash", "2) second", "   + plus item", "ends with #", "mid = sign",
])
def test_edge_cases_agree(value: str) -> None:
    assert text.to_plain(value) == slow(value)
