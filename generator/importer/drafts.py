"""Candidate claims for a new pack's register: sentences with an attribution ("said", "according
to"), a quotation, a number or a date. They are drafts: their teacher fields are placeholders."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ATTRIBUTION = re.compile(r"\b(said|says|told|according to|claimed|claims|announced|reported|stated|wrote|added|"
                          r"warned|insisted|argued|alleged|accused|denied|confirmed|estimated)\b", re.I)
_QUOTATION = re.compile(r"[“”\"]")
_NUMBER = re.compile(r"\d")
_DATE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
                   r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|(1[89]|20)\d\d)\b")
MAX_DRAFTS = 12


@dataclass
class Candidate:
    paragraph: str
    quote: str
    why: list[str]

    @property
    def type(self) -> str:
        return "attributed_allegation" if ("attribution" in self.why or "quotation" in self.why) else "checkable_fact"


def sentences(text: str) -> list[str]:
    """Sentences as exact spans of the text (so each is a valid quote of its paragraph)."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group(0).rstrip())
        out.append(text[start:end].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def candidates(paragraphs: list[dict[str, Any]]) -> list[Candidate]:
    found = []
    for p in paragraphs:
        if p["kind"] not in ("body", "quote"):
            continue
        for s in sentences(p["text"]):
            if len(s) < 25:
                continue
            why = [name for name, rx in (("attribution", _ATTRIBUTION), ("quotation", _QUOTATION),
                                         ("number", _NUMBER), ("date", _DATE)) if rx.search(s)]
            if why and s in p["text"]:
                found.append(Candidate(p["id"], s, why))
    # the strongest first (most reasons), then in reading order; at most MAX_DRAFTS
    ranked = sorted(range(len(found)), key=lambda i: (-len(found[i].why), i))[:MAX_DRAFTS]
    return [found[i] for i in sorted(ranked)]


def draft_claims(paragraphs: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    out = []
    for n, c in enumerate(candidates(paragraphs), 1):
        out.append({
            "id": f"c{n}",
            "paragraph": c.paragraph,
            "quote": c.quote,
            "claimant": "DRAFT: who makes this claim?",
            "relies_on": "DRAFT: what does the article give as evidence for it?",
            "type": c.type,
            "status": "not_checkable",
            "confidence": "unverified",
            "note": f"DRAFT, not checked yet (found because it has {', '.join(c.why)}). Check it against other "
                    "sources, then set type, status and confidence, write what the record says here, "
                    "and delete the line draft: true.",
            "references": [],
            "checked_as_of": today,
            "draft": True,
        })
    return out
