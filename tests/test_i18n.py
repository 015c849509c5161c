"""The interface in the pack's language (generator/i18n.py, issue 14 item 1).

The German fixture pack (tests/fixtures/pack-de, with its own German docs/ in
tests/fixtures/pack-de-site) is built whole: both editions, handouts and exports, and graded from a
generated answer file. No English message of the catalogue may be left in any output: the text of
every page (search index included), the strings the scripts carry, the text of every PDF, every
export file and the grade report. An exercise driven in Chromium gives its feedback in German.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, build_pack, require
from generator import i18n
from generator.kinds.bundle import casefile_js, script_messages

PACK_DE = ROOT / "tests" / "fixtures" / "pack-de"
CONFIG_DE = ROOT / "tests" / "fixtures" / "pack-de-site" / "mkdocs.yml"
PLACEHOLDER = re.compile(r"%\(\w+\)s")

# Messages whose German is the English (checked against the catalogue below, so the list stays true).
SAME_IN_GERMAN = {"Name", "Name: %(name)s", "Status", "Status:", "Original:", "Workshop: %(title)s"}
# English words that are also German words or names, so they may appear in German text as words.
SHARED_WORDS = {"Name", "Status", "Original", "Workshop", "Plan", "Agenda", "Medium"}


def _messages() -> list[str]:
    out: list[str] = []
    for msg in i18n.template():
        if msg.id:
            out += list(msg.id) if isinstance(msg.id, tuple) else [msg.id]
    return out


def _fragments(message: str) -> list[str]:
    """The literal parts of a message worth looking for: placeholders cut out, Markdown marks and
    edge punctuation dropped; a part must hold a word of 3+ letters that is not also German."""
    out = []
    for part in PLACEHOLDER.split(message):
        part = re.sub(r"[*`]|\[|\]\([^)]*\)", "", part).strip(" .,:;()·—–-“”\"'")
        words = re.findall(r"[A-Za-z]{3,}", part)
        if words and not (len(words) == 1 and words[0] in SHARED_WORDS):
            out.append(part)
    return out


def english_fragments() -> dict[str, str]:
    """{fragment: message} for every message German translates differently."""
    out: dict[str, str] = {}
    for m in _messages():
        if m in SAME_IN_GERMAN:
            continue
        for frag in _fragments(m):
            out.setdefault(frag, m)
    return out


class _Text(HTMLParser):
    """The text a reader meets on a page: element text and the attributes read aloud or shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        for k, v in attrs:
            if v and k in ("aria-label", "title", "alt", "placeholder"):
                self.parts.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(markup: str) -> str:
    p = _Text()
    p.feed(markup)
    return " ".join(p.parts)


def find_english(text: str, fragments: dict[str, str]) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    return sorted({f"{frag!r} (from {msg!r})" for frag, msg in fragments.items()
                   if re.search(r"(?<![A-Za-z])" + re.escape(frag) + r"(?![A-Za-z])", text)})


# ---------------------------------------------------------------- the catalogue itself (fast)

def test_german_catalogue_is_complete_and_keeps_placeholders() -> None:
    assert i18n.missing("de") == []
    cat = i18n.catalog("de")
    assert cat is not None
    for msg in cat:
        if not msg.id:
            continue
        ids = list(msg.id) if isinstance(msg.id, tuple) else [msg.id]
        strings = list(msg.string) if isinstance(msg.string, tuple) else [msg.string]
        want = set(PLACEHOLDER.findall(ids[-1])) - {"%(num)s"}
        for s in strings:
            assert want <= set(PLACEHOLDER.findall(s)), (msg.id, s)


def test_same_in_german_list_is_true() -> None:
    de = i18n.translations("de")
    assert {m for m in SAME_IN_GERMAN if de.gettext(m) != m} == set()


def test_every_script_string_is_in_the_catalogue_and_translated() -> None:
    """The browser gets its words as data: every t()/tn() of casefile.js and check-answers.js."""
    js = casefile_js("de")
    data = json.loads(re.search(r"var STRINGS = (\{.*?\});  /\* @strings", js).group(1))
    assert data["lang"] == "de"
    ids = set(_messages())
    for m in script_messages(casefile_js("en") + (ROOT / "generator/assets/check-answers.js").read_text()):
        if isinstance(m, tuple):
            assert m[0] in ids and m[0] in data["p"], m
            assert set(data["p"][m[0]]) == {"one", "other"}
        else:
            assert m in ids, m
            assert data["s"][m] != m or m in SAME_IN_GERMAN, m
    assert casefile_js("en").count('var STRINGS = {"lang": "en"') == 1


def test_plurals_follow_the_number() -> None:
    with i18n.using("de"):
        assert i18n.ngettext("%(num)s lesson", "%(num)s lessons", 1) % {"num": 1} == "1 Lektion"
        assert i18n.ngettext("%(num)s lesson", "%(num)s lessons", 2) % {"num": 2} == "2 Lektionen"
    with i18n.using("en"):
        assert i18n.ngettext("%(num)s lesson", "%(num)s lessons", 1) % {"num": 1} == "1 lesson"


def test_one_lesson_is_not_one_lessons(tmp_path: Path) -> None:
    """The plural bug of issue 14: a one-lesson pack said "1 lessons" on its schedule."""
    import shutil

    from generator.load import load_pack
    from generator.site import render_pages

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "fixtures" / "pack", pack)
    text = (pack / "pack.yml").read_text(encoding="utf-8").replace("lessons: [01-basics, 02-open]", "lessons: [01-basics]", 1)
    text = text.split("workshop:")[0]
    (pack / "pack.yml").write_text(text, encoding="utf-8")
    (pack / "02-open.yml").unlink()
    pages = {p.uri: p.markdown for p in render_pages(load_pack(pack).pack, "student")}
    assert "The whole unit at a glance: 1 lesson, 30 minutes in all." in pages["schedule.md"]
    assert "1 lessons" not in pages["schedule.md"]


def test_dates_in_the_pack_language() -> None:
    import datetime as dt

    assert i18n.format_date(dt.date(2026, 3, 1), "de") == "1. März 2026"
    assert i18n.format_date(dt.date(2026, 3, 1), "en") == "1 March 2026"


def test_check_warns_on_an_unknown_language(tmp_path: Path) -> None:
    import shutil

    from generator.lints import lint_pack
    from generator.load import load_pack

    pack = tmp_path / "pack"
    shutil.copytree(PACK_DE, pack)
    text = (pack / "pack.yml").read_text(encoding="utf-8").replace("language: de", "language: tlh")
    (pack / "pack.yml").write_text(text, encoding="utf-8")
    warnings = [str(p) for p in lint_pack(load_pack(pack))]
    lang = [w for w in warnings if "language 'tlh'" in w]
    assert len(lang) == 1 and "pack.yml:5:11:" in lang[0] and "stay in English" in lang[0], warnings
    assert not [w for w in [str(p) for p in lint_pack(load_pack(PACK_DE))] if "catalogue" in w or "language" in w]


def test_check_names_missing_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.lints import lint_pack
    from generator.load import load_pack

    monkeypatch.setattr(i18n, "missing", lambda lang: ["Check my answer", "Download my answers"])
    lang = [str(p) for p in lint_pack(load_pack(PACK_DE)) if "catalogue" in str(p)]
    assert len(lang) == 1 and "lacks 2 of" in lang[0] and "'Check my answer'" in lang[0], lang


# ---------------------------------------------------------------- the whole German site

@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack-de") / "site"
    from generator.build import build

    build(PACK_DE, out, config_file=CONFIG_DE, quiet=True, handouts=True, exports=True)
    return out


def _answer_file(pack: Any, lesson_id: str, student: str, answers: dict[str, Any]) -> dict[str, Any]:
    from generator.render import content_version

    lesson = next(ls for ls in pack.lessons if ls.id == lesson_id)
    data = {"format": "casefile-answers", "format_version": 1, "pack": pack.info.id, "pack_version": pack.info.version,
            "lesson": lesson_id, "lesson_version": content_version(pack, lesson), "student": student,
            "saved_at": "2026-06-20T10:00:00Z", "answers": copy.deepcopy(answers)}
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data["checksum"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return data


@pytest.mark.slow
def test_no_english_ui_string_in_any_output(german_site: Path, tmp_path: Path) -> None:
    fragments = english_fragments()
    assert len(fragments) > 200  # the check has something to look for
    found: dict[str, list[str]] = {}

    def check(name: str, text: str) -> None:
        hits = find_english(text, fragments)
        if hits:
            found[name] = hits

    pages = sorted(german_site.glob("*/**/*.html"))
    assert len([p for p in pages if "/student/" in p.as_posix()]) >= 6 and any("/teacher/" in p.as_posix() for p in pages)
    for p in pages:
        if "/exports/" in p.as_posix() or "/handouts/" in p.as_posix():
            continue
        check(p.relative_to(german_site).as_posix(), page_text(p.read_text(encoding="utf-8")))
    for idx in german_site.glob("*/search/search_index.json"):
        docs = json.loads(idx.read_text(encoding="utf-8"))["docs"]
        check(idx.relative_to(german_site).as_posix(),
              " ".join(page_text(d.get("text", "")) + " " + html.unescape(d.get("title", "")) for d in docs))
    # the scripts' strings as the pages get them
    for js in german_site.glob("*/assets/casefile/casefile.js"):
        data = json.loads(re.search(r"var STRINGS = (\{.*?\});  /\* @strings", js.read_text(encoding="utf-8")).group(1))
        texts = list(data["s"].values()) + [v for forms in data["p"].values() for v in forms.values()]
        check(js.relative_to(german_site).as_posix(), PLACEHOLDER.sub(" ", " | ".join(texts)))
    # the handouts
    require("pdftotext", subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0, "poppler-utils")
    pdfs = sorted((german_site / "handouts").rglob("*.pdf"))
    assert len(pdfs) >= 8
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        check(pdf.relative_to(german_site).as_posix(), text.replace("-\n", ""))
    # the exports (QTI zip, Moodle XML, GIFT): what the LMS shows, i.e. the texts, titles and names
    exports = sorted((german_site / "exports").iterdir())
    assert {p.suffix for p in exports} >= {".zip", ".xml", ".txt"}
    for f in exports:
        if f.suffix == ".zip":
            with zipfile.ZipFile(f) as z:
                xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
            shown = re.findall(r"<mattext[^>]*>(.*?)</mattext>", xml, re.S) + re.findall(r'title="([^"]*)"', xml)
            text = " ".join(page_text(html.unescape(t)) for t in shown)
        elif f.suffix == ".xml":
            xml = f.read_text(encoding="utf-8")
            shown = re.findall(r"<text>(.*?)</text>", xml, re.S) + re.findall(r"<!--(.*?)-->", xml, re.S)
            text = " ".join(page_text(html.unescape(t.replace("<![CDATA[", "").replace("]]>", ""))) for t in shown)
        else:  # GIFT: every line but Casefile's own machine-readable "// casefile:" ones
            lines = [ln for ln in f.read_text(encoding="utf-8").splitlines() if not ln.startswith("// casefile:")]
            text = page_text(html.unescape("\n".join(lines)))
        assert len(text) > 500, f.name
        check(f.name, text)
    # a grade report from a generated answer file
    from generator.grade import grade
    from generator.load import load_pack

    pack = load_pack(PACK_DE).pack
    files = []
    for lesson_id, answers in [("01-freibad", {"f-wer": ["a"], "f-richtig": {"s1": True, "s2": True},
                                               "f-sortieren": {"i1": "fakt"}, "f-markieren": ["Stadtrat Peter Muster"],
                                               "f-reihenfolge": ["z", "y", "x"], "f-zuordnen": {"l1": "r1"}}),
                               ("02-pruefen", {"p-kurz": {"text": "Weil niemand Belege verlangt."}})]:
        p = tmp_path / f"{lesson_id}-zoe.casefile.json"
        p.write_text(json.dumps(_answer_file(pack, lesson_id, "Zoë", answers), ensure_ascii=False), encoding="utf-8")
        files.append(p)
    result = grade(pack, files, tmp_path / "grades")
    assert not result.problems
    report = result.reports[0].read_text(encoding="utf-8")
    assert "Lektion 1: Wer sagt was?" in report and "Gewählt: „Die Bürgermeisterin“ – falsch." in report
    check("grades/report", page_text(report))
    gradebook = result.gradebook.read_text(encoding="utf-8-sig")
    assert gradebook.startswith("Schüler/in,01-freibad/f-wer,") and "zu bewerten" in gradebook, gradebook
    check("grades/gradebook.csv", gradebook.replace(",", " , "))
    assert not found, "English interface strings in the German pack's outputs:\n" + "\n".join(
        f"{name}: {', '.join(hits)}" for name, hits in sorted(found.items()))


@pytest.mark.slow
def test_german_pages_say_so(german_site: Path) -> None:
    """A few German strings where they belong, and the right plural ("1 Lektion" is not "1 Lektionen")."""
    lesson = (german_site / "student" / "lessons" / "01-freibad.html").read_text(encoding="utf-8")
    assert "Meine Antworten herunterladen" in lesson and "Übung 1" in lesson and 'lang="de"' in lesson
    home = (german_site / "student" / "index.html").read_text(encoding="utf-8")
    assert "erstmals veröffentlicht am 12. Juni 2026" in home
    schedule = (german_site / "student" / "schedule.html").read_text(encoding="utf-8")
    assert "2 Lektionen, insgesamt 50 Minuten" in schedule
    guide = (german_site / "teacher" / "teacher" / "guide" / "01-freibad.html").read_text(encoding="utf-8")
    assert "Lösungsschlüssel" in guide and "Leitfaden: Wer sagt was?" in guide
    guide2 = (german_site / "teacher" / "teacher" / "guide" / "02-pruefen.html").read_text(encoding="utf-8")
    assert "Inhalte, die Vorbereitung brauchen:</strong> Verschwörungserzählungen." in guide2
    key = subprocess.run(["pdftotext", str(german_site / "handouts" / "teacher" / "02-pruefen-key.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "Verschwörungserzählungen" in re.sub(r"\s+", " ", key) and "LEKTION 2 VON 2" in key and "Bewertungsraster" in key


@pytest.mark.slow
@pytest.mark.browser
def test_feedback_in_the_browser_is_german(german_site: Path, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto((german_site / "student" / "lessons" / "01-freibad.html").as_uri())
        box = page.locator("#ex-f-wer-box")
        box.locator("input[value='a']").check()
        box.locator("button.cf-check").click()
        feedback = box.locator(".cf-feedback").inner_text()
        assert "Nicht ganz. Lies die Begründung und versuch es noch einmal." in feedback, feedback
        box.locator("input[value='b']").check()
        box.locator("button.cf-check").click()
        assert "Richtig." in box.locator(".cf-feedback").inner_text()
        progress = page.locator(".cf-progress-text").first.inner_text()
        assert progress == "1 von 6 Übungen beantwortet", progress
        tf = page.locator("#ex-f-richtig-box")
        tf.locator("input[name='ex-f-richtig-s1'][value='true']").check()
        tf.locator("button.cf-check").click()
        text = tf.locator(".cf-feedback").inner_text()
        assert "1 von 2 richtig." in text and "noch nicht beantwortet." in text, text
        # the download message counts answers with the right plural
        page.fill("#cf-student", "Zoë")
        with page.expect_download():
            page.click("[data-cf-action=download]")
        status = page.locator(".cf-tools-status").inner_text()
        assert "(2 Antworten) ist in deinen Downloads gespeichert" in status, status
    finally:
        page.close()
