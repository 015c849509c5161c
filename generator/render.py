"""Render a pack, as one edition sees it, into Markdown pages in mkdocs-material's idioms.

Pages live in memory as `Page(uri, title, markdown)`; site.py assembles one edition's pages, nav
and assets for both the MkDocs plugin (plugin.py) and `casefile build --markdown-out`. Every
difference between the editions is a question to `edition.Policy`. Nothing here knows MkDocs.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

import jinja2

from . import i18n, model, shuffle
from .i18n import N_, _, ngettext
from .lints import recheck_due_at_build
from .edition import Edition, policy, public_fields, shows_key, view
from .handout_names import handout_folder
from .kinds import KINDS
from .kinds.claim_audit import AUDIT_FIELDS
from .media import asset_uri as media_uri
from .text import md_escape, to_html, to_plain

NavItem = tuple[str, "str | list[NavItem]"]

# Labels of the exercise kinds (each kind's own, from generator/kinds/), in English: the message
# ids, translated where shown (`kind_label`, `activity_label`, `_(KIND_LABEL[…])`).
KIND_LABEL = {name: k.label for name, k in KINDS.items()}
ACTIVITY_LABEL = {
    "warm_up": N_("Warm-up"), "reading": N_("Reading"), "exercises": N_("Exercises"), "discussion": N_("Discussion"),
    "exit_ticket": N_("Exit ticket"), "other": N_("Activity"),
}


# The model's enumerations as the pages show them (value with spaces for underscores): message ids.
ENUM_WORDS = [
    # sensitivity topics
    N_("violence"), N_("terrorism"), N_("death"), N_("war"), N_("children"), N_("religion"),
    N_("conspiracy theories"), N_("graphic images"), N_("other"),
    # claim types and statuses, confidence
    N_("checkable fact"), N_("attributed allegation"), N_("motive claim"), N_("insinuating question"),
    N_("loaded label"), N_("opinion"), N_("accurate"), N_("accurate but truncated"), N_("misquoted"),
    N_("inaccurate"), N_("overstated"), N_("disputed"), N_("unsubstantiated"), N_("not checkable"),
    N_("high"), N_("medium"), N_("low"), N_("unverified"),
    # reference kinds
    N_("official record"), N_("official statement"), N_("news report"), N_("investigation"), N_("state media"),
    N_("rating"), N_("research"), N_("social media"), N_("book"),
]
PARAGRAPH_KIND_LABEL = {
    "dek": N_("subtitle"), "byline": N_("byline"), "embed": N_("embedded post"), "caption": N_("image caption"),
    "furniture": N_("publisher's page furniture"), "advert": N_("advertisement"), "image": N_("image"),
}


def enum_label(value: Any) -> str:
    """An enumeration value as words in the pack's language ("accurate_but_truncated" → "accurate but truncated")."""
    return _(str(getattr(value, "value", value)).replace("_", " "))


def paragraph_kind_label(kind: str) -> str:
    return _(PARAGRAPH_KIND_LABEL[kind])


def kind_label(ex: Any) -> str:
    return _(ex.kind.label_for(ex))


def activity_label(kind: str) -> str:
    return _(ACTIVITY_LABEL[kind])


class RenderError(Exception):
    """A template failed on one page: which page, which template, what went wrong."""

    def __init__(self, uri: str, template: str, error: Exception):
        self.uri, self.template, self.error = uri, template, error
        super().__init__(f"{uri} (templates/site/{template}): {type(error).__name__}: {error}")


@dataclass(frozen=True)
class Page:
    uri: str
    title: str
    markdown: str


@dataclass
class Site:
    edition: Edition
    pages: list[Page]
    nav: list[NavItem]
    # Handout PDFs the site links to: uri in the site -> file name in the handouts folder
    handouts: dict[str, str] = field(default_factory=dict)


def attr_value(value: object) -> str:
    """Text for an HTML attribute value inside a Markdown page: every character but letters, digits
    and spaces as a numeric character reference, so neither HTML (quotes, <) nor Markdown (links
    and images `![x](javascript:…)`, emphasis, `{: attr_list }`, line breaks) can act on it. The
    browser decodes the references, so scripts read the value as written (issue 12.7)."""
    return "".join(ch if ch.isalnum() or ch == " " else f"&#{ord(ch)};" for ch in str(value))


def _env(language: str = i18n.SOURCE_LANGUAGE) -> jinja2.Environment:
    env = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],  # {{ _("…") }}, {{ ngettext(…) }}: the catalogue (generator/i18n.py)
        # the site's templates, then the kinds' own (generator/kinds/<kind>/form.j2, key.j2)
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("generator", "templates/site"),
                                    jinja2.PackageLoader("generator", "kinds")]),
        autoescape=False,  # we produce Markdown; every value goes through an explicit filter
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["esc"] = md_escape
    env.filters["plain"] = to_plain
    env.filters["attr"] = attr_value
    env.globals["KIND_LABEL"] = KIND_LABEL
    env.globals["kind_label"] = kind_label
    env.globals["ACTIVITY_LABEL"] = ACTIVITY_LABEL
    env.globals["activity_label"] = activity_label
    env.globals["enum_label"] = enum_label
    env.filters["enum_label"] = enum_label
    env.globals["paragraph_kind_label"] = paragraph_kind_label
    env.globals["field_label"] = lambda label: _(label)  # AUDIT_FIELDS' labels
    env.globals["AUDIT_FIELDS"] = AUDIT_FIELDS
    env.globals["recheck_due"] = recheck_due_at_build  # content lints: claims due for a re-check (claims.md.j2)
    return i18n.install(env, language)


@functools.cache
def env(language: str = i18n.SOURCE_LANGUAGE) -> jinja2.Environment:
    return _env(i18n.resolve(language))


# Exercise fields that are labels, not what students answer: tagging skills keeps saved answers.
UNVERSIONED = frozenset({"skills"})
# Exercise fields added after saved answers were first keyed by the content version: left out of the
# hash while unset, so adding the field did not change every lesson's version (and wipe saved answers).
UNSET_UNVERSIONED = {"image"}


def _answered(ex: Any) -> dict[str, Any]:
    """What students see of an exercise, less UNVERSIONED and its layout-only fields (`shuffle`: the same answers
    fit a shuffled page, so turning it on or off keeps saved answers and answer files valid) and
    the unset UNSET_UNVERSIONED ones."""
    return {k: v for k, v in public_fields(ex).items()
            if k not in UNVERSIONED and not (type(ex).model_fields[k].json_schema_extra or {}).get("layout_only")
            and not (k in UNSET_UNVERSIONED and v is None)}


def content_version(pack: model.Pack, lesson: model.Lesson) -> str:
    """Changes whenever what students see of the lesson's exercises changes (ids, prompts, options,
    items), so stale saved answers are not reloaded. Teacher-only fields are left out: the hash is
    the same from the full pack, either edition's view and `casefile grade`, and fixing a key or a
    why does not wipe students' saved work."""
    data = json.dumps([_answered(e) for e in lesson.exercises], sort_keys=True, default=str)
    return hashlib.sha256(f"{pack.info.id}/{pack.info.version}/{data}".encode()).hexdigest()[:12]


def obfuscate(exercise_id: str, payload: dict[str, Any]) -> str:
    """Instant-feedback keys travel in the page, but never as readable text: XOR with a keystream
    derived from the exercise id, then base64. Not secrecy (a determined student can decode it),
    just no answer in plain sight, in the source or the search index. assets/casefile.js decodes."""
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    stream = b""
    counter = 0
    while len(stream) < len(data):
        stream += hashlib.sha256(f"casefile:{exercise_id}:{counter}".encode()).digest()
        counter += 1
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, stream))).decode()


def instant_key(ex: Any) -> dict[str, Any]:
    """What the browser needs to check an instant-feedback exercise and explain the answer."""
    return ex.kind.instant_key(ex)


class Renderer:
    """Renders every page of one edition. Holds the per-page link helpers the templates use."""

    def __init__(self, pack: model.Pack, edition: Edition, handouts: dict[str, dict[str, str]] | None = None,
                 *, browser_key: str | None = None):
        self.full = pack
        self.edition = edition
        self.policy = policy(edition)
        self.pack = view(pack, edition)
        self.language = i18n.resolve(pack.info.language)
        # The Check answers page's key (grade.browser_key_json of the full pack), given by site.py
        # so that render does not import the grader.
        self.browser_key = browser_key
        # lesson id -> {"worksheet": file name, "key": file name}; only listed files are linked
        self.handout_files = handouts or {}
        self.linked_handouts: dict[str, str] = {}

    # ---------------------------------------------------------------- helpers for templates
    def _ctx(self, uri: str, **kw: Any) -> dict[str, Any]:
        here = posixpath.dirname(uri)

        def link(target: str) -> str:
            """Markdown link target (to a .md page) relative to this page; MkDocs checks it."""
            path, _, anchor = target.partition("#")
            rel = posixpath.relpath(path, here or ".")
            return rel + (f"#{anchor}" if anchor else "")

        def href(target: str) -> str:
            """Built-site URL (use_directory_urls is off) relative to this page, for raw HTML."""
            path, _, anchor = target.partition("#")
            if path.endswith(".md"):
                path = path[:-3] + ".html"
            rel = posixpath.relpath(path, here or ".")
            return rel + (f"#{anchor}" if anchor else "")

        def para_href(src: str | None, pid: str) -> str:
            return href(f"source/{self._source_id(src)}.md#{pid}")

        def md(text: str | None, inline: bool = False) -> str:
            return to_html(text, para_href, inline=inline)

        def media_src(file: str) -> str:
            """The site's copy of a vetted image (generator/media.py), relative to this page."""
            return href(media_uri(file, self.pack.media[file]))

        return dict(pack=self.pack, edition=self.edition, policy=self.policy, link=link,
                    href=href, md=md, mdi=lambda t: md(t, True), para_href=para_href, media_src=media_src,
                    shows_key=lambda ex: shows_key(ex, self.edition), obfuscate=obfuscate,
                    instant_key=instant_key, handout=lambda lid, kind: self._handout(uri, lid, kind),
                    handout_versions=lambda lid: sorted(k[4:] for k in self.handout_files.get(lid, {}) if k.startswith("key:")),
                    shuffle_data=self._shuffle_data, **kw)

    def _shuffle_data(self, ex: Any) -> str | None:
        """The exercise box's data-shuffle value when it starts shuffled (None: as written): "true",
        or the start orders to pick from where a list has an order to avoid (shuffle.start_orders)."""
        if not hasattr(self, "_by_ex"):
            self._by_ex = {e.id: (l, e) for l in self.full.lessons for e in l.exercises}
        full = self._by_ex.get(ex.id)
        if full is None or not shuffle.wanted(self.full.info, full[1]):
            return None
        orders = shuffle.start_orders(self.full, full[0].id, full[1])
        return " ".join(f"{field}:" + ";".join(",".join(o) for o in os) for field, os in orders.items()) or "true"

    def _source_id(self, src: str | None) -> str:
        return src or self.pack.sources[0].id

    def _handout(self, uri: str, lesson_id: str, kind: str) -> str | None:
        """Relative link to a handout PDF, when it exists and this edition may have it."""
        name = self.handout_files.get(lesson_id, {}).get(kind)
        if not name or not self.policy.may_link(handout_folder(name)):
            return None
        target = f"handouts/{name}"
        self.linked_handouts[target] = name
        return posixpath.relpath(target, posixpath.dirname(uri) or ".")

    def _page(self, template: str, uri: str, title: str, **kw: Any) -> Page:
        try:
            with i18n.using(self.language):
                md = env(self.language).get_template(template).render(self._ctx(uri, title=title, **kw))
        except Exception as e:  # noqa: BLE001 - named after the page it broke, reported by the caller
            raise RenderError(uri, template, e) from e
        return Page(uri=uri, title=title, markdown=md)

    # ---------------------------------------------------------------- pages
    def pages(self) -> list[Page]:
        with i18n.using(self.language):
            return self._pages()

    def _pages(self) -> list[Page]:
        pack = self.pack
        out = [self._page("home.md.j2", "index.md", pack.info.title)]
        for n, lesson in enumerate(pack.lessons, 1):
            src = pack.lesson_source(lesson)
            out.append(self._page("lesson.md.j2", f"lessons/{lesson.id}.md", lesson.title, lesson=lesson, number=n,
                                  source=src, version=content_version(self.full, lesson),
                                  paragraphs=pack.lesson_paragraphs(lesson), lesson_sources=pack.lesson_sources(lesson)))
        for src in pack.sources:
            claims = ([c for c in pack.claims if (c.source or pack.sources[0].id) == src.id]
                      if self.policy.annotated_source else [])
            out.append(self._page("source.md.j2", f"source/{src.id}.md", src.title, source=src, claims=claims))
        out.append(self._page("schedule.md.j2", "schedule.md", _("Schedule")))
        if pack.glossary:
            out.append(self._page("glossary.md.j2", "glossary.md", _("Glossary")))
        if pack.skills:
            out.append(self._page("skills.md.j2", "skills.md", _("Skills"), where=skill_index(pack)))
        pages = self.policy.pages
        if "claims" in pages and pack.claims:
            out.append(self._page("claims.md.j2", "teacher/claims.md", _("Claim register")))
        if "references" in pages and pack.references:
            out.append(self._page("references.md.j2", "teacher/references.md", _("References")))
        if "guide" in pages:
            for n, lesson in enumerate(pack.lessons, 1):
                src = pack.lesson_source(lesson)
                out.append(self._page("guide.md.j2", f"teacher/guide/{lesson.id}.md",
                                      _("Guide: %(title)s") % {"title": lesson.title},
                                      lesson=lesson, number=n, source=src, paragraphs=pack.lesson_paragraphs(lesson),
                                      lesson_sources=pack.lesson_sources(lesson)))
        if "check-answers" in pages:
            if self.browser_key is None:
                raise ValueError("the Check answers page needs browser_key (see site.edition_site)")
            out.append(self._page("check-answers.md.j2", "teacher/check-answers.md", _("Check answers"),
                                  key_json=self.browser_key))
        return out

    def nav(self, docs: list[tuple[str, str]], teacher_docs: list[tuple[str, str]]) -> list[NavItem]:
        """Navigation: generated pages first, then the hand-written ones, teacher pages last."""
        with i18n.using(self.language):
            return self._nav(docs, teacher_docs)

    def _nav(self, docs: list[tuple[str, str]], teacher_docs: list[tuple[str, str]]) -> list[NavItem]:
        pack = self.pack
        nav: list[NavItem] = [(_("Home"), "index.md")]
        nav.append((_("Lessons"), _chunked([(f"{n}. {lesson.title}", f"lessons/{lesson.id}.md")
                                         for n, lesson in enumerate(pack.lessons, 1)])))
        nav.append((_("The article") if len(pack.sources) == 1 else _("Sources"),
                    f"source/{pack.sources[0].id}.md" if len(pack.sources) == 1
                    else [(s.title, f"source/{s.id}.md") for s in pack.sources]))
        nav.append((_("Schedule"), "schedule.md"))
        if pack.glossary:
            nav.append((_("Glossary"), "glossary.md"))
        if pack.skills:
            nav.append((_("Skills"), "skills.md"))
        nav.extend(docs)
        pages = self.policy.pages
        section: list[NavItem] = list(teacher_docs) if self.policy.teacher_docs else []
        if "guide" in pages:
            section.append((_("Lesson guides"), _chunked([(f"{n}. {lesson.title}", f"teacher/guide/{lesson.id}.md")
                                                       for n, lesson in enumerate(pack.lessons, 1)])))
        if "claims" in pages and pack.claims:
            section.append((_("Claim register"), "teacher/claims.md"))
        if "references" in pages and pack.references:
            section.append((_("References"), "teacher/references.md"))
        if "check-answers" in pages:
            section.append((_("Check answers"), "teacher/check-answers.md"))
        if section:
            nav.append((_("For teachers"), section))
        return nav


SkillPlaces = tuple[list[model.Lesson], list[tuple[model.Lesson, list[tuple[int, Any]]]]]


def skill_index(pack: model.Pack) -> dict[str, SkillPlaces]:
    """skill id -> (lessons that teach it, [(lesson, [(exercise number, exercise), ...])] where it is practised)."""
    out: dict[str, SkillPlaces] = {s.id: ([], []) for s in pack.skills}
    for lesson in pack.lessons:
        for sid in lesson.skills:
            if sid in out:
                out[sid][0].append(lesson)
        for n, ex in enumerate(lesson.exercises, 1):
            for sid in ex.skills:
                if sid in out:
                    practised = out[sid][1]
                    if not practised or practised[-1][0] is not lesson:
                        practised.append((lesson, []))
                    practised[-1][1].append((n, ex))
    return out


NAV_CHUNK = 10


def _chunked(items: list[NavItem]) -> list[NavItem]:
    """A long lesson list in groups of ten ("Lessons 11–20"): with the theme's navigation.prune,
    a page then carries only its own group's links, so page weight stays flat as a pack grows."""
    if len(items) <= 2 * NAV_CHUNK:
        return items
    return [(_("Lessons %(first)s–%(last)s") % {"first": i + 1, "last": min(i + NAV_CHUNK, len(items))},
             items[i:i + NAV_CHUNK])
            for i in range(0, len(items), NAV_CHUNK)]
