"""A synthetic lesson pack of any size, for the benchmarks.

`make_pack(dest, n_lessons)` writes a valid pack folder (it passes `casefile check`):
a long source (300 numbered paragraphs of plausible news prose by default), a claim register whose
quotes are exact spans of the source, references, a glossary, and N lessons that each use every
exercise kind (single and multiple choice, classify, highlight, order, match, short answer, claim
audit, lateral reading), with inline quotes `[[pN|words]]`, vocabulary and focus paragraphs.

Deterministic: the same (n_lessons, seed, ...) always writes byte-identical files.

    python bench/synth.py OUT_DIR N [--seed 1] [--paragraphs 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

# ---------------------------------------------------------------- plausible prose

SUBJECTS = [
    "the ministry", "a senior official", "the regional governor", "local reporters", "the spokesperson",
    "an unnamed source", "the opposition party", "the harbour authority", "several witnesses", "the agency",
    "a former adviser", "the press office", "independent analysts", "the committee", "a think tank",
    "the state broadcaster", "a retired general", "the mayor's office", "human rights groups", "the company",
]
VERBS = [
    "said", "claimed", "denied", "suggested", "reported", "alleged", "insisted", "confirmed", "argued",
    "warned", "admitted", "noted", "announced", "hinted", "stated",
]
OBJECTS = [
    "that the shipment arrived late", "that funding had been diverted", "that the convoy was never inspected",
    "that the documents were forged", "that the figures were inflated", "that talks had collapsed",
    "that the border crossing was closed", "that the report was withheld", "that the contract was renewed",
    "that the vote was postponed", "that aid had reached the villages", "that the evidence was destroyed",
    "that the helicopters flew at night", "that the meeting never took place", "that the budget doubled",
]
TAILS = [
    "according to people familiar with the matter", "without offering any evidence", "in a written statement",
    "citing an internal memo", "during a televised interview", "in a post that was later deleted",
    "after weeks of silence", "on the condition of anonymity", "in remarks to a local newspaper",
    "while declining to give details", "in a report published on Tuesday", "at a crowded press conference",
]
OPENERS = [
    "Critics say", "It remains unclear whether", "Observers point out that", "Some commentators ask whether",
    "Records show that", "Few outlets mentioned that", "Officials have not explained why",
    "Documents seen by this outlet suggest that", "Nobody has yet confirmed that",
]
CLAUSES = [
    "the timeline does not add up", "the same photo circulated years earlier", "the original quote was longer",
    "the numbers come from a single survey", "the witness later changed her account",
    "the claim first appeared on an anonymous forum", "the agency had a financial interest",
    "the map in the video is of another region", "the translation drops a key qualifier",
    "the story was repeated by a dozen sites within an hour",
]
QUESTIONS = [
    "Who benefits from this story?", "Why would they keep it quiet?", "Is this a coincidence?",
    "What are they not telling us?", "Why now?",
]
HEADINGS = ["Background", "A contested history", "What the records say", "The allegations", "Follow the money",
            "Questions remain", "The view from the region", "What comes next"]
FURNITURE = ["Subscribe to our newsletter for daily updates.", "Share this article on social media.",
             "Support independent journalism: donate today.", "Related: ten stories you missed this week."]
WORDS = ("source claim evidence record witness report memo outlet context motive allegation quote "
         "timeline archive document citation headline caption byline photo translation survey statement").split()


def _sentence(r: random.Random) -> str:
    roll = r.random()
    if roll < 0.55:
        s = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)}, {r.choice(TAILS)}."
    elif roll < 0.85:
        s = f"{r.choice(OPENERS)} {r.choice(CLAUSES)}."
    else:
        s = r.choice(QUESTIONS)
    return s[0].upper() + s[1:]


def _para_text(r: random.Random, kind: str, n: int) -> str:
    if kind == "heading":
        return f"{r.choice(HEADINGS)} ({n})"
    if kind == "furniture":
        return r.choice(FURNITURE)
    if kind == "quote":
        return f'"{_sentence(r)[:-1]}," {r.choice(SUBJECTS)} {r.choice(VERBS)}.'
    return " ".join(_sentence(r) for _ in range(r.randint(2, 5)))


def _words(r: random.Random, lo: int, hi: int) -> str:
    w = " ".join(r.choice(WORDS) for _ in range(r.randint(lo, hi)))
    return w[0].upper() + w[1:]


def _span(r: random.Random, text: str) -> str:
    """An exact run of 3 to 7 words of text (quotes must match word for word)."""
    words = text.split()
    k = min(len(words), r.randint(3, 7))
    i = r.randint(0, len(words) - k)
    return " ".join(words[i:i + k])


# ---------------------------------------------------------------- files

def _dump(data: Any, path: Path) -> None:
    y = YAML(typ="rt")
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    y.dump(data, path)


def _rubric(r: random.Random, n: int = 2) -> dict[str, Any]:
    return {"criteria": [{"criterion": _words(r, 3, 6),
                          "levels": {"Proficient": _words(r, 5, 10) + ".", "Emergent": _words(r, 4, 8) + ".",
                                     "Basic": _words(r, 3, 6) + "."}} for _ in range(n)]}


def _lesson(r: random.Random, i: int, lid: str, paras: list[dict[str, str]], term_ids: list[str],
            claim_ids: list[str]) -> dict[str, Any]:
    body = [p for p in paras if p["kind"] == "body"]
    focus = r.sample(body, 3)
    pre = f"l{i:03d}"

    def quote() -> str:
        p = r.choice(focus)
        return f"[[{p['id']}|{_span(r, p['text'])}]]"

    hl = r.choice(body)
    cl = r.sample(claim_ids, min(2, len(claim_ids)))
    ex: list[dict[str, Any]] = [
        {"id": f"{pre}-choice", "type": "choice", "feedback": "instant", "points": 2,
         "prompt": f"Who makes the claim in {quote()}?", "paragraphs": [focus[0]["id"]],
         "options": [{"id": o, "text": _words(r, 2, 6), "why": _words(r, 6, 14) + "."} for o in "abcd"],
         "answer": r.choice("abcd"), "explanation": _words(r, 10, 20) + "."},
        {"id": f"{pre}-multi", "type": "choice", "multiple": True,
         "prompt": "Which of these are checkable facts?",
         "options": [{"id": o, "text": _sentence(r), "why": _words(r, 6, 14) + "."} for o in "abcde"],
         "answer": sorted(r.sample("abcde", 2)), "explanation": _words(r, 10, 20) + "."},
        {"id": f"{pre}-classify", "type": "classify", "feedback": r.choice(["instant", "teacher"]),
         "prompt": "Sort each statement.",
         "categories": [{"id": "fact", "label": "Checkable fact"}, {"id": "motive", "label": "Motive claim"},
                        {"id": "opinion", "label": "Opinion"}],
         "items": [{"id": f"i{k}", "text": _sentence(r), "answer": r.choice(["fact", "motive", "opinion"]),
                    "why": _words(r, 6, 12) + "."} for k in range(1, 6)]},
        {"id": f"{pre}-highlight", "type": "highlight", "prompt": "Mark the words that name the source.",
         "paragraph": hl["id"], "answers": [{"text": _span(r, hl["text"]), "why": _words(r, 6, 12) + "."}]},
        {"id": f"{pre}-order", "type": "order", "prompt": "Put the chain of reports in order, origin first.",
         "items": [{"id": f"s{k}", "text": _words(r, 2, 5)} for k in (3, 1, 4, 2)],
         "answer": ["s1", "s2", "s3", "s4"], "why": _words(r, 10, 20) + "."},
        {"id": f"{pre}-match", "type": "match", "prompt": "Match each term to its meaning.",
         "left": [{"id": f"m{k}", "text": _words(r, 1, 3)} for k in range(1, 5)],
         "right": [{"id": f"d{k}", "text": _words(r, 3, 8)} for k in range(1, 6)],
         "answer": [{"left": f"m{k}", "right": f"d{k}", "why": _words(r, 5, 10) + "."} for k in range(1, 5)]},
        {"id": f"{pre}-short", "type": "short_answer", "points": 4, "lines": 6,
         "prompt": f"Why might the writer include {quote()}?", "rubric": _rubric(r),
         "model_answer": " ".join(_sentence(r) for _ in range(3))},
        {"id": f"{pre}-audit", "type": "claim_audit", "points": 6, "prompt": "Audit these claims.",
         "claims": cl, "rubric": _rubric(r),
         "key": [{"claim": c, "evidence": _words(r, 6, 12), "source": _words(r, 3, 6),
                  "other_sources": _words(r, 8, 16), "confidence": r.choice(["high", "medium", "low", "unverified"])}
                 for c in cl],
         "model_answer": " ".join(_sentence(r) for _ in range(4))},
        {"id": f"{pre}-lateral", "type": "lateral_reading", "points": 4,
         "prompt": "Find out who publishes this outlet.", "task": _words(r, 8, 14) + ".",
         "steps": ["Open a new tab.", "Search the outlet's name with the word funding.", "Read what others say."],
         "as_of": dt.date(2024, 1 + r.randrange(12), 1 + r.randrange(28)), "rubric": _rubric(r),
         "finds": _words(r, 15, 30) + ".", "model_answer": " ".join(_sentence(r) for _ in range(3))},
    ]
    ids = [e["id"] for e in ex]
    return {
        "id": lid,
        "title": f"Lesson {i}: {_words(r, 2, 5)}",
        "summary": _sentence(r),
        "audience": "Students aged 14 to 18",
        "duration": 50,
        "objectives": [_words(r, 5, 10) + "." for _ in range(3)],
        "key_points": [f"{_words(r, 4, 8)}: {quote()}." for _ in range(3)],
        "vocabulary": r.sample(term_ids, min(4, len(term_ids))),
        "focus_paragraphs": [p["id"] for p in sorted(focus, key=lambda p: int(p["id"][1:]))],
        "materials": ["The article page", "A device with a browser"],
        "activities": [
            {"kind": "warm_up", "title": "Warm-up", "minutes": 5, "description": _sentence(r)},
            {"kind": "reading", "title": "Read closely", "minutes": 10, "description": _sentence(r)},
            {"kind": "exercises", "title": "Exercises", "minutes": 25, "description": _sentence(r), "exercises": ids},
            {"kind": "discussion", "title": "Discuss", "minutes": 5, "description": _sentence(r)},
            {"kind": "exit_ticket", "title": "Exit ticket", "minutes": 5, "description": _sentence(r)},
        ],
        "discussion": [r.choice(QUESTIONS) for _ in range(2)],
        "teacher_notes": " ".join(_sentence(r) for _ in range(4)) + f" See {quote()}.",
        "extensions": [_sentence(r)],
        "exercises": ex,
    }


def lesson_file(i: int) -> str:
    """The file name (without .yml) of lesson i. Lesson files must be named NN-slug (two digits), so a
    pack of more than 99 lessons has to reuse numbers; the slug keeps ids unique."""
    return f"{i % 100:02d}-lesson-{i:04d}"


def make_pack(dest: Path, n_lessons: int, *, seed: int = 1, paragraphs: int = 300) -> Path:
    """Write a valid pack of n_lessons lessons into dest (replaced if it exists). Returns dest."""
    r = random.Random(seed)
    claims, terms, references = max(20, 2 * n_lessons), 40 + n_lessons // 5, 10 + n_lessons // 2
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "sources").mkdir(parents=True)

    # source -------------------------------------------------------------
    paras: list[dict[str, str]] = [{"id": "p1", "kind": "headline", "text": "Did they really know? A contested story"},
                                   {"id": "p2", "kind": "dek", "text": _sentence(r)},
                                   {"id": "p3", "kind": "byline", "text": "By A. Writer, Example Outlet, 1 March 2021"}]
    for n in range(4, paragraphs + 1):
        kind = r.choices(["body", "heading", "quote", "furniture"], weights=[80, 6, 10, 4])[0]
        paras.append({"id": f"p{n}", "kind": kind, "text": _para_text(r, kind, n)})
    _dump({"id": "synthetic-source", "title": "Did they really know? A contested story", "author": "A. Writer",
           "publisher": "Example Outlet", "published": dt.date(2021, 3, 1), "republished": dt.date(2021, 3, 9),
           "url": "https://example.org/story", "attribution": "First published by Example Outlet.",
           "license_note": "Synthetic text generated for benchmarks.", "paragraphs": paras},
          dest / "sources" / "story.yml")

    # references, glossary, claims -----------------------------------------
    ref_ids = [f"ref-{k:04d}" for k in range(1, references + 1)]
    _dump({"references": [{"id": rid, "outlet": _words(r, 1, 3), "title": _sentence(r),
                           "date": f"20{r.randint(10, 23)}-{r.randint(1, 12):02d}", "url": f"https://example.org/{rid}",
                           "copy": r.choice(["original", "copy"]), "kind": r.choice(["news_report", "official_record", "research", "investigation"])}
                          for rid in ref_ids]}, dest / "references.yml")
    term_ids = [f"term-{k:04d}" for k in range(1, terms + 1)]
    body = [p for p in paras if p["kind"] == "body"]
    glossary = []
    for k, tid in enumerate(term_ids):
        t: dict[str, Any] = {"id": tid, "term": _words(r, 1, 3), "definition": _words(r, 8, 16) + "."}
        if k % 3 == 0:
            p = r.choice(body)
            t["example"] = f"The article says [[{p['id']}|{_span(r, p['text'])}]]."
        t["see_also"] = [term_ids[(k + 1) % terms]]
        glossary.append(t)
    _dump({"terms": glossary}, dest / "glossary.yml")
    claim_ids = [f"c{k:04d}" for k in range(1, claims + 1)]
    reg = []
    for cid in claim_ids:
        p = r.choice(body)
        reg.append({"id": cid, "paragraph": p["id"], "quote": _span(r, p["text"]), "claimant": r.choice(SUBJECTS),
                    "relies_on": _words(r, 4, 8), "type": r.choice(["checkable_fact", "attributed_allegation", "motive_claim", "opinion"]),
                    "status": r.choice(["accurate", "disputed", "unsubstantiated", "overstated"]),
                    "confidence": r.choice(["high", "medium", "low"]),
                    "note": f"{_sentence(r)} Compare [[{p['id']}|{_span(r, p['text'])}]].",
                    "references": r.sample(ref_ids, 2), "checked_as_of": dt.date(2024, 5, 6)})
    _dump({"claims": reg}, dest / "claims.yml")

    # lessons & pack.yml -------------------------------------------------------
    lids = [lesson_file(i) for i in range(1, n_lessons + 1)]
    for i, lid in enumerate(lids, 1):
        _dump(_lesson(r, i, lid, paras, term_ids, claim_ids), dest / f"{lid}.yml")
    _dump({"id": "synthetic", "title": f"Synthetic pack ({n_lessons} lessons)",
           "description": "A generated pack for benchmarks.", "audience": "Benchmarks", "language": "en",
           "license": "CC0", "version": "1", "authors": ["bench/synth.py"], "lessons": lids,
           "site": {"public_url": "https://example.org/synthetic/"},
           "workshop": {"title": "Synthetic workshop", "lessons": lids[:4], "minutes": 180}},
          dest / "pack.yml")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--paragraphs", type=int, default=300)
    a = ap.parse_args()
    make_pack(a.out, a.n, seed=a.seed, paragraphs=a.paragraphs)
    print(f"wrote {a.n} lessons to {a.out}")


if __name__ == "__main__":
    main()
