"""The lesson-pack model: one pydantic class per concept.

Fields that hold answers, keys or teacher notes are declared with `teacher()`. This module only
*marks* them; `edition.py` alone decides what each audience sees.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from .fields import COR_LEVELS, Confidence, Id, Image, ParaId, ParaRef, PartialDate, Provenance, Strict, Text, teacher  # noqa: F401
from .text import INLINE_QUOTE
from .kinds import AUTO_GRADED, EXERCISE_KINDS, Exercise, ExerciseBase, Rubric, RubricCriterion  # noqa: F401

# ---------------------------------------------------------------- URLs (issue 12.1)
# Addresses from a pack end up in href attributes and MkDocs' site_url: only http(s) and relative
# ones, and nothing a browser would read differently from us (whitespace, quotes, angle brackets).
_URL_BAD_CHARS = set(' "<>\\`') | {chr(c) for c in range(0x20)} | {"\x7f"}


def _url_problem(value: str) -> str | None:
    bad = sorted({c for c in value if c in _URL_BAD_CHARS})
    if bad:
        return f"must not contain {', '.join(repr(c) for c in bad)} (encode a space as %20)"
    return None


def _absolute_url(value: str) -> str:
    problem = _url_problem(value)
    parts = urlsplit(value) if problem is None else None
    if problem is None and parts is not None and (parts.scheme not in ("http", "https") or not parts.hostname):
        problem = "must be an absolute http:// or https:// address"
    if problem is not None:
        raise PydanticCustomError("url", f"{problem}, such as https://example.org/course/, not {value!r}")
    return value


def _link_url(value: str) -> str:
    problem = _url_problem(value)
    if problem is None:
        parts = urlsplit(value)
        if parts.scheme and parts.scheme not in ("http", "https"):
            problem = f"may only be an http://, https:// or relative address, not a '{parts.scheme}:' one"
        elif parts.scheme and not parts.hostname:
            problem = "needs a host name after http:// or https://"
        elif not parts.scheme and value.startswith("//"):
            problem = "must start with http:// or https:// (or be relative to the site)"
    if problem is not None:
        raise PydanticCustomError("url", f"{problem}; not {value!r}")
    return value


AbsoluteUrl = Annotated[str, AfterValidator(_absolute_url)]
LinkUrl = Annotated[str, StringConstraints(min_length=1), AfterValidator(_link_url)]




# ---------------------------------------------------------------- pack.yml

class SiteOptions(Strict):
    public_url: AbsoluteUrl | None = Field(None, description="Where the student site will be hosted (an absolute http(s) address); enables QR codes on worksheets.")
    student_title: str | None = None
    teacher_title: str | None = None
    paper: Literal["a4", "letter"] = "a4"
    generic_pages: bool = Field(True, description="Include the generic hand-written pages of docs/ (for students, for "
                                "teachers, writing lessons); false: only the pack's own pages (lessons/pages/).")


class LintOptions(Strict):
    """Targets for `casefile check`'s content lints (generator/lints.py)."""

    audience_grade: Annotated[float, Field(ge=1, le=18)] | None = Field(
        None, description="Reading level students' text should not exceed (US school grade, e.g. 9); "
        "leave out to skip the reading-level lint.")
    recheck_after: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        None, description="Days after a claim's checked_as_of when it is due for a re-check; "
        "leave out to skip the re-check lint.")


class SensitivityTopic(str, Enum):
    violence = "violence"
    terrorism = "terrorism"
    death = "death"
    war = "war"
    children = "children"
    religion = "religion"
    conspiracy_theories = "conspiracy_theories"
    graphic_images = "graphic_images"
    other = "other"


class Sensitivity(Strict):
    """What in a lesson or source may upset or need care; teachers see it first, students a short note."""

    topics: list[SensitivityTopic] = Field(min_length=1)
    note: Text = Field(description="A short, neutral note shown to students and teachers alike.")
    teacher_note: str | None = teacher(None, description="How to prepare or adapt the lesson.")


class Workshop(Strict):
    title: Text
    lessons: list[Id] = Field(min_length=1, description="Lessons used in the workshop, in order.")
    minutes: Annotated[int, Field(ge=1, le=1440)] = 180
    guide: str | None = Field(None, description="Hand-written facilitator guide: a page of the pack's pages/ folder or of docs/ (e.g. teacher/facilitator-guide.md).")


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
    main_source: Id | None = Field(None, description="With several sources: the one a lesson or claim without "
                                   "'source:' uses (the others are named where they are used).")
    site: SiteOptions = SiteOptions()
    workshop: Workshop | None = None
    lints: LintOptions = LintOptions()
    variants: dict[Id, Id] = Field({}, description="The variant each lesson is taught in (lesson id: variant id, "
                                   "e.g. 03-tracing-claims: short); `casefile build --variant` wins.")


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
    image = "image"


class Paragraph(Strict):
    id: ParaId
    kind: ParagraphKind = ParagraphKind.body
    text: Text | None = Field(None, description="The words as published (an image paragraph has none: its "
                              "words are its image's caption).")
    image: Image | None = Field(None, description="An image shown as this paragraph (kind: image); its caption is "
                                "the paragraph's text for quotes, highlights and claims.")
    inserted: bool = Field(False, description="Added (or moved) by a re-import after the ids were given: its id "
                           "keeps its number, so it need not follow the order of the others.")
    _source_id: str | None = PrivateAttr(None)  # set by the Source that holds it

    @model_validator(mode="after")
    def _image_or_text(self) -> "Paragraph":
        if self.image is not None:
            if self.text is not None and self.text != self.image.caption:  # (equal: a dump read back)
                raise PydanticCustomError("image_text", "an image paragraph's words are its caption: move 'text' "
                                          "into image.caption (or remove 'image')")
            if self.kind not in (ParagraphKind.body, ParagraphKind.image):
                raise PydanticCustomError("image_kind", "a paragraph with an image has kind 'image' (or no kind)")
            self.kind = ParagraphKind.image
            self.text = self.image.caption
        elif self.text is None:
            raise PydanticCustomError("text_missing", "a paragraph needs 'text' (or an 'image' with its caption)")
        elif self.kind == ParagraphKind.image:
            raise PydanticCustomError("image_missing", "kind 'image' needs an 'image:' (file, alt, caption, provenance)")
        return self

    @property
    def source_id(self) -> str | None:
        """The id of the source this paragraph belongs to."""
        return self._source_id


class Source(Strict):
    id: Id
    title: Text
    author: Text
    publisher: Text
    published: dt.date = Field(description="Date of first publication.")
    republished: dt.date | None = Field(None, description="Date of the copy reproduced here, if it is a republication.")
    url: LinkUrl = Field(description="URL of the copy reproduced here (http, https or relative).")
    original_url: LinkUrl | None = None
    attribution: Text = Field(description="The credit line the publisher asks for.")
    license_note: Text
    sensitivity: Sensitivity | None = None
    paragraphs: list[Paragraph] = Field(min_length=1)

    @model_validator(mode="after")
    def _own_paragraphs(self) -> "Source":
        for p in self.paragraphs:
            p._source_id = self.id
        return self


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
    inaccurate = "inaccurate"
    overstated = "overstated"
    disputed = "disputed"
    unsubstantiated = "unsubstantiated"
    not_checkable = "not_checkable"


class Claim(Strict):
    """A claim in a source. The whole register is teacher material; students see only quotes
    through exercises that cite claims."""

    id: Id
    source: Id | None = Field(None, description="Source id; may be left out when the pack has one source.")
    paragraph: ParaRef = Field(description="p3, or ID:p3 (the same as source: ID with paragraph: p3).")
    quote: Text = Field(description="Exact span of the paragraph text.")
    claimant: Text = teacher(..., description="Who makes the claim.")
    relies_on: Text = teacher(..., description="What the claim rests on, as the article presents it.")
    type: ClaimType = teacher(...)
    status: ClaimStatus = teacher(...)
    confidence: Confidence = teacher(...)
    note: Text = teacher(..., description="Teacher note: what the record says and how to teach it.")
    references: list[Id] = teacher([], description="Reference ids behind the note.")
    party: str | None = teacher(None, description="Whose side the claimant speaks for, in the words the "
                                "references use for `account` (the balance lint compares them).")
    checked_as_of: dt.date = teacher(...)
    draft: bool = teacher(False, description="A candidate claim found by `casefile import`/`new pack`, not checked "
                          "yet: its teacher fields are placeholders. Check it, then remove this line.")

    @model_validator(mode="after")
    def _split_paragraph(self) -> "Claim":
        named, pid = split_ref(self.paragraph)
        if named is not None:  # paragraph: coverage:p3 is source: coverage, paragraph: p3
            if self.source not in (None, named):
                raise PydanticCustomError("claim_source", f"the claim names source '{self.source}' but its paragraph "
                                          f"'{self.paragraph}' is in '{named}'; keep one of them")
            self.source, self.paragraph = named, pid
        return self


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
    url: LinkUrl | None = None
    read: Literal["original", "copy"] = Field(alias="copy", description="Was the original read, or a copy (syndicated, archived, quoted)?")
    seen_via: str | None = Field(None, description="Where the copy was read, when copy is 'copy'.")
    url_copy_of: str | None = Field(None, description="When url is a copy: whose copy it is (the site hosting it and what it copies).")
    url_party: str | None = Field(None, description="When the copy at url sits on an outlet that is itself a party to "
                                  "the story (e.g. state media of a government the lessons discuss): say so; shown beside the link.")
    url_note: str | None = Field(None, description="Why there is no url, or what else to know about it (e.g. 'no address found').")
    account: str | None = Field(None, description="Whose account this is: e.g. 'government of the United States', "
                                "'independent media', 'researcher'. The balance lint compares it with a claim's party.")
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
    id: Id | None = Field(None, description="Names the activity for a lesson's variants (e.g. warm-up).")
    kind: ActivityKind
    title: Text
    minutes: Annotated[int, Field(ge=1, le=600)]
    description: Text = teacher(..., "How to run the activity, for the teacher.")
    student: Text | None = Field(None, description="What students do, written to them; the student edition "
                                 "shows this instead of the teacher's description.")
    exercises: list[Id] = Field([], description="Exercises done in this activity.")


# ---------------------------------------------------------------- variants and skills (issue 14.3, 14.6)

VariantMinutes = Annotated[int, Field(ge=1, le=600)]


class ActivityChange(Strict):
    """How an activity differs in a variant; what is left out stays as the activity has it."""

    minutes: VariantMinutes | None = None
    description: Text | None = Field(None, description="How to run it in this variant, for the teacher.")
    student: Text | None = Field(None, description="What students do in this variant.")


def _activity_entries(value: Any) -> Any:
    """`- warm_up`, `- reading: 8` and `- reading: {minutes: 8, ...}` all become {name: change},
    so every mistake is reported at its place as one plain message."""
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        if isinstance(item, str):
            out.append({item: {}})
        elif isinstance(item, dict) and len(item) == 1:
            name, change = next(iter(item.items()))
            out.append({name: change if isinstance(change, dict) else {"minutes": change}})
        else:
            out.append(item)
    return out


VariantStepInput = Id | dict[Id, VariantMinutes | ActivityChange]


class Variant(Strict):
    """A shorter (or longer) path through a lesson: which activities, and which exercises."""

    title: Text = Field(description="What the teacher sees, e.g. '45 minutes'.")
    minutes: VariantMinutes
    activities: Annotated[list[Annotated[dict[Id, ActivityChange], Field(min_length=1, max_length=1)]],
                          BeforeValidator(_activity_entries, json_schema_input_type=list[VariantStepInput])] = Field(
        min_length=1, description="Activities in order, each by its id, or by its kind when the lesson has one "
        "activity of that kind (warm_up, reading, exercises, discussion, exit_ticket, other); write "
        "`kind: minutes` (or `kind: {minutes: 15, student: ...}`) for one that is different in this variant.")
    exercises: list[Id] | None = Field(None, description="The exercises done; leave out for every exercise "
                                       "but those of the activities the variant leaves out.")
    note: Text | None = Field(None, description="What changes, for the teacher.")

    def steps(self) -> list[tuple[str, ActivityChange]]:
        """(activity name, how it changes in this variant)."""
        return [next(iter(a.items())) for a in self.activities]


class Skill(Strict):
    id: Id
    name: Text
    description: Text
    group: Text | None = Field(None, description="A family of skills, e.g. SIFT or COR.")


class SkillList(Strict):
    skills: list[Skill]


class Lesson(Strict):
    id: Id
    title: Text
    summary: Text
    audience: Text
    duration: Annotated[int, Field(ge=1, le=600)] = Field(description="Minutes.")
    source: Id | None = Field(None, description="The source bare paragraph ids (p3) and quotes ([[p3|…]]) mean; "
                              "leave out for the pack's main source.")
    sources: list[Id] = Field([], description="The sources the lesson uses (cite the others as ID:p3, [[ID:p3|…]]); "
                              "without 'source:', the first of these is the lesson's own.")
    objectives: list[Text] = Field(min_length=1)
    key_points: list[Text] = Field(min_length=1)
    vocabulary: list[Id] = []
    focus_paragraphs: list[ParaRef] = []
    materials: list[Text] = []
    activities: list[Activity] = Field(min_length=1)
    discussion: list[Text] = []
    teacher_notes: str | None = teacher(None, description="Notes for whoever teaches the lesson.")
    sensitivity: Sensitivity | None = None
    extensions: list[Text] = []
    exercises: list[Exercise] = []
    skills: list[Id] = Field([], description="Skills the lesson teaches (ids from skills.yml).")
    variants: dict[Id, Variant] = teacher({}, description="Shorter or longer paths through the lesson, by id "
                                          "(e.g. short); the teacher picks one with pack.yml's variants or --variant.")
    _variant: str | None = PrivateAttr(None)  # the variant this lesson was reduced to (variants.view)
    _full_duration: int | None = PrivateAttr(None)
    _whole: "Lesson | None" = PrivateAttr(None)  # the lesson before variants.view reduced it

    @property
    def whole(self) -> "Lesson":
        """The whole lesson, also once reduced to a variant."""
        return self._whole or self

    @property
    def built_variant(self) -> str | None:
        return self._variant

    @property
    def full_duration(self) -> int:
        """Minutes of the whole lesson, also once reduced to a variant."""
        return self._full_duration or self.duration


class Pack(BaseModel):
    """Everything loaded from a lesson folder, cross-checked."""

    model_config = ConfigDict(extra="forbid")

    info: PackInfo
    sources: list[Source]
    claims: list[Claim]
    references: list[Reference]
    glossary: list[GlossaryTerm]
    lessons: list[Lesson]
    skills: list[Skill] = []
    # The pack's validated media files (generator/media.py): path as written ("media/x.png") -> bytes
    media: dict[str, bytes] = Field(default_factory=dict)
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
        """The lesson's own source: what a bare `p3` means in it."""
        return self.source(lesson.source or (lesson.sources[0] if lesson.sources else None))

    def lesson_sources(self, lesson: Lesson) -> list[Source]:
        """Every source the lesson uses: its own first, then `sources:`, then any other it cites."""
        ids = [self.lesson_source(lesson).id, *lesson.sources, *sorted(cited_sources(lesson))]
        known = self._by_id("sources")
        return [known[i] for i in dict.fromkeys(ids) if i in known]

    def lesson_paragraphs(self, lesson: Lesson) -> dict[str, Paragraph]:
        """Paragraph reference -> paragraph, as a lesson may write them: `p3` (its own source) and
        `ID:p3` (any source of the pack, its own too)."""
        own = self.lesson_source(lesson)
        out: dict[str, Paragraph] = {p.id: p for p in own.paragraphs}
        for s in self.sources:
            out.update({f"{s.id}:{p.id}": p for p in s.paragraphs})
        return out

    def claim(self, claim_id: str) -> Claim:
        return self._by_id("claims")[claim_id]

    def term(self, term_id: str) -> GlossaryTerm:
        return self._by_id("glossary")[term_id]

    def reference(self, ref_id: str) -> Reference:
        return self._by_id("references")[ref_id]

    def skill(self, skill_id: str) -> Skill:
        return self._by_id("skills")[skill_id]


def split_ref(ref: str) -> tuple[str | None, str]:
    """`coverage:p3` -> ("coverage", "p3"); `p3` -> (None, "p3")."""
    src, _, pid = ref.rpartition(":")
    return (src or None), pid


_REF_FIELDS = ("paragraph", "paragraphs", "focus_paragraphs")


def cited_refs(lesson: Lesson) -> set[str]:
    """The `ID:p3` references in the lesson's paragraph fields and inline quotes ([[ID:p3|…]])."""
    out: set[str] = set()
    stack: list[Any] = [lesson.model_dump(mode="json")]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                refs = [v] if isinstance(v, str) else v if isinstance(v, list) else []
                if k in _REF_FIELDS:
                    out.update(r for r in refs if isinstance(r, str) and ":" in r)
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and "[[" in node:
            out.update(f"{m['src']}:{m['para']}" for m in INLINE_QUOTE.finditer(node) if m["src"])
    return out


def cited_sources(lesson: Lesson) -> set[str]:
    """Source ids named in the lesson's paragraph references (`ID:p3`) and inline quotes ([[ID:p3|…]])."""
    return {r.split(":")[0] for r in cited_refs(lesson)}


# Top-level file kinds, for the JSON schema writer and the loader.
FILE_MODELS: dict[str, type[BaseModel]] = {
    "pack": PackInfo,
    "source": Source,
    "claims": ClaimRegister,
    "references": ReferenceRegister,
    "glossary": Glossary,
    "lesson": Lesson,
    "skills": SkillList,
}
