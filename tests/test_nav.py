"""Long packs: the lesson list is grouped by ten so that each page carries only its group's links."""

from __future__ import annotations

from generator.render import _chunked


def test_short_lists_stay_flat_and_long_ones_are_grouped_by_ten() -> None:
    short = [(f"{n}. L", f"lessons/{n}.md") for n in range(1, 21)]
    assert _chunked(short) == short
    long = [(f"{n}. L", f"lessons/{n}.md") for n in range(1, 26)]
    groups = _chunked(long)
    assert [title for title, _ in groups] == ["Lessons 1–10", "Lessons 11–20", "Lessons 21–25"]
    assert [item for _, items in groups for item in items] == long
