"""`casefile grade` and the teacher "Check answers" page: answer files made by hand following the
contract (ANSWERS.md, generator/grade/), scored, merged, rejected with clear messages."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import FIXTURE_PACK, build_pack
from generator.cli import main
from generator.grade import GradeError, canonical, checksum, grade, score
from generator.load import load_pack
from generator.render import content_version

PACK = load_pack(FIXTURE_PACK).pack
EX = {ex.id: ex for lesson in PACK.lessons for ex in lesson.exercises}
HEADER = ["Student", "01-basics/b-choice", "01-basics/b-multi", "01-basics/b-classify", "01-basics/b-highlight",
          "01-basics/b-order", "01-basics/b-match", "01-basics/b-instant-order", "01-basics/b-truefalse", "02-open/o-short", "02-open/o-audit",
          "02-open/o-lateral", "Auto score", "Auto max", "Marked score", "Marked max", "To mark", "To mark max", "Total",
          "Total max"]
REDOWNLOAD = "ask the student to download it again from the lesson page"


def answer_file(lesson_id: str, student: str, answers: dict[str, Any], saved_at: str = "2026-11-25T10:00:00Z",
                **over: Any) -> dict[str, Any]:
    """An answer file as the student site writes it, checksum included."""
    lesson = next(ls for ls in PACK.lessons if ls.id == lesson_id)
    data = {"format": "casefile-answers", "format_version": 1, "pack": PACK.info.id, "pack_version": PACK.info.version,
            "lesson": lesson_id, "lesson_version": content_version(PACK, lesson), "student": student,
            "saved_at": saved_at, "answers": copy.deepcopy(answers)}
    data.update(over)
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data["checksum"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return data


def write(folder: Path, name: str, data: dict[str, Any] | str) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


BASICS_RIGHT = {"b-choice": ["b"], "b-multi": ["a", "c"], "b-classify": {"i1": "fact", "i2": "opinion"},
                "b-highlight": ["according to the harbour master"], "b-order": ["y", "z", "x"],
                "b-match": {"l1": "r2", "l2": "r1"}, "b-instant-order": ["n1", "n2"]}
BASICS_PARTLY = {"b-choice": ["a"], "b-multi": ["a"], "b-classify": {"i1": "fact", "i2": "fact"},
                 "b-highlight": ["harbour master", "Officials said"], "b-order": ["y", "x", "z"],
                 "b-match": {"l1": "r2", "l2": "r3"}}
OPEN = {"o-short": {"text": "Because <b>the memo</b> says so & more."},
        "o-audit": {"k1": {"evidence": "a photo", "source": "the harbour master", "other_sources": "none", "confidence": "low"}},
        "o-lateral": {"steps": ["opened a tab", "searched Example Press"]}}


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- the contract

def test_checksum_is_sha256_of_canonical_json_without_the_checksum() -> None:
    data = answer_file("01-basics", "Zoë Ñandú", {"b-choice": ["b"]})
    assert checksum(data) == data["checksum"]
    body = {k: v for k, v in data.items() if k != "checksum"}
    text = canonical(body)
    assert text.startswith('{"answers":{"b-choice":["b"]},"format":"casefile-answers","format_version":1,')
    assert "Zoë Ñandú" in text  # non-ASCII kept as is


# ---------------------------------------------------------------- scoring, every auto kind

@pytest.mark.parametrize("ex_id, answer, points", [
    ("b-choice", ["b"], 2), ("b-choice", ["a"], 0), ("b-choice", [], 0),
    ("b-multi", ["a", "c"], 2), ("b-multi", ["a"], 1), ("b-multi", ["a", "b", "c"], 1), ("b-multi", ["a", "b"], 0),
    ("b-multi", ["b"], 0),
    ("b-classify", {"i1": "fact", "i2": "opinion"}, 1), ("b-classify", {"i1": "fact", "i2": "fact"}, 0.5),
    ("b-classify", {"i2": "fact"}, 0),
    ("b-highlight", ["according to the harbour master"], 1), ("b-highlight", ["harbour master"], 1),
    ("b-highlight", ["Officials said", "master"], 1), ("b-highlight", ["Officials said"], 0),
    ("b-highlight", ["the red boat left at noon, and \"nobody saw it return\" according to the harbour master."], 0),
    ("b-highlight", ["according  to the\nharbour master"], 1), ("b-highlight", ["not in the text"], 0),
    ("b-order", ["y", "z", "x"], 1), ("b-order", ["y", "x", "z"], 0.33), ("b-order", ["x", "y", "z"], 0),
    ("b-match", {"l1": "r2", "l2": "r1"}, 1), ("b-match", {"l1": "r2", "l2": "r3"}, 0.5), ("b-match", {"l1": "r1", "l2": "r2"}, 0),
    ("b-truefalse", {"s1": True, "s2": False}, 2), ("b-truefalse", {"s1": True}, 1), ("b-truefalse", {"s1": False, "s2": True}, 0),
])
def test_auto_scores(ex_id: str, answer: Any, points: float) -> None:
    got, lines = score(EX[ex_id], answer, PACK)
    assert got == points
    assert lines  # always a why


# ---------------------------------------------------------------- gradebook and reports

def test_gradebook_merges_files_per_student_in_pack_order(cwd: Path) -> None:
    files = [
        write(cwd, "01-basics-ana.casefile.json", answer_file("01-basics", "Ana Example", BASICS_RIGHT)),
        write(cwd, "02-open-ana.casefile.json", answer_file("02-open", "  ana   example ", OPEN)),
        write(cwd, "01-basics-bo.casefile.json", answer_file("01-basics", "=Bo, the 2nd", BASICS_PARTLY)),
    ]
    result = grade(PACK, files, cwd / "grades")
    assert result.problems == []
    summary = result.summary
    assert summary.splitlines()[:3] == ["Graded 3 files for 2 students.", "  Gradebook: grades/gradebook.csv",
                                        "  Reports:   grades/reports/ (2)"]
    assert "3 open answers to score" in summary
    raw = (cwd / "grades" / "gradebook.csv").read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1] == ["'=Bo, the 2nd", "0", "1", "0.5", "1", "0.33", "0.5", "0", "0", "", "", "", "3.33", "11", "0", "0", "0", "0",
                       "3.33", "11"]
    assert rows[2] == ["Ana Example", "2", "2", "1", "1", "1", "1", "1", "0", "to score", "to score", "to score", "9", "11", "0", "0",
                       "3", "11", "9", "22"]
    assert len(rows) == 3


def test_report_lists_open_answers_with_rubric_and_model_answer(cwd: Path) -> None:
    files = [write(cwd, "a.json", answer_file("02-open", "Ana", OPEN)),
             write(cwd, "b.json", answer_file("01-basics", "Ana", BASICS_PARTLY))]
    result = grade(PACK, files, cwd / "out")
    assert [p.name for p in result.reports] == ["ana.html"]
    html = result.reports[0].read_text()
    short = html[html.index('id="o-short"'):html.index('id="o-audit"')]
    assert "Because &lt;b&gt;the memo&lt;/b&gt; says so &amp; more." in short  # the student's words, escaped
    assert "Uses evidence" in short and "Cites the memo." in short and "No evidence." in short  # rubric
    assert "TMARK-short-model" in short and "to score / 4" in short
    audit = html[html.index('id="o-audit"'):html.index('id="o-lateral"')]
    assert "a photo" in audit and "TMARK-audit-evidence" in audit and "Names it exactly." in audit and "TMARK-audit-model" in audit
    lateral = html[html.index('id="o-lateral"'):]
    assert "searched Example Press" in lateral and "TMARK-lateral-finds" in lateral and "TMARK-lateral-model" in lateral
    # auto-scored answers: right/wrong and why
    choice = html[html.index('id="b-choice"'):html.index('id="b-multi"')]
    assert "0 / 2: wrong" in choice and "INSTANT-why-a" in choice and "Missed" in choice and "INSTANT-why-b" in choice
    assert "0.5 / 1: partly right" in html[html.index('id="b-classify"'):html.index('id="b-highlight"')]
    assert "1 / 1: right" in html[html.index('id="b-highlight"'):html.index('id="b-order"')]
    assert "0 / 1: not answered" in html[html.index('id="b-instant-order"'):]
    assert "Auto-scored: <strong>3.33 / 11</strong>" in html


def test_newest_of_two_files_for_one_lesson_wins(cwd: Path) -> None:
    files = [write(cwd, "new.json", answer_file("01-basics", "Ana", BASICS_RIGHT, saved_at="2026-11-25T11:00:00Z")),
             write(cwd, "old.json", answer_file("01-basics", "Ana", BASICS_PARTLY, saved_at="2026-11-25T09:00:00Z"))]
    result = grade(PACK, files, cwd / "g")
    assert result.students[0].auto_score == 9
    assert result.notes == ["Ana: two files for lesson '01-basics'; used new.json (saved 2026-11-25T11:00:00Z), "
                            "not old.json (saved 2026-11-25T09:00:00Z): the newer one wins"]


# ---------------------------------------------------------------- rejections

def bad_files(folder: Path) -> tuple[list[Path], list[str]]:
    """Every kind of bad file, and the exact message each must give."""
    tampered = answer_file("01-basics", "Cy", BASICS_RIGHT)
    tampered["answers"]["b-choice"] = ["a"]
    files = [
        write(folder, "other.json", answer_file("01-basics", "Cy", {}, pack="other-pack")),
        write(folder, "stale.json", answer_file("01-basics", "Cy", {}, lesson_version="0123456789ab")),
        write(folder, "tampered.json", tampered),
        write(folder, "broken.json", '{"format": "casefile-answers",'),
        write(folder, "unknown.json", answer_file("01-basics", "Cy", {"zzz": ["a"], "b-choice": ["q"]})),
        write(folder, "notes.json", {"hello": 1}),
    ]
    messages = [
        "other.json: answers for pack 'other-pack', not this pack 'fixture'; grade it with --lessons pointing at the pack it comes from",
        f"stale.json: saved from an older version of lesson '01-basics' (lesson version 0123456789ab, now {content_version(PACK, PACK.lessons[0])}); "
        "the exercises have changed since: ask the student to open the lesson again, check their answers and download a new file",
        f"tampered.json: checksum does not match: the file was edited or damaged after it was saved; {REDOWNLOAD}",
        f"broken.json: not valid JSON (line 1, column 31: Expecting property name enclosed in double quotes); the file is damaged: {REDOWNLOAD}",
        f"unknown.json: exercise 'zzz' is not in lesson '01-basics'; the file does not match this pack: {REDOWNLOAD}",
        f"unknown.json: exercise 'b-choice': option 'q' is not one of a, b, c; {REDOWNLOAD}",
        'notes.json: not a Casefile answer file (no "format": "casefile-answers"); pick the .casefile.json file the student downloaded',
    ]
    return files, messages


def test_bad_files_are_listed_good_ones_still_graded(cwd: Path) -> None:
    bad, messages = bad_files(cwd)
    good = write(cwd, "good.json", answer_file("01-basics", "Ana", BASICS_RIGHT))
    result = grade(PACK, bad + [good], cwd / "g")
    assert result.problems == messages
    assert [s.name for s in result.students] == ["Ana"]


def test_nothing_gradable_raises_with_every_message(cwd: Path) -> None:
    bad, messages = bad_files(cwd)
    with pytest.raises(GradeError) as err:
        grade(PACK, bad + [cwd / "missing.json"], cwd / "g")
    assert err.value.messages == messages + ["missing.json: file not found; check the name"]
    assert not (cwd / "g").exists()


def test_cli_exit_codes(cwd: Path) -> None:
    lessons = str(FIXTURE_PACK)
    bad, messages = bad_files(cwd)
    r = CliRunner().invoke(main, ["grade", "--lessons", lessons, *map(str, bad)])
    assert r.exit_code == 1
    assert r.stderr.splitlines() == messages + ["7 problems found; no grades were written."]
    assert r.stdout == ""
    good = write(cwd, "good.json", answer_file("01-basics", "Ana", BASICS_RIGHT))
    r = CliRunner().invoke(main, ["grade", "--lessons", lessons, "--out", "marks", str(good), *map(str, bad)])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == messages
    assert r.stdout.startswith("Graded 1 file for 1 student.\n  Gradebook: marks/gradebook.csv\n")
    assert "Not graded (7 problems, listed above)." in r.stdout
    assert (cwd / "marks" / "reports" / "ana.html").exists()
    # A folder stands for the .json files in it.
    (cwd / "inbox").mkdir()
    shutil.copy(good, cwd / "inbox" / "good.json")
    r = CliRunner().invoke(main, ["grade", "--lessons", lessons, "inbox"])
    assert r.exit_code == 0 and r.stderr == "" and (cwd / "grades" / "gradebook.csv").exists()
    # --quiet: the files that could not be graded still, the summary not
    r = CliRunner().invoke(main, ["grade", "-q", "--lessons", lessons, "--out", "quiet", str(good), *map(str, bad)])
    assert r.exit_code == 0 and r.stdout == "" and r.stderr.splitlines() == messages
    assert (cwd / "quiet" / "gradebook.csv").exists()


# ---------------------------------------------------------------- the teacher page, in a browser

@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grade-site") / "site"
    build_pack(FIXTURE_PACK, out, handouts=False, exports=False)
    return out


def test_check_answers_page_is_teacher_only(sites: Path) -> None:
    page = sites / "teacher" / "teacher" / "check-answers.html"
    assert page.exists() and (sites / "teacher" / "assets" / "casefile" / "check-answers.js").exists()
    assert 'id="cf-grader-key"' in page.read_text()
    assert "check-answers.html" in (sites / "teacher" / "index.html").read_text()  # in the nav
    for path in (sites / "student").rglob("*"):
        if path.is_file():
            assert "check-answers" not in path.name
            assert "cf-grader" not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.browser
def test_browser_page_gives_the_same_totals_and_csv(sites: Path, cwd: Path, browser) -> None:
    good = [
        write(cwd, "01-basics-ana.casefile.json", answer_file("01-basics", "Ana Example", BASICS_RIGHT)),
        write(cwd, "02-open-ana.casefile.json", answer_file("02-open", "ana example", OPEN)),
        write(cwd, "01-basics-bo.casefile.json", answer_file("01-basics", "=Bo, the 2nd", BASICS_PARTLY)),
        write(cwd, "01-basics-zoe.casefile.json", answer_file("01-basics", "Zoë", {"b-multi": ["a", "b", "c"], "b-order": ["x", "z", "y"]})),
    ]
    bad, messages = bad_files(cwd)
    result = grade(PACK, good + bad, cwd / "grades")
    python_csv = (cwd / "grades" / "gradebook.csv").read_bytes()
    expected = list(csv.reader(io.StringIO(python_csv.decode("utf-8-sig"))))

    page = browser.new_page(accept_downloads=True)
    page.goto((sites / "teacher" / "teacher" / "check-answers.html").as_uri())
    page.set_input_files("#cf-grader-files", [str(f) for f in good + bad])
    page.wait_for_selector("#cf-grader-table table", timeout=10000)
    rows = page.eval_on_selector_all("#cf-grader-table tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))")
    assert rows == expected
    assert page.inner_text("#cf-grader-summary").startswith("Graded 4 files for 3 students. 3 open answers to score.")
    shown = page.eval_on_selector_all("#cf-grader-problems li", "lis => lis.map(li => li.textContent)")
    # Same messages, except the JSON parser's own words for the broken file.
    broken = [m for m in shown if m.startswith("broken.json: not valid JSON (")]
    assert len(broken) == 1 and broken[0].endswith(f"); the file is damaged: {REDOWNLOAD}")
    assert [m for m in shown if m not in broken] == [m for m in messages if not m.startswith("broken.json")]
    with page.expect_download() as dl:
        page.click("#cf-grader-csv")
    assert Path(dl.value.path()).read_bytes() == python_csv
    # The pure-JS SHA-256 (for pages without crypto.subtle) agrees with Python's.
    text = canonical({"b": "Zoë ✓ " * 40, "a": [1, {"z": None, "y": True}]})
    js = page.evaluate("t => casefileCheck.sha256Pure(new TextEncoder().encode(t))", text)
    assert js == hashlib.sha256(text.encode()).hexdigest()
    assert page.evaluate("o => casefileCheck.canonical(o)", json.loads(text)) == text
    assert [s.name for s in result.students] == ["=Bo, the 2nd", "Ana Example", "Zoë"]


@pytest.mark.browser
def test_browser_page_totals_by_skill_as_grade_by_skill(sites: Path, cwd: Path, browser) -> None:
    """The page's "Totals by skill" box adds the columns `casefile grade --by-skill` adds, with the
    same figures; unticked, the gradebook is as before."""
    files = [write(cwd, "01-basics-ana.casefile.json", answer_file("01-basics", "Ana", BASICS_RIGHT | {"b-truefalse": {"s1": True, "s2": True}})),
             write(cwd, "02-open-ana.casefile.json", answer_file("02-open", "Ana", OPEN)),
             write(cwd, "01-basics-bo.casefile.json", answer_file("01-basics", "Bo", BASICS_PARTLY))]
    grade(PACK, files, cwd / "skills", by_skill=True)
    by_skill = (cwd / "skills" / "gradebook.csv").read_bytes()
    grade(PACK, files, cwd / "plain")
    plain = (cwd / "plain" / "gradebook.csv").read_bytes()
    assert by_skill != plain
    page = browser.new_page(accept_downloads=True)
    page.goto((sites / "teacher" / "teacher" / "check-answers.html").as_uri())
    page.set_input_files("#cf-grader-files", [str(f) for f in files])
    page.wait_for_selector("#cf-grader-table table", timeout=10000)

    def csv_bytes() -> bytes:
        with page.expect_download() as dl:
            page.click("#cf-grader-csv")
        return Path(dl.value.path()).read_bytes()

    assert csv_bytes() == plain
    assert page.is_visible("#cf-grader-by-skill")
    page.check("#cf-grader-by-skill")
    rows = page.eval_on_selector_all("#cf-grader-table tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))")
    assert rows == list(csv.reader(io.StringIO(by_skill.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["lateral score", "lateral max"]
    assert csv_bytes() == by_skill


def test_one_stretch_over_two_adjacent_key_phrases_finds_both() -> None:
    from generator.grade import highlight_found

    para = "The quick brown fox jumps over the lazy dog today"
    keys = ["quick brown", "jumps over"]
    stretch = ["quick brown fox jumps over"]
    assert all(highlight_found(k, stretch, para, keys) for k in keys)
    assert not any(highlight_found(k, [para], para, keys) for k in keys)  # the whole paragraph finds nothing
    assert highlight_found("quick brown", ["brown"], para, keys)
    assert not highlight_found("jumps over", ["brown"], para, keys)


@pytest.mark.browser
def test_browser_marks_an_open_answer_saves_downloads_and_reloads_marks(sites: Path, cwd: Path, browser) -> None:
    """A level and a comment picked on the page change the totals, survive a reload (localStorage),
    download as a marks file that `casefile grade --marks` reads to the same gradebook, and load again."""
    files = [write(cwd, "01-basics-zoe.casefile.json", answer_file("01-basics", "Zoë O'Brien", BASICS_RIGHT)),
             write(cwd, "02-open-zoe.casefile.json", answer_file("02-open", "Zoë O'Brien", OPEN))]
    page = browser.new_page(accept_downloads=True)
    url = (sites / "teacher" / "teacher" / "check-answers.html").as_uri()
    page.goto(url)
    # one lesson handed in: its scores come first, with no empty columns of the other lessons
    page.set_input_files("#cf-grader-files", [str(files[1])])
    page.wait_for_selector("[data-cf-mark][data-exercise='o-lateral']", timeout=10000)
    header = page.eval_on_selector_all("#cf-grader-table th[scope=col]", "ths => ths.map(th => th.textContent)")
    assert header[:4] == ["Student", "02-open/o-short", "02-open/o-audit", "02-open/o-lateral"] and len(header) == 12
    page.set_input_files("#cf-grader-files", [str(f) for f in files])
    page.wait_for_selector("#cf-grader-table th:text('01-basics/b-choice')", timeout=10000)
    box = page.locator("[data-cf-mark][data-exercise='o-lateral']")
    assert "opened a tab" in box.inner_text()
    box.get_by_label("Emergent (1 point)").check()
    box.get_by_label("Comment for the student").fill("Good <b>start</b>\nNext: read a third source.")
    box.get_by_label("Comment for the student").blur()
    expect_score = "Score: 0.5 / 1"
    page.wait_for_function("s => document.querySelector(\"[data-exercise='o-lateral'] .cf-mark-score\").textContent === s", arg=expect_score)
    rows = page.eval_on_selector_all("#cf-grader-table tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))")
    header, zoe = rows[0], rows[1]
    assert header[-8:] == ["Auto score", "Auto max", "Marked score", "Marked max", "To mark", "To mark max", "Total", "Total max"]
    assert dict(zip(header, zoe))["02-open/o-lateral"] == "0.5"
    assert zoe[-8:] == ["9", "11", "0.5", "1", "2", "10", "9.5", "22"]
    with page.expect_download() as dl:
        page.click("#cf-grader-marks-save")
    marks_path = cwd / "class.marks.json"
    shutil.copy(dl.value.path(), marks_path)
    saved = json.loads(marks_path.read_text(encoding="utf-8"))
    assert saved["format"] == "casefile-marks" and len(saved["marks"]) == 1
    m = saved["marks"][0]
    assert (m["student"], m["lesson"], m["exercise"], m["levels"]) == ("zoë o'brien", "02-open", "o-lateral", ["Emergent"])
    assert m["comment"] == "Good <b>start</b>\nNext: read a third source."
    with page.expect_download() as dl:
        page.click("#cf-grader-csv")
    browser_csv = Path(dl.value.path()).read_bytes()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Feedback for Zoë O'Brien").click()
    assert dl.value.suggested_filename == "feedback-zoe-o-brien.html"
    fb = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "Good &lt;b&gt;start&lt;/b&gt;" in fb and "<b>start" not in fb and "<script" not in fb
    assert 'http-equiv="Content-Security-Policy"' in fb and "script-src 'none'" in fb
    # it opens from a file with its own style allowed by the policy (the hash matches) and nothing refused
    (cwd / "feedback.html").write_text(fb, encoding="utf-8")
    view = browser.new_page()
    refused: list[str] = []
    view.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    view.goto((cwd / "feedback.html").as_uri())
    assert view.evaluate("getComputedStyle(document.body).maxWidth") == "800px" and not refused
    assert "Good <b>start</b>" in view.inner_text(".comment") and view.locator("td.reached").count() == 1
    view.close()
    # casefile grade with the downloaded marks file: the same gradebook bytes
    grade(PACK, files, cwd / "grades", marks=[marks_path])
    assert (cwd / "grades" / "gradebook.csv").read_bytes() == browser_csv
    # a reload keeps the marks (localStorage); clearing them and loading the file brings them back
    page.reload()
    page.set_input_files("#cf-grader-files", [str(f) for f in files])
    page.wait_for_selector("[data-cf-mark][data-exercise='o-lateral']", timeout=10000)
    assert page.locator("[data-cf-mark][data-exercise='o-lateral']").get_by_label("Emergent (1 point)").is_checked()
    page.evaluate("localStorage.clear()")
    page.reload()
    page.set_input_files("#cf-grader-files", [str(f) for f in files])
    page.wait_for_selector("[data-cf-mark][data-exercise='o-lateral']", timeout=10000)
    assert not page.locator("[data-cf-mark][data-exercise='o-lateral']").get_by_label("Emergent (1 point)").is_checked()
    page.set_input_files("#cf-grader-marks-load", str(marks_path))
    page.wait_for_function("s => document.querySelector(\"[data-exercise='o-lateral'] .cf-mark-score\").textContent === s", arg=expect_score)
    assert page.locator("[data-cf-mark][data-exercise='o-lateral']").get_by_label("Comment for the student").input_value() == m["comment"]
    # the marking forms are accessible (axe, WCAG A/AA), in light and dark
    from axe_playwright_python.sync_playwright import Axe

    from test_browser import AXE_TAGS
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        res = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        assert not res.violations_count, res.generate_report()
    # file names: the browser's rule is grade/names.py's
    from generator.grade import file_slug
    names = ["Zoë O'Brien", "Łukasz Żółć", "山田 太郎", "Ολυμπία Δ.", "Ærø-Straße", "--", "  Ana   María ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " * 9]
    assert page.evaluate("ns => ns.map(n => casefileCheck.slug(n))", names) == [file_slug(n) for n in names]
