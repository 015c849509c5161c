"""Printable handouts: the PDFs read back as text, their layout, names, leaks and determinism."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURE_PACK, ROOT
from scan import INSTANT, MARKER

from generator.handouts import (GUIDE_NAME, WORKSHOP_KEYS, WORKSHOP_WORKSHEETS, WarningCollector, article_name,
                                build_handouts, documents, key_name, worksheet_name, write_pdf)
from page_layout import pages_of, problems
from generator.load import load_pack
from generator.text import to_plain

ARTIFACTS = ROOT / "test-artifacts" / "handouts"

# Page counts of the fixture pack's handouts on A4. A change here is a layout change: look at the
# PNG in test-artifacts/handouts/ (and the PDFs) before updating the numbers.
PAGES_A4 = {
    "student/01-basics-worksheet.pdf": 2,
    "student/02-open-worksheet.pdf": 3,
    "student/article-memo.pdf": 1,
    "student/workshop-worksheets.pdf": 6,
    "teacher/01-basics-key.pdf": 2,
    "teacher/02-open-key.pdf": 1,
    "teacher/article-memo-annotated.pdf": 1,
    "teacher/facilitator-guide.pdf": 1,
    "teacher/workshop-keys.pdf": 4,
}


@pytest.fixture(scope="module")
def pack():
    return load_pack(FIXTURE_PACK).pack


@pytest.fixture(scope="module")
def built(pack, tmp_path_factory):
    """The fixture pack's handouts, built the way `casefile build` does (2 worker processes)."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1714953600")
    out = tmp_path_factory.mktemp("handouts")
    collect = WarningCollector()
    logging.getLogger("casefile.handouts").addHandler(collect)
    try:
        files = build_handouts(pack, out, paper="a4", docs_dir=ROOT / "docs", quiet=True, jobs=2)
    finally:
        logging.getLogger("casefile.handouts").removeHandler(collect)
    return out, files, collect.messages


def text_of(path: Path) -> str:
    """The PDF's text in reading order, whitespace collapsed; a word broken at a hyphen is rejoined."""
    if shutil.which("pdftotext"):
        raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        raw = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", raw))


def markers_in(path: Path, pattern: re.Pattern[str] = MARKER) -> set[str]:
    return set(pattern.findall(path.read_text(encoding="utf-8")))


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- what is written

def test_every_handout_is_written_under_its_edition_folder(built, pack) -> None:
    out, files, _ = built
    expected = {f"student/{worksheet_name(l.id)}" for l in pack.lessons}
    expected |= {f"teacher/{key_name(l.id)}" for l in pack.lessons}
    expected |= {f"student/{article_name(s.id)}" for s in pack.sources}
    expected |= {f"teacher/{article_name(s.id, annotated=True)}" for s in pack.sources}
    expected |= {f"teacher/{GUIDE_NAME}", f"student/{WORKSHOP_WORKSHEETS}", f"teacher/{WORKSHOP_KEYS}"}
    assert {p.relative_to(out).as_posix() for p in files} == expected
    assert all(p.stat().st_size > 5000 for p in files)
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == expected


def test_typst_reports_no_warning(built) -> None:
    assert built[2] == []


def test_page_counts_are_stable(built) -> None:
    out, _, _ = built
    counts = {rel: len(PdfReader(str(out / rel)).pages) for rel in PAGES_A4}
    assert counts == PAGES_A4


def test_paper_is_a4_by_default(built) -> None:
    out, _, _ = built
    box = PdfReader(str(out / "student" / worksheet_name("01-basics"))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


# ---------------------------------------------------------------- worksheets: everything to do, no key

def test_each_worksheet_holds_every_prompt_and_item_of_its_lesson(built, pack) -> None:
    out, _, _ = built
    for lesson in pack.lessons:
        text = text_of(out / "student" / worksheet_name(lesson.id))
        assert "Name" in text and "Date" in text and "Class" in text
        for o in lesson.objectives:
            assert norm(to_plain(o)) in text
        for ex in lesson.exercises:
            assert norm(to_plain(ex.prompt)) in text, f"{lesson.id}/{ex.id}: prompt missing"
            for part in (getattr(ex, "options", []) + getattr(ex, "items", []) + getattr(ex, "left", [])
                         + getattr(ex, "right", [])):
                assert norm(to_plain(part.text)) in text, f"{lesson.id}/{ex.id}: {part.id} missing"
            for c in getattr(ex, "categories", []):
                assert norm(c.label) in text
            for step in getattr(ex, "steps", []):
                assert norm(to_plain(step)) in text
            if getattr(ex, "rubric", None):
                for crit in ex.rubric.criteria:
                    assert norm(to_plain(crit.criterion)) in text
                    for desc in crit.levels.values():
                        assert norm(to_plain(desc)) in text
        src = pack.lesson_source(lesson)
        for pid in lesson.focus_paragraphs:
            para = next(p for p in src.paragraphs if p.id == pid)
            assert f"¶{pid[1:]}" in text and norm(para.text) in text


def test_no_student_handout_holds_teacher_text(built) -> None:
    out, _, _ = built
    student = sorted((out / "student").glob("*.pdf"))
    assert len(student) == 4
    for pdf in student:
        for text in (text_of(pdf), pdf.read_bytes().decode("latin-1")):
            assert not MARKER.findall(text), f"{pdf.name} leaks {MARKER.findall(text)[:3]}"
            # On paper, even instant-feedback exercises carry no key.
            assert not INSTANT.findall(text), f"{pdf.name} carries an instant key {INSTANT.findall(text)[:3]}"
        assert "Answer key" not in text_of(pdf)


def test_qr_code_only_when_the_pack_has_a_public_url(pack, built, tmp_path_factory) -> None:
    docs = {d.rel: d.json for d in documents(pack)}
    ws = docs[f"student/{worksheet_name('01-basics')}"]
    assert "<svg" in ws and "https://example.org/fixture/lessons/01-basics.html" in ws
    assert "<svg" not in docs[f"teacher/{key_name('01-basics')}"]
    private = pack.model_copy(deep=True)
    private.info.site.public_url = None
    assert not any("<svg" in d.json for d in documents(private))
    # and the PDF shows it: an image beside the title, with the address under it
    out, _, _ = built
    pdf = out / "student" / worksheet_name("01-basics")
    assert "https://example.org/fixture/lessons/01-basics.html" in text_of(pdf).replace(" ", "")
    if shutil.which("pdftoppm"):
        assert _dark_top_right(pdf) > 100  # the code's modules, drawn beside the title
        bare = tmp_path_factory.mktemp("noqr")
        build_handouts(private, bare, quiet=True, jobs=1)
        assert _dark_top_right(bare / "student" / worksheet_name("01-basics")) == 0


def _dark_top_right(pdf: Path) -> int:
    """Dark pixels in the top right corner of page 1 (where the QR code goes), at 30 dpi."""
    raw = subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", "-x", "170", "-y", "20", "-W", "70",
                          "-H", "22", str(pdf)], capture_output=True, check=True).stdout
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    return sum(1 for b in raw[m.end():] if b < 128)


# ---------------------------------------------------------------- keys: every answer

def test_each_key_holds_every_answer_and_note_of_its_lesson(built, pack) -> None:
    out, _, _ = built
    for lesson in pack.lessons:
        markers = markers_in(FIXTURE_PACK / f"{lesson.id}.yml") | markers_in(FIXTURE_PACK / f"{lesson.id}.yml", INSTANT)
        assert markers, lesson.id
        text = text_of(out / "teacher" / key_name(lesson.id))
        missing = sorted(m for m in markers if m not in text)
        assert not missing, f"{lesson.id} key lacks {missing}"
        for ex in lesson.exercises:
            assert norm(to_plain(ex.prompt)) in text
        for a in lesson.activities:  # timings
            assert norm(to_plain(a.title)) in text
    # Answers as written with a pen on the worksheet: letters for choice, order and match.
    text = text_of(out / "teacher" / key_name("01-basics"))
    assert "On the worksheet: B" in text          # b-choice: option b is the second box
    assert "On the worksheet: A, C" in text       # b-multi
    assert "On the worksheet: 1. B 2. C 3. A" in text  # b-order: y, z, x


def test_worksheets_and_keys_name_the_skills_of_the_lesson_and_of_each_exercise(built, pack) -> None:
    out, _, _ = built
    tagged = 0
    for lesson in pack.lessons:
        lines = [[pack.skill(s).name for s in ids] for ids in [lesson.skills] + [ex.skills for ex in lesson.exercises]]
        lines = [" · ".join(names) for names in lines if names]
        tagged += len(lines)
        for path in (out / "student" / worksheet_name(lesson.id), out / "teacher" / key_name(lesson.id)):
            text = text_of(path)
            assert text.count("Skills:") == len(lines), (path.name, text.count("Skills:"))
            for line in lines:
                assert f"Skills: {line}" in text, (path.name, line)
    assert tagged >= 3  # the fixture pack tags lessons and exercises


def test_annotated_article_holds_the_claim_register(built) -> None:
    out, _, _ = built
    text = text_of(out / "teacher" / article_name("memo", annotated=True))
    missing = sorted(markers_in(FIXTURE_PACK / "claims.yml") - set(MARKER.findall(text)))
    assert not missing
    assert "TMARK-ref-outlet" in text  # the reference behind claim k1
    clean = text_of(out / "student" / article_name("memo"))
    for n in (1, 2, 3, 4):
        assert f"¶{n}" in clean


def test_workshop_packs_hold_the_agenda_and_every_workshop_lesson(built, pack) -> None:
    out, _, _ = built
    sheets = text_of(out / "student" / WORKSHOP_WORKSHEETS)
    keys = text_of(out / "teacher" / WORKSHOP_KEYS)
    assert "Agenda" in sheets and "Fixture workshop" in sheets
    for lesson in pack.lessons:
        for ex in lesson.exercises:
            assert norm(to_plain(ex.prompt)) in sheets
    assert not MARKER.findall(sheets)
    assert markers_in(FIXTURE_PACK / "02-open.yml") <= set(MARKER.findall(keys))
    guide = text_of(out / "teacher" / GUIDE_NAME)
    assert "TMARK-lesson1-notes" in guide and "Fixture workshop" in guide


def test_exercises_are_not_split_across_pages(built) -> None:
    """Each exercise fits on one page here, so its prompt and its last line share a page."""
    out, _, _ = built
    reader = PdfReader(str(out / "student" / worksheet_name("02-open")))
    pages = [norm(p.extract_text() or "") for p in reader.pages]
    for first, last in [("Audit these claims.", "Names it exactly."), ("Find out who Example Press is.", "Stays on the page.")]:
        assert any(first in p and last in p for p in pages), (first, last)


# ---------------------------------------------------------------- determinism, paper, CLI

def test_same_input_gives_byte_identical_pdfs(pack, tmp_path) -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1714953600")
    one, two = documents(pack, ROOT / "docs"), documents(pack, ROOT / "docs")
    assert [d.json for d in one] == [d.json for d in two]
    doc = next(d for d in one if d.rel.endswith(worksheet_name("01-basics")))
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert write_pdf(doc.data, a) == []
    write_pdf(doc.data, b)
    assert a.read_bytes() == b.read_bytes()


_NO_FONTS_BUILD = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from generator.load import load_pack
from generator.handouts import build_handouts
build_handouts(load_pack(Path({pack!r})).pack, Path(sys.argv[1]), docs_dir=Path({docs!r}), quiet=True, jobs=1)
"""


def test_pdfs_do_not_depend_on_the_fonts_of_the_machine(tmp_path) -> None:
    """A build that sees no system fonts at all (an empty fontconfig, no font folders) and one with
    the machine's own give the same bytes: only the fonts inside the typst wheel are used."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    script = _NO_FONTS_BUILD.format(root=str(ROOT), pack=str(FIXTURE_PACK), docs=str(ROOT / "docs"))
    outs = []
    for name, extra in (("none", {"FONTCONFIG_FILE": str(conf), "XDG_DATA_HOME": str(tmp_path / "none"),
                                   "HOME": str(tmp_path)}), ("system", {})):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1714953600", **extra}
        out = tmp_path / name
        r = subprocess.run([sys.executable, "-c", script, str(out)], env=env, capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
        outs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))})
    assert len(outs[0]) == 9 and outs[0] == outs[1]
    fonts = subprocess.run(["pdffonts", str(tmp_path / "system" / "student" / worksheet_name("01-basics"))],
                           capture_output=True, text=True).stdout if shutil.which("pdffonts") else "LibertinusSerif"
    assert "LibertinusSerif" in fonts and "DejaVuSans-" not in fonts


def test_cli_writes_letter_paper(tmp_path) -> None:
    out = tmp_path / "h"
    r = subprocess.run([sys.executable, "-m", "generator", "handouts", "--lessons", str(FIXTURE_PACK), "--out", str(out),
                        "--paper", "letter", "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "Wrote 9 PDFs" in r.stdout
    assert r.stderr == ""  # --quiet: no progress bar
    box = PdfReader(str(out / "student" / worksheet_name("01-basics"))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_first_page_of_a_worksheet_as_png_for_people(built) -> None:
    """Not an assertion on looks: a picture in test-artifacts/ for a person to check."""
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is not installed; .ci/run installs poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out, _, _ = built
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for folder, name in (("student", worksheet_name("01-basics")), ("student", worksheet_name("02-open")),
                         ("teacher", key_name("01-basics"))):
        stem = ARTIFACTS / name.replace(".pdf", "-page1")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(out / folder / name), str(stem)], check=True)
        assert stem.with_suffix(".png").stat().st_size > 5_000


# ---------------------------------------------------------------- in the sites

def test_worksheets_linked_from_student_site_keys_only_from_teacher_site(fixture_site: Path) -> None:
    student, teacher = fixture_site / "student", fixture_site / "teacher"
    assert (fixture_site / "handouts").exists(), "the fixture site is built with handouts"
    assert sorted(p.name for p in (student / "handouts").glob("*.pdf")) == sorted(
        [worksheet_name("01-basics"), worksheet_name("02-open"), "article-memo.pdf", "workshop-worksheets.pdf"])
    assert not list(student.rglob("*-key.pdf")) and not list(student.rglob("*-annotated.pdf"))
    assert not list(student.rglob("facilitator-guide.pdf")) and not list(student.rglob("workshop-keys.pdf"))
    home = (student / "index.html").read_text()
    assert "handouts/article-memo.pdf" in home and "handouts/workshop-worksheets.pdf" in home
    assert "handouts/article-memo.pdf" in (student / "source" / "memo.html").read_text()
    thome = (teacher / "index.html").read_text()
    for name in ("article-memo-annotated.pdf", "workshop-keys.pdf", "facilitator-guide.pdf"):
        assert f"handouts/{name}" in thome and (teacher / "handouts" / name).exists()
    page = (student / "lessons" / "01-basics.html").read_text()
    assert worksheet_name("01-basics") in page and key_name("01-basics") not in page
    tpage = (teacher / "lessons" / "01-basics.html").read_text()
    assert worksheet_name("01-basics") in tpage and key_name("01-basics") in tpage
    assert (teacher / "handouts" / key_name("01-basics")).exists()


def test_site_ships_the_print_stylesheet(fixture_site: Path) -> None:
    css = list((fixture_site / "student").rglob("site-print.css"))
    assert css and "@media print" in css[0].read_text()
    page = (fixture_site / "student" / "lessons" / "01-basics.html").read_text()
    assert "site-print.css" in page


@pytest.mark.browser
def test_browser_print_of_a_lesson_page_shows_the_print_form(fixture_site: Path, browser) -> None:
    """Printing a lesson page from the browser: no navigation, exercises framed, writing space shown."""
    page = browser.new_page()
    page.goto((fixture_site / "student" / "lessons" / "02-open.html").as_uri())
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", ".cf-feedback"):
        loc = page.locator(hidden).first
        assert loc.count() == 0 or not loc.is_visible(), f"{hidden} prints"
    area = page.locator("textarea").first
    assert area.is_visible()
    assert area.bounding_box()["height"] >= 5 * 28  # 5 ruled lines of 8 mm (about 30 px each)
    assert "Name" in page.evaluate("getComputedStyle(document.querySelector('.cf-lesson'), '::after').content")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-print-02-open.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def _overflowing_lines(pdf: Path) -> list[tuple[int, str]]:
    """Text that sticks out of the page's content area (right or bottom): clipped on paper."""
    import html as _html

    from page_layout import BOTTOM, MM

    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    bad = []
    for n, page in enumerate(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S), 1):
        width, height = float(page[1]), float(page[2])
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page[3]):
            x1, y0, y1 = float(m[3]), float(m[2]), float(m[4])
            in_footer = y0 > height - BOTTOM
            if x1 > width - 16 * MM + 1 or (y1 > height - BOTTOM + 1 and not in_footer) or y1 > height - 8 * MM:
                bad.append((n, _html.unescape(m[5])))
    return bad


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_nothing_overflows_the_page(pack, paper, tmp_path) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    files = build_handouts(pack, tmp_path, paper=paper, docs_dir=ROOT / "docs", quiet=True, jobs=1)
    size = {"a4": (595, 842), "letter": (612, 792)}[paper]
    for f in files:
        box = PdfReader(str(f)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size, f.name
        bad = _overflowing_lines(f)
        assert not bad, f"{f.name} ({paper}): {bad[:3]}"


def test_pages_are_laid_out_well(built) -> None:
    """No page holding only a heading, a lone line or a lone table row, ending in a heading, or left
    mostly blank while more of its part follows (tests/page_layout.py)."""
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils is not installed")
    out, files, _ = built
    assert sum(len(pages_of(f)) for f in files) == sum(PAGES_A4.values())
    bad = [b for f in files for b in problems(f)]
    assert bad == []


# ---------------------------------------------------------------- the default pack

def _teacher_strings(value, inside: bool = False):
    """Every string held in a teacher-only field, anywhere under value."""
    from pydantic import BaseModel

    from generator.edition import is_teacher_only

    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _teacher_strings(getattr(value, name), inside or is_teacher_only(info))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _teacher_strings(v, inside)
    elif inside and isinstance(value, str):
        yield value


def test_default_pack_worksheets_fit_the_page_and_hold_no_key(tmp_path) -> None:
    """The real lessons: worksheets hold every prompt, no teacher-only text, nothing off the page."""
    real = load_pack(ROOT / "lessons").pack  # the default pack must check clean
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1714953600")
    article = " ".join(norm(p.text) for s in real.sources for p in s.paragraphs)
    # Teacher text that is not itself a quote of the article (highlight answers are exact spans).
    probes = {norm(to_plain(s))[:60] for s in _teacher_strings(real.lessons)}
    probes = {p for p in probes if len(p) >= 40 and p not in article}
    assert len(probes) > 100
    docs = documents(real, ROOT / "docs", pages_dir=ROOT / "lessons" / "pages")
    sheets = [d for d in docs if d.rel.endswith("-worksheet.pdf")]
    assert len(sheets) == len(real.lessons)
    for d, lesson in zip(sheets, real.lessons):
        assert d.rel == f"student/{worksheet_name(lesson.id)}"
        out = tmp_path / Path(d.rel).name
        assert write_pdf(d.data, out) == []
        if shutil.which("pdftotext"):
            bad = _overflowing_lines(out)
            assert not bad, f"{d.rel}: {bad[:3]}"
        text = text_of(out)
        for ex in lesson.exercises:
            assert norm(to_plain(ex.prompt))[:80] in text, f"{lesson.id}/{ex.id}: prompt missing"
        leaked = sorted(p for p in probes if p in text)
        assert not leaked, f"{d.rel} holds teacher text: {leaked[:2]}"
    # The probe can fail: the same strings are found in a key.
    key = next(d for d in docs if d.rel == f"teacher/{key_name(real.lessons[0].id)}")
    write_pdf(key.data, tmp_path / "key.pdf")
    assert len([p for p in probes if p in text_of(tmp_path / "key.pdf")]) >= 5


def test_default_pack_handouts_are_laid_out_well(tmp_path) -> None:
    """Every handout of the real lessons passes the page check (the figure for WeasyPrint's was 39
    bad pages of 307)."""
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils is not installed")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1714953600")
    real = load_pack(ROOT / "lessons").pack
    files = build_handouts(real, tmp_path, docs_dir=ROOT / "docs", quiet=True, jobs=1,
                           pages_dir=ROOT / "lessons" / "pages")
    assert len(files) == 2 * len(real.lessons) + 2 * len(real.sources) + 3
    bad = [b for f in files for b in problems(f)]
    assert bad == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for rel in (f"student/{worksheet_name(real.lessons[0].id)}", f"teacher/{key_name(real.lessons[0].id)}"):
        stem = ARTIFACTS / ("default-" + Path(rel).stem + "-page1")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / rel), str(stem)], check=True)


# ---------------------------------------------------------------- author text is data, never Typst code

HOSTILE = ['#read("/etc/passwd")', '#eval("1 + 1")', "]", "$x^2$", "a\\b", "1 < 2", "@ref", "// not a comment",
           '#set page(width: 3cm)', '#import "/print/lib.typ": *', "#{ panic() }", "<cf-part>"]


def test_hostile_lesson_text_prints_literally_and_runs_nothing(pack_copy, tmp_path) -> None:
    """Typst syntax in every kind of author text (titles, Markdown prose, options, article paragraphs)
    is printed as the characters it is: no file is read, nothing is evaluated, the page is unchanged."""
    import yaml

    evil = " ".join(HOSTILE)
    lesson_file = pack_copy / "01-basics.yml"
    data = yaml.safe_load(lesson_file.read_text())
    data["title"] = "Title " + evil
    data["summary"] = "Summary " + evil
    data["objectives"] = ["Objective " + evil]
    data["exercises"][0]["prompt"] = "Prompt " + evil
    data["exercises"][0]["options"][0]["text"] = "Option " + evil
    data["exercises"][0]["options"][0]["why"] = "Why " + evil
    lesson_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    src_file = next((pack_copy / "sources").glob("*.yml"))
    src = yaml.safe_load(src_file.read_text())
    src["paragraphs"][0]["text"] = "Paragraph " + evil
    src_file.write_text(yaml.safe_dump(src, allow_unicode=True))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1714953600")
    hostile_pack = load_pack(pack_copy).pack
    collect = WarningCollector()
    logging.getLogger("casefile.handouts").addHandler(collect)
    try:
        build_handouts(hostile_pack, tmp_path, docs_dir=ROOT / "docs", quiet=True, jobs=1)
    finally:
        logging.getLogger("casefile.handouts").removeHandler(collect)
    assert collect.messages == []
    passwd = Path("/etc/passwd").read_text().splitlines()[0] if Path("/etc/passwd").exists() else "root:x:0:0"
    for rel in (f"student/{worksheet_name('01-basics')}", f"teacher/{key_name('01-basics')}",
                f"student/{article_name('memo')}", f"student/{WORKSHOP_WORKSHEETS}"):
        pdf = tmp_path / rel
        text = text_of(pdf).replace("\u00ad", "")
        flat = text.replace(" ", "")
        for piece in HOSTILE:
            assert piece.replace(" ", "") in flat, f"{rel}: {piece!r} not printed literally"
        assert passwd[:12] not in text and "root:" not in text
        for page in PdfReader(str(pdf)).pages:
            assert round(float(page.mediabox.width)) == 595  # `#set page(width: 3cm)` did nothing
    assert "Paragraph #read(" in text_of(tmp_path / "student" / article_name("memo"))


def test_inline_paragraph_quotes_print_the_words_and_the_paragraph(built) -> None:
    out, _, _ = built
    key = text_of(out / "teacher" / key_name("01-basics"))
    assert "“left at noon” (¶2)" in key or '"left at noon" (¶2)' in key


# ---------------------------------------------------------------- the kind dispatcher

def test_kind_dispatcher_comes_from_the_kind_folders(tmp_path) -> None:
    from generator import model
    from generator.handouts import typst_pdf

    kinds = typst_pdf.check_kinds(model.EXERCISE_KINDS)
    assert set(model.EXERCISE_KINDS) <= set(kinds)
    typ = typst_pdf.kinds_typ(kinds)
    for k in kinds:
        assert f'"/kinds/{k}/print.typ"' in typ and f'"{k}": (worksheet:' in typ
    root = typst_pdf.make_root(kinds, tmp_path / "root")
    assert {p.parent.name for p in (root / "kinds").glob("*/print.typ")} == set(kinds)


def test_a_kind_without_a_print_form_is_a_clear_error(tmp_path, monkeypatch) -> None:
    from generator.handouts import typst_pdf

    fake = tmp_path / "kinds"
    for k in ("choice", "order"):
        (fake / k).mkdir(parents=True)
    (fake / "choice" / "print.typ").write_text("#let worksheet(ex, ctx) = []\n#let key(ex, ctx) = []\n")
    monkeypatch.setattr(typst_pdf, "KINDS_DIR", fake)
    with pytest.raises(typst_pdf.KindError) as err:
        typst_pdf.check_kinds(["choice", "order", "match"])
    assert "generator/kinds/order/print.typ is missing" in str(err.value)
    assert "kind 'match' has no print form" in str(err.value)


def test_a_template_fault_is_one_clear_error_not_a_traceback(pack, tmp_path) -> None:
    from generator.handouts import HandoutError

    doc = documents(pack)[0].data | {"parts": [{"type": "no-such-part", "title": "x", "restart": True}]}
    with pytest.raises(HandoutError) as err:
        write_pdf(doc, tmp_path / "broken.pdf")
    assert str(err.value).startswith("broken.pdf: Typst could not lay it out:") and "\n" not in str(err.value)
    assert not (tmp_path / "broken.pdf").exists()
