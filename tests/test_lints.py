"""The content lints of `casefile check`: balance, reading level and re-check, each triggered on a
copy of the fixture pack edited to break it; warnings by default, errors with --strict."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.lints import lint_date, lint_pack, recheck_due
from generator.load import load_pack

ROOT = Path(__file__).resolve().parent.parent


def run_check(lessons: Path, *args: str, epoch: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run([sys.executable, "-m", "generator", "check", "--lessons", str(lessons), *args],
                          cwd=lessons.parent, capture_output=True, text=True, timeout=120, env=env)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def epoch_of(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))


def test_the_fixture_pack_has_no_warnings(pack_copy: Path) -> None:
    assert lint_pack(load_pack(pack_copy), dt.date(2024, 6, 1)) == []


# ---------------------------------------------------------------- balance

def test_balance_wants_a_reference_for_an_unsubstantiated_claim(pack_copy: Path) -> None:
    edit(pack_copy / "claims.yml", "    references: [r1]\n    party: TMARK-claim2-party", "    references: []\n    party: TMARK-claim2-party")
    r = run_check(pack_copy)
    assert r.returncode == 0, r.stderr
    line = next(n for n, s in enumerate((pack_copy / "claims.yml").read_text().splitlines(), 1) if "status: unsubstantiated" in s)
    assert f"lessons/claims.yml:{line}:13: warning: claim k2 is unsubstantiated but cites no reference" in r.stderr
    assert "1 lint warning." in r.stdout


def test_balance_wants_a_reference_from_another_party(pack_copy: Path) -> None:
    edit(pack_copy / "references.yml", "account: independent media", "account: TMARK-claim2-party")
    warnings = [str(w) for w in lint_pack(load_pack(pack_copy), dt.date(2024, 6, 1))]
    assert len(warnings) == 1
    assert "claim k2 is unsubstantiated but every reference it cites is the claimant's own side ('TMARK-claim2-party')" in warnings[0]
    assert "claims.yml:" in warnings[0] and ": warning: " in warnings[0]


def test_balance_wants_the_claimants_party(pack_copy: Path) -> None:
    edit(pack_copy / "claims.yml", "    party: TMARK-claim2-party\n", "")
    edit(pack_copy / "claims.yml", "status: unsubstantiated", "status: disputed")
    warnings = [str(w) for w in lint_pack(load_pack(pack_copy), dt.date(2024, 6, 1))]
    assert len(warnings) == 1 and "claim k2 is disputed but has no 'party'" in warnings[0]


def test_balance_ignores_claims_that_are_not_disputed_or_unsubstantiated(pack_copy: Path) -> None:
    edit(pack_copy / "claims.yml", "    references: [r1]\n    checked_as_of", "    references: []\n    checked_as_of")
    assert lint_pack(load_pack(pack_copy), dt.date(2024, 6, 1)) == []  # k1 is accurate


# ---------------------------------------------------------------- reading level

HARD = ("Notwithstanding considerable methodological heterogeneity, epistemological considerations "
        "necessitate comprehensive interdisciplinary reconceptualisation of institutional accountability mechanisms.")


def test_reading_level_lists_the_hardest_sentences(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yml", "version: \"3\"\n", "version: \"3\"\nlints:\n  audience_grade: 4\n")
    assert run_check(pack_copy).stderr == ""  # the plain fixture text is below grade 4
    edit(pack_copy / "01-basics.yml", "summary: Every auto-graded kind.", f"summary: Every auto-graded kind. {HARD}")
    r = run_check(pack_copy)
    assert r.returncode == 0
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("lessons/01-basics.yml:3:10: warning: lesson 01-basics reads at grade ")
    assert "above the pack's audience_grade 4" in lines[0]
    hard = [s for s in lines if "hard sentence" in s]
    assert hard and hard[0].startswith("lessons/01-basics.yml:3:10: warning: hard sentence (grade ")
    assert "Notwithstanding considerable methodological heterogeneity" in hard[0]


def test_reading_level_scores_what_a_variant_gives_students_to_read(pack_copy: Path) -> None:
    """A variant's own `student` texts replace the lesson's in its path: they are scored too (from
    20 words on: a one-line instruction has no reading level), and a hard one is named at its
    place in the variant."""
    edit(pack_copy / "pack.yml", "version: \"3\"\n", "version: \"3\"\nlints:\n  audience_grade: 4\n")
    assert run_check(pack_copy).stderr == ""
    edit(pack_copy / "01-basics.yml", "student: Do exercises 1 and 2 below.}", f"student: 'Do exercises 1 and 2 below. {HARD} {HARD}'}}")
    lines = run_check(pack_copy).stderr.strip().splitlines()
    assert lines[0].startswith("lessons/01-basics.yml:90:57: warning: lesson 01-basics's variant 'short' (its student "
                               "texts) reads at grade "), lines
    assert lines[1].startswith("lessons/01-basics.yml:90:57: warning: hard sentence (grade ") and "Notwithstanding" in lines[1]
    assert not any("lesson 01-basics reads" in ln for ln in lines)  # the lesson's own text is still plain


def test_reading_level_scores_the_glossary_and_skips_the_articles_words(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yml", "version: \"3\"\n", "version: \"3\"\nlints:\n  audience_grade: 4\n")
    # the article's own words, quoted inline, are not the pack's to simplify
    source = pack_copy / "sources" / "memo.yml"
    edit(source, "the red boat left at noon", f"the red boat left at noon. {HARD}")
    edit(pack_copy / "01-basics.yml", "key_points: [\"Boats [[p2|left at noon]].\"]",
         f"key_points: [\"Boats [[p2|left at noon. {HARD}]].\"]")
    edit(pack_copy / "glossary.yml", "definition: Where information comes from.", f"definition: Where information comes from. {HARD}")
    warnings = [str(w) for w in lint_pack(load_pack(pack_copy), dt.date(2024, 6, 1))]
    assert any("the glossary definitions reads at grade" in w for w in warnings)
    assert any("glossary.yml:8:17: warning: hard sentence" in w for w in warnings)
    assert not any("01-basics" in w for w in warnings)


# ---------------------------------------------------------------- re-check

def test_recheck_lists_stale_claims_relative_to_source_date_epoch(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yml", "version: \"3\"\n", "version: \"3\"\nlints:\n  recheck_after: 30\n")
    # both claims were checked on 2024-05-06
    assert run_check(pack_copy, epoch=epoch_of(dt.date(2024, 6, 5))).stderr == ""  # 30 days: not yet due
    r = run_check(pack_copy, epoch=epoch_of(dt.date(2024, 6, 6)))
    assert r.returncode == 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("lessons/claims.yml:")
    assert "warning: claim k1 was last checked on 2024-05-06, more than 30 days before 2024-06-06" in lines[0]
    assert "claim k2" in lines[1]
    assert recheck_due(load_pack(pack_copy).pack, dt.date(2024, 6, 6)) == {"k1", "k2"}


def test_strict_turns_warnings_into_errors(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yml", "version: \"3\"\n", "version: \"3\"\nlints:\n  recheck_after: 30\n")
    r = run_check(pack_copy, "--strict", epoch=epoch_of(dt.date(2025, 1, 1)))
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.strip().splitlines()[-1] == "2 problems found; the lint warnings count as errors with --strict."
    assert "Traceback" not in r.stderr


def test_lint_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch_of(dt.date(2030, 2, 3)))
    assert lint_date() == dt.date(2030, 2, 3)


def test_the_default_pack_passes_strict() -> None:
    r = run_check(ROOT / "lessons", "--strict")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_the_teacher_register_marks_claims_due_for_a_recheck(pack_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.edition import view
    from generator.site import render_pages as render

    edit(pack_copy / "pack.yml", "version: \"3\"\n", "version: \"3\"\nlints:\n  recheck_after: 30\n")
    pack = load_pack(pack_copy).pack

    def register(day: dt.date | None) -> str:
        if day:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch_of(day))
        else:
            monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        pages = render(view(pack, "teacher"), "teacher")
        return next(p for p in pages if p.uri == "teacher/claims.md").markdown

    assert "Due for a re-check" not in register(None)  # no epoch: the pack's own latest date
    assert "Due for a re-check" not in register(dt.date(2024, 6, 5))
    due = register(dt.date(2024, 6, 6))
    assert "**Due for a re-check:** 2 claims checked more than 30 days ago (k1, k2)." in due
    assert due.count('class="cf-recheck"') == 2


def test_the_reading_grade_is_textstats_on_every_text_of_the_default_pack() -> None:
    """readability.py does textstat 0.7.4's arithmetic without importing it (start-up time of
    `casefile check`): the same grade for every passage, every lesson's whole text and every
    sentence the lint scores."""
    import textstat

    from generator.lints import SENTENCE, _plain, lesson_passages
    from generator.readability import _compute

    pack = load_pack(ROOT / "lessons").pack
    texts: list[str] = []
    for lesson in pack.lessons:
        plain = [_plain(p.text) for p in lesson_passages(lesson)]
        texts.append(" ".join(t for t in plain if t))
        texts += [s for t in plain for s in SENTENCE.split(t)]
    texts += [t.definition for t in pack.glossary]
    texts += ["", "Hi.", "Don't stop-gap it!", "3.5 m. And then? Yes."]
    assert len(texts) > 200
    differ = [(t, _compute(t), textstat.flesch_kincaid_grade(t)) for t in texts
              if _compute(t) != float(textstat.flesch_kincaid_grade(t))]
    assert differ == []
    from pyphen import Pyphen

    from generator.readability import _PUNCT, _Patterns

    ours, theirs = _Patterns(), Pyphen(lang="en_US")
    words = {w for t in texts for w in _PUNCT.sub("", t.lower()).split()}
    assert len(words) > 1000
    assert [w for w in sorted(words) if ours.count(w) != len(theirs.positions(w)) + 1] == []
