"""Wording nits (issue 17.6): no doubled quotes or full stops where generated text wraps author text
that already has them; claim headings that tell the claims apart."""

from __future__ import annotations

import re

import pytest

from conftest import DEFAULT_PACK


@pytest.fixture(scope="module")
def pack():
    from generator.load import load_pack

    return load_pack(DEFAULT_PACK).pack


@pytest.fixture(scope="module")
def teacher_pages(pack) -> dict[str, str]:
    from generator.site import render_pages

    return {p.uri: p.markdown for p in render_pages(pack, "teacher")}


def test_quoted_words_with_quotes_inside_get_nested_quotes() -> None:
    from generator.text import to_html, to_plain

    text = 'trace it ([[p30|"highly likely" in the next hours]])'
    assert '<q class="cf-quote">‘highly likely’ in the next hours</q>' in to_html(text, lambda s, p: "#" + p)
    assert to_plain(text) == "trace it (“‘highly likely’ in the next hours” (¶30))"


def test_no_doubled_quotes_in_the_default_pack(teacher_pages: dict[str, str]) -> None:
    guide = teacher_pages["teacher/guide/03-tracing-claims.md"]
    assert "(<q class=\"cf-quote\">‘highly likely’ in the next 24-26 hours</q>" in guide
    for uri, md in teacher_pages.items():
        assert not re.search(r'<q class="cf-quote">["“]', md), uri


def test_a_sentence_gets_one_full_stop() -> None:
    from generator.text import end_sentence

    assert end_sentence("the article (29 August 2021).") == "the article (29 August 2021)."
    assert end_sentence('he said "no."') == 'he said "no."'
    assert end_sentence("Lavrov (20 February 2018)") == "Lavrov (20 February 2018)."


def test_grade_report_order_line_has_one_full_stop(pack) -> None:
    from generator.grade import score

    ex = next(e for lesson in pack.lessons for e in lesson.exercises if e.type == "order" and "dated order" in (e.why or ""))
    _, lines = score(ex, list(reversed(ex.answer)), pack)
    text = " ".join(f"{line.text} {line.why}" for line in lines)
    assert "The dated order" in text and ".." not in text


def test_claim_headings_tell_the_claims_apart(teacher_pages: dict[str, str], pack) -> None:
    heads = re.findall(r"^## (c\d+ · ¶\d+ · .+?) \{: #c\d+ \}$", teacher_pages["teacher/claims.md"], re.M)
    assert len(heads) == len(pack.claims) and len(set(h.split(" · ", 2)[2] for h in heads)) == len(heads)
    assert heads[0].startswith("c01 · ¶1 · Did the US Support")
