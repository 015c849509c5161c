"""Content lints for `casefile check`: warnings about a pack that is valid but not yet good.

Three lints, each reported as `file:line:col: warning: ...` (errors with `casefile check --strict`):

- balance: a claim filed as disputed or unsubstantiated cites at least one reference, and at least
  one whose `account` is not the claimant's own side (`party`);
- reading level: the student-facing text of each lesson, the `student` texts of each of its
  variants, and the glossary definitions, scored with
  textstat 0.7.4's Flesch-Kincaid grade (readability.py, the same arithmetic) against the pack's `lints.audience_grade`; the hardest sentences
  are listed;
- re-check: claims whose `checked_as_of` is more than the pack's `lints.recheck_after` days before
  the check date (SOURCE_DATE_EPOCH when set, else today, UTC) are listed.

Every lint is a pure function of the loaded pack and a date, so its output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from . import model
from .checks import INLINE_QUOTE
from .errors import Problem

if TYPE_CHECKING:
    from .load import Loaded, YamlFile

NEEDS_BALANCE = {model.ClaimStatus.disputed, model.ClaimStatus.unsubstantiated}
HARDEST = 3          # sentences listed per text over its target
VARIANT_WORDS = 20   # a variant's student texts are scored from this many words on
SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")


def lint_date() -> dt.date:
    """The date the re-check lint measures from: SOURCE_DATE_EPOCH if set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.datetime.now(tz=dt.timezone.utc).date()


def lint_pack(loaded: "Loaded", today: dt.date | None = None) -> list[Problem]:
    """Every lint warning for a loaded pack, sorted by file and position."""
    today = today or lint_date()
    out = balance(loaded) + reading_level(loaded) + recheck(loaded, today) + language(loaded)
    unique = list(dict.fromkeys(out))
    return sorted(unique, key=lambda p: (p.file, p.line, p.col))  # stable: a text's score before its sentences


def _warn(f: "YamlFile", path: tuple[Any, ...], message: str) -> Problem:
    return f.problem(path, f"warning: {message}")


# ------------------------------------------------------------------ language

def language(loaded: "Loaded") -> list[Problem]:
    """The pack's `language:` has a complete catalogue (generator/locale/), else a warning: an
    unknown language gets English; a catalogue that lacks strings leaves those in English."""
    from . import i18n

    lang = loaded.pack.info.language
    shown = loaded.origin.get(("pack", ""))
    if not shown or i18n.resolve(lang) == i18n.SOURCE_LANGUAGE and lang.split("-")[0] == i18n.SOURCE_LANGUAGE:
        return []
    f = loaded.files[shown]
    if not i18n.is_known(lang):
        return [_warn(f, ("language",), f"Casefile has no translation for language '{lang}', so its own words "
                      f"(buttons, headings, feedback) stay in English; languages it has: {', '.join(i18n.available())}. "
                      "To add one, see 'Languages' in docs/teacher/writing-lessons.md")]
    missing = i18n.missing(lang)
    if not missing:
        return []
    shown_ids = "; ".join(f"'{m}'" for m in missing[:5]) + ("; …" if len(missing) > 5 else "")
    return [_warn(f, ("language",), f"the '{i18n.resolve(lang)}' catalogue lacks {len(missing)} of Casefile's "
                  f"{len(i18n.template())} strings, shown in English: {shown_ids}; translate them in "
                  f"generator/locale/{i18n.resolve(lang)}/LC_MESSAGES/casefile.po (make messages)")]


# ------------------------------------------------------------------ balance

def balance(loaded: "Loaded") -> list[Problem]:
    pack = loaded.pack
    shown = loaded.origin.get(("claims", ""))
    if not shown:
        return []
    f = loaded.files[shown]
    refs = {r.id: r for r in pack.references}
    out: list[Problem] = []
    for i, c in enumerate(pack.claims):
        if c.status not in NEEDS_BALANCE:
            continue
        status = c.status.value
        if not c.references:
            out.append(_warn(f, ("claims", i, "status"),
                             f"claim {c.id} is {status} but cites no reference; cite at least one, "
                             "including one from a party other than the claimant"))
            continue
        if not c.party:
            out.append(_warn(f, ("claims", i, "status"),
                             f"claim {c.id} is {status} but has no 'party'; say whose side the claimant "
                             "speaks for (as in the references' 'account') so its balance can be checked"))
            continue
        cited = [refs[r] for r in c.references if r in refs]
        others = [r for r in cited if r.account and r.account != c.party]
        if not others:
            unknown = [r.id for r in cited if not r.account]
            hint = f" ({', '.join(unknown)} give no 'account')" if unknown else ""
            out.append(_warn(f, ("claims", i, "references"),
                             f"claim {c.id} is {status} but every reference it cites is the claimant's own side "
                             f"('{c.party}'){hint}; add one from another party"))
    return out


# ------------------------------------------------------------------ reading level

@dataclass(frozen=True)
class Passage:
    """One piece of student-facing text and where it is."""

    path: tuple[Any, ...]
    text: str


def _plain(text: str) -> str:
    """Author Markdown as prose to score: the article's own words (inline quotes) are not ours to
    simplify, so each becomes a short stand-in; list markers and emphasis go."""
    text = INLINE_QUOTE.sub("this quote", text)
    text = re.sub(r"[*_`#>|]+", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*(?:[-+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"\s+", " ", text).strip()
    if text and text[-1] not in ".!?:;":
        text += "."
    return text


def lesson_passages(lesson: model.Lesson) -> Iterator[Passage]:
    """The text of a lesson that students read (what the student edition shows them)."""
    yield Passage(("summary",), lesson.summary)
    for i, t in enumerate(lesson.objectives):
        yield Passage(("objectives", i), t)
    for i, t in enumerate(lesson.key_points):
        yield Passage(("key_points", i), t)
    for i, a in enumerate(lesson.activities):
        if a.student:
            yield Passage(("activities", i, "student"), a.student)
    for i, t in enumerate(lesson.discussion):
        yield Passage(("discussion", i), t)
    for i, t in enumerate(lesson.extensions):
        yield Passage(("extensions", i), t)
    if lesson.sensitivity:
        yield Passage(("sensitivity", "note"), lesson.sensitivity.note)
    for i, ex in enumerate(lesson.exercises):
        base: tuple[Any, ...] = ("exercises", i)
        yield Passage(base + ("prompt",), ex.prompt)
        # what students read of any kind: its lists of texts, a task, steps (asked by name, not by kind)
        for name in ("options", "items", "left", "right", "statements"):
            for j, item in enumerate(getattr(ex, name, None) or []):
                yield Passage(base + (name, j, "text"), item.text)
        if getattr(ex, "task", None):
            yield Passage(base + ("task",), ex.task)
        for j, step in enumerate(getattr(ex, "steps", None) or []):
            yield Passage(base + ("steps", j), step)


def variant_passages(lesson: model.Lesson) -> Iterator[tuple[str, list[Passage]]]:
    """(variant id, what students read in its place): the `student` texts a variant gives its
    activities, each at its place in the file."""
    for vid, v in lesson.variants.items():
        passages = [Passage(("variants", vid, "activities", k, name, "student"), change.student)
                    for k, (name, change) in enumerate(v.steps()) if change.student]
        if passages:
            yield vid, passages


def _grade(text: str) -> float:
    from .readability import flesch_kincaid_grade  # textstat's formula, without importing textstat

    return flesch_kincaid_grade(text)


def _score(f: "YamlFile", what: str, passages: list[Passage], target: float, first: tuple[Any, ...]) -> list[Problem]:
    texts = [(p, _plain(p.text)) for p in passages]
    body = " ".join(t for _, t in texts if t)
    if not body:
        return []
    grade = _grade(body)
    if grade <= target:
        return []
    out = [_warn(f, first, f"{what} reads at grade {grade:.1f}, above the pack's audience_grade {target:g}; "
                           "shorten the hardest sentences (listed next) or use plainer words")]
    sentences: list[tuple[float, int, Passage, str]] = []
    for n, (p, t) in enumerate(texts):
        for s in SENTENCE.split(t):
            if len(s.split()) >= 4:
                sentences.append((_grade(s), n, p, s))
    sentences.sort(key=lambda x: (-x[0], x[1]))
    for g, _, p, s in sentences[:HARDEST]:
        short = s if len(s) <= 140 else s[:137].rstrip() + "..."
        out.append(_warn(f, p.path, f"hard sentence (grade {g:.1f}) in {what}: \"{short}\""))
    return out


def reading_level(loaded: "Loaded") -> list[Problem]:
    pack = loaded.pack
    target = pack.info.lints.audience_grade
    if target is None:
        return []
    out: list[Problem] = []
    for lesson in pack.lessons:
        shown = loaded.origin.get(("lesson", lesson.id))
        if shown:
            out += _score(loaded.files[shown], f"lesson {lesson.id}", list(lesson_passages(lesson)), target, ("summary",))
            for vid, passages in variant_passages(lesson):
                if sum(len(p.text.split()) for p in passages) < VARIANT_WORDS:
                    continue  # "Do exercises 1 and 2 below." has no reading level worth the name
                out += _score(loaded.files[shown], f"lesson {lesson.id}'s variant '{vid}' (its student texts)",
                              passages, target, passages[0].path)
    shown = loaded.origin.get(("glossary", ""))
    if shown and pack.glossary:
        passages = [Passage(("terms", i, "definition"), t.definition) for i, t in enumerate(pack.glossary)]
        out += _score(loaded.files[shown], "the glossary definitions", passages, target, ("terms",))
    return out


# ------------------------------------------------------------------ re-check

def recheck_due(pack: model.Pack, today: dt.date | None = None) -> set[str]:
    """Ids of claims due for a re-check on `today` (default: lint_date())."""
    days = pack.info.lints.recheck_after
    if days is None:
        return set()
    today = today or lint_date()
    return {c.id for c in pack.claims if (today - c.checked_as_of).days > days}


def build_date(pack: model.Pack) -> dt.date:
    """The date a build marks re-checks against: SOURCE_DATE_EPOCH if set, else the pack's latest
    date (as build.py stamps it), so the same pack always renders the same register."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return lint_date()
    dates = [c.checked_as_of for c in pack.claims]
    for s in pack.sources:
        dates += [d for d in (s.published, s.republished) if d]
    for lesson in pack.lessons:
        dates += [e.as_of for e in lesson.exercises if getattr(e, "as_of", None)]
    return max(dates) if dates else dt.date(2000, 1, 1)


def recheck_due_at_build(pack: model.Pack) -> set[str]:
    """Claims the teacher register marks as due for a re-check (see build_date)."""
    return recheck_due(pack, build_date(pack))


def recheck(loaded: "Loaded", today: dt.date) -> list[Problem]:
    pack = loaded.pack
    shown = loaded.origin.get(("claims", ""))
    due = recheck_due(pack, today)
    if not shown or not due:
        return []
    f = loaded.files[shown]
    days = pack.info.lints.recheck_after
    return [_warn(f, ("claims", i, "checked_as_of"),
                  f"claim {c.id} was last checked on {c.checked_as_of.isoformat()}, more than {days} days before "
                  f"{today.isoformat()}; re-check it against its references and update checked_as_of")
            for i, c in enumerate(pack.claims) if c.id in due]
