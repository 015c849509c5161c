"""The lesson-pack model: one pydantic class per concept.

Fields that hold answers, keys or teacher notes are declared with `teacher()`. This module only
*marks* them; `edition.py` alone decides what each audience sees.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from .fields import COR_LEVELS, Confidence, Id, ParaId, PartialDate, Strict, Text, teacher  # noqa: F401
from .kinds import AUTO_GRADED, EXERCISE_KINDS, Exercise, ExerciseBase, Rubric, RubricCriterion  # noqa: F401


# ---------------------------------------------------------------- pack.yml

class SiteOptions(Strict):
    public_url: str | None = Field(None, description="Where the student site will be hosted; enables QR codes on worksheets.")
    student_title: str | None = None
    teacher_title: str | None = None
    paper: Literal["a4", "letter"] = "a4"


class Workshop(Strict):
    title: Text
    lessons: list[Id] = Field(min_length=1, description="Lessons used in the workshop, in order.")
    minutes: Annotated[int, Field(ge=1, le=1440)] = 180
    guide: str | None = Field(None, description="Hand-written facilitator guide, relative to docs/ (e.g. teacher/facilitator-guide.md).")


class PackInfo(Strict):
    id: Id
    title: Text
    description: Text
    audience: Text
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")] = "en"
    license: Text
    version: Text = Field("1", description="Content version; bump it when you change exercises.")
    authors: list[Text] = []
    lessons: list[Id] = Field(description="Lesson ids in teaching order.")
    site: SiteOptions = SiteOptions()
    workshop: Workshop | None = None


# ---------------------------------------------------------------- sources

class ParagraphKind(str, Enum):
    headline = "headline"
    dek = "dek"
    byline = "byline"
    body = "body"
    heading = "heading"
    quote = "quote"
    embed = "embed"
    caption = "caption"
    furniture = "furniture"
    advert = "advert"


class Paragraph(Strict):
    id: ParaId
    kind: ParagraphKind = ParagraphKind.body
    text: Text


class Source(Strict):
    id: Id
    title: Text
    author: Text
    publisher: Text
    published: dt.date = Field(description="Date of first publication.")
    republished: dt.date | None = Field(None, description="Date of the copy reproduced here, if it is a republication.")
    url: Text = Field(description="URL of the copy reproduced here.")
    original_url: str | None = None
    attribution: Text = Field(description="The credit line the publisher asks for.")
    license_note: Text
    paragraphs: list[Paragraph] = Field(min_length=1)


# ---------------------------------------------------------------- claims & references

class ClaimType(str, Enum):
    checkable_fact = "checkable_fact"
    attributed_allegation = "attributed_allegation"
    motive_claim = "motive_claim"
    insinuating_question = "insinuating_question"
    loaded_label = "loaded_label"
    opinion = "opinion"


class ClaimStatus(str, Enum):
    accurate = "accurate"
    accurate_but_truncated = "accurate_but_truncated"
    misquoted = "misquoted"
    overstated = "overstated"
    disputed = "disputed"
    unsubstantiated = "unsubstantiated"
    not_checkable = "not_checkable"


class Claim(Strict):
    """A claim in a source. The whole register is teacher material; students see only quotes
    through exercises that cite claims."""

    id: Id
    source: Id | None = Field(None, description="Source id; may be left out when the pack has one source.")
    paragraph: ParaId
    quote: Text = Field(description="Exact span of the paragraph text.")
    claimant: Text = teacher(..., description="Who makes the claim.")
    relies_on: Text = teacher(..., description="What the claim rests on, as the article presents it.")
    type: ClaimType = teacher(...)
    status: ClaimStatus = teacher(...)
    confidence: Confidence = teacher(...)
    note: Text = teacher(..., description="Teacher note: what the record says and how to teach it.")
    references: list[Id] = teacher([], description="Reference ids behind the note.")
    checked_as_of: dt.date = teacher(...)


class ReferenceKind(str, Enum):
    official_record = "official_record"
    official_statement = "official_statement"
    news_report = "news_report"
    investigation = "investigation"
    state_media = "state_media"
    rating = "rating"
    research = "research"
    social_media = "social_media"
    book = "book"
    other = "other"


class Reference(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: Id
    outlet: Text
    title: Text
    date: PartialDate | None = None
    url: str | None = None
    read: Literal["original", "copy"] = Field(alias="copy", description="Was the original read, or a copy (syndicated, archived, quoted)?")
    seen_via: str | None = Field(None, description="Where the copy was read, when copy is 'copy'.")
    kind: ReferenceKind


class ClaimRegister(Strict):
    claims: list[Claim]


class ReferenceRegister(Strict):
    references: list[Reference]


class GlossaryTerm(Strict):
    id: Id
    term: Text
    definition: Text
    example: str | None = None
    see_also: list[Id] = []


class Glossary(Strict):
    terms: list[GlossaryTerm]


# ---------------------------------------------------------------- exercises
# Each exercise kind (its model class, labels, checks, keys, scoring, export mapping, templates and
# browser code) lives in generator/kinds/<kind>/; the registry there makes the `Exercise` union.


# ---------------------------------------------------------------- lessons

class ActivityKind(str, Enum):
    warm_up = "warm_up"
    reading = "reading"
    exercises = "exercises"
    discussion = "discussion"
    exit_ticket = "exit_ticket"
    other = "other"


class Activity(Strict):
    kind: ActivityKind
    title: Text
    minutes: Annotated[int, Field(ge=1, le=600)]
    description: Text = teacher(..., "How to run the activity, for the teacher.")
    student: Text | None = Field(None, description="What students do, written to them; the student edition "
                                 "shows this instead of the teacher's description.")
    exercises: list[Id] = Field([], description="Exercises done in this activity.")


class Lesson(Strict):
    id: Id
    title: Text
    summary: Text
    audience: Text
    duration: Annotated[int, Field(ge=1, le=600)] = Field(description="Minutes.")
    source: Id | None = None
    objectives: list[Text] = Field(min_length=1)
    key_points: list[Text] = Field(min_length=1)
    vocabulary: list[Id] = []
    focus_paragraphs: list[ParaId] = []
    materials: list[Text] = []
    activities: list[Activity] = Field(min_length=1)
    discussion: list[Text] = []
    teacher_notes: str | None = teacher(None, description="Notes for whoever teaches the lesson.")
    extensions: list[Text] = []
    exercises: list[Exercise] = []


class Pack(BaseModel):
    """Everything loaded from a lesson folder, cross-checked."""

    model_config = ConfigDict(extra="forbid")

    info: PackInfo
    sources: list[Source]
    claims: list[Claim]
    references: list[Reference]
    glossary: list[GlossaryTerm]
    lessons: list[Lesson]
    # id -> item per list, rebuilt whenever the list object changes (edition.view assigns new lists)
    _index: dict[str, tuple[list[Any], dict[str, Any]]] = PrivateAttr(default_factory=dict)

    # convenient look-ups (by id, in constant time: lessons look up claims and terms) -------------
    def _by_id(self, name: str) -> dict[str, Any]:
        items = getattr(self, name)
        hit = self._index.get(name)
        if hit is None or hit[0] is not items:
            hit = (items, {x.id: x for x in reversed(items)})  # reversed: the first of duplicates wins
            self._index[name] = hit
        return hit[1]

    def source(self, source_id: str | None = None) -> Source:
        if source_id is None:
            return self.sources[0]
        return self._by_id("sources")[source_id]

    def lesson_source(self, lesson: Lesson) -> Source:
        return self.source(lesson.source)

    def claim(self, claim_id: str) -> Claim:
        return self._by_id("claims")[claim_id]

    def term(self, term_id: str) -> GlossaryTerm:
        return self._by_id("glossary")[term_id]

    def reference(self, ref_id: str) -> Reference:
        return self._by_id("references")[ref_id]


# Top-level file kinds, for the JSON schema writer and the loader.
FILE_MODELS: dict[str, type[BaseModel]] = {
    "pack": PackInfo,
    "source": Source,
    "claims": ClaimRegister,
    "references": ReferenceRegister,
    "glossary": Glossary,
    "lesson": Lesson,
}
