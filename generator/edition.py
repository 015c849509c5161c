"""The one place that decides what each audience sees.

Teacher-only material is *removed* from the model before anything is rendered; nothing is hidden
with CSS. Fields are marked teacher-only in model.py with `teacher()`; this module acts on the mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel

from . import model

Edition = Literal["student", "teacher"]
EDITIONS: tuple[Edition, ...] = ("student", "teacher")



@dataclass(frozen=True)
class Policy:
    """Everything that differs by edition, as data. Templates and adapters ask this object
    (`policy.keys`, `"claims" in policy.pages`); nothing else compares edition names."""

    edition: Edition
    keys: bool                       # answer keys, whys, model answers and teacher notes are rendered
    encoded_instant_keys: bool       # instant-feedback exercises carry their key encoded (data-k)
    pages: frozenset[str]            # generated page families this edition has
    assets: tuple[str, ...]          # files under generator/assets/ copied into the site
    handout_folders: frozenset[str]  # handout folders (student/, teacher/) this edition may link to
    teacher_docs: bool               # hand-written pages under docs/teacher/ or marked `edition: teacher`
    title_suffix: str                # added to the pack title when site.<edition>_title is not set


COMMON_PAGES = frozenset({"home", "lesson", "source", "schedule", "glossary"})
COMMON_ASSETS = ("casefile.css", "casefile.js", "vendor/iframe-worker-shim.js", "print/site-print.css")

POLICIES: dict[str, Policy] = {
    "student": Policy("student", keys=False, encoded_instant_keys=True, pages=COMMON_PAGES,
                      assets=COMMON_ASSETS, handout_folders=frozenset({"student"}), teacher_docs=False,
                      title_suffix=""),
    "teacher": Policy("teacher", keys=True, encoded_instant_keys=False,
                      pages=COMMON_PAGES | {"claims", "references", "guide", "check-answers"},
                      assets=COMMON_ASSETS + ("check-answers.js",), handout_folders=frozenset({"student", "teacher"}),
                      teacher_docs=True, title_suffix=" (teacher edition)"),
}


def policy(edition: Edition) -> Policy:
    return POLICIES[edition]


# Hand-written pages under docs/teacher/ (or with `edition: teacher` front matter) are teacher-only.
TEACHER_DOCS_FOLDER = "teacher"


def is_teacher_only(field_info: Any) -> bool:
    extra = field_info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("teacher_only"))


def shows_key(exercise: Any, edition: Edition) -> bool:
    """May this edition carry the exercise's answer? Teachers always; students only for instant feedback."""
    return edition == "teacher" or exercise.feedback == "instant"


def _strip(obj: BaseModel, keep_instant: bool) -> None:
    for name, info in type(obj).model_fields.items():
        value = getattr(obj, name)
        if is_teacher_only(info):
            object.__setattr__(obj, name, [] if isinstance(value, list) else None)
            continue
        _walk(value, keep_instant)


def _walk(value: Any, keep_instant: bool) -> None:
    if isinstance(value, BaseModel):
        if keep_instant and getattr(value, "feedback", None) == "instant":
            return  # the deliberate exception: instant-feedback exercises keep their own key
        _strip(value, keep_instant)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _walk(v, keep_instant)
    elif isinstance(value, dict):
        for v in value.values():
            _walk(v, keep_instant)


def public_fields(value: Any) -> Any:
    """A model as plain data without any teacher-only field (whatever the edition it came from)."""
    if isinstance(value, BaseModel):
        return {n: public_fields(getattr(value, n)) for n, i in type(value).model_fields.items() if not is_teacher_only(i)}
    if isinstance(value, (list, tuple)):
        return [public_fields(v) for v in value]
    if isinstance(value, dict):
        return {k: public_fields(v) for k, v in value.items()}
    return value.value if hasattr(value, "value") and not isinstance(value, (str, int)) else value


def view(pack: model.Pack, edition: Edition, *, keep_instant: bool = True) -> model.Pack:
    """The pack as `edition` may see it. The teacher view is the pack itself (a copy).

    `keep_instant=False` is for paper: a printed worksheet carries no key at all, not even the
    instant-feedback answers the browser checks."""
    copy = pack.model_copy(deep=True)
    if edition == "teacher":
        return copy
    # Students meet claims only through exercises that cite them, and never their annotations.
    cited = {cid for lesson in copy.lessons for ex in lesson.exercises for cid in getattr(ex, "claims", [])}
    copy.claims = [c for c in copy.claims if c.id in cited]
    copy.references = []
    for part in (copy.claims, copy.lessons, copy.sources, copy.glossary):
        _walk(part, keep_instant)
    _strip(copy.info, keep_instant)
    return copy


def page_visible(section: str, edition: Edition) -> bool:
    """Generated page families and who sees them."""
    teacher_only = {"claims", "references", "guide", "check-answers"}
    return edition == "teacher" or section not in teacher_only


def doc_visible(src_uri: str, meta: dict[str, Any] | None, edition: Edition) -> bool:
    """Hand-written pages in docs/: teacher-only when under docs/teacher/ or marked in front matter."""
    if edition == "teacher":
        return True
    if PurePosixPath(src_uri).parts[:1] == (TEACHER_DOCS_FOLDER,):
        return False
    return not (meta and str(meta.get("edition", "")).lower() == "teacher")
