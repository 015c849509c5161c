"""The pack as data for the Typst templates: one JSON document per handout.

Nothing here writes Typst markup. Models are turned into plain JSON generically (`as_data`): a
field that holds author prose (a string field with no id pattern) becomes {"md": tree, "raw": text}
(tree.py), ids, enums and dates stay as they are. Exercises are passed the same way whatever their
kind, so a new kind needs only its `generator/kinds/<kind>/print.typ`.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import model
from ..media import asset_name as media_name
from .. import i18n
from ..i18n import _
from ..render import AUDIT_FIELDS, activity_label, kind_label
from .tree import html_tree, md_tree, plain_tree

PARA_NOTE = {"furniture", "advert", "embed", "caption", "byline"}


# ---------------------------------------------------------------- models as data

def _is_prose(tp: Any, metadata: list[Any] = ()) -> bool:  # type: ignore[assignment]
    """A string type with no pattern (ids and paragraph ids have one) is author prose."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        return _is_prose(base, list(metadata) + meta)
    if origin in (typing.Union, types.UnionType):
        return any(_is_prose(a, metadata) for a in typing.get_args(tp) if a is not type(None))
    if tp is str:
        return not any(getattr(m, "pattern", None) for m in metadata)
    return False


def _inner(tp: Any) -> Any:
    """The item type of list[X] / dict[str, X] (through Optional and Annotated)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _inner(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _inner(args[0]) if len(args) == 1 else None
    if origin in (list, tuple):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    return None


def prose(text: str | None) -> dict[str, Any] | None:
    return None if text is None else {"md": md_tree(text), "raw": text}


def as_data(value: Any, tp: Any = None, metadata: list[Any] | None = None) -> Any:
    """A model (or part of one) as JSON data; prose strings as trees."""
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        for name, info in type(value).model_fields.items():
            out[name] = as_data(getattr(value, name), info.annotation, list(info.metadata))
        return out
    if isinstance(value, (list, tuple)):
        item = _inner(tp)
        return [as_data(v, item) for v in value]
    if isinstance(value, dict):
        item = _inner(tp)
        return {str(k): as_data(v, item) for k, v in value.items()}
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        return prose(value) if tp is not None and _is_prose(tp, metadata or []) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return i18n.short_date(value)  # ISO in English, "15.06.2026" in German
    return value


# ---------------------------------------------------------------- lesson pieces

def image(pack: model.Pack, img: model.Image | None) -> dict[str, Any] | None:
    """An image for Typst: its vetted copy in the compile root (typst_pdf.Printer writes the files
    listed in the document's "media"), never the pack's path."""
    if img is None:
        return None
    name = media_name(img.file, pack.media[img.file])
    prov = img.provenance
    return {"name": name, "path": f"/media/{name}", "alt": img.alt, "caption": plain_tree(img.caption),
            "provenance": {"by": prov.by, "found": prov.found, "date": prov.date}}


def paragraph(p: model.Paragraph, ref: str | None = None, source_title: str | None = None,
              pack: model.Pack | None = None) -> dict[str, Any]:
    """An article paragraph. `ref`: how the lesson cites it (p3 or ID:p3); `source_title`: shown when
    the lesson uses several sources. Keys that would be empty are left out."""
    d = {"id": ref or p.id, "num": p.id[1:], "kind": p.kind.value, "text": plain_tree(p.text or "")}
    if source_title:
        d["source"] = source_title
    if p.image is not None and pack is not None:
        d["image"] = image(pack, p.image)
    return d


def _lesson_paragraphs(pack: model.Pack, lesson: model.Lesson) -> dict[str, dict[str, Any]]:
    """ref -> paragraph data: every paragraph of the lesson's own source by its id (p3), and the
    ones the lesson cites as ID:p3."""
    used = pack.lesson_sources(lesson)
    titles = {s.id: s.title for s in used} if len(used) > 1 else {}
    refs = model.cited_refs(lesson)
    return {ref: paragraph(p, ref, titles.get(p.source_id or ""), pack)
            for ref, p in pack.lesson_paragraphs(lesson).items() if ":" not in ref or ref in refs}


def skill_names(pack: model.Pack, ids: list[str]) -> list[str]:
    """The names of the skills a lesson or exercise is tagged with (plain text, shown as data)."""
    return [pack.skill(s).name for s in ids]


def _exercise(ex: Any, n: int, paragraphs: dict[str, dict[str, Any]], pack: model.Pack) -> dict[str, Any]:
    d = {"n": n, "id": ex.id, "kind": ex.type, "label": kind_label(ex), "points": ex.points,
         "prompt": prose(ex.prompt), "paragraphs": [paragraphs[p] for p in ex.paragraphs if p in paragraphs],
         "skills": skill_names(pack, ex.skills), "data": as_data(ex)}
    if getattr(ex, "image", None) is not None:
        d["image"] = image(pack, ex.image)
    else:
        d["data"].pop("image", None)  # as before images existed: the same JSON, the same PDF
    return d


def _lesson(pack: model.Pack, lesson: model.Lesson) -> dict[str, Any]:
    paras = _lesson_paragraphs(pack, lesson)
    number = {ex.id: i for i, ex in enumerate(lesson.exercises, 1)}
    terms = [pack.term(t) for t in lesson.vocabulary]
    return {
        "id": lesson.id, "title": lesson.title, "summary": prose(lesson.summary), "duration": lesson.duration,
        "skills": skill_names(pack, lesson.skills),
        "audience": lesson.audience, "objectives": [prose(o) for o in lesson.objectives],
        "key_points": [prose(k) for k in lesson.key_points], "materials": [prose(m) for m in lesson.materials],
        "discussion": [prose(d) for d in lesson.discussion], "teacher_notes": prose(lesson.teacher_notes),
        "activities": [{"label": activity_label(a.kind.value), "title": a.title, "minutes": a.minutes,
                        "description": prose(a.description if a.description is not None else a.student),
                        "exercises": [number.get(e, e) for e in a.exercises]} for a in lesson.activities],
        "minutes": sum(a.minutes for a in lesson.activities),
        "points": sum(ex.points for ex in lesson.exercises),
        "vocabulary": [{"term": t.term, "definition": prose(t.definition)} for t in terms],
        "focus": [paras[p] for p in lesson.focus_paragraphs if p in paras],
        "exercises": [_exercise(ex, i, paras, pack) for i, ex in enumerate(lesson.exercises, 1)],
        "sensitivity": as_data(lesson.sensitivity) if lesson.sensitivity else None,
        "paths": _paths(lesson),
    }


def _paths(lesson: model.Lesson) -> list[dict[str, Any]]:
    """The lesson's variants for the key (teacher view only: students' views have none), the one
    built first marked."""
    if not lesson.variants:
        return []
    built = lesson.built_variant
    rows = [{"title": _("The whole lesson"), "id": "full", "minutes": lesson.full_duration,
             "note": prose(_("Every activity and exercise.")), "built": built is None}]
    return rows + [{"title": v.title, "id": vid, "minutes": v.minutes, "note": prose(v.note), "built": vid == built}
                   for vid, v in lesson.variants.items()]


def claim(pack: model.Pack, c: model.Claim) -> dict[str, Any]:
    d = as_data(c)
    d["num"] = c.paragraph[1:]
    d["references"] = [as_data(pack.reference(r)) for r in c.references]
    return d


def _source(src: model.Source, pack: model.Pack) -> dict[str, Any]:
    return {"id": src.id, "title": src.title, "author": src.author, "publisher": src.publisher,
            "published": _date(src.published), "republished": _date(src.republished) if src.republished else None,
            "url": src.url, "original_url": src.original_url, "attribution": src.attribution,
            "license_note": src.license_note, "paragraphs": [paragraph(p, pack=pack) for p in src.paragraphs]}


def lesson_url(pack: model.Pack, lesson_id: str) -> str | None:
    base = getattr(pack.info.site, "public_url", None)
    if not base:
        return None
    return base.rstrip("/") + f"/lessons/{lesson_id}.html"


def qr_svg(url: str | None) -> str | None:
    """The QR code as SVG text (segno), shown with Typst's image(bytes(...))."""
    if not url:
        return None
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=0, xmldecl=False, svgns=True)
    return buf.getvalue().decode("ascii")


def lesson_part(pack: model.Pack, lesson: model.Lesson, kind: str, *, restart: bool = True) -> dict[str, Any]:
    """A worksheet ("worksheet") or key ("key") or facilitator notes ("guide-lesson") of one lesson."""
    number = next(i for i, l in enumerate(pack.lessons, 1) if l.id == lesson.id)
    src = pack.lesson_source(lesson)
    claims_used = [cid for ex in lesson.exercises for cid in getattr(ex, "claims", [])]
    part: dict[str, Any] = {
        "type": kind, "title": lesson.title, "restart": restart, "number": number, "total": len(pack.lessons),
        "lesson": _lesson(pack, lesson), "source": {"title": src.title, "author": src.author, "publisher": src.publisher},
        "paragraphs": _lesson_paragraphs(pack, lesson),
        "claims": {cid: claim(pack, pack.claim(cid)) for cid in dict.fromkeys(claims_used)},
        "audit_fields": [{"key": k, "label": _(v)} for k, v in AUDIT_FIELDS],
    }
    others = pack.lesson_sources(lesson)[1:]
    if others:  # several sources: the Reading section names them all
        part["other_sources"] = [{"title": s.title, "author": s.author, "publisher": s.publisher} for s in others]
    if kind == "worksheet":
        part["url"] = lesson_url(pack, lesson.id)
        part["qr"] = qr_svg(part["url"])
    return part


def article_part(pack: model.Pack, src: model.Source, annotated: bool) -> dict[str, Any]:
    by_para: dict[str, list[Any]] = {}
    if annotated:
        for c in pack.claims:
            if (c.source or pack.sources[0].id) == src.id:
                by_para.setdefault(c.paragraph, []).append(claim(pack, c))
    return {"type": "article", "title": src.title, "restart": True, "annotated": annotated,
            "source": _source(src, pack), "claims_by_paragraph": by_para}


def agenda_part(pack: model.Pack, workshop: model.Workshop, lessons: list[model.Lesson], label: str,
                agenda_md: str = "") -> dict[str, Any]:
    numbers = {l.id: i for i, l in enumerate(pack.lessons, 1)}
    return {"type": "agenda", "title": workshop.title, "restart": True, "label": label,
            "workshop": {"title": workshop.title, "minutes": workshop.minutes},
            "lessons": [{"number": numbers[l.id], "title": l.title, "summary": prose(l.summary), "duration": l.duration}
                        for l in lessons],
            "agenda": doc_tree(agenda_md) if agenda_md else None}


def doc_tree(markdown_text: str) -> list[Any]:
    """A hand-written docs/ page (trusted less than code: sanitized like author text) as a tree,
    headings shifted down one level."""
    import markdown
    import nh3

    from ..text import AUTHOR_ATTRS, AUTHOR_TAGS, URL_SCHEMES

    html = markdown.markdown(markdown_text, extensions=["tables", "sane_lists"], output_format="html")
    html = nh3.clean(html, tags=AUTHOR_TAGS | {"h1", "h2", "h3", "h4", "h5"}, attributes=AUTHOR_ATTRS,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)
    html = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m[1]}h{int(m[2]) + 1}>", html)
    return html_tree(html)


def _date(d: Any) -> str:
    """A date as the handouts print it: ISO in English (as they always have), else the pack language's long form."""
    lang = i18n.resolve(i18n.current())
    return d.isoformat() if lang == i18n.SOURCE_LANGUAGE else i18n.format_date(d, lang)


def document(pack: model.Pack, title: str, label: str, parts: list[dict[str, Any]], paper: str) -> dict[str, Any]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = None
    if epoch:
        t = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        date = {"year": t.year, "month": t.month, "day": t.day, "hour": t.hour, "minute": t.minute, "second": t.second}
    out = {"paper": paper, "lang": pack.info.language, "title": title, "authors": list(pack.info.authors),
           "date": date, "pack_title": pack.info.title, "label": label, "parts": parts,
           "ui": i18n.typst_strings(pack.info.language)}  # the templates' words (lib.typ: t, tn), as data
    media = media_files(pack, parts)
    if media:
        out["media"] = media
    return out


def media_files(pack: model.Pack, parts: Any) -> dict[str, str]:
    """The images a document shows: {asset name: base64 of the vetted bytes}, for the compile root."""
    import base64

    by_name = {media_name(f, b): b for f, b in pack.media.items()}
    names: set[str] = set()
    stack = [parts]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            img = node.get("image")
            if isinstance(img, dict) and img.get("name") in by_name:
                names.add(img["name"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return {n: base64.b64encode(by_name[n]).decode("ascii") for n in sorted(names)}


def guide_markdown(pack: model.Pack, docs_dir: Path | None, pages_dir: Path | None = None) -> str | None:
    """The hand-written guide's Markdown (front matter removed), from the pack's pages folder or
    docs/; "" when none is set, None when it is set but missing."""
    from ..docs_pages import front_matter, guide_file

    ws = pack.info.workshop
    if not (ws and ws.guide and (docs_dir or pages_dir)):
        return ""
    path = guide_file(ws.guide, Path(docs_dir) if docs_dir else None, pages_dir, pack.info.site.generic_pages)
    if path is None:
        return None

    return front_matter(path.read_text(encoding="utf-8"))[1]
