"""Rubric points, teacher marks, feedback files, class lists and merged gradebooks (issue 14,
items 4 and 5): real answer files (made as the student site makes them) graded by `casefile grade`,
the CSV parsed back, the HTML read back, the lesson checks' exact messages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import FIXTURE_PACK
from generator.cli import main
from generator.errors import PackError
from generator.export import export_pack
from generator.grade import file_slug, grade
from generator.grade.report import CSP
from generator.load import load_pack
from generator.render import content_version
from test_grade import BASICS_PARTLY, BASICS_RIGHT, OPEN, PACK, answer_file, write

OPEN_LESSON = next(ls for ls in PACK.lessons if ls.id == "02-open")
V = content_version(PACK, OPEN_LESSON)


def marks_file(folder: Path, entries: list[dict[str, Any]], name: str = "class.marks.json") -> Path:
    body = {"format": "casefile-marks", "format_version": 1, "pack": PACK.info.id,
            "marks": [{"lesson": "02-open", "lesson_version": V, "marked_at": "2026-12-01T10:00:00Z", "comment": ""} | e
                      for e in entries]}
    return write(folder, name, body)


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def table(path: Path) -> dict[str, dict[str, str]]:
    rows = rows_of(path)
    return {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edited_pack(tmp_path: Path, old: str, new: str, file: str = "02-open.yml") -> Path:
    dst = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, dst)
    text = (dst / file).read_text(encoding="utf-8")
    assert old in text, old
    (dst / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return dst


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(PackError) as err:
        load_pack(folder)
    return [str(p) for p in err.value.problems]


# ---------------------------------------------------------------- rubric points in the pack

LATERAL_LEVELS = "      levels: [{name: Basic, points: 0}, {name: Emergent, points: 1}, {name: Proficient, points: 2}]"


def test_rubric_points_both_ways_and_the_exercise_takes_the_total(tmp_path: Path) -> None:
    ex = {e.id: e for ls in PACK.lessons for e in ls.exercises}
    lateral = ex["o-lateral"].rubric
    assert lateral.levels == ["Basic", "Emergent", "Proficient"] and lateral.points == {"Basic": 0, "Emergent": 1, "Proficient": 2}
    assert lateral.max_points == 2 and ex["o-lateral"].points == 1  # points: 1 written: the rubric is scaled to it
    assert ex["o-short"].rubric.points is None and ex["o-short"].rubric.max_points is None  # today's format still valid
    # a points: map, and points: left out: the exercise is worth the rubric's total
    pack = load_pack(edited_pack(tmp_path, "    lines: 5\n    rubric:\n",
                                 "    lines: 5\n    rubric:\n      points: {Proficient: 3, Emergent: 1, Basic: 0}\n")).pack
    short = next(e for ls in pack.lessons for e in ls.exercises if e.id == "o-short")
    assert short.rubric.points == {"Proficient": 3, "Emergent": 1, "Basic": 0} and short.points == 4  # written: kept
    pack = load_pack(edited_pack(tmp_path / "b", "    points: 1\n", "")).pack
    assert next(e for ls in pack.lessons for e in ls.exercises if e.id == "o-lateral").points == 2


@pytest.mark.parametrize("levels, messages", [
    ("[{name: Basic, points: 0}, Emergent, {name: Proficient, points: 2}]",
     ["lessons/02-open.yml:44:42: exercise 'o-lateral': rubric level 'Emergent' has no points, the others do; "
      "write it as {name: Emergent, points: N}"]),
    ("[{name: Basic, points: 0}, {name: Emergent, points: 2}, {name: Proficient, points: 2}]",
     ["lessons/02-open.yml:44:98: exercise 'o-lateral': rubric level 'Proficient' (2 points) must be worth more than "
      "'Emergent' before it (2 points): the levels go from worst to best; change its points"]),
    ("[{name: Proficient, points: 3}, {name: Emergent, points: 4}, {name: Basic, points: 0}]",
     ["lessons/02-open.yml:44:72: exercise 'o-lateral': rubric level 'Emergent' (4 points) must be worth less than "
      "'Proficient' before it (3 points): the levels go from best to worst; change its points"]),
    ("[{name: Basic, points: 0}, {name: Emergent, points: 0}, {name: Proficient, points: 0}]",
     ["lessons/02-open.yml:44:98: exercise 'o-lateral': rubric levels 'Basic' and 'Proficient' are both worth 0 points; "
      "the best level must be worth more than the worst"]),
    ("[{name: Basic, points: -1}, {name: Emergent, points: 1}, {name: Proficient, points: 2}]",
     ["lessons/02-open.yml:44:16: exercise 'o-lateral': 'points' must be at least 0, not -1"]),
])
def test_rubric_points_checks_say_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, levels: str, messages: list[str]) -> None:
    folder = edited_pack(tmp_path / "lessons", LATERAL_LEVELS, f"      levels: {levels}")
    monkeypatch.chdir(tmp_path / "lessons")
    got = problems_of(Path("pack"))
    assert [m.replace("pack/", "lessons/", 1) for m in got] == messages, got
    assert folder.exists()


def test_points_map_checks_say_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited_pack(tmp_path, "    lines: 5\n    rubric:\n",
                "    lines: 5\n    rubric:\n      points: {Proficient: 2, Emergent: 1, Basci: 0}\n")
    monkeypatch.chdir(tmp_path)
    assert problems_of(Path("pack")) == [
        "pack/02-open.yml:18:15: exercise 'o-short': no points for rubric level Basic; give every level points",
        "pack/02-open.yml:18:44: exercise 'o-short': points for 'Basci', which is not a rubric level "
        "(Proficient, Emergent, Basic); did you mean 'Basic'?"]


def test_exports_show_and_use_rubric_points(tmp_path: Path) -> None:
    pack = load_pack(edited_pack(tmp_path, "    points: 1\n", "")).pack  # o-lateral worth its rubric's 2 points
    export_pack(pack, tmp_path / "out", ["moodle", "qti"])
    moodle = etree.parse(str(next((tmp_path / "out").glob("*moodle*.xml"))))
    q = next(q for q in moodle.iter("question") if "o-lateral" in "".join(q.itertext()) and q.get("type") == "essay")
    assert float(q.findtext("defaultgrade")) == 2
    grader = q.find("graderinfo").findtext("text")
    assert "Rubric (up to 2 points)" in grader and "Proficient (2 points)" in grader and "Emergent (1 point)" in grader
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.zip"))) as z:
        body = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "Proficient (2 points)" in body
    meta = [m for m in body.split("<item ")[1:] if "o-lateral" in m or "Example Press" in m]
    assert meta and "<fieldentry>2</fieldentry>" in meta[0]


# ---------------------------------------------------------------- marks, totals, feedback

def test_marks_score_open_answers_and_feedback_escapes_and_shows_no_teacher_notes(cwd: Path) -> None:
    files = [write(cwd, "01-basics-zoe.casefile.json", answer_file("01-basics", "Zoë O'Brien", BASICS_RIGHT)),
             write(cwd, "02-open-zoe.casefile.json", answer_file("02-open", "Zoë O'Brien", OPEN)),
             write(cwd, "02-open-x.casefile.json", answer_file("02-open", "<img src=x onerror=alert(1)>", OPEN))]
    hostile = "</p><script>alert('x')</script><img src=//evil.example/x>"
    mk = marks_file(cwd, [
        {"student": "ZOË O'BRIEN", "exercise": "o-lateral", "levels": ["Emergent"], "comment": hostile + "\nSecond line"},
        {"student": "zoë o'brien", "exercise": "o-short", "levels": [None], "points": 3, "comment": "Well argued."},
        {"student": "zoë o'brien", "exercise": "o-audit", "levels": [None], "comment": "Only a comment: still to mark."},
    ])
    result = grade(PACK, files, cwd / "grades", marks=[mk])
    assert result.problems == []
    t = table(cwd / "grades" / "gradebook.csv")
    zoe = t["Zoë O'Brien"]
    assert (zoe["02-open/o-lateral"], zoe["02-open/o-short"], zoe["02-open/o-audit"]) == ("0.5", "3", "to score")
    assert [zoe[h] for h in ("Marked score", "Marked max", "To mark", "To mark max", "Total", "Total max")] == ["3.5", "5", "1", "6", "12.5", "22"]
    assert "2 open answers marked" in result.summary
    fb = (cwd / "grades" / "feedback" / "zoe-o-brien.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in fb and "script-src 'none'" in CSP
    assert "<script" not in fb and "<img" not in fb and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in fb
    assert "Second line" in fb and "Your teacher&#39;s comment:" in fb and "Well argued." in fb
    assert "Your score so far: <strong>12.5 of 22 points</strong>" in fb
    assert "✔ Reached" in fb and "Rubric points: 1 of 2." in fb
    # the key of what was marked; never teacher notes; no key for the answer not marked yet
    assert "TMARK-lateral-finds" in fb and "TMARK-lateral-model" in fb and "TMARK-short-model" in fb
    assert "TMARK-audit-evidence" not in fb and "TMARK-audit-model" not in fb
    assert "TMARK-lesson2-notes" not in fb and "TMARK-activity" not in fb
    other = (cwd / "grades" / "feedback" / "img-src-x-onerror-alert-1.html").read_text(encoding="utf-8")
    assert "<img" not in other and "&lt;img src=x onerror=alert(1)&gt;" in other
    assert "TMARK-lateral-finds" not in other and "has not marked this answer yet" in other
    report = (cwd / "grades" / "reports" / "zoe-o-brien.html").read_text(encoding="utf-8")
    assert "0.5 / 1: marked" in report and "&lt;script&gt;" in report and "<script" not in report


def test_bad_and_stale_marks_are_reported(cwd: Path) -> None:
    files = [write(cwd, "02-open-zoe.casefile.json", answer_file("02-open", "Zoë", OPEN))]
    mk = marks_file(cwd, [{"student": "zoë", "exercise": "o-lateral", "levels": ["Great"]},
                          {"student": "zoë", "exercise": "o-short", "levels": ["Proficient"], "lesson_version": "0123456789ab"},
                          {"student": "zoë", "exercise": "b-choice", "levels": []}])
    result = grade(PACK, files, cwd / "g", marks=[mk])
    assert result.problems == [
        "class.marks.json: mark 1 (zoë, 02-open/o-lateral): \"levels\" must list one of Basic, Emergent, Proficient (or null) "
        "for each of the rubric's 1 criteria; fix the entry",
        "class.marks.json: mark 3: '02-open/b-choice' is not an open answer of this pack; fix the entry or leave it out"]
    assert result.notes == ["class.marks.json: mark 2 (zoë, 02-open/o-short) is for an older version of the lesson; "
                            "not used, mark the answer again"]


# ---------------------------------------------------------------- class list, merging, names

def test_roster_lists_who_has_not_handed_in_and_keeps_them_in_the_gradebook(cwd: Path) -> None:
    files = [write(cwd, "01-basics-zoe.casefile.json", answer_file("01-basics", "Zoë O'Brien", BASICS_RIGHT)),
             write(cwd, "01-basics-stray.casefile.json", answer_file("01-basics", "Stray Student", BASICS_RIGHT))]
    (cwd / "class.csv").write_text("Name;Group\nzoë  o'brien;A\n=Ada Lovelace;B\n\nBen Okri;A\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", "--lessons", str(FIXTURE_PACK), "--roster", "class.csv", *map(str, files)])
    assert r.exit_code == 0, r.output
    assert "  Not handed in (also in grades/not-handed-in.csv):\n    01-basics: =Ada Lovelace, Ben Okri\n" in r.output
    assert "Note: Stray Student handed in a file but is not on the class list; check the spelling of the name" in r.output
    rows = rows_of(cwd / "grades" / "gradebook.csv")
    assert all(not h.startswith("02-open/") for h in rows[0])  # only the lessons handed in
    assert [row[0] for row in rows[1:]] == ["'=Ada Lovelace", "Ben Okri", "Stray Student", "zoë o'brien"]  # the list's spelling
    assert set(rows[1][1:]) == {""} and rows[4][rows[0].index("Total")] == "9"
    assert rows_of(cwd / "grades" / "not-handed-in.csv") == [
        ["Lesson", "Title", "Student"], ["01-basics", "Basics & tags", "'=Ada Lovelace"], ["01-basics", "Basics & tags", "Ben Okri"]]


def test_a_second_run_merges_newer_file_wins_and_no_stale_reports(cwd: Path) -> None:
    out = cwd / "grades"
    a = write(cwd, "01-basics-ana.casefile.json", answer_file("01-basics", "Ana", BASICS_PARTLY, saved_at="2026-11-25T09:00:00Z"))
    zoe = write(cwd, "01-basics-zoe.casefile.json", answer_file("01-basics", "Zoë O'Brien", BASICS_RIGHT))
    first = grade(PACK, [a, zoe], out)
    assert [p.name for p in first.reports] == ["ana.html", "zoe-o-brien.html"]  # named like the answer files
    (out / "reports" / "left-over.html").write_text("old", encoding="utf-8")
    bo = write(cwd, "02-open-bo.casefile.json", answer_file("02-open", "Bo", OPEN))
    second = grade(PACK, [bo], out)
    t = table(out / "gradebook.csv")
    assert sorted(t) == ["Ana", "Bo", "Zoë O'Brien"] and t["Ana"]["Auto score"] == "3.33"
    assert "(1 new this run, the rest kept from before.)" in second.summary
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["ana.html", "bo.html", "zoe-o-brien.html"]
    # Ana again with a newer file: it wins, and a note says so; an older file does not
    a2 = write(cwd, "01-basics-ana-2.casefile.json", answer_file("01-basics", "ana", BASICS_RIGHT, saved_at="2026-11-26T09:00:00Z"))
    third = grade(PACK, [a2], out)
    assert table(out / "gradebook.csv")["ana"]["Auto score"] == "9"  # the name as typed in the newest file
    assert third.notes == ["Ana: two files for lesson '01-basics'; used 01-basics-ana-2.casefile.json (saved 2026-11-26T09:00:00Z), "
                           "not 01-basics-ana.casefile.json (graded before) (saved 2026-11-25T09:00:00Z): the newer one wins"]
    fourth = grade(PACK, [a], out)
    assert table(out / "gradebook.csv")["ana"]["Auto score"] == "9"
    assert "used 01-basics-ana-2.casefile.json (graded before)" in fourth.notes[0]
    assert len(table(out / "gradebook.csv")) == 3
    # the reports say what the gradebook says
    assert "Auto-scored: <strong>9 / 11</strong>" in (out / "reports" / "ana.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name, slug", [
    ("Zoë O'Brien", "zoe-o-brien"), ("Łukasz Żółć", "łukasz-zołc"), ("山田 太郎", "山田-太郎"),
    ("Ολυμπία Δ.", "ολυμπια-δ"), ("  José   María ", "jose-maria"), ("--", "student"), ("Ærø-Straße", "ærø-straße"),
])
def test_file_names_keep_letters_of_every_script(name: str, slug: str) -> None:
    assert file_slug(name) == slug


def test_grades_folder_is_ignored_by_git() -> None:
    lines = (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/grades/" in lines or "grades/" in lines
