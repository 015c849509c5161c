"""The one place that decides what each audience sees.

Teacher-only material is *removed* from the model before anything is rendered; nothing is hidden
with CSS. Fields are marked teacher-only in model.py with `teacher()`; this module acts on the mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel

from . import i18n, model
from .i18n import N_

Edition = Literal["student", "teacher"]
EDITIONS: tuple[Edition, ...] = ("student", "teacher")



@dataclass(frozen=True)
class Policy:
    """Everything that differs by edition, as data. Templates and adapters ask this object
    (`policy.keys`, `"claims" in policy.pages`); nothing else compares edition names."""

    edition: Edition
    keys: bool                       # answer keys, whys, model answers, key points open, teacher notes
    encoded_instant_keys: bool       # instant-feedback exercises carry their key encoded (data-k)
    pages: frozenset[str]            # generated page families this edition has
    assets: tuple[str, ...]          # files under generator/assets/ copied into the site
    scripts: tuple[str, ...]         # of those, the scripts every page loads
    handout_folders: frozenset[str]  # handout folders (student/, teacher/) this edition may link to
    teacher_docs: bool               # hand-written pages under docs/teacher/ or marked `edition: teacher`
    title_field: str                 # the SiteOptions field that names this edition's site
    title_suffix: str                # added to the pack title when that field is not set
    activity_text: str               # the Activity field shown in a lesson's plan table
    annotated_source: bool           # the source page marks and explains the claim register's claims
    private: bool                    # the edition must not be hosted publicly (home page warning)
    public_url: bool                 # site.public_url becomes MkDocs' site_url (canonical links, sitemap)

    def title(self, info: model.PackInfo) -> str:
        """The site's name: site.<edition>_title, or the pack title with this edition's suffix."""
        with i18n.using(info.language):
            suffix = i18n._(self.title_suffix) if self.title_suffix else ""
        return getattr(info.site, self.title_field) or f"{info.title}{suffix}"

    def may_link(self, handout_folder: str) -> bool:
        """May pages of this edition link a handout PDF kept in this handouts folder?"""
        return handout_folder in self.handout_folders

    def shows_doc(self, src_uri: str, meta: dict[str, Any] | None) -> bool:
        """A hand-written page in docs/ is in this edition unless it is teacher-only and this
        edition has no teacher docs."""
        return self.teacher_docs or not is_teacher_doc(src_uri, meta)


COMMON_PAGES = frozenset({"home", "lesson", "source", "schedule", "glossary"})
TEACHER_PAGES = frozenset({"claims", "references", "guide", "check-answers"})
COMMON_ASSETS = ("casefile.css", "casefile.js", "vendor/iframe-worker-shim.js", "print/site-print.css")
COMMON_SCRIPTS = ("casefile.js",)

POLICIES: dict[str, Policy] = {
    "student": Policy("student", keys=False, encoded_instant_keys=True, pages=COMMON_PAGES,
                      assets=COMMON_ASSETS, scripts=COMMON_SCRIPTS, handout_folders=frozenset({"student"}),
                      teacher_docs=False, title_field="student_title", title_suffix="", activity_text="student",
                      annotated_source=False, private=False, public_url=True),
    "teacher": Policy("teacher", keys=True, encoded_instant_keys=False, pages=COMMON_PAGES | TEACHER_PAGES,
                      assets=COMMON_ASSETS + ("check-answers.js",), scripts=COMMON_SCRIPTS + ("check-answers.js",),
                      handout_folders=frozenset({"student", "teacher"}), teacher_docs=True,
                      title_field="teacher_title", title_suffix=N_(" (teacher edition)"), activity_text="description",
                      annotated_source=True, private=True, public_url=False),
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
    return policy(edition).keys or exercise.feedback == "instant"


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
    if policy(edition).keys:
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
    return section in policy(edition).pages


def is_teacher_doc(src_uri: str, meta: dict[str, Any] | None) -> bool:
    """Hand-written pages in docs/: teacher-only when under docs/teacher/ or marked in front matter."""
    if PurePosixPath(src_uri).parts[:1] == (TEACHER_DOCS_FOLDER,):
        return True
    return bool(meta and str(meta.get("edition", "")).strip().lower() == "teacher")


def doc_visible(src_uri: str, meta: dict[str, Any] | None, edition: Edition) -> bool:
    return policy(edition).shows_doc(src_uri, meta)
