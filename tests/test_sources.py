"""Several sources in one lesson, and images as evidence (generator/media.py), on the fixture pack
tests/fixtures/pack-two-sources: an article, "coverage" of the same story, a PNG photo and an SVG
drawing. Fast tests load and render in memory; the slow ones build the whole site once."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, build_pack
from generator import media
from generator.cli import main
from generator.errors import PackError
from generator.grade import score
from generator.load import load_pack
from generator.site import render_pages

PACK_DIR = ROOT / "tests" / "fixtures" / "pack-two-sources"
LOADED = load_pack(PACK_DIR)
PACK = LOADED.pack
EX = {ex.id: ex for lesson in PACK.lessons for ex in lesson.exercises}
PNG = (PACK_DIR / "media" / "bridge.png").read_bytes()
SVG = (PACK_DIR / "media" / "traffic.svg").read_bytes()


def pages(edition: str) -> dict[str, str]:
    return {p.uri: p.markdown for p in render_pages(PACK, edition)}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    dest = tmp_path / "lessons"
    shutil.copytree(PACK_DIR, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder: Path) -> list[str]:
    with pytest.raises(PackError) as e:
        load_pack(folder)
    return [str(p) for p in e.value.problems]


# ---------------------------------------------------------------- several sources

def test_a_lesson_uses_its_sources_and_bare_ids_mean_its_own() -> None:
    compare, alone = PACK.lessons
    assert [s.id for s in PACK.lesson_sources(compare)] == ["article", "coverage"]
    assert [s.id for s in PACK.lesson_sources(alone)] == ["article"]  # no source: line: the main source
    paras = PACK.lesson_paragraphs(compare)
    assert paras["p3"].text.startswith("A council spokesperson")
    assert paras["coverage:p3"].text.startswith("Locals fear")
    assert paras["article:p3"] is paras["p3"]


def test_each_source_has_its_page_and_nav_entry_in_both_editions() -> None:
    from generator.render import Renderer

    for edition in ("student", "teacher"):
        got = pages(edition)
        assert "# Harbour Bridge Closed After Storm" in got["source/article.md"]
        assert "# Bridge Chaos: Town Cut Off" in got["source/coverage.md"]
        nav = dict(Renderer(PACK, edition).nav([], []))
        assert nav["Sources"] == [("Harbour Bridge Closed After Storm", "source/article.md"),
                                  ("Bridge Chaos: Town Cut Off", "source/coverage.md")]


def test_exercise_shows_both_sources_paragraphs_labelled_with_their_titles() -> None:
    page = pages("student")["lessons/01-compare.md"]
    box = page[page.index('data-exercise="x-choice"'):page.index('data-exercise="x-highlight"')]
    paras = re.findall(r'<blockquote class="cf-para.*?</blockquote>', box)
    assert len(paras) == 2
    assert 'href="../source/article.html#p3"' in paras[0] and "Harbour Bridge Closed After Storm" in paras[0]
    assert 'href="../source/coverage.html#p3"' in paras[1] and "Bridge Chaos&#58; Town Cut Off" in paras[1]
    assert "Locals fear the bridge could be closed for months" in paras[1]
    # inline quotes link to the paragraph of the source they name
    assert '<q class="cf-quote">for months</q> <a class="cf-pref" href="../source/coverage.html#p3"' in box
    # a lesson of one source labels nothing
    assert "cf-psource" not in pages("student")["lessons/02-article.md"]


def test_quotes_are_checked_against_the_right_source(copy: Path) -> None:
    edit(copy / "01-compare.yml", "[[coverage:p3|closed for months]]", "[[coverage:p3|for at least two weeks]]")
    edit(copy / "01-compare.yml", "paragraphs: [p3, coverage:p3]", "paragraphs: [p3, coverag:p3, coverage:p9]")
    edit(copy / "claims.yml", "quote: Locals fear the bridge could be closed for months",
         "quote: the bridge would stay shut")
    got = problems(copy)
    shown = str(copy)
    assert got == [
        f"{shown}/01-compare.yml:8:14: quote \"for at least two weeks\" is not in paragraph 'p3' of source 'coverage' "
        "word for word; copy the exact words from the source",
        f"{shown}/01-compare.yml:16:22: unknown source 'coverag' in paragraph 'coverag:p3'; did you mean 'coverage'?; "
        "sources are article, coverage",
        f"{shown}/01-compare.yml:16:34: paragraph 'p9' does not exist in source 'coverage' (it has p1 to p4)",
        f"{shown}/claims.yml:15:12: claim 'c2': the quote is not in paragraph 'p3' of source 'coverage' word for word; "
        "copy the exact words from the source",
    ]


def test_two_sources_without_main_source_ask_for_one(copy: Path) -> None:
    edit(copy / "pack.yml", "main_source: article\n", "")
    got = problems(copy)
    assert any("02-article.yml:1:5: this pack has 2 sources; say which one with 'source:'" in p for p in got)
    assert not any("01-compare.yml" in p for p in got)  # sources: [article, coverage] says which


def test_grading_scores_highlights_in_the_second_source_and_in_a_caption() -> None:
    assert score(EX["x-highlight"], ["one shop owner told us"], PACK)[0] == 1
    assert score(EX["x-highlight"], ["Locals fear"], PACK)[0] == 0
    assert score(EX["x-caption"], ["as drawn by our artist"], PACK)[0] == 1
    assert score(EX["x-choice"], ["b"], PACK)[0] == 1


def test_check_answers_key_carries_the_second_sources_paragraph() -> None:
    import json

    from generator.grade.browser import browser_key_json

    key = json.loads(browser_key_json(PACK))
    exs = {e["id"]: e for lesson in key["lessons"] for e in lesson["exercises"]}
    assert exs["x-highlight"]["text"].startswith("Locals fear")
    assert exs["x-caption"]["text"] == "Drivers queue at the closed bridge, as drawn by our artist."


# ---------------------------------------------------------------- images: the page

def test_images_are_figures_with_alt_caption_and_provenance_in_both_editions() -> None:
    png = media.asset_uri("media/bridge.png", PNG)
    svg = media.asset_uri("media/traffic.svg", SVG)
    assert png == f"assets/media/bridge-{hashlib.sha256(PNG).hexdigest()[:12]}.png"
    for edition in ("student", "teacher"):
        src = pages(edition)["source/article.md"]
        fig = re.search(r"<figure.*?</figure>", src).group(0)
        assert f'<img src="../{png}" alt="A grey bridge over dark water&#44; with a red barrier' in fig
        assert '<span class="cf-caption">The harbour bridge on Tuesday morning&#44; closed to traffic&#46;</span>' in fig
        assert "Image: Example Press photo desk · found: Example Press article page&#44; top image · 2021-03-02" in fig
        assert f'src="../{svg}"' in pages(edition)["source/coverage.md"]
        lesson = pages(edition)["lessons/01-compare.md"]
        photo = lesson[lesson.index('data-exercise="x-photo"'):]
        assert re.search(r'<div class="cf-prompt".*?</div>\n<figure class="cf-figure"><img src="\.\./assets/media/bridge-', photo)


def test_image_files_are_assets_of_both_editions() -> None:
    from generator.site import edition_site

    for edition in ("student", "teacher"):
        assets = edition_site(PACK, edition, Path("/nonexistent-docs")).assets
        assert assets[media.asset_uri("media/bridge.png", PNG)] == PNG
        assert assets[media.asset_uri("media/traffic.svg", SVG)] == SVG


# ---------------------------------------------------------------- images: the checks

def _one(folder: Path) -> str:
    got = problems(folder)
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize("file, message", [
    ("../bridge.png", "image '../bridge.png' must not contain '..'; put the image in the pack's media/ folder and write media/NAME"),
    ("media/../../etc/x.png", "image 'media/../../etc/x.png' must not contain '..'; put the image in the pack's media/ folder and write media/NAME"),
    ("/etc/passwd.png", "image '/etc/passwd.png' must be a path inside the pack written with /, like media/photo.jpg, not an absolute path"),
    ("https://example.org/x.png", "image 'https://example.org/x.png' must be a file in the pack's media/ folder, not an address; "
                                  "save the image into media/ and say where you found it in provenance.found"),
    ("photos/bridge.png", "image 'photos/bridge.png' must be under the pack's media/ folder, like media/bridge.png"),
    ("media/bridge.gif", "image 'media/bridge.gif' must be a PNG, JPEG or SVG file (.png, .jpg, .jpeg or .svg)"),
    ("media/missing.png", "image 'media/missing.png' is not in the pack; add the file as media/missing.png or fix the name"),
    ("media/" + "x" * 300 + ".png", "image 'media/" + "x" * 54 + "' could not be read (OSError: File name too long); "
                                    "put the image file itself in media/"),
])
def test_bad_image_paths_give_one_line_at_the_file_field(copy: Path, file: str, message: str) -> None:
    edit(copy / "sources" / "article.yml", "file: media/bridge.png", f"file: {file!r}" if ":" in file else f"file: {file}")
    assert _one(copy) == f"{copy}/sources/article.yml:19:13: {message}"


def test_control_characters_in_a_path_are_refused(copy: Path) -> None:
    edit(copy / "sources" / "article.yml", "file: media/bridge.png", 'file: "media/bridge\\0.png"')
    assert _one(copy).endswith("must not contain control characters; write a plain path like media/photo.jpg")


def test_missing_alt_and_file_name_alt_are_refused(copy: Path) -> None:
    edit(copy / "sources" / "article.yml", "      alt: A grey bridge over dark water, with a red barrier across the road at its near end.\n", "")
    edit(copy / "sources" / "coverage.yml", "alt: A drawing of a long queue of cars in front of a closed bridge.", "alt: traffic.svg")
    got = problems(copy)
    assert got == [f"{copy}/sources/article.yml:19:7: paragraph 'p4': 'alt' is required; add it",
                   f"{copy}/sources/coverage.yml:20:12: image alt text 'traffic.svg' is the file name; say in words what "
                   "the image shows, for readers who cannot see it"]


def test_symlink_out_of_the_pack_is_refused(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    (copy / "media" / "bridge.png").unlink()
    os.symlink(outside, copy / "media" / "bridge.png")
    assert _one(copy) == (f"{copy}/sources/article.yml:19:13: image 'media/bridge.png' is a symlink to a file outside "
                          "the pack's media/ folder; copy the file itself into media/")


def test_bytes_must_match_the_extension(copy: Path) -> None:
    (copy / "media" / "bridge.png").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20)
    assert _one(copy) == (f"{copy}/sources/article.yml:19:13: image 'media/bridge.png' is a JPEG file, but its name ends "
                          "in .png; rename it to end in .jpg")
    (copy / "media" / "bridge.png").write_bytes(b"<html><script>alert(1)</script></html>")
    assert _one(copy).endswith("image 'media/bridge.png' is not a PNG, JPEG or SVG image, but its name ends in .png; "
                               "save it again as PNG or JPEG")


def test_size_is_bounded(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (copy / "media" / "bridge.png").write_bytes(PNG + b"\0" * (6 * 1024 * 1024))
    assert _one(copy) == (f"{copy}/sources/article.yml:19:13: image 'media/bridge.png' is 6.0 MB, more than the 5 MB an "
                          "image may be; make it smaller (or allow more with CASEFILE_MAX_IMAGE_MB)")
    monkeypatch.setenv("CASEFILE_MAX_IMAGE_MB", "7")
    load_pack(copy)


def test_the_images_together_are_bounded(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edition copies every image: past CASEFILE_MAX_MEDIA_MB (100 MB) in all, the image that
    goes over is named at its place, and no more are read."""
    (copy / "media" / "bridge.png").write_bytes(PNG + b"\0" * (3 * 1024 * 1024))
    (copy / "media" / "traffic.svg").write_bytes(SVG.replace(b"</svg>", b"<!--" + b"x" * (3 * 1024 * 1024) + b"--></svg>"))
    load_pack(copy)  # 6 MB in all
    monkeypatch.setenv("CASEFILE_MAX_MEDIA_MB", "5")
    (copy / "media" / "queue.jpg").write_bytes(b"not a JPEG")  # used after those two: never read, so no error
    got = _one(copy)
    assert re.fullmatch(rf"{re.escape(str(copy))}/sources/\S+\.yml:\d+:\d+: image 'media/(bridge\.png|traffic\.svg)' brings "
                        r"the pack's images to more than the 5 MB they may add up to \(6\.0 MB so far; every edition copies "
                        r"them\); make the images smaller or use fewer \(or allow more with CASEFILE_MAX_MEDIA_MB\)", got), got


HOSTILE = {
    "script": ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>', "line 2: <script> could run code"),
    "onload": ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "line 1: the attribute onload= could run code"),
    "foreign": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
                "line 1: <foreignObject> could hold a web page"),
    "href": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n\n'
             '<use xlink:href="https://evil.example/a.svg#x"/></svg>',
             'line 3: href="https://evil.example/a.svg#x" points outside the image; only links to its own #ids are allowed'),
    "image": ('<svg xmlns="http://www.w3.org/2000/svg"><image href="#x"/></svg>',
              "line 1: the element 'image' is not one of the drawing elements an image may use"),
    "import": ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
               "line 1: a style element: CSS with @import, @font-face, image-set(), expression() or javascript: could load or run something"),
    "image-set": ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: image-set(\'https://evil.example/p.png\' 1x)"/></svg>',
                  "line 1: the attribute style=: CSS with @import, @font-face, image-set(), expression() or javascript: could load or run something"),
    "font-face": ('<svg xmlns="http://www.w3.org/2000/svg"><style>@font-face { font-family: x; }</style></svg>',
                  "line 1: a style element: CSS with @import, @font-face, image-set(), expression() or javascript: could load or run something"),
    "animate": ('<svg xmlns="http://www.w3.org/2000/svg"><rect><set attributeName="fill" to="red"/></rect></svg>',
                "line 1: the element 'set' is not one of the drawing elements an image may use"),
    "css-url": ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/p)"/></svg>',
                "line 1: the attribute style=: url(https://evil.example/p) points outside the image; only url(#id) is allowed"),
    "entity": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
               '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', "line 2: a DOCTYPE (it could define entities); remove it"),
    "stylesheet": ('<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                   "line 1: the instruction <?xml-stylesheet …?> (it could load a stylesheet); remove it"),
    "javascript": ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
                   "line 1: the element 'a' is not one of the drawing elements an image may use"),
    "html": ('<svg><rect/></svg>', "line 1: the first element is 'svg', not an SVG 'svg' element"),
    "broken": ('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "line 1: it is not well-formed XML (mismatched tag)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_svgs_are_refused(name: str) -> None:
    svg, reason = HOSTILE[name]
    assert media.svg_problem(svg.encode()) == reason


def test_a_plain_drawing_svg_passes() -> None:
    assert media.svg_problem(SVG) is None


def test_hostile_svg_in_a_pack_is_one_line_at_its_file_field(copy: Path) -> None:
    (copy / "media" / "traffic.svg").write_text(HOSTILE["script"][0], encoding="utf-8")
    assert _one(copy) == (f"{copy}/sources/coverage.yml:19:13: image 'media/traffic.svg' is an SVG that is refused "
                          "(line 2: <script> could run code); remove that part, or save the image as PNG")


def test_cli_check_reports_and_exits_1(copy: Path) -> None:
    edit(copy / "sources" / "article.yml", "file: media/bridge.png", "file: ../bridge.png")
    result = CliRunner().invoke(main, ["check", "--lessons", str(copy)])
    assert result.exit_code == 1
    assert "sources/article.yml:19:13: image '../bridge.png' must not contain '..'" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- the whole build (slow)

@pytest.fixture(scope="module")
def two_sources_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("two-sources") / "site"
    build_pack(PACK_DIR, out, handouts=True, exports=True)
    return out


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def _pdf_images(path: Path) -> int:
    from pypdf import PdfReader

    return sum(len(page.images) for page in PdfReader(path).pages)


@pytest.mark.slow
def test_build_has_both_source_pages_images_and_handouts(two_sources_site: Path) -> None:
    site = two_sources_site
    png = media.asset_uri("media/bridge.png", PNG)
    for edition in ("student", "teacher"):
        assert (site / edition / "source" / "article.html").is_file()
        assert (site / edition / "source" / "coverage.html").is_file()
        assert (site / edition / png).read_bytes() == PNG
        html = (site / edition / "lessons" / "01-compare.html").read_text(encoding="utf-8")
        assert '<figure class="cf-figure"><img src="../assets/media/bridge-' in html
        assert re.search(r'<img src="[^"]+" alt="A grey bridge[^"]*"', html)
        assert not re.search(r"<img(?![^>]*\balt=)", html)  # every image has alt text (axe: image-alt)
    for name in ("article-article.pdf", "article-coverage.pdf", "01-compare-worksheet.pdf"):
        assert (site / "handouts" / "student" / name).is_file()
    sheet = site / "handouts" / "student" / "01-compare-worksheet.pdf"
    text = _pdf_text(sheet)
    assert "Bridge Chaos: Town Cut Off" in text and "Locals fear the bridge could be closed for months" in text
    assert "The photo from the article, shown again." in text
    assert "Drivers queue at the closed bridge, as drawn by our artist." in text
    assert "Underline the words in paragraph 4 below" in text
    assert _pdf_images(sheet) == 1  # the PNG (in the exercise and the paragraph it shows: one image object)
    assert _pdf_images(site / "handouts" / "student" / "article-article.pdf") == 1
    from page_layout import check_tree

    assert check_tree(site / "handouts")[2] == []  # images keep the layout rules (no near-empty pages…)
    jpeg = site / "handouts" / "student" / "02-article-worksheet.pdf"  # a JPEG, with an exercise
    assert _pdf_images(jpeg) == 1 and "A stand-in picture for the tests, made for this pack." in _pdf_text(jpeg)
    assert (site / "student" / media.asset_uri("media/queue.jpg", (PACK_DIR / "media" / "queue.jpg").read_bytes())).is_file()
    assert "The harbour bridge on Tuesday morning, closed to traffic." in _pdf_text(site / "handouts" / "student" / "article-article.pdf")


@pytest.mark.slow
def test_no_teacher_marker_reaches_a_student_file(two_sources_site: Path) -> None:
    student = [*(two_sources_site / "student").rglob("*.html"), *(two_sources_site / "student").rglob("*.json"),
               *(two_sources_site / "student").rglob("*.svg")]
    assert student and not [p for p in student if "TMARK" in p.read_text(encoding="utf-8", errors="replace")]
    pdfs = sorted((two_sources_site / "handouts" / "student").glob("*.pdf"))
    assert pdfs and not [p.name for p in pdfs if "TMARK" in _pdf_text(p)]
    assert "TMARK-c3-note" in (two_sources_site / "teacher" / "source" / "coverage.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_exports_hold_both_sources_and_images_as_text(two_sources_site: Path) -> None:
    xml = (two_sources_site / "exports" / "two-sources-moodle.xml").read_text(encoding="utf-8")
    assert "Bridge Chaos: Town Cut Off ¶3" in xml
    assert 'alt="A grey bridge over dark water, with a red barrier across the road at its near end."' in xml
    with zipfile.ZipFile(two_sources_site / "exports" / "two-sources-qti.zip") as z:
        qti = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "Drivers queue at the closed bridge, as drawn by our artist." in qti
    assert 'alt="A grey bridge over dark water, with a red barrier across the road at its near end."' in qti


@pytest.mark.slow
def test_rebuild_is_byte_identical(two_sources_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "site"
    build_pack(PACK_DIR, again, handouts=True, exports=True)

    def digest(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = digest(two_sources_site), digest(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_an_image_paragraph_reads_back_from_its_own_dump() -> None:
    from generator import model

    src = PACK.source("coverage")
    again = model.Source.model_validate(src.model_dump(mode="json"))
    assert again.paragraphs[3].text == "Drivers queue at the closed bridge, as drawn by our artist."
    assert again.paragraphs[3].source_id == "coverage"
    with pytest.raises(Exception, match="an image paragraph's words are its caption"):
        model.Paragraph.model_validate({"id": "p1", "text": "Other words", "image": src.paragraphs[3].image.model_dump()})


def test_grade_an_answer_file_of_the_compare_lesson(tmp_path: Path) -> None:
    import csv
    import json

    from generator.grade import grade
    from generator.render import content_version

    lesson = PACK.lessons[0]
    data = {"format": "casefile-answers", "format_version": 1, "pack": PACK.info.id, "pack_version": PACK.info.version,
            "lesson": lesson.id, "lesson_version": content_version(PACK, lesson), "student": "Ana",
            "saved_at": "2026-11-25T10:00:00Z",
            "answers": {"x-choice": ["b"], "x-highlight": ["one shop owner told us"], "x-caption": ["Drivers queue"],
                        "x-photo": {"text": "A bridge with a barrier; not when it was taken."}}}
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data["checksum"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    path = tmp_path / "ana.casefile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = grade(PACK, [path], tmp_path / "grades")
    assert result.problems == []
    rows = list(csv.reader(io.StringIO((tmp_path / "grades" / "gradebook.csv").read_text(encoding="utf-8-sig"))))
    got = dict(zip(rows[0], rows[1]))
    assert (got["01-compare/x-choice"], got["01-compare/x-highlight"], got["01-compare/x-caption"]) == ("1", "1", "0")
    assert got["01-compare/x-photo"] == "to score"


def test_export_notes_count_the_questions_that_show_an_image(tmp_path: Path) -> None:
    from generator.export import export_pack

    notes = export_pack(PACK, tmp_path, ["moodle", "gift"], quiet=True)
    assert "moodle: 3 question(s) show an image: the file is embedded in the question, with its alt text, caption and provenance" in notes
    assert ("gift: 3 question(s) show an image: the file is not embedded; the question carries its alt text, "
            "caption and provenance (to show the image, upload it from the site's assets/media/ folder into the question)") in notes
    from lxml import etree

    root = etree.parse(str(tmp_path / "two-sources-moodle.xml")).getroot()
    q = next(q for q in root.iter("question") if q.findtext("name/text", "").startswith("x-photo"))
    files = {f.get("name"): base64.b64decode(f.text) for f in q.iterfind("questiontext/file")}
    assert files == {media.asset_name("media/bridge.png", PNG): PNG}
    assert (f'<img src="@@PLUGINFILE@@/{media.asset_name("media/bridge.png", PNG)}" alt="A grey bridge over dark water, '
            "with a red barrier across the road at its near end.\">") in q.findtext("questiontext/text")
    gift = (tmp_path / "two-sources.gift.txt").read_text(encoding="utf-8")
    assert "Bridge Chaos\\: Town Cut Off ¶3" in gift and "[Image\\: A drawing of a long queue of cars" in gift  # GIFT escapes :


def test_the_qti_zip_carries_the_images_its_questions_show(tmp_path: Path) -> None:
    """Canvas: each image is a file of the package (images/<asset>, a webcontent resource of the
    manifest) and the question's <img> names it by the package-relative %24IMS-CC-FILEBASE%24
    address, with its alt text; nothing else is named."""
    from lxml import etree, html

    from generator.export import export_pack

    notes = export_pack(PACK, tmp_path, ["qti"], quiet=True)
    assert ("qti: 3 question(s) show an image: the file is in the zip (images/) and shown in the question, with its "
            "alt text, caption and provenance") in notes
    with zipfile.ZipFile(tmp_path / "two-sources-qti.zip") as z:
        files = {n: z.read(n) for n in z.namelist()}
    images = {n: b for n, b in files.items() if n.startswith("images/")}
    jpg = (PACK_DIR / "media" / "queue.jpg").read_bytes()
    assert images == {f"images/{media.asset_name('media/bridge.png', PNG)}": PNG,
                      f"images/{media.asset_name('media/traffic.svg', SVG)}": SVG,
                      f"images/{media.asset_name('media/queue.jpg', jpg)}": jpg}
    ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    manifest = etree.fromstring(files["imsmanifest.xml"])
    web = {r.get("href"): [f.get("href") for f in r.iterfind("cp:file", ns)]
           for r in manifest.iterfind(".//cp:resource[@type='webcontent']", ns)}
    assert web == {name: [name] for name in images}
    shown: dict[str, str] = {}
    for name, data in files.items():
        if name.endswith(".xml") and name != "imsmanifest.xml" and not name.endswith("assessment_meta.xml"):
            for mattext in etree.fromstring(data).iter("{*}mattext"):
                for img in html.fragment_fromstring(mattext.text or "", create_parent="div").iter("img"):
                    shown[img.get("src")] = img.get("alt")
    assert shown == {f"%24IMS-CC-FILEBASE%24/{name}": alt for name, alt in [
        (f"images/{media.asset_name('media/bridge.png', PNG)}",
         "A grey bridge over dark water, with a red barrier across the road at its near end."),
        (f"images/{media.asset_name('media/traffic.svg', SVG)}",
         "A drawing of a long queue of cars in front of a closed bridge."),
        (f"images/{media.asset_name('media/queue.jpg', jpg)}",
         "Two bands of colour, dark blue above and orange below, standing for the sky and the road.")]}


def test_hostile_alt_caption_and_provenance_come_out_as_text(copy: Path) -> None:
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)> {{ 7*7 }} #read("/etc/passwd")'
    edit(copy / "sources" / "article.yml", "alt: A grey bridge over dark water, with a red barrier across the road at its near end.",
         f"alt: {evil!r}")
    edit(copy / "sources" / "article.yml", "caption: The harbour bridge on Tuesday morning, closed to traffic.",
         f"caption: {evil!r}")
    edit(copy / "sources" / "article.yml", "by: Example Press photo desk", f"by: {evil!r}")
    pack = load_pack(copy).pack
    for page in render_pages(pack, "student"):
        assert "<script" not in page.markdown and "onerror=" not in page.markdown, page.uri
        assert "{{ 7" not in page.markdown, page.uri  # template code stays text (entity-encoded)
    src = next(p.markdown for p in render_pages(pack, "student") if p.uri == "source/article.md")
    assert 'alt="&#34;&#62;&#60;script&#62;alert&#40;1&#41;' in src


def test_a_hostile_alt_text_stays_an_attribute_in_the_qti_question(copy: Path, tmp_path: Path) -> None:
    """The QTI <img> is made by Markup.format: a hostile alt text is the attribute's value, whole,
    and no element or attribute comes out of it."""
    from lxml import etree, html

    from generator.export import export_pack

    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)> {{ 7*7 }}'
    edit(copy / "sources" / "article.yml", "alt: A grey bridge over dark water, with a red barrier across the road at its near end.",
         f"alt: {evil!r}")
    pack = load_pack(copy).pack
    export_pack(pack, tmp_path, ["qti"], quiet=True)
    with zipfile.ZipFile(next(tmp_path.glob("*-qti.zip"))) as z:
        xml = [z.read(n) for n in z.namelist() if n.endswith(".xml") and n != "imsmanifest.xml"]
    imgs, elements = [], []
    for data in xml:
        for mattext in etree.fromstring(data).iter("{*}mattext"):
            frag = html.fragment_fromstring(mattext.text or "", create_parent="div")
            elements += [el.tag for el in frag.iter()]
            imgs += [dict(img.attrib) for img in frag.iter("img")]
    assert "script" not in elements
    assert any(i.get("alt") == evil for i in imgs)
    assert all(set(i) == {"src", "alt"} and i["src"].startswith("%24IMS-CC-FILEBASE%24/images/") for i in imgs)
