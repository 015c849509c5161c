"""Printable handouts: print HTML from the pack (Jinja2, templates/print/) made into PDFs by WeasyPrint.

Student documents are rendered from `edition.view(pack, "student", keep_instant=False)`: a
worksheet cannot carry a key because the model it is made from has none. Keys, the annotated
article and the facilitator guide come from the teacher view. The site's own pieces
(`templates/site/_macros.j2` rubric table, `_key.j2` answer key) are reused as they are.

Layout under the output folder (file names are a function of the pack only):

    student/<lesson>-worksheet.pdf          one per lesson (linked from the student site)
    student/article-<source>.pdf            the article, numbered paragraphs as on the site
    student/workshop-worksheets.pdf         workshop agenda + every workshop lesson's worksheet
    teacher/<lesson>-key.pdf                one per lesson (linked from the teacher site)
    teacher/article-<source>-annotated.pdf  the article with the claim register
    teacher/facilitator-guide.pdf           agenda, the hand-written guide (pack.yml workshop.guide),
                                            each workshop lesson's timings and teacher notes
    teacher/workshop-keys.pdf               workshop agenda + every workshop lesson's key

PDFs are laid out in `jobs` worker processes; a workshop pack reuses the pages of the worksheets
(keys) it holds, so each is laid out once and keeps its own page numbers. Byte-identical output
needs SOURCE_DATE_EPOCH (set from the pack when missing). WeasyPrint's warnings are logged on
`casefile.handouts`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import nh3
from markupsafe import Markup, escape

from . import model
from .edition import view
from .progress import Progress
from .render import ACTIVITY_LABEL, AUDIT_FIELDS, KIND_LABEL, kind_label
from .text import AUTHOR_ATTRS, AUTHOR_TAGS, URL_SCHEMES, to_html, to_plain

log = logging.getLogger("casefile.handouts")

PRINT_DIR = Path(__file__).parent / "templates" / "print"
CSS_FILE = PRINT_DIR / "handout.css"
PAPER = {"a4": "A4", "letter": "letter"}
GUIDE_NAME = "facilitator-guide.pdf"
WORKSHOP_WORKSHEETS = "workshop-worksheets.pdf"
WORKSHOP_KEYS = "workshop-keys.pdf"


def worksheet_name(lesson_id: str) -> str:
    return f"{lesson_id}-worksheet.pdf"


def key_name(lesson_id: str) -> str:
    return f"{lesson_id}-key.pdf"


def article_name(source_id: str, annotated: bool = False) -> str:
    return f"article-{source_id}{'-annotated' if annotated else ''}.pdf"


# Handout kinds students may have; every other kind is teacher-only.
STUDENT_KINDS = frozenset({"worksheet", "article", "workshop-worksheets"})


def pack_handout_names(pack: model.Pack) -> dict[str, dict[str, str]]:
    """{lesson id, or "" for the pack: {kind: PDF name}} of every handout build_handouts writes.
    Pack-level kinds: guide, workshop-worksheets, workshop-keys, article:<source id>,
    article-annotated:<source id>."""
    out: dict[str, dict[str, str]] = {l.id: {"worksheet": worksheet_name(l.id), "key": key_name(l.id)}
                                      for l in pack.lessons}
    whole = {"guide": GUIDE_NAME, "workshop-worksheets": WORKSHOP_WORKSHEETS, "workshop-keys": WORKSHOP_KEYS}
    for src in pack.sources:
        whole |= {f"article:{src.id}": article_name(src.id), f"article-annotated:{src.id}": article_name(src.id, annotated=True)}
    out[""] = whole
    return out


def handout_folder(name: str) -> str:
    """student/ for worksheets, the clean article and the workshop worksheets; teacher/ for the rest."""
    student = name.endswith("-worksheet.pdf") or name == WORKSHOP_WORKSHEETS or (
        name.startswith("article-") and not name.endswith("-annotated.pdf"))
    return "student" if student else "teacher"


@dataclass(frozen=True)
class Doc:
    """One PDF to write: where (relative to the handouts folder), and its print HTML.

    A pack (`parts` set) is its own HTML (a cover with the agenda) followed by the pages of the
    documents named in `parts`, each laid out once and keeping its own page numbers: a worksheet
    printed from the pack is the same as the one printed alone."""

    rel: str
    html: str
    parts: tuple[str, ...] = ()


# ---------------------------------------------------------------- templates

def _md(text: str | None) -> Markup:
    return Markup(to_html(text))  # sanitized by text.py (nh3); inline quotes become (¶n)


def _mdi(text: str | None) -> Markup:
    return Markup(to_html(text, inline=True))


def _nl2br(text: str) -> Markup:
    return Markup("<br>").join(escape(text).split("\n"))


def _letter(i: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 26] * (1 + i // 26)


def worksheet_answer(ex: Any) -> str:
    """The answer as a pen would write it on the printed worksheet (letters and numbers)."""
    if ex.type == "choice":
        return ", ".join(_letter(i) for i, o in enumerate(ex.options) if o.id in ex.answer)
    if ex.type == "order":
        pos = {it.id: _letter(i) for i, it in enumerate(ex.items)}
        return "  ".join(f"{n}. {pos[i]}" for n, i in enumerate(ex.answer, 1) if i in pos)
    if ex.type == "match":
        right = {r.id: _letter(i) for i, r in enumerate(ex.right)}
        pairs = {p.left: p.right for p in ex.answer}
        return "  ".join(f"{n}. {right.get(pairs.get(l.id, ''), '—')}" for n, l in enumerate(ex.left, 1))
    if ex.type == "classify":
        labels = {c.id: c.label for c in ex.categories}
        return "; ".join(f"{n}. {labels.get(it.answer, '')}" for n, it in enumerate(ex.items, 1))
    return ""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        # print templates first; the site's shared pieces (_macros.j2, _key.j2) are reused as they are
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("generator", "templates/print"),
                                    jinja2.PackageLoader("generator", "templates/site"),
                                    jinja2.PackageLoader("generator", "kinds")]),  # the kinds' key.j2
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["attr"] = lambda s: escape(str(s))
    env.filters["plain"] = to_plain
    env.filters["nl2br"] = _nl2br
    env.globals.update(md=_md, mdi=_mdi, KIND_LABEL=KIND_LABEL, kind_label=kind_label,
                       ACTIVITY_LABEL=ACTIVITY_LABEL, AUDIT_FIELDS=AUDIT_FIELDS,
                       letter=_letter, worksheet_answer=worksheet_answer)
    return env


@functools.cache
def env() -> jinja2.Environment:
    return _env()


def _part(template: str, **ctx: Any) -> Markup:
    return Markup(env().get_template(template).render(**ctx))


def _css_string(text: str) -> str:
    """Author text as a CSS string literal (running headers), inert inside a <style> element too."""
    plain = re.sub(r"\s+", " ", to_plain(text) or text)
    return '"' + "".join(ch if ch.isalnum() or ch in " .,:;!?'()-–—&/" else f"\\{ord(ch):x} " for ch in plain) + '"'


def _document(pack: model.Pack, title: str, label: str, sections: list[Markup]) -> str:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    page_css = (f"@page {{ @top-left {{ content: {_css_string(pack.info.title)} }} "
                f"@bottom-left {{ content: {_css_string(label)} }} }} "
                "@page :first { @top-left { content: none } @top-right { content: none } }")
    return env().get_template("document.html.j2").render(
        lang=pack.info.language, title=title, authors=", ".join(pack.info.authors), created=stamp,
        page_css=Markup(page_css), sections=sections, label=label)


# ---------------------------------------------------------------- pieces

def _lesson_ctx(pack: model.Pack, lesson: model.Lesson) -> dict[str, Any]:
    number = next(i for i, l in enumerate(pack.lessons, 1) if l.id == lesson.id)
    src = pack.lesson_source(lesson)
    return dict(pack=pack, lesson=lesson, number=number, total=len(pack.lessons), source=src,
                paragraphs={p.id: p for p in src.paragraphs})


def lesson_url(pack: model.Pack, lesson_id: str) -> str | None:
    base = getattr(pack.info.site, "public_url", None)
    if not base:
        return None
    return base.rstrip("/") + f"/lessons/{lesson_id}.html"


def _qr(url: str | None) -> str | None:
    if not url:
        return None
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=0)


def _worksheet(student: model.Pack, lesson: model.Lesson) -> Markup:
    url = lesson_url(student, lesson.id)
    return _part("worksheet.html.j2", **_lesson_ctx(student, lesson), url=url, qr=_qr(url))


def _key(teacher: model.Pack, lesson: model.Lesson) -> Markup:
    return _part("key.html.j2", **_lesson_ctx(teacher, lesson))


def _workshop(pack: model.Pack) -> model.Workshop:
    return pack.info.workshop or model.Workshop(title=pack.info.title, lessons=[l.id for l in pack.lessons],
                                                minutes=sum(l.duration for l in pack.lessons))


def _guide_markdown(pack: model.Pack, docs_dir: Path | None) -> str:
    ws = pack.info.workshop
    if not (ws and ws.guide and docs_dir):
        return ""
    path = Path(docs_dir) / ws.guide
    if not path.is_file():
        log.warning("%s: the workshop guide named in pack.yml was not found; the facilitator guide is generated only", path)
        return ""
    from .docs_pages import front_matter

    return front_matter(path.read_text(encoding="utf-8"))[1]


def _doc_html(markdown_text: str) -> Markup:
    """A hand-written docs/ page as sanitized HTML (headings shifted down one level)."""
    import markdown

    html = markdown.markdown(markdown_text, extensions=["tables", "sane_lists", "attr_list"], output_format="html")
    html = nh3.clean(html, tags=AUTHOR_TAGS | {"h2", "h3", "h4", "h5"}, attributes=AUTHOR_ATTRS,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)
    return Markup(re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m[1]}h{int(m[2]) + 1}>", html))


def _agenda_markdown(guide_md: str) -> str:
    """The guide's own `## Agenda` section, when it has one."""
    m = re.search(r"^##\s+Agenda\s*$(.*?)(?=^##?\s|\Z)", guide_md, re.M | re.S)
    return m.group(1).strip() if m else ""


def _agenda(pack: model.Pack, guide_md: str, label: str, *, own_agenda: bool = True) -> Markup:
    ws = _workshop(pack)
    lessons = [_lesson_ctx(pack, pack.lessons[[l.id for l in pack.lessons].index(lid)])
               for lid in ws.lessons if lid in [l.id for l in pack.lessons]]
    agenda_md = _agenda_markdown(guide_md) if own_agenda else ""
    return _part("agenda.html.j2", pack=pack, workshop=ws, lessons=lessons, label=label,
                 agenda=_doc_html(agenda_md) if agenda_md else None)


def _workshop_lessons(pack: model.Pack) -> list[model.Lesson]:
    ids = _workshop(pack).lessons
    by_id = {l.id: l for l in pack.lessons}
    return [by_id[i] for i in ids if i in by_id]


# ---------------------------------------------------------------- the documents

def documents(pack: model.Pack, docs_dir: Path | None = None) -> list[Doc]:
    """Every handout as print HTML (fast; the PDFs are made from these)."""
    student = view(pack, "student", keep_instant=False)
    teacher = view(pack, "teacher")
    docs: list[Doc] = []
    for lesson in student.lessons:
        docs.append(Doc(f"student/{worksheet_name(lesson.id)}",
                        _document(student, f"{lesson.title}: worksheet", "Student worksheet", [_worksheet(student, lesson)])))
    for lesson in teacher.lessons:
        docs.append(Doc(f"teacher/{key_name(lesson.id)}",
                        _document(teacher, f"{lesson.title}: answer key", "Answer key: teacher only", [_key(teacher, lesson)])))
    for src in student.sources:
        docs.append(Doc(f"student/{article_name(src.id)}",
                        _document(student, src.title, "The article, numbered paragraphs",
                                  [_part("article.html.j2", pack=student, source=src, claims=[], annotated=False)])))
    for src in teacher.sources:
        claims = [c for c in teacher.claims if (c.source or teacher.sources[0].id) == src.id]
        docs.append(Doc(f"teacher/{article_name(src.id, annotated=True)}",
                        _document(teacher, f"{src.title} (annotated)", "Annotated article: teacher only",
                                  [_part("article.html.j2", pack=teacher, source=src, claims=claims, annotated=True)])))
    guide_md = _guide_markdown(pack, docs_dir)
    ws = _workshop(teacher)
    guide = _part("guide.html.j2", pack=teacher, workshop=ws, guide=_doc_html(guide_md) if guide_md else None,
                  lessons=[_lesson_ctx(teacher, l) for l in _workshop_lessons(teacher)],
                  agenda=_agenda(teacher, guide_md, "Facilitator guide", own_agenda=False))
    docs.append(Doc(f"teacher/{GUIDE_NAME}", _document(teacher, f"{ws.title}: facilitator guide", "Facilitator guide: teacher only", [guide])))
    # The facilitator guide is teacher-only: none of its text goes on student paper.
    docs.append(Doc(f"student/{WORKSHOP_WORKSHEETS}", _document(
        student, f"{ws.title}: worksheets", "Workshop worksheets",
        [_agenda(student, guide_md, "Worksheets", own_agenda=False)]),
        tuple(f"student/{worksheet_name(l.id)}" for l in _workshop_lessons(student))))
    docs.append(Doc(f"teacher/{WORKSHOP_KEYS}", _document(
        teacher, f"{ws.title}: answer keys", "Workshop answer keys: teacher only", [_agenda(teacher, guide_md, "Answer keys")]),
        tuple(f"teacher/{key_name(l.id)}" for l in _workshop_lessons(teacher))))
    return docs


# ---------------------------------------------------------------- PDF writing

class WarningCollector(logging.Handler):
    """Keeps the warnings WeasyPrint logs (layout, fonts, fetches) while a document is laid out."""
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_pdfs(files: list[tuple[str, str | None]], paper: str, pack: tuple[str, str] | None = None) -> list[str]:
    """Lay out each (html, out file) and write it (out None: lay out only); with `pack` =
    (cover html, out file), also write the cover followed by all their pages as one PDF.
    Returns WeasyPrint's warnings (layout, fonts, fetches). Runs in a worker process."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    collect = WarningCollector()
    wlog = logging.getLogger("weasyprint")
    wlog.addHandler(collect)
    try:
        fetcher = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=False)
        css = CSS(string=CSS_FILE.read_text(encoding="utf-8") + f"\n@page {{ size: {PAPER[paper]} }}\n",
                  base_url=str(PRINT_DIR) + "/", url_fetcher=fetcher)

        def render(html: str) -> Any:
            return HTML(string=html, base_url=str(PRINT_DIR) + "/", url_fetcher=fetcher).render(stylesheets=[css])

        def write(doc: Any, out: str) -> None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            doc.write_pdf(out, uncompressed_pdf=False, optimize_images=True)

        rendered = []
        for html, out in files:
            doc = render(html)
            if out:
                write(doc, out)
            rendered.append(doc)
        if pack:
            cover = render(pack[0])
            write(cover.copy(list(cover.pages) + [p for d in rendered for p in d.pages]), pack[1])
    finally:
        wlog.removeHandler(collect)
    return collect.messages


def write_pdf(html: str, out: str, paper: str) -> list[str]:
    """Render one document to a PDF; returns WeasyPrint's warnings."""
    return write_pdfs([(html, out)], paper)


@dataclass
class _Task:
    files: list[tuple[str, str | None]]
    pack: tuple[str, str] | None
    names: list[str]  # for the progress bar, one step each


def _plan(docs: list[Doc], out_dir: Path) -> list[_Task]:
    """One task per PDF, except packs: a pack and the documents it holds are laid out together, once."""
    by_rel = {d.rel: d for d in docs}
    claimed: set[str] = set()
    tasks: list[_Task] = []
    for d in docs:
        if d.parts:
            files = [(by_rel[r].html, None if r in claimed else str(out_dir / r)) for r in d.parts]
            names = [r for r in d.parts if r not in claimed] + [d.rel]
            claimed |= set(d.parts)
            tasks.append(_Task(files, (d.html, str(out_dir / d.rel)), names))
    for d in docs:
        if not d.parts and d.rel not in claimed:
            tasks.append(_Task([(d.html, str(out_dir / d.rel))], None, [d.rel]))
    # biggest first, so two workers finish together
    return sorted(tasks, key=lambda t: -sum(len(h) for h, _ in t.files) - (len(t.pack[0]) if t.pack else 0))


def _run(task: _Task, paper: str) -> list[str]:
    return write_pdfs(task.files, paper, task.pack)


def _set_epoch(pack: model.Pack) -> None:
    """PDFs are byte-identical only with SOURCE_DATE_EPOCH set (fontTools stamps font subsets)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return
    try:
        from .build import ensure_epoch

        ensure_epoch(pack)
    except ImportError:  # pragma: no cover - build.py is being changed elsewhere
        os.environ["SOURCE_DATE_EPOCH"] = "946684800"


def build_handouts(pack: model.Pack, out_dir: Path, *, paper: str = "a4", docs_dir: Path | None = None,
                   quiet: bool = False, jobs: int = 2) -> list[Path]:
    """Write every handout PDF under out_dir/student and out_dir/teacher; returns the files written.

    Warnings from WeasyPrint (content that overflows, missing fonts) are logged on
    `casefile.handouts` and, unless quiet, printed to stderr."""
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, not {paper!r}")
    _set_epoch(pack)
    out_dir = Path(out_dir)
    docs = documents(pack, docs_dir)
    wanted = {out_dir / d.rel for d in docs}
    for folder in ("student", "teacher"):  # a lesson that was removed leaves no stale PDF behind
        for old in sorted((out_dir / folder).glob("*.pdf")) if (out_dir / folder).is_dir() else []:
            if old not in wanted:
                old.unlink()
    warnings: list[str] = []
    tasks = _plan(docs, out_dir)

    def done(task: _Task, messages: list[str]) -> None:
        warnings.extend(f"{task.names[-1]}: {m}" for m in messages)
        for name in task.names:
            progress.step(Path(name).name)

    with Progress("Handouts", len(docs), quiet=quiet) as progress:
        if jobs > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
                futures = {pool.submit(_run, t, paper): t for t in tasks}
                for fut in as_completed(futures):
                    done(futures[fut], fut.result())
        else:
            for t in tasks:
                done(t, _run(t, paper))
    for w in warnings:
        log.warning("%s", w)
    return sorted(wanted)
