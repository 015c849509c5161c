"""Printable handouts: the pack as data (data.py) typeset by Typst (templates/print/*.typ and each
kind's generator/kinds/<kind>/print.typ).

Student documents are made from `edition.view(pack, "student", keep_instant=False)`: a worksheet
cannot carry a key because the data it is made from has none. Keys, the annotated article and the
facilitator guide come from the teacher view.

Layout under the output folder (file names are a function of the pack only):

    student/<lesson>-worksheet.pdf          one per lesson (linked from the student site)
    student/article-<source>.pdf            the article, numbered paragraphs as on the site
    student/workshop-worksheets.pdf         workshop agenda + every workshop lesson's worksheet
    teacher/<lesson>-key.pdf                one per lesson (linked from the teacher site)
    teacher/article-<source>-annotated.pdf  the article with the claim register
    teacher/facilitator-guide.pdf           agenda, the hand-written guide (pack.yml workshop.guide),
                                            each workshop lesson's timings and teacher notes
    teacher/workshop-keys.pdf               workshop agenda + every workshop lesson's key
    student/<lesson>-worksheet-B.pdf        with --versions N: versions A, B, … of each worksheet
    teacher/<lesson>-key-B.pdf              and the key of each version (its own option letters)

Author text is never Typst markup: it reaches Typst as JSON (prose as a tree of nodes, tree.py)
and the templates print its strings as text. Byte-identical output: embedded fonts only, system
fonts ignored, the date from SOURCE_DATE_EPOCH (set from the pack when missing). Typst's warnings
are logged on `casefile.handouts`.
"""

from __future__ import annotations

import json
import multiprocessing
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import i18n, model, shuffle
from ..i18n import _
from ..edition import view
from ..progress import Progress
from . import data as D
from . import typeset
from ..handout_names import (GUIDE_NAME, STUDENT_KINDS, WORKSHOP_KEYS, WORKSHOP_WORKSHEETS, article_name, handout_folder,
                    key_name, pack_handout_names, worksheet_name)
from .typst_pdf import KindError, Printer, check_kinds, printer, templates_fingerprint

__all__ = ["GUIDE_NAME", "STUDENT_KINDS", "WORKSHOP_KEYS", "WORKSHOP_WORKSHEETS", "Doc", "HandoutError", "KindError", "PAPER",
           "WarningCollector", "article_name", "build_handouts", "documents", "handout_folder", "key_name",
           "lesson_url", "pack_handout_names", "worksheet_name", "write_pdf"]

log = logging.getLogger("casefile.handouts")

PAPER = {"a4": "A4", "letter": "letter"}
lesson_url = D.lesson_url


@dataclass(frozen=True)
class Doc:
    """One PDF to write: where (relative to the handouts folder), and its data for main.typ."""

    rel: str
    data: dict[str, Any]

    @property
    def json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True)


def _workshop(pack: model.Pack) -> model.Workshop:
    return pack.info.workshop or model.Workshop(title=pack.info.title, lessons=[l.id for l in pack.lessons],
                                                minutes=sum(l.duration for l in pack.lessons))


def _workshop_lessons(pack: model.Pack) -> list[model.Lesson]:
    by_id = {l.id: l for l in pack.lessons}
    return [by_id[i] for i in _workshop(pack).lessons if i in by_id]


def _agenda_markdown(guide_md: str) -> str:
    """The guide's own `## Agenda` section, when it has one."""
    import re

    m = re.search(r"^##\s+Agenda\s*$(.*?)(?=^##?\s|\Z)", guide_md, re.M | re.S)
    return m.group(1).strip() if m else ""


def _versions(pack: model.Pack, versions: int, doc: Any) -> list[Doc]:
    """`--versions N`: each lesson's worksheet and key as versions A, B, … (shuffle.version: A as
    written, the others with each shuffling exercise's options and items in that version's order)."""
    if versions <= 1:
        return []
    out: list[Doc] = []
    for letter in shuffle.letters(versions):
        vpack = shuffle.version(pack, letter)
        papers = ((view(vpack, "student", keep_instant=False), "worksheet", "student", worksheet_name,
                   _("%(title)s: worksheet, version %(letter)s"), _("Student worksheet, version %(letter)s")),
                  (view(vpack, "teacher"), "key", "teacher", key_name,
                   _("%(title)s: answer key, version %(letter)s"), _("Answer key, version %(letter)s: teacher only")))
        for seen, kind, folder, name, title, label in papers:
            for lesson in seen.lessons:
                words = {"title": lesson.title, "letter": letter}
                part = D.lesson_part(seen, lesson, kind) | {"version": letter, "title": _("%(title)s · Version %(letter)s") % words}
                out.append(Doc(f"{folder}/{name(lesson.id, letter)}", doc(seen, title % words, label % words, [part])))
    return out


def documents(pack: model.Pack, docs_dir: Path | None = None, paper: str = "a4", pages_dir: Path | None = None,
              versions: int = 1) -> list[Doc]:
    """Every handout as data (fast; the PDFs are made from these), in the pack's language. `versions`
    > 1: also each lesson's worksheet and key in that many versions (A, B, …)."""
    with i18n.using(pack.info.language):
        return _documents(pack, docs_dir, paper, pages_dir, versions)


def _documents(pack: model.Pack, docs_dir: Path | None, paper: str, pages_dir: Path | None, versions: int) -> list[Doc]:
    student = view(pack, "student", keep_instant=False)  # paper: not even instant keys
    teacher = view(pack, "teacher")

    def doc(p: model.Pack, title: str, label: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
        return D.document(p, title, label, parts, paper)

    # each lesson's worksheet and key data, made once: the workshop packs hold the same parts
    sheet = {l.id: D.lesson_part(student, l, "worksheet") for l in student.lessons}
    keyd = {l.id: D.lesson_part(teacher, l, "key") for l in teacher.lessons}
    docs: list[Doc] = []
    for lesson in student.lessons:
        docs.append(Doc(f"student/{worksheet_name(lesson.id)}", doc(
            student, _("%(title)s: worksheet") % {"title": lesson.title}, _("Student worksheet"), [sheet[lesson.id]])))
    for lesson in teacher.lessons:
        docs.append(Doc(f"teacher/{key_name(lesson.id)}", doc(
            teacher, _("%(title)s: answer key") % {"title": lesson.title}, _("Answer key: teacher only"), [keyd[lesson.id]])))
    docs += _versions(pack, versions, doc)
    for src in student.sources:
        docs.append(Doc(f"student/{article_name(src.id)}", doc(
            student, src.title, _("The article, numbered paragraphs"), [D.article_part(student, src, annotated=False)])))
    for src in teacher.sources:
        docs.append(Doc(f"teacher/{article_name(src.id, annotated=True)}", doc(
            teacher, _("%(title)s (annotated)") % {"title": src.title}, _("Annotated article: teacher only"), [D.article_part(teacher, src, annotated=True)])))
    guide_md = D.guide_markdown(pack, docs_dir, pages_dir)
    if guide_md is None:
        log.warning("%s: the workshop guide named in pack.yml was not found; the facilitator guide is generated only",
                    pack.info.workshop.guide if pack.info.workshop else "")
        guide_md = ""
    ws = _workshop(teacher)
    t_lessons = _workshop_lessons(teacher)
    s_lessons = _workshop_lessons(student)
    guide_parts = [D.agenda_part(teacher, ws, t_lessons, _("Facilitator guide"))]
    if guide_md:
        guide_parts.append({"type": "guide", "title": ws.title, "restart": False, "new_page": False,
                            "text": D.doc_tree(guide_md)})
    # the guide runs on: each lesson's notes follow the last (a rule and its title mark the start)
    guide_parts += [keyd[l.id] | {"type": "guide-lesson", "restart": False, "new_page": False} for l in t_lessons]
    docs.append(Doc(f"teacher/{GUIDE_NAME}", doc(teacher, _("%(title)s: facilitator guide") % {"title": ws.title}, _("Facilitator guide: teacher only"), guide_parts)))
    # The facilitator guide is teacher-only: none of its text goes on student paper.
    docs.append(Doc(f"student/{WORKSHOP_WORKSHEETS}", doc(
        student, _("%(title)s: worksheets") % {"title": ws.title}, _("Workshop worksheets"),
        [D.agenda_part(student, _workshop(student), s_lessons, _("Worksheets"))]
        + [sheet[l.id] for l in s_lessons])))
    docs.append(Doc(f"teacher/{WORKSHOP_KEYS}", doc(
        teacher, _("%(title)s: answer keys") % {"title": ws.title}, _("Workshop answer keys: teacher only"),
        [D.agenda_part(teacher, ws, t_lessons, _("Answer keys"), _agenda_markdown(guide_md))]
        + [keyd[l.id] for l in t_lessons])))
    return docs


# ---------------------------------------------------------------- PDF writing

class WarningCollector(logging.Handler):
    """Keeps the warnings logged on a logger (tests attach it to `casefile.handouts`)."""
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _epoch() -> int | None:
    e = os.environ.get("SOURCE_DATE_EPOCH")
    return int(e) if e else None


class HandoutError(RuntimeError):
    """A PDF Typst could not make (a fault in a print template, not in the pack)."""


def write_pdf(doc: dict[str, Any], out: str | Path) -> list[str]:
    """Typeset one document into `out`; returns Typst's warnings."""
    import typst

    from .. import cache

    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    key = [templates_fingerprint(), data, _epoch()]  # all of the doc (ui strings, media); Typst's version (and its embedded fonts): cache.versions()
    hit = cache.get("pdf", key)
    if hit is not None and b"\n" in hit:
        head, pdf = hit.split(b"\n", 1)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(pdf)
        typeset.remember(pdf, data, out)  # the entry is keyed by this very document: its PDF was typeset from it
        return [str(w) for w in json.loads(head)]
    try:
        pdf, warnings = printer().pdf(doc, _epoch())
    except typst.TypstError as e:
        hints = "; ".join(getattr(e, "hints", []) or [])
        raise HandoutError(f"{Path(out).name}: Typst could not lay it out: {getattr(e, 'message', e)}"
                           f"{' (' + hints + ')' if hints else ''}. This is a fault in a print template "
                           "(templates/print/ or a kind's print.typ), not in the lessons.") from None
    cache.put("pdf", key, json.dumps(warnings).encode() + b"\n" + pdf)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_bytes(pdf)
    typeset.remember(pdf, data, out)
    return warnings


def _write_many(jobs: list[tuple[dict[str, Any], str]]) -> tuple[list[str], list[tuple[str, bytes]]]:
    """Runs in a worker process: write each (doc, out file); returns 'name: warning' lines and what
    was typeset from what (typeset.py), for the parent's leak guard."""
    out: list[str] = []
    typeset.forget_all()
    for doc, path in jobs:
        out += [f"{Path(path).name}: {w}" for w in write_pdf(doc, path)]
    return out, typeset.pairs()


def _set_epoch(pack: model.Pack) -> None:
    """The date stamped in each PDF comes from SOURCE_DATE_EPOCH (set from the pack when missing)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return
    from ..epoch import ensure_epoch

    ensure_epoch(pack)


# Documents (by their JSON's size) one Typst process makes before it is replaced by a fresh one: a
# big pack's handouts stay within a few hundred MiB (CASEFILE_HANDOUT_CHUNK_MB).
CHUNK_BYTES = int(float(os.environ.get("CASEFILE_HANDOUT_CHUNK_MB", "2.5")) * 1024 * 1024)
BIG_PACK_JOBS = 2  # worker processes at a time for a big pack's handouts (more than 2 chunks' JSON)


def _chunks(todo: list[tuple[dict[str, Any], str]], sizes: list[int], jobs: int) -> list[list[tuple[dict[str, Any], str]]]:
    """Split the work into at least `jobs` chunks of at most CHUNK_BYTES of JSON (a bigger document
    is a chunk of its own)."""
    limit = min(CHUNK_BYTES, max(1, sum(sizes) // max(1, jobs) + 1))
    chunks: list[list[tuple[dict[str, Any], str]]] = [[]]
    size = 0
    for job, n in zip(todo, sizes):
        if chunks[-1] and size + n > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(job)
        size += n
    return chunks


def build_handouts(pack: model.Pack, out_dir: Path, *, paper: str = "a4", docs_dir: Path | None = None,
                   quiet: bool = False, jobs: int = 1, pages_dir: Path | None = None, versions: int = 1) -> list[Path]:
    """Write every handout PDF under out_dir/student and out_dir/teacher; returns the files written.

    One Typst compile per PDF, in this process (`jobs` > 1: that many worker processes). Typst's
    warnings are logged on `casefile.handouts`. A kind with no print form raises KindError first."""
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, not {paper!r}")
    check_kinds(model.EXERCISE_KINDS)
    _set_epoch(pack)
    typeset.forget_all()
    out_dir = Path(out_dir)
    docs = documents(pack, docs_dir, paper, pages_dir, versions)
    wanted = {out_dir / d.rel for d in docs}
    for folder in ("student", "teacher"):  # a lesson that was removed leaves no stale PDF behind
        for old in sorted((out_dir / folder).glob("*.pdf")) if (out_dir / folder).is_dir() else []:
            if old not in wanted:
                old.unlink()
    warnings: list[str] = []
    # biggest first, so workers finish together
    sized = sorted(((len(json.dumps(d.data, ensure_ascii=False)), d.data, str(out_dir / d.rel)) for d in docs),
                   key=lambda j: -j[0])
    todo, sizes = [(d, path) for _, d, path in sized], [n for n, _, _ in sized]
    with Progress("Handouts", len(docs), quiet=quiet) as progress:
        big = sum(sizes) > 2 * CHUNK_BYTES
        if (jobs > 1 or big) and len(todo) > 1:
            # a big pack's handouts are most of its build and its longest chain: two worker
            # processes at a time, so the chunks do not wait in one queue (N = 500: 188 s wall with one)
            jobs = jobs if jobs > 1 else min(BIG_PACK_JOBS, os.cpu_count() or 1)
            chunks = _chunks(todo, sizes, jobs)
            # spawn, not fork: a child forked after this process ran Typst (its worker threads) can hang.
            # One chunk per worker process, then a fresh process: Typst keeps what it laid out in
            # memory for as long as the process lives (about 150 bytes for each byte of JSON).
            with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=multiprocessing.get_context("spawn"),
                                     max_tasks_per_child=1) as pool:
                for chunk, (result, made) in zip(chunks, pool.map(_write_many, chunks)):
                    warnings += result
                    typeset.remember_pairs(made)
                    for _, path in chunk:
                        progress.step(Path(path).name)
        else:
            for d, path in todo:
                warnings += [f"{Path(path).name}: {w}" for w in write_pdf(d, path)]
                progress.step(Path(path).name)
    for w in warnings:
        log.warning("%s", w)
    return sorted(wanted)
