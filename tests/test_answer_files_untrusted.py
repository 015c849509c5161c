"""Answer files are untrusted (issue 12.6): bounded in size and depth, and every string a student
typed is escaped in the grade report and formula-guarded in the gradebook CSV."""

from __future__ import annotations

import csv
import io
import json
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.grade import GradeError, grade, read_answer_file
from generator.limits import ANSWER_JSON_DEPTH, json_depth_exceeded, loads_bounded
from test_grade import BASICS_RIGHT, OPEN, PACK, answer_file, write

HOSTILE = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "\u202egnp.exe", '"><img src=x onerror=alert(2)>',
           "+SUM(1;2)", "@HYPERLINK(\"http://x\")", "-2+3", "&lt;script&gt;alert(3)&lt;/script&gt;"]


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_depth_is_bounded_before_parsing(cwd: Path) -> None:
    deep = write(cwd, "deep.json", "[" * 100_000 + "]" * 100_000)
    start = time.process_time()
    got = read_answer_file(PACK, deep)
    assert time.process_time() - start < 1.0
    assert got == [f"deep.json: nested more than {ANSWER_JSON_DEPTH} levels deep, so not an answer file; "
                   "pick the .casefile.json file the student downloaded"]
    # Deep inside an otherwise well-formed answer file too.
    data = answer_file("01-basics", "Ana", {"b-choice": json.loads("[" * 40 + "]" * 40)})
    assert read_answer_file(PACK, write(cwd, "inner.json", data))[0].startswith("inner.json: nested more than")


def test_a_huge_number_is_damaged_json_not_a_traceback(cwd: Path) -> None:
    got = read_answer_file(PACK, write(cwd, "n.json", '{"format": ' + "9" * 5000 + "}"))
    assert len(got) == 1 and got[0].startswith("n.json: not valid JSON (") and got[0].endswith(
        "the file is damaged: ask the student to download it again from the lesson page")


def test_the_depth_scan_ignores_brackets_inside_strings() -> None:
    text = json.dumps({"a": "[" * 500, "b": ["{" * 100]})
    assert not json_depth_exceeded(text)
    assert loads_bounded(text)["a"] == "[" * 500
    assert json_depth_exceeded("[" * (ANSWER_JSON_DEPTH + 1))
    assert not json_depth_exceeded("[" * ANSWER_JSON_DEPTH + "]" * ANSWER_JSON_DEPTH)


def test_size_is_bounded(cwd: Path) -> None:
    big = write(cwd, "big.json", " " * 5_000_001)
    assert read_answer_file(PACK, big)[0].startswith("big.json: too large for an answer file")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_and_answers_are_escaped_and_guarded(hostile: str, cwd: Path) -> None:
    answers = dict(OPEN)
    answers["o-short"] = {"text": f"My answer {hostile}"}
    files = [write(cwd, "open.json", answer_file("02-open", f"{hostile} Student", answers)),
             write(cwd, "basics.json", answer_file("01-basics", f"{hostile} Student", BASICS_RIGHT))]
    try:
        result = grade(PACK, files, cwd / "grades")
    except GradeError as e:  # a name with nothing left once control characters go is refused, not shown
        assert all(m.endswith("download again") for m in e.messages), e.messages
        return
    assert result.problems == []
    (report,) = result.reports
    page = report.read_text(encoding="utf-8")
    parser = Elements()
    parser.feed(page)
    assert [t for t, _ in parser.tags if t in ("script", "img", "iframe", "object", "embed")] == []
    assert not any(k.startswith("on") for _, attrs in parser.tags for k in attrs)
    assert "<script>" not in page and "onerror=" not in page.replace("onerror=alert(2)&gt;", "")
    # Direction overrides cannot reorder the name the teacher reads.
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "\u202e" not in title and "Student" in title
    rows = list(csv.reader(io.StringIO((cwd / "grades" / "gradebook.csv").read_text(encoding="utf-8"))))
    name = rows[1][0]
    assert "\u202e" not in name
    assert name[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert hostile.lstrip("\u202e")[:4] in name
