"""Issue 12.5: `casefile build` checks its own output. Teacher-only text found in a file of the
public edition stops the build, names the file, the teacher field (file:line) and what to do,
and leaves the previous site untouched."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.leak_guard import fold, scan, teacher_secrets
from generator.load import load_pack

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "generator"]
NOTE = "TMARK-claim2-note: the harbour log shows the boat was moored all night"


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, pack_copy: Path) -> Path:
    claims = pack_copy / "claims.yml"
    claims.write_text(claims.read_text().replace("    note: TMARK-claim2-note\n", f"    note: '{NOTE}'\n"))
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "for-students.md").write_text("# For students\n\nRead the article closely.\n")
    return tmp_path


def build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + ["build", "--lessons", "lessons", "--no-handouts", "--no-exports", "-q"],
                          capture_output=True, text=True, cwd=project)


@pytest.mark.slow
def test_teacher_note_pasted_into_a_public_page_stops_the_build(project: Path) -> None:
    assert build(project).returncode == 0
    before = tree(project / "site")
    page = project / "docs" / "for-students.md"
    page.write_text(page.read_text() + f"\nA hint: {NOTE}.\n")
    r = build(project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == (
        "site/student/for-students.html: holds teacher-only text, claim 'k2' note from lessons/claims.yml:21:11 "
        f"(\"{NOTE[:57]}…\"); remove it from docs/for-students.md, or make that page teacher-only (move it "
        "under docs/teacher/ or add 'edition: teacher' to its front matter); nothing was published")
    assert any(line.startswith("site/student/search/search_index.json: holds teacher-only text, claim 'k2' note")
               for line in lines)
    assert lines[-1].endswith("the previous contents of site/ are unchanged.")
    assert tree(project / "site") == before
    # the same page marked teacher-only publishes (in the teacher edition only)
    page.write_text("---\nedition: teacher\n---\n" + page.read_text())
    assert build(project).returncode == 0
    assert NOTE in (project / "site" / "teacher" / "for-students.html").read_text()
    assert not (project / "site" / "student" / "for-students.html").exists()


def test_secrets_are_teacher_fields_with_their_positions(pack_copy: Path) -> None:
    claims = pack_copy / "claims.yml"
    claims.write_text(claims.read_text().replace("    note: TMARK-claim2-note\n", f"    note: '{NOTE}'\n"))
    secrets = {s.text: s for s in teacher_secrets(load_pack(pack_copy))}
    s = secrets[NOTE]
    assert (s.field, s.where.rsplit("/", 1)[-1]) == ("claim 'k2' note", "claims.yml:21:11")
    assert all(len(t) >= 24 for t in secrets)
    # a teacher value students see anyway (a highlight key quotes the article) is not a secret
    pack = load_pack(pack_copy).pack
    public_quotes = [a.text for l in pack.lessons for e in l.exercises if e.type == "highlight" for a in e.answers]
    assert not any(fold(q) in secrets for q in public_quotes if len(q) >= 24)


def test_scan_reads_html_text_attributes_and_json(tmp_path: Path, pack_copy: Path) -> None:
    claims = pack_copy / "claims.yml"
    claims.write_text(claims.read_text().replace("    note: TMARK-claim2-note\n", f"    note: '{NOTE}'\n"))
    secrets = teacher_secrets(load_pack(pack_copy))
    site = tmp_path / "b" / "student"
    site.mkdir(parents=True)
    words = NOTE.split(" ")
    (site / "split.html").write_text("<p>" + " <em>".join(words[:3]) + "</em>\n   " + " ".join(words[3:]) + "</p>")
    (site / "attr.html").write_text(f'<div data-title="{NOTE.replace(" ", "&#32;")}"></div>')
    (site / "clean.html").write_text("<p>nothing to see</p><!-- and data-k=\"base64\" -->")
    (site / "index.json").write_text('{"docs": [{"text": "' + NOTE.replace(" ", "\\n") + '"}]}')
    msgs = scan(sorted(site.iterdir()), secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site")
    hit = sorted({m.split(":")[0].rsplit("/", 1)[-1] for m in msgs})
    assert hit == ["attr.html", "index.json", "split.html"]


def test_scan_reads_the_text_of_pdfs(tmp_path: Path, pack_copy: Path) -> None:
    import io
    import re
    import unicodedata

    import typst
    from pypdf import PdfReader

    from generator.pdf_text import pdf_text

    claims = pack_copy / "claims.yml"
    claims.write_text(claims.read_text().replace("    note: TMARK-claim2-note\n", f"    note: '{NOTE}'\n"))
    secrets = teacher_secrets(load_pack(pack_copy))
    folder = tmp_path / "b" / "handouts" / "student"
    folder.mkdir(parents=True)
    words = NOTE.split(" ")

    def pdf(body: str) -> bytes:  # a narrow page, so the note wraps over lines, as on a worksheet
        src = tmp_path / "doc.typ"
        src.write_text("#set page(width: 8cm, height: auto, margin: 1cm)\n" + body, encoding="utf-8")
        return typst.compile(str(src), ignore_system_fonts=True)

    data = pdf(f"Worksheet. {' '.join(words[:4])} *{words[4]}* {' '.join(words[5:])}.\n\nÜnïcödé “quotes” and ﬁ ligatures")
    (folder / "leaky.pdf").write_bytes(data)
    (folder / "clean.pdf").write_bytes(pdf("Nothing to see here."))
    # PDFium reads what pypdf reads (spacing aside), ligatures as their letters (a "ﬁ" in a note
    # still matches the note's "fi")
    ours = re.sub(r"\s", "", pdf_text(data))
    theirs = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert ours == unicodedata.normalize("NFKC", theirs) and "harbourlogshows" in ours and "andfiligatures" in ours
    msgs = scan(sorted(folder.iterdir()), secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site")
    assert len(msgs) == 1 and "handouts/student/leaky.pdf: holds teacher-only text, claim 'k2' note" in msgs[0]


def test_a_scan_remembered_in_the_cache_still_reports_the_leak(tmp_path: Path, pack_copy: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Warm builds take what a file holds from the content cache (by its bytes and the secrets):
    the same leak is reported again from the cache, a changed file or changed secrets are read anew."""
    from generator import cache

    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(tmp_path / "cache"))
    claims = pack_copy / "claims.yml"
    claims.write_text(claims.read_text().replace("    note: TMARK-claim2-note\n", f"    note: '{NOTE}'\n"))
    secrets = teacher_secrets(load_pack(pack_copy))
    site = tmp_path / "b" / "student"
    site.mkdir(parents=True)
    (site / "page.html").write_text(f"<p>{NOTE}</p>")
    (site / "other.html").write_text("<p>nothing to see</p>")

    def hits() -> list[str]:
        msgs = scan(sorted(site.iterdir()), secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site")
        cache.flush_all()
        return sorted(m.split(":")[0].rsplit("/", 1)[-1] for m in msgs)

    assert hits() == ["page.html"]
    assert list((tmp_path / "cache").rglob("*.json"))  # remembered
    assert hits() == ["page.html"]  # from the cache
    (site / "other.html").write_text(f"<p>also {NOTE}</p>")
    assert hits() == ["other.html", "page.html"]
    secrets = [s for s in secrets if s.text != NOTE]
    assert hits() == []
    # the secrets themselves are remembered by the pack's bytes: the same list again, and a new
    # teacher note is a new secret
    first = teacher_secrets(load_pack(pack_copy))
    cache.flush_all()
    assert teacher_secrets(load_pack(pack_copy)) == first and any(s.text == NOTE for s in first)
    claims.write_text(claims.read_text().replace(NOTE, NOTE + " and the logbook was rewritten later"))
    assert any(s.text.endswith("rewritten later") for s in teacher_secrets(load_pack(pack_copy)))


@pytest.mark.slow
def test_a_teacher_note_in_a_student_pdf_stops_the_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard reads the student PDFs as they are: one that holds a teacher note (here written
    into a worksheet after Typst made it) stops the build, names the PDF and the field, and
    leaves site/ untouched."""
    import typst

    import generator.handouts as handouts
    from generator.build import BuildError, build as do_build
    from generator.load import load_pack

    monkeypatch.chdir(project)
    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(project / "cache"))
    made = handouts.build_handouts

    def leaky(pack, out, **kw):  # type: ignore[no-untyped-def]
        result = made(pack, out, **kw)
        worksheet = sorted((out / "student").glob("*-worksheet.pdf"))[0]
        src = project / "leak.typ"
        src.write_text(f"#set page(width: 10cm, height: auto)\nWorksheet. {NOTE}.\n", encoding="utf-8")
        worksheet.write_bytes(typst.compile(str(src), ignore_system_fonts=True))
        return result

    (project / "site").mkdir()
    (project / "site" / "old.txt").write_text("the previous site")
    monkeypatch.setattr(handouts, "build_handouts", leaky)
    with pytest.raises(BuildError) as e:
        do_build(Path("lessons"), Path("site"), exports=False, quiet=True,
                 loaded=load_pack(Path("lessons"), docs_dir=Path("docs")))
    leaks = [m for m in e.value.messages if "worksheet.pdf: holds teacher-only text, claim 'k2' note" in m]
    assert leaks and all(m.startswith(("site/handouts/student/", "site/student/")) for m in leaks), e.value.messages
    assert "lessons/claims.yml:21:11" in leaks[0] and leaks[0].endswith("nothing was published")
    assert sorted(p.name for p in (project / "site").iterdir()) == ["old.txt"]


def test_a_quote_whose_marks_the_page_draws_is_still_found(tmp_path: Path, pack_copy: Path) -> None:
    """A teacher note quoting the article reads “words” (¶7) as plain text, but a page shows the
    quote as <q>words</q> (¶7) and CSS draws the marks (a handout: Typst draws them): the scan
    compares letters and digits only, so the pasted note is found in either form."""
    claims = pack_copy / "claims.yml"
    quoting = "The author calls it [[p1|A Memo About Boats]] but no record in the harbour log backs that up"
    claims.write_text(claims.read_text().replace("    note: TMARK-claim2-note\n", f"    note: '{quoting}'\n"))
    secrets = teacher_secrets(load_pack(pack_copy))
    site = tmp_path / "b" / "student"
    site.mkdir(parents=True)
    (site / "css-quotes.html").write_text(
        '<p>The author calls it <q class="cf-quote">A Memo About Boats</q> <a class="cf-pref" href="#p1">¶1</a> '
        "but no record in the harbour log backs that up</p>")
    (site / "hyphenated.html").write_text("<p>The author calls it “A Memo About Boa-ts” (¶1) but no rec-ord in "
                                          "the harbour log backs that up</p>")
    (site / "other-words.html").write_text("<p>The author calls it “A Memo About Boats” (¶1) and a record in "
                                           "the harbour log backs that up</p>")
    msgs = scan(sorted(site.iterdir()), secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site")
    assert sorted(m.split(":")[0].rsplit("/", 1)[-1] for m in msgs) == ["css-quotes.html", "hyphenated.html"]


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_the_skeleton_is_the_letters_digits_and_marks(text: str) -> None:
    import unicodedata

    from generator.leak_guard import skeleton

    plain = unicodedata.normalize("NFKC", text)
    assert skeleton(text) == "".join(c for c in plain if c.isalnum() or unicodedata.category(c).startswith("M"))


def test_the_skeleton_keeps_vowel_signs_and_one_form_of_each_letter() -> None:
    import unicodedata

    from generator.leak_guard import skeleton

    hindi = "यह दावा गलत है क्योंकि"
    assert skeleton(hindi) == hindi.replace(" ", "")  # the vowel signs (combining marks) stay
    german = "Die Behörde prüfte es später"
    assert skeleton(unicodedata.normalize("NFD", german)) == skeleton(german) == "DieBehördeprüftees" + "später"
    assert skeleton("ﬁnal “quote” (¶7)") == "finalquote7"


@pytest.mark.slow
def test_a_pdf_typeset_by_the_build_is_checked_by_its_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every teacher-only value of the default pack, typeset into a student worksheet as prose (its
    tree only, without the Markdown beside it), is found from the document the PDF was made from,
    without reading the PDF back; whatever PDFium reads in that PDF is found that way too. A PDF
    with other bytes (changed after Typst wrote it) is read back with PDFium."""
    import copy
    import re
    from collections import Counter

    import generator.pdf_text
    from generator import handouts
    from generator.handouts import typeset
    from generator.handouts.tree import md_tree
    from generator.leak_guard import _teacher_values

    monkeypatch.setenv("CASEFILE_CACHE", "0")
    loaded = load_pack(ROOT / "lessons")
    secrets = teacher_secrets(loaded)
    values = list(dict.fromkeys(raw for _, raw in _teacher_values(loaded.pack, "pack")))
    worksheet = next(d for d in handouts.documents(loaded.pack) if d.rel.endswith("-worksheet.pdf"))
    data = copy.deepcopy(worksheet.data)
    data["parts"][0]["lesson"]["summary"] = {"md": md_tree("\n\n".join(values))}
    pdf = tmp_path / "b" / "handouts" / "student" / "leaky-worksheet.pdf"
    handouts.write_pdf(data, pdf)
    read_back: list[bytes] = []
    real = generator.pdf_text.pdf_text

    def reading(b: bytes) -> str:
        read_back.append(b)
        return real(b)

    monkeypatch.setattr(generator.pdf_text, "pdf_text", reading)

    def found() -> Counter[str]:  # one message per secret found
        return Counter(scan([pdf], secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site"))

    from_document = found()
    assert not read_back and len(secrets) > 300
    # every teacher-only value (each is a secret as rendered and one as written: the latter's
    # Markdown is not in a tree)
    assert {re.search(r"holds teacher-only text, (.*?) \(\"", m)[1] for m in from_document} == \
        {f"{s.field} from {s.where}" for s in secrets}
    pdf.write_bytes(pdf.read_bytes() + b"\n% changed after Typst wrote it\n")  # other bytes: read back
    from_pdf = found()
    assert len(read_back) == 1
    # what PDFium reads is found from the document too (PDFium reads a bit less: a note that runs
    # over a page break has the page's footer in the middle of it)
    assert not from_pdf - from_document and from_pdf.total() > 0.9 * from_document.total()


@pytest.mark.slow
def test_text_an_svg_draws_in_a_student_pdf_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst prints an SVG's <text> as text: a teacher note drawn in an image that a worksheet shows
    is found from the document the PDF was typeset from, as it is when the PDF is read back."""
    import generator.pdf_text
    from generator.handouts import build_handouts

    monkeypatch.setenv("CASEFILE_CACHE", "0")
    pack_dir = tmp_path / "lessons"
    shutil.copytree(ROOT / "tests" / "fixtures" / "pack-two-sources", pack_dir)
    note = "TMARK-c3-note the caption says it is a drawing, not a photo."
    svg = pack_dir / "media" / "traffic.svg"
    svg.write_text(svg.read_text().replace("</svg>", f'<text x="2" y="55" font-size="4">{note}</text></svg>'))
    loaded = load_pack(pack_dir)
    secrets = teacher_secrets(loaded)
    assert any(s.text == note for s in secrets)
    build_handouts(loaded.pack, tmp_path / "b" / "handouts", quiet=True)
    student = sorted((tmp_path / "b" / "handouts" / "student").glob("*.pdf"))

    def never(data: bytes) -> str:
        raise AssertionError("a PDF this build typeset was read back")

    monkeypatch.setattr(generator.pdf_text, "pdf_text", never)
    msgs = scan(student, secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site")
    assert msgs and all("claim 'c3' note" in m for m in msgs)
    monkeypatch.undo()
    monkeypatch.setenv("CASEFILE_CACHE", "0")
    from generator.handouts import typeset

    read_back = {m.split(":")[0] for m in msgs}
    typeset.forget_all()
    assert {m.split(":")[0] for m in scan(student, secrets, build_dir=tmp_path / "b", out_dir=tmp_path / "site")} == read_back


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_build_knows_each_student_pdf_it_typeset(tmp_path: Path, pack_copy: Path, jobs: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process or in worker processes (a big pack's), and from Typst or the PDF cache: each
    student PDF is known by its bytes, and no teacher PDF is kept."""
    from generator.handouts import build_handouts, typeset

    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(tmp_path / "cache"))
    pack = load_pack(pack_copy).pack
    for _ in ("typeset", "from the cache"):
        written = build_handouts(pack, tmp_path / "h", jobs=jobs, quiet=True)
        known = {p.parent.name: 0 for p in written}
        for p in written:
            known[p.parent.name] += typeset.source_of(typeset.digest(p.read_bytes())) is not None
        assert known == {"student": sum(p.parent.name == "student" for p in written), "teacher": 0}
        assert known["student"] >= 3
