"""`casefile import` and `casefile new pack` on realistic files: saved news pages (WordPress theme,
big outlet with JSON-LD, blog), a Word document, Markdown and plain text."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from generator.cli import main
from generator.importer import import_source
from generator.importer.ids import assign_ids, out_of_order

HERE = Path(__file__).parent / "fixtures" / "import"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return r.exit_code, r.output


def load_source(path: Path) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


# What each page's article says, word for word, and what must not come in with it.
PAGES = {
    "wp-news.html": dict(
        meta=dict(title="Council votes to close Eastside library branch", author="Maria Okafor",
                  publisher="The Riverton Gazette", published=dt.date(2024, 3, 5),
                  url="https://riverton-gazette.example/2024/03/05/council-votes-to-close-library/"),
        body=[
            "Riverton’s city council voted 5 to 4 on Monday night to close the Eastside branch library at the end of June, ending a two-year fight over the future of the 66-year-old building.",
            "The council’s finance committee had said the branch costs $412,000 a year to run and needs roof repairs estimated at $1.3 million. Councillor Dana Ruiz, who proposed the closure, said the money would be better spent on “longer opening hours at the central library and a mobile library that reaches every neighbourhood.”",
            "Opponents packed the chamber. More than 200 residents signed up to speak, according to the city clerk, and the meeting ran past midnight.",
            "The city says the building will be put up for sale in the autumn. Library staff will be offered posts at other branches, a spokesperson said, and no one will lose their job.",
            "Friends of Eastside Library, the residents’ group that led the campaign, said it would ask for a judicial review. Its chair, Tom Becker, told the Gazette the vote was “rushed through before the public consultation had even been published.”",
        ],
        quote=["“This library is the only place in Eastside where a child can do homework in a warm room with the internet,” said Amira Haddad, a teacher at Mill Street Primary."],
        heading=["What happens next"],
        furniture=["We use cookies", "Absolute disgrace", "Share this", "Advertisement", "Recent Posts",
                   "Related: Library hours cut", "Proudly powered by WordPress", "Leave a Reply", "Sign up"],
    ),
    "big-outlet.html": dict(
        meta=dict(title="Heatwave pushes hospital admissions to record high, figures show", author="Priya Natarajan",
                  publisher="The Daily Courier", published=dt.date(2023, 7, 24),
                  url="https://www.dailycourier.example/news/health/2023/jul/24/heatwave-hospital-admissions-record"),
        body=[
            "Hospitals in England recorded more heat-related emergency visits last week than in any week since records began in 2011, according to figures published on Monday by the health statistics agency.",
            "There were 18,450 such visits in the seven days to 21 July, up from 11,200 the week before. About a third were people aged over 75, the agency said.",
            "Dr Helen Marsh, who leads the emergency department at St Aldate’s hospital in Oxford, said: “We had patients on trolleys in the corridor on Wednesday afternoon because every cubicle was full. Most of them were older people who had become dehydrated at home.”",
            "The Department of Health said the NHS had “coped well under exceptional pressure” and that extra funding of £250m announced in May had paid for 900 additional beds.",
            "But the Royal College of Emergency Medicine said the figures showed the service was “running on empty”. Its president, Prof Adrian Cole, said the beds promised in May were “largely not yet open” and called for a national heat plan for hospitals.",
            "The Met Office expects temperatures to fall to the low 20s by the weekend.",
        ],
        dek=["Emergency departments saw 18,450 heat-related visits in the week to 21 July, the highest since records began."],
        heading=["‘The system coped, just’"],
        furniture=["We and our partners use cookies", "Holiday deals", "Share on Facebook", "Read more",
                   "Amber heat-health alert", "Most viewed", "My gran was in A&E", "Before you move on",
                   "Support independent journalism", "All rights reserved"],
    ),
    "blog.html": dict(
        meta=dict(title='Why I stopped trusting "studies show" headlines', author="Sam Whitfield",
                  publisher="Notes from the Stacks", published=dt.date(2022, 11, 14)),
        body=[
            'Last spring a headline told me that "coffee drinkers live longer, study shows". I shared it. Two days later a friend who works in a lab asked me which study, and I realised I had no idea.',
            'So I went looking. The study was real: it followed 9,400 adults in one city for twelve years. But it found an association, not a cause, and the authors wrote in their own summary that "coffee drinking may be a marker of other healthy habits".',
            "First, who did the study and who paid for it? In this case a university did, with money from a national research council. That is a good start, but it is not the end.",
            "Second, what kind of study is it? Watching people is not the same as testing a treatment. Only a trial can show that one thing causes another, and trials of coffee are rare.",
            'Third, what do other researchers say? A review published in 2021 looked at 40 studies and called the evidence "low to moderate quality". That sentence never reaches a headline.',
            "I still drink coffee. I just no longer share a headline before I have read what it points to.",
        ],
        quote=["The headline is an advert for the article, and the article is an advert for the study."],
        heading=["Three questions I now ask"],
        furniture=["Great post!", "Subscribe", "No spam", "Share: Twitter", "Built with Hugo", "Archive"],
    ),
}


def _check_article(name: str, source: dict) -> None:
    want = PAGES[name]
    texts = [p["text"] for p in source["paragraphs"]]
    by_kind: dict[str, list[str]] = {}
    for p in source["paragraphs"]:
        by_kind.setdefault(p["kind"], []).append(p["text"])
    assert by_kind.get("body") == want["body"], name           # every body paragraph, word for word, in order
    for kind in ("quote", "heading", "dek"):
        for text in want.get(kind, []):
            assert text in by_kind.get(kind, []), (name, kind, text)
    assert by_kind["headline"] == [want["meta"]["title"]]
    assert source["paragraphs"][0]["kind"] == "headline"
    for junk in want["furniture"]:
        assert not any(junk in t for t in texts), (name, junk)   # the furniture is dropped
    for key, value in want["meta"].items():
        assert source[key] == value, (name, key)
    ids = [p["id"] for p in source["paragraphs"]]
    assert ids == [f"p{i}" for i in range(1, len(ids) + 1)]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_saved_page_keeps_the_article_and_drops_the_furniture(name: str, tmp_path: Path) -> None:
    code, out = run("import", str(HERE / name), "--lessons", str(tmp_path / "lessons"))
    assert code == 0, out
    written = list((tmp_path / "lessons" / "sources").glob("*.yml"))
    assert len(written) == 1
    _check_article(name, load_source(written[0]))
    assert "Left out" in out and "--show-dropped" in out


def test_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Import reads the file only: any attempt to open a connection or resolve a name fails the test."""
    calls: list[object] = []

    def refuse(*args: object, **kw: object) -> None:
        calls.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in [*PAGES, "article.md", "article.txt"]:
        import_source(HERE / name, tmp_path / name.replace(".", "-"))
    assert calls == []


def test_show_dropped_and_keep(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    code, out = run("import", str(HERE / "wp-news.html"), "--lessons", str(lessons), "--show-dropped")
    assert code == 0, out
    # every dropped block is printed with its text, comments included
    assert "Absolute disgrace. The council always finds money for the golf course but never for libraries." in out
    assert "[caption] The Eastside branch on Mill Street has been open since 1958. Photo: Gazette staff" in out
    code, out = run("import", str(HERE / "wp-news.html"), "--lessons", str(lessons), "--keep", "The Eastside branch on Mill")
    assert code == 0, out
    paras = load_source(lessons / "sources" / "okafor-2024.yml")["paragraphs"]
    kinds = [p["kind"] for p in paras]
    caption = kinds.index("caption")
    assert paras[caption]["text"] == "The Eastside branch on Mill Street has been open since 1958. Photo: Gazette staff"
    assert kinds[:caption] == ["headline", "byline"] and kinds[caption + 1] == "body"   # back in its place
    code, out = run("import", str(HERE / "wp-news.html"), "--lessons", str(lessons), "--keep", "words that are nowhere")
    assert code == 1 and "--keep \"words that are nowhere\": no dropped block" in out


def test_docx_headings_quotes_and_properties(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = "Ferry timetable cut to two sailings a day"
    d.core_properties.author = "Ines Duarte"
    d.core_properties.created = dt.datetime(2024, 5, 2, 9, 30)
    d.add_paragraph("Ferry timetable cut to two sailings a day", style="Title")
    d.add_paragraph("By Ines Duarte")
    d.add_paragraph("The island ferry will run twice a day from June instead of five times, the operator said on Thursday.")
    d.add_heading("Why the cut", level=1)
    p = d.add_paragraph("The operator said fuel costs had risen by ")
    p.add_run("40 per cent").bold = True
    p.add_run(" since 2022.")
    d.add_paragraph("“We were not asked,” said the harbour master, Ruth Gill.", style="Quote")
    d.add_paragraph("Advertisement")
    path = tmp_path / "ferry.docx"
    d.save(path)
    src = import_source(path, tmp_path / "lessons")
    data = load_source(src.path)
    assert data["title"] == "Ferry timetable cut to two sailings a day"
    assert data["author"] == "Ines Duarte" and data["published"] == dt.date(2024, 5, 2)
    assert [(p["kind"], p["text"]) for p in data["paragraphs"]] == [
        ("headline", "Ferry timetable cut to two sailings a day"),
        ("byline", "By Ines Duarte"),
        ("body", "The island ferry will run twice a day from June instead of five times, the operator said on Thursday."),
        ("heading", "Why the cut"),
        ("body", "The operator said fuel costs had risen by 40 per cent since 2022."),
        ("quote", "“We were not asked,” said the harbour master, Ruth Gill."),
    ]
    assert [d.text for d in src.dropped] == ["Advertisement"]


def test_markdown_front_matter_and_markup(tmp_path: Path) -> None:
    data = load_source(import_source(HERE / "article.md", tmp_path / "lessons").path)
    assert (data["id"], data["author"], data["publisher"], data["published"]) == ("martins-2024", "Leo Martins", "Valley Weekly", dt.date(2024, 1, 8))
    kinds = [(p["kind"], p["text"]) for p in data["paragraphs"]]
    assert kinds[:2] == [("headline", "Bus fares to be capped at £2 across the region"),
                         ("dek", "Single fares on every bus route will cost no more than £2 from 1 February.")]
    # markup gone, words kept: **£2**, [government grant](...)
    assert ("body", "The regional transport authority announced on Monday that single bus fares will be capped at £2 from 1 February, down from as much as £5.60 on some rural routes.") in kinds
    assert ("body", "The authority said the cap would cost £14 million a year, paid for by a government grant that runs until March 2025.") in kinds
    assert kinds[4][0] == "quote" and kinds[5] == ("heading", "What operators say")


def test_plain_text_first_lines_and_unknown_metadata(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    code, out = run("import", str(HERE / "article.txt"), "--lessons", str(lessons))
    assert code == 0, out
    path = lessons / "sources" / "clarke-2023.yml"
    data = load_source(path)
    assert (data["title"], data["author"], data["published"]) == (
        "School phone ban cuts lunchtime screen use, pilot finds", "Hannah Clarke", dt.date(2023, 9, 12))
    # line breaks inside a paragraph are folded, words unchanged
    assert data["paragraphs"][3]["text"] == ("A ban on mobile phones during the school day cut the time pupils spent on screens at lunchtime by "
                                             "more than half, according to a pilot run in eleven secondary schools in the county.")
    assert data["publisher"] == "unknown" and "unknown.invalid" in data["url"]
    assert "publisher: who published it" in out and "url: the web address" in out
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^publisher: unknown +# TO FILL IN", text, re.M)


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    code, out = run("import", str(tmp_path / "a.pdf"), "--lessons", str(tmp_path / "lessons"))
    assert code == 1 and "cannot import a '.pdf' file" in out and "Traceback" not in out
    code, out = run("import", str(tmp_path / "missing.html"), "--lessons", str(tmp_path / "lessons"))
    assert code == 1 and "missing.html:1:1: file not found" in out
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    code, out = run("import", str(tmp_path / "broken.docx"), "--lessons", str(tmp_path / "lessons"))
    assert code == 1 and "not a Word .docx file" in out
    code, out = run("import", "https://news.example/story.html", "--lessons", str(tmp_path / "lessons"))
    assert code == 1 and "reads saved files only and never fetches a page" in out
    (tmp_path / "empty.html").write_text("")
    code, out = run("import", str(tmp_path / "empty.html"), "--lessons", str(tmp_path / "lessons"))
    assert code == 1 and "empty.html:1:1: the file is empty" in out and "Traceback" not in out
    assert not (tmp_path / "lessons").exists()
    # control characters are not words: they never reach the YAML (which refuses them)
    (tmp_path / "ctrl.html").write_text("<html><body><h1>A headline</h1><p>Some\x01 words \x7fwith\x0c control characters in them, "
                                        "long enough to be an article paragraph of its own.</p></body></html>")
    code, out = run("import", str(tmp_path / "ctrl.html"), "--lessons", str(tmp_path / "lessons"), "--id", "ctrl")
    assert code == 0, out
    text = (tmp_path / "lessons" / "sources" / "ctrl.yml").read_text(encoding="utf-8")
    assert "Some words with control characters in them" in text and not re.search("[\x00-\x08\x0e-\x1f\x7f]", text)


def test_another_article_under_the_same_id_is_refused(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    code, out = run("import", str(HERE / "blog.html"), "--lessons", str(lessons), "--id", "story")
    assert code == 0, out
    before = (lessons / "sources" / "story.yml").read_bytes()
    code, out = run("import", str(HERE / "wp-news.html"), "--lessons", str(lessons), "--id", "story")
    assert code == 1 and "story.yml:1:1: this file holds another article" in out
    assert (lessons / "sources" / "story.yml").read_bytes() == before


# ---------------------------------------------------------------- re-import keeps ids

def test_assign_ids() -> None:
    old = [("p1", "Headline"), ("p2", "The first paragraph says one thing."), ("p3", "A paragraph that goes."),
           ("p4", "The last paragraph, with a typo in teh middle of it.")]
    new = ["Headline", "The first paragraph says one thing.", "A brand new paragraph about something else entirely.",
           "The last paragraph, with a typo in the middle of it."]
    ids, edited = assign_ids(new, old, highest=7)
    assert ids == ["p1", "p2", "p8", "p4"]        # p3 gone, never reused; p5..p7 were used once before
    assert list(edited) == ["p4"]
    assert out_of_order(["p1", "p2", "p8", "p4"], {"p8"}) == {"p8"}
    assert out_of_order(["p1", "p2", "p4", "p8"], {"p8"}) == set()      # added at the end: in order
    assert out_of_order(["p1", "p3", "p2", "p4"]) == {"p2"}              # moved: the fewest marked


V1 = """\
Harbour wall to be rebuilt after storm damage

By Owen Price

3 March 2024

The harbour wall at Porthmellin will be rebuilt at a cost of £2.4 million, the county council said on Friday.

Storm Ciara damaged forty metres of the wall in February, and the harbour has been closed to boats since then.

"We expect the work to take nine months," said the council's engineer, Beth Nankivell.

Fishermen say they are losing about £3,000 a week each while the harbour is closed.
"""

V2 = """\
Harbour wall to be rebuilt after storm damage

By Owen Price

3 March 2024

The harbour wall at Porthmellin will be rebuilt at a cost of £2.6 million, the county council said on Friday.

Storm Ciara damaged forty metres of the wall in February, and the harbour has been closed to boats since then.

A temporary pontoon will let the lifeboat launch while the work goes on, the council added.

"We expect the work to take nine months," said the council's engineer, Beth Nankivell.
"""


def test_reimport_keeps_ids_and_lists_broken_quotes(tmp_path: Path) -> None:
    article = tmp_path / "harbour.txt"
    article.write_text(V1, encoding="utf-8")
    code, out = run("new", "pack", str(tmp_path / "pack"), "--from", str(article))
    assert code == 0, out
    lessons = tmp_path / "pack" / "lessons"
    source = lessons / "sources" / "price-2024.yml"
    v1 = {p["id"]: p["text"] for p in load_source(source)["paragraphs"]}
    assert v1["p4"].startswith("The harbour wall") and v1["p7"].startswith("Fishermen")
    claims = (lessons / "claims.yml").read_text(encoding="utf-8")
    assert "quote: The harbour wall at Porthmellin will be rebuilt at a cost of £2.4 million" in claims
    code, out = run("check", "--lessons", str(lessons))
    assert code == 0, out
    assert re.search(r"claims\.yml:\d+:\d+: 4 draft claims to review \(c1, c2, c3, c4\)", out), out
    assert re.search(r"sources/price-2024\.yml:7:12: source 'price-2024': publisher is unknown; write who published it", out), out

    # the teacher corrects a kind and the publisher by hand: a re-import keeps both
    source.write_text(source.read_text(encoding="utf-8").replace("kind: byline\n    text: 3 March 2024", "kind: furniture\n    text: 3 March 2024")
                      .replace("publisher: unknown", "publisher: Cornish Coast News"), encoding="utf-8")
    article.write_text(V2, encoding="utf-8")      # corrected: p4 edited, p7 gone, a paragraph added
    code, out = run("import", str(article), "--lessons", str(lessons))
    assert code == 1, out
    v2 = load_source(source)["paragraphs"]
    ids = [p["id"] for p in v2]
    assert ids == ["p1", "p2", "p3", "p4", "p5", "p8", "p6"]   # kept, p4 edited, p8 new
    assert [p.get("inserted", False) for p in v2] == [False] * 5 + [True, False]
    assert v2[2] == {"id": "p3", "kind": "furniture", "text": "3 March 2024"}
    assert load_source(source)["publisher"] == "Cornish Coast News"
    assert "kept for edited paragraphs: p4" in out and "new: p8" in out and "gone: p7" in out
    # the quotes that no longer match, as file:line:col errors from the checker
    broken = [ln for ln in out.splitlines() if "word for word" in ln or "does not exist" in ln]
    assert broken and all(re.match(r"^\S*claims\.yml:\d+:\d+: ", ln) or re.match(r"^\S*\.yml:\d+:\d+: ", ln) for ln in broken)
    assert any("claims.yml" in ln and "word for word" in ln for ln in broken)
    assert any("paragraph 'p7' does not exist" in ln for ln in broken)

    # a later paragraph never takes the id of one that went
    article.write_text(V2 + "\nThe council will hold a public meeting on 20 March.\n", encoding="utf-8")
    run("import", str(article), "--lessons", str(lessons))
    assert [p["id"] for p in load_source(source)["paragraphs"]][-1] == "p9"


# ---------------------------------------------------------------- new pack

def test_new_pack_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "notes.txt").write_text("mine")
    code, out = run("new", "pack", str(tmp_path / "pack"), "--from", str(HERE / "blog.html"))
    assert code == 1 and "the folder is not empty" in out
    assert sorted(p.name for p in (tmp_path / "pack").iterdir()) == ["notes.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["wp-news.html", "big-outlet.html", "blog.html", "article.md", "article.txt", "ferry.docx"])
def test_new_pack_builds_every_output_and_names_nothing_of_the_default_article(name: str, tmp_path: Path) -> None:
    from scan import texts
    from test_pack_pages import default_pack_words

    site = _new_pack_builds(name, tmp_path, handouts=True)
    pdfs = sorted(p.relative_to(site / "handouts").as_posix() for p in (site / "handouts").rglob("*.pdf"))
    assert "student/01-first-look-worksheet.pdf" in pdfs and "teacher/01-first-look-key.pdf" in pdfs
    assert any(p.startswith("student/article-") for p in pdfs)
    assert len(list((site / "exports").iterdir())) == 3
    # every file of the result, PDFs and the QTI zip opened: nothing of the default pack's article
    for path, text in texts(tmp_path / "mypack"):
        assert default_pack_words(text) == [], path


def _new_pack_builds(name: str, tmp_path: Path, *, handouts: bool) -> Path:
    if name.endswith(".docx"):
        docx = pytest.importorskip("docx")
        d = docx.Document()
        d.add_paragraph("Ferry timetable cut to two sailings a day", style="Title")
        d.add_paragraph("The island ferry will run twice a day from June instead of five times, the operator said on Thursday.")
        d.add_paragraph("“We were not asked,” said the harbour master, Ruth Gill.", style="Quote")
        d.save(tmp_path / name)
        file = tmp_path / name
    else:
        file = HERE / name
    pack = tmp_path / "mypack"
    code, out = run("new", "pack", str(pack), "--from", str(file))
    assert code == 0, out
    code, out = run("check", cwd=pack)
    assert code == 0, out
    assert re.search(r"claims\.yml:\d+:\d+: \d+ draft claims? to review", out)
    code, out = run("build", *([] if handouts else ["--no-handouts"]), cwd=pack)
    assert code == 0, out
    site = pack / "site"
    for edition in ("student", "teacher"):
        assert (site / edition / "index.html").is_file()
        assert (site / edition / "lessons" / "01-first-look.html").is_file()
    teacher_claims = (site / "teacher" / "teacher" / "claims.html").read_text(encoding="utf-8")
    assert "Draft: not checked yet" in teacher_claims
    teacher_source = next((site / "teacher" / "source").glob("*.html")).read_text(encoding="utf-8")
    assert "draft: not checked yet" in teacher_source
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".json", ".xml", ".txt")]
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "Rubinstein" not in text and "ISIS" not in text, page      # nothing of the default article
        if "student" in page.parts:
            assert "draft: true" not in text and "Draft: not checked" not in text, page
    assert (site / "exports").is_dir()
    return site


# ---------------------------------------------------------------- edits keep the teacher's formatting

@pytest.mark.parametrize("pack_yml", [
    Path(__file__).parent.parent / "lessons" / "pack.yml",           # block list, flow workshop list
    Path(__file__).parent / "fixtures" / "pack" / "pack.yml",         # flow list
])
def test_new_lesson_adds_one_line_to_pack_yml(pack_yml: Path, tmp_path: Path) -> None:
    import difflib

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    before = pack_yml.read_text(encoding="utf-8")
    (lessons / "pack.yml").write_text(before, encoding="utf-8")
    code, out = run("new", "lesson", "Reading the byline", "--lessons", str(lessons))
    assert code == 0, out
    after = (lessons / "pack.yml").read_text(encoding="utf-8")
    changes = [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    if re.search(r"^lessons: \[", before, re.M):     # the flow list's line gets the id, nothing else changes
        assert len(changes) == 2 and changes[1].startswith("+lessons: [") and changes[1].endswith(", 01-reading-the-byline]")
        assert changes[0].replace("]", "") + ", 01-reading-the-byline" == "-" + changes[1][1:].replace("]", "")
    else:
        assert changes == ["+  - 01-reading-the-byline"]


# pack.yml as teachers write it: every way of writing the lists, comments, trailing spaces, CRLF.
PACK_HEAD = "id: fixture\ntitle: \"Fixture pack\"   \ndescription: A small pack.\naudience: Tests\nlicense: CC0\n"
PACK_STYLES = {
    "indented": PACK_HEAD + "lessons:\n  - 01-basics\n  - 02-open\nworkshop:\n  title: W\n  lessons:\n    - 01-basics\n",
    "flush": PACK_HEAD + "lessons:\n- 01-basics\n- 02-open\n\n# the workshop\nworkshop:\n  title: W\n  lessons:\n  - 01-basics\n",
    "flow": PACK_HEAD + "lessons: [01-basics, 02-open]\nworkshop: {title: W, lessons: [01-basics, 02-open]}\n",
    "comments": ("# My pack. Do not reorder.\n" + PACK_HEAD + "lessons:   # in teaching order\n  - 01-basics   # week 1\n"
                 "  # - 00-draft (not ready)\n  - 02-open\n    # spare line comment\n\nsite:\n  paper: a4  # our printer\n"),
    "trailing-spaces": PACK_HEAD.replace("\n", "  \n") + "lessons:  \n  - 01-basics  \n  - 02-open \n  \nsite:   \n  paper: a4\t\n",
    "crlf": (PACK_HEAD + "lessons:\n  - '01-basics'\n  - '02-open'\nworkshop:\n  title: W\n  lessons: [01-basics,\n"
             "    02-open]\n").replace("\n", "\r\n"),
    "wrapped-workshop": (PACK_HEAD + "lessons: [01-basics,\n          02-open]   # two so far\nworkshop:\n  title: W\n"
                         "  lessons: [01-basics, 02-open,\n            01-basics]   \n  minutes: 50\n"),
    "flow-own-lines": PACK_HEAD + "lessons: [\n    01-basics,\n    02-open   # the open one\n]\nsite: {paper: a4}\n",
    "no-final-newline": PACK_HEAD + "site:\n  paper: a4\nlessons:\n  - 01-basics\n  - 02-open",
}


def _changed_lines(before: str, after: str) -> list[str]:
    import difflib

    return [ln for ln in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


@pytest.mark.parametrize("style", sorted(PACK_STYLES))
def test_new_lesson_and_import_change_only_the_lines_they_add(style: str, pack_copy: Path) -> None:
    from generator.load import load_pack

    before = PACK_STYLES[style]
    pack_yml = pack_copy / "pack.yml"
    with open(pack_yml, "w", encoding="utf-8", newline="") as fh:
        fh.write(before)
    code, out = run("new", "lesson", "Reading the byline", "--lessons", str(pack_copy))
    assert code == 0, out
    with open(pack_yml, encoding="utf-8", newline="") as fh:
        after = fh.read()
    eol = "\r\n" if style == "crlf" else "\n"
    changes = _changed_lines(before, after)
    removed = [ln[1:] for ln in changes if ln.startswith("-")]
    added = [ln[1:] for ln in changes if ln.startswith("+")]
    if style in ("flow", "wrapped-workshop"):       # the line that closes the flow list gets the id
        assert len(removed) == len(added) == 1, changes
        assert added[0] == removed[0].replace("02-open]", "02-open, 03-reading-the-byline]"), changes
    elif style == "flow-own-lines":                  # a comma after the last item, the id on its own line
        assert removed == ["    02-open   # the open one\n"], changes
        assert added == ["    02-open,   # the open one\n", "    03-reading-the-byline\n"], changes
    elif style == "no-final-newline":
        assert removed == ["  - 02-open"] and added == ["  - 02-open\n", "  - 03-reading-the-byline\n"], changes
    else:
        assert removed == [], changes
        item = {"flush": "- 03-reading-the-byline", "crlf": "  - '03-reading-the-byline'"}.get(style, "  - 03-reading-the-byline")
        assert added == [item + eol], changes
    assert "03-reading-the-byline" in [l.id for l in load_pack(pack_copy).pack.lessons]
    # a second source: one line, main_source, at the end, in the file's own line ending
    code, out = run("import", str(HERE / "blog.html"), "--lessons", str(pack_copy))
    assert code == 0, out
    with open(pack_yml, encoding="utf-8", newline="") as fh:
        final = fh.read()
    assert final.startswith(after.rstrip("\r\n") if style == "no-final-newline" else after)
    assert final[len(after):].lstrip("\r\n") == f"main_source: memo   # lessons and claims without 'source:' use this one{eol}"
    assert ("\r\n" in final) == (style == "crlf") and final.count("\r\n") in (0, final.count("\n"))


def test_add_to_list_styles() -> None:
    from generator.scaffold import add_to_list

    assert add_to_list("lessons: []\nsite: {}\n", "lessons", "a") == "lessons: [a]\nsite: {}\n"
    assert add_to_list("lessons:\n- a   # first\n# note\n- b\nsite:\n  paper: a4\n", "lessons", "c") == \
        "lessons:\n- a   # first\n# note\n- b\n- c\nsite:\n  paper: a4\n"
    assert add_to_list("id: x\nlessons: ['a', \"b]\"]  # why\n", "lessons", "c") == "id: x\nlessons: ['a', \"b]\", c]  # why\n"


# ---------------------------------------------------------------- a second source in a pack

def test_second_source_names_the_main_one_and_can_be_quoted(pack_copy: Path) -> None:
    before = (pack_copy / "pack.yml").read_text(encoding="utf-8")
    code, out = run("import", str(HERE / "blog.html"), "--lessons", str(pack_copy))
    assert code == 0, out
    after = (pack_copy / "pack.yml").read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):].startswith("main_source: memo ")   # one line added
    assert "[[whitfield-2022:p3|exact words]]" in out
    code, out = run("check", "--lessons", str(pack_copy))
    assert code == 0, out                      # lessons and claims without source: use the memo
    lesson = pack_copy / "02-open.yml"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("discussion:\n", "discussion:\n  - 'Compare [[whitfield-2022:p4|So I went looking.]] with the memo.'\n", 1)
                      if "discussion:\n" in text else text + "discussion:\n  - 'Compare [[whitfield-2022:p4|So I went looking.]]'\n",
                      encoding="utf-8")
    code, out = run("check", "--lessons", str(pack_copy))
    assert code == 0, out
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("So I went looking.", "So I went searching."), encoding="utf-8")
    code, out = run("check", "--lessons", str(pack_copy))
    assert code == 1 and re.search(r"02-open\.yml:\d+:\d+: quote \"So I went searching.\" is not in paragraph 'p4'", out), out
    (pack_copy / "pack.yml").write_text(after.replace("main_source: memo", "main_source: mem"), encoding="utf-8")
    code, out = run("check", "--lessons", str(pack_copy))
    assert code == 1 and "main_source 'mem' is not a source of this pack; did you mean 'memo'?" in out


def test_the_case_study_as_plain_text_keeps_every_body_paragraph(tmp_path: Path) -> None:
    """The default pack's article, written out as plain text (blocks separated by blank lines),
    comes back with every body paragraph word for word and the publisher's notices left out."""
    original = load_source(Path(__file__).parent.parent / "lessons" / "sources" / "rubinstein-2021.yml")["paragraphs"]
    article = tmp_path / "article.txt"
    article.write_text("\n\n".join(p["text"] for p in original) + "\n", encoding="utf-8")
    got = load_source(import_source(article, tmp_path / "lessons", slug="case").path)["paragraphs"]
    texts = {p["text"]: p["kind"] for p in got}
    bodies = [re.sub(r"\s+", " ", p["text"]).strip() for p in original if p["kind"] == "body"]
    assert all(b in texts for b in bodies), [b[:60] for b in bodies if b not in texts]
    assert got[0]["kind"] == "headline" and got[1]["kind"] == "dek" and got[2]["kind"] == "byline"
    for notice in ("Visit and follow us on Instagram", "Note to readers", "Become a Member of Global Research",
                   "For media inquiries", "ISBN Number"):
        assert not any(t.startswith(notice) or notice in t[:40] for t in texts), notice


def test_a_page_saved_in_windows_1252(tmp_path: Path) -> None:
    html = (HERE / "big-outlet.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = tmp_path / "page.htm"
    page.write_bytes(html.encode("cp1252"))
    data = load_source(import_source(page, tmp_path / "lessons").path)
    _check_article("big-outlet.html", data)


def test_the_files_folder_is_not_needed(tmp_path: Path) -> None:
    code, out = run("import", str(HERE / "wp-news.html"), "--lessons", str(tmp_path / "lessons"))
    assert code == 0 and "wp-news_files/ (the page's styles, scripts and images) is not needed" in out


def test_reimport_keeps_the_teachers_image_paragraphs(tmp_path: Path) -> None:
    """An import brings no images, so an image paragraph the teacher added to a source (its file,
    alt text, caption, provenance) is kept by a re-import, after the paragraph it followed, with its
    id; a new paragraph never takes that id."""
    article = tmp_path / "harbour.txt"
    article.write_text(V1, encoding="utf-8")
    assert run("new", "pack", str(tmp_path / "pack"), "--from", str(article))[0] == 0
    lessons = tmp_path / "pack" / "lessons"
    source = lessons / "sources" / "price-2024.yml"
    (lessons / "media").mkdir()
    (lessons / "media" / "wall.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="4"/></svg>', encoding="utf-8")
    image = {"file": "media/wall.svg", "alt": "A drawing of the harbour wall with a gap in the middle.",
             "caption": "The storm left a gap in the wall, as our artist saw it.",
             "provenance": {"by": "Cornish Coast News graphics desk", "found": "the printed paper (page 2)"}}
    text = source.read_text(encoding="utf-8")
    p4 = text.index("  - id: p5\n")
    source.write_text(text[:p4] + "  - id: p8\n    inserted: true\n    image:\n"
                      f"      file: {image['file']}\n      alt: {image['alt']}\n      caption: {image['caption']}\n"
                      f"      provenance: {{by: {image['provenance']['by']}, found: {image['provenance']['found']}}}\n"
                      + text[p4:], encoding="utf-8")
    code, out = run("check", "--lessons", str(lessons))
    assert code == 0, out
    article.write_text(V2, encoding="utf-8")  # p4 edited, p7 gone, a paragraph added
    code, out = run("import", str(article), "--lessons", str(lessons))
    # exit 1: the claims quote the edited p4 and the removed p7 (as in the test above), nothing else
    errors = [ln for ln in out.splitlines() if re.match(r"^\S+\.yml:\d+:\d+: ", ln)]
    assert code == 1 and errors and all("word for word" in ln or "does not exist" in ln for ln in errors), out
    paras = load_source(source)["paragraphs"]
    assert [p["id"] for p in paras] == ["p1", "p2", "p3", "p4", "p8", "p5", "p9", "p6"]
    assert paras[4] == {"id": "p8", "kind": "image", "inserted": True, "image": image}
    assert "kept 1 image paragraph of the earlier file (p8), each after the paragraph it followed" in out
    assert "p8" not in " ".join(ln for ln in out.splitlines() if "does not exist" in ln or "gone" in ln)
    code, out = run("check", "--lessons", str(lessons))
    errors = [ln for ln in out.splitlines() if re.match(r"^\S+\.yml:\d+:\d+: (?!warning)", ln)]
    assert code == 1 and errors and all("word for word" in ln or "does not exist" in ln for ln in errors), out
