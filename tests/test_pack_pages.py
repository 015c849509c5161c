"""Hand-written pages follow the pack: the generic pages of docs/ say nothing of one article, a pack's
own pages (lessons/pages/) replace or add to them, `site.generic_pages: false` drops them, and a pack
with no glossary, register, references, workshop or pages of its own builds every output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.docs_pages import page_files
from generator.errors import PackError
from generator.load import load_pack
from generator.site import edition_site
from scan import texts

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MINIMAL = ROOT / "tests" / "fixtures" / "pack-minimal"
NEWPACK_DOCS = ROOT / "generator" / "templates" / "newpack" / "docs"

# Words only the default pack's article and pages use: none may reach another pack's outputs.
DEFAULT_PACK = ["ISIS", "Rubinstein", "Global Research", "Sourcing, motives and unverified allegations",
                "isisk-sourcing", "rubinstein-2021", "Abbey Gate", "Kabul", "Afghan", "About the case study"]
GENERIC = ["for-students.md", "teacher/for-teachers.md", "teacher/writing-lessons.md"]


def default_pack_words(text: str) -> list[str]:
    return [w for w in DEFAULT_PACK if w.lower() in text.lower()]


def md_links(text: str) -> list[str]:
    """Relative link targets of a Markdown page (code blocks and inline code are not links)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [m for m in re.findall(r"\]\(([^)#\s]+)", text) if not re.match(r"^[a-z]+:", m)]


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    dest = tmp_path / "lessons"
    shutil.copytree(MINIMAL, dest)
    return dest


def add_pages(pack: Path, pages: dict[str, str]) -> None:
    for uri, text in pages.items():
        (pack / "pages" / uri).parent.mkdir(parents=True, exist_ok=True)
        (pack / "pages" / uri).write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- the generic pages

def test_generic_pages_name_no_article_and_link_only_pages_every_pack_has() -> None:
    # what every pack's site has, whatever its lessons, sources, glossary and register
    every_pack = {"index.md", "schedule.md", "teacher/check-answers.md"}
    present = {uri for uri in page_files(DOCS, None) if uri.endswith(".md")}
    assert set(GENERIC) <= present
    for uri in sorted(present):  # every page of docs/ is generic: a pack's own go in lessons/pages/
        text = (DOCS / uri).read_text(encoding="utf-8")
        assert default_pack_words(text) == [], uri
        base = Path(uri).parent
        for link in md_links(text):
            target = (base / link).as_posix()
            target = re.sub(r"(^|/)[^/]+/\.\./", r"\1", target)
            assert target in every_pack | present, (uri, link)
            if uri.startswith("teacher/") is False:
                assert not target.startswith("teacher/"), (uri, link)  # a student page links no teacher page


def test_new_pack_gets_the_same_generic_pages() -> None:
    for path in sorted(NEWPACK_DOCS.rglob("*.md")):
        uri = path.relative_to(NEWPACK_DOCS).as_posix()
        assert path.read_text(encoding="utf-8") == (DOCS / uri).read_text(encoding="utf-8"), \
            f"templates/newpack/docs/{uri} must be a copy of docs/{uri}"


def test_the_default_pack_holds_its_own_pages_at_their_old_paths() -> None:
    pages = page_files(DOCS, ROOT / "lessons" / "pages")
    for uri in ("about-the-case-study.md", "for-students.md", "teacher/for-teachers.md", "teacher/facilitator-guide.md"):
        assert pages[uri] == ROOT / "lessons" / "pages" / uri
    assert pages["teacher/writing-lessons.md"] == DOCS / "teacher" / "writing-lessons.md"


# ---------------------------------------------------------------- the mechanism

def test_pack_pages_replace_and_add_to_docs_pages(pack: Path) -> None:
    add_pages(pack, {"for-students.md": "# Pour les élèves\n", "about.md": "---\norder: 5\n---\n# About this article\n",
                     "teacher/notes.md": "# Notes for teachers\n", "aside.md": "---\nedition: teacher\n---\n# Aside\n"})
    loaded = load_pack(pack, docs_dir=DOCS)
    student = edition_site(loaded.pack, "student", DOCS, pages_dir=pack / "pages")
    teacher = edition_site(loaded.pack, "teacher", DOCS, pages_dir=pack / "pages")
    assert student.doc_files["for-students.md"] == pack / "pages" / "for-students.md"
    assert "for-students.md" in student.hidden_docs             # the docs/ page it replaces stays out
    assert set(student.pack_pages) == {"for-students.md", "about.md"}
    assert set(teacher.pack_pages) == {"for-students.md", "about.md", "teacher/notes.md", "aside.md"}
    assert "teacher/writing-lessons.md" in teacher.doc_files and "teacher/writing-lessons.md" in student.hidden_docs
    assert {"Pour les élèves": "for-students.md"} in student.nav
    assert student.nav.index({"About this article": "about.md"}) < student.nav.index({"Pour les élèves": "for-students.md"})
    teacher_section = next(item["For teachers"] for item in teacher.nav if "For teachers" in item)
    assert {"Notes for teachers": "teacher/notes.md"} in teacher_section


def test_generic_pages_false_keeps_only_the_packs_pages(pack: Path) -> None:
    text = (pack / "pack.yml").read_text(encoding="utf-8")
    (pack / "pack.yml").write_text(text + "site:\n  generic_pages: false\n", encoding="utf-8")
    add_pages(pack, {"fuer-schueler.md": "# Für Schülerinnen und Schüler\n"})
    loaded = load_pack(pack, docs_dir=DOCS)
    for edition in ("student", "teacher"):
        site = edition_site(loaded.pack, edition, DOCS, pages_dir=pack / "pages")
        assert set(site.doc_files) == {"fuer-schueler.md"}
        assert set(GENERIC) <= site.hidden_docs


def test_the_workshop_guide_can_live_in_the_pack(pack: Path) -> None:
    text = (pack / "pack.yml").read_text(encoding="utf-8")
    (pack / "pack.yml").write_text(text + "workshop:\n  title: A short workshop\n  lessons: [01-only]\n"
                                   "  minutes: 20\n  guide: teacher/guide.md\n", encoding="utf-8")
    with pytest.raises(PackError) as e:
        load_pack(pack, docs_dir=DOCS)
    (line,) = [str(p) for p in e.value.problems]
    assert re.match(r".*pack\.yml:\d+:\d+: workshop guide 'teacher/guide\.md' is not in .*lessons/pages/ or .*docs/; "
                    r"create it there, or fix the path \(it is relative to either folder\)$", line), line
    add_pages(pack, {"teacher/guide.md": "# The workshop\n\n## Agenda\n\nA pack-only agenda line.\n"})
    loaded = load_pack(pack, docs_dir=DOCS)
    from generator.handouts.data import guide_markdown

    assert "A pack-only agenda line." in guide_markdown(loaded.pack, DOCS, pack / "pages")


def test_only_markdown_goes_in_the_pages_folder(pack: Path) -> None:
    add_pages(pack, {"ok.md": "# Fine\n", "run.html": "<script>alert(1)</script>"})
    with pytest.raises(PackError) as e:
        load_pack(pack)
    assert [str(p) for p in e.value.problems] == [
        f"{pack}/pages/run.html:1:1: only Markdown pages (.md) can go in the pack's pages folder; move this file out of it"]


def test_a_pack_page_link_must_be_http_https_mailto_or_relative(pack: Path) -> None:
    add_pages(pack, {"about.md": "# About\n\nSee [this](javascript:alert(1)) and [that](https://example.org).\n"
                                 '<a href="data:text/html,x">x</a>\n'})
    with pytest.raises(PackError) as e:
        load_pack(pack)
    shown = f"{pack}/pages/about.md"
    assert [str(p) for p in e.value.problems] == [
        f"{shown}:3:12: link 'javascript:alert(1' may only be an http://, https://, mailto: or relative address "
        "(the page would drop it); fix or remove the link",
        f"{shown}:4:10: link 'data:text/html,x' may only be an http://, https://, mailto: or relative address "
        "(the page would drop it); fix or remove the link"]


# ---------------------------------------------------------------- whole builds

def _build(lessons: Path, out: Path, *, markdown: Path | None = None) -> tuple[int, str]:
    from click.testing import CliRunner

    from generator.cli import main

    args = ["build", "--lessons", str(lessons), "--config", str(ROOT / "mkdocs.yml"), "--out", str(out)]
    if markdown:
        args += ["--markdown-out", str(markdown)]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    return r.exit_code, r.output


@pytest.mark.slow
def test_a_pack_without_glossary_register_references_workshop_or_pages_builds_everything(tmp_path: Path) -> None:
    out, md = tmp_path / "site", tmp_path / "md"
    code, output = _build(MINIMAL, out, markdown=md)
    assert code == 0, output
    for edition in ("student", "teacher"):
        assert (out / edition / "index.html").is_file() and (out / edition / "for-students.html").is_file()
        assert not (out / edition / "glossary.html").exists()
        assert (md / edition / "mkdocs.yml").is_file()
    assert (out / "teacher" / "teacher" / "for-teachers.html").is_file()
    assert not (out / "teacher" / "teacher" / "claims.html").exists()
    assert (out / "handouts" / "student" / "01-only-worksheet.pdf").is_file()
    assert (out / "handouts" / "teacher" / "01-only-key.pdf").is_file()
    assert sorted(p.name for p in (out / "exports").iterdir()) == ["minimal-moodle.xml", "minimal-qti.zip", "minimal.gift.txt"]
    for root in (out, md):
        for path, text in texts(root):
            assert default_pack_words(text) == [], path


@pytest.mark.slow
def test_pack_pages_build_with_their_links_checked(tmp_path: Path, pack: Path) -> None:
    add_pages(pack, {"about.md": "# About this article\n\nSee the [schedule](schedule.md) and [notes](notes.md).\n",
                     "teacher/guide.md": "# The workshop\n\n## Agenda\n\nA pack-only agenda line.\n"})
    text = (pack / "pack.yml").read_text(encoding="utf-8")
    (pack / "pack.yml").write_text(text + "workshop:\n  title: A short workshop\n  lessons: [01-only]\n"
                                   "  minutes: 20\n  guide: teacher/guide.md\n", encoding="utf-8")
    code, output = _build(pack, tmp_path / "site")
    assert code == 1
    assert f"{pack}/pages/about.md:3:45: link 'notes.md': no page or file by that name exists" in output.replace(
        str(tmp_path.resolve()), str(tmp_path)), output
    # a pack is untrusted: its pages are cleaned like docs/ pages (no script, no handler, no javascript: link)
    add_pages(pack, {"notes.md": "# Notes\n\nBack to [about](about.md).\n\n<script>alert('PACKPAGE')</script>\n\n"
                                 "<p onclick=\"alert('PACKPAGE')\">Tap</p>\n"})
    code, output = _build(pack, tmp_path / "site", markdown=tmp_path / "md")
    assert code == 0, output
    site = tmp_path / "site"
    assert "About this article" in (site / "student" / "about.html").read_text(encoding="utf-8")
    assert (tmp_path / "md" / "student" / "docs" / "about.md").read_text(encoding="utf-8").startswith("# About this article")
    # --markdown-out has no plugin to clean the page for another engine: its raw HTML is made text
    copy = (tmp_path / "md" / "student" / "docs" / "notes.md").read_text(encoding="utf-8")
    assert "<script" not in copy and "<p onclick" not in copy and "&lt;script>" in copy
    notes = (site / "student" / "notes.html").read_text(encoding="utf-8")
    assert "Tap" in notes and "PACKPAGE" not in notes
    assert not (site / "student" / "teacher" / "guide.html").exists()
    assert (site / "teacher" / "teacher" / "guide.html").is_file()
    from scan import pdf_text

    assert "A pack-only agenda line." in pdf_text(site / "handouts" / "teacher" / "facilitator-guide.pdf")


def test_hand_written_pages_keep_mkdocs_order(tmp_path: Path) -> None:
    """Pack pages are put among the docs/ files in MkDocs' own order, so the search index and the
    sitemap do not depend on which folder a page came from."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from generator.plugin import _walk_order

    docs = tmp_path / "docs"
    for uri in ["Z.md", "a.md", "index.md", "b/x.md", "b/index.md", "a-b/y.md", "b/c/README.md", "b/c/a.md", "pic.png"]:
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_text("# x\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    theirs = [f.src_uri for f in get_files(load_config(str(tmp_path / "mkdocs.yml")))]
    assert len(theirs) == 9 and sorted(reversed(theirs), key=_walk_order) == theirs


@pytest.mark.slow
def test_the_fixture_pack_without_its_workshop_builds_everything(tmp_path: Path, pack_copy: Path) -> None:
    """Glossary, register and references present, no workshop: every output, no broken link."""
    text = (pack_copy / "pack.yml").read_text(encoding="utf-8")
    (pack_copy / "pack.yml").write_text(re.sub(r"(?ms)^workshop:.*", "", text), encoding="utf-8")
    assert "workshop" not in (pack_copy / "pack.yml").read_text(encoding="utf-8")
    code, output = _build(pack_copy, tmp_path / "site")
    assert code == 0, output
    site = tmp_path / "site"
    assert (site / "teacher" / "teacher" / "claims.html").is_file() and (site / "student" / "glossary.html").is_file()
    assert (site / "handouts" / "teacher" / "01-basics-key.pdf").is_file() and len(list((site / "exports").iterdir())) == 3
