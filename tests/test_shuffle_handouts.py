"""`--versions N` on paper, read back from the PDFs: versions hold the same options in other
orders, version A is the worksheet as written, each key's letters are its own worksheet's, an
order exercise never prints in its key order, and the student versions pass the leak guard."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_PACK, build_pack

pytestmark = pytest.mark.slow

VERSIONS = "ABC"


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The fixture pack with shuffling on (one exercise opting out), built with --versions 3."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from generator.load import load_pack

    lessons = tmp_path_factory.mktemp("versions") / "lessons"
    shutil.copytree(FIXTURE_PACK, lessons)
    with (lessons / "pack.yml").open("a", encoding="utf-8") as f:
        f.write("exercises:\n  shuffle: true\n")
    f = lessons / "01-basics.yml"
    f.write_text(f.read_text(encoding="utf-8").replace("  - id: b-truefalse\n", "  - id: b-truefalse\n    shuffle: false\n"),
                 encoding="utf-8")
    out = lessons.parent / "site"
    build_pack(lessons, out, editions=("student", "teacher"), handouts=True, exports=False, versions=3)  # leak guard included
    return out / "handouts", load_pack(lessons).pack


def layout(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def chunks(text: str) -> dict[int, str]:
    """The text of each exercise by its number (Exercise 1, 2, …)."""
    parts = re.split(r"\bExercise (\d+) ", text)
    return {int(n): body for n, body in zip(parts[1::2], parts[2::2])}


def letter_of(chunk: str, text: str) -> str:
    found = re.findall(r"(?:^|\s)([A-Z]) " + re.escape(text) + r"\s*$", chunk, re.M)
    assert len(found) == 1, (text, chunk)
    return found[0]


def number_of(chunk: str, text: str) -> int:
    found = re.findall(r"(\d+)\. " + re.escape(text) + r"(?:\s|$)", chunk)
    assert len(found) == 1, (text, chunk)
    return int(found[0])


def sheet_line(chunk: str) -> str:
    m = re.search(r"On the worksheet: (.*)", chunk)
    assert m, chunk
    return re.sub(r"\s+", " ", m.group(1)).strip()


def test_versions_and_their_keys_read_back(versioned) -> None:
    handouts, pack = versioned
    lesson = next(l for l in pack.lessons if l.id == "01-basics")
    number = {ex.id: i for i, ex in enumerate(lesson.exercises, 1)}
    ex = {e.id: e for e in lesson.exercises}
    sheets = {v: chunks(layout(handouts / "student" / f"01-basics-worksheet-{v}.pdf")) for v in VERSIONS}
    keys = {v: chunks(layout(handouts / "teacher" / f"01-basics-key-{v}.pdf")) for v in VERSIONS}
    orders: dict[str, dict[str, list[str]]] = {v: {} for v in VERSIONS}

    for v in VERSIONS:
        sheet, key = sheets[v], keys[v]
        for eid in ("b-choice", "b-multi"):  # choice: the key's letters are the right options' letters here
            c = sheet[number[eid]]
            letters = {o.id: letter_of(c, o.text) for o in ex[eid].options}
            assert sorted(letters.values()) == list("ABC")[:len(letters)]
            orders[v][eid] = sorted(letters, key=letters.get)
            assert sheet_line(key[number[eid]]) == ", ".join(sorted(letters[a] for a in ex[eid].answer)), (v, eid)
        for eid in ("b-order", "b-instant-order"):  # order: lettered items, the key as letters in order
            c = sheet[number[eid]]
            letters = {it.id: letter_of(c, it.text) for it in ex[eid].items}
            orders[v][eid] = sorted(letters, key=letters.get)
            assert orders[v][eid] != list(ex[eid].answer), f"version {v} prints {eid} in its key order"
            assert sheet_line(key[number[eid]]) == " ".join(f"{n}. {letters[i]}" for n, i in enumerate(ex[eid].answer, 1))
        c = sheet[number["b-match"]]  # match: numbered left, lettered right
        lefts = {l.id: number_of(c, l.text) for l in ex["b-match"].left}
        rights = {r.id: letter_of(c, r.text) for r in ex["b-match"].right}
        orders[v]["b-match"] = sorted(lefts, key=lefts.get) + sorted(rights, key=rights.get)
        pairs = {p.left: p.right for p in ex["b-match"].answer}
        by_number = sorted(lefts, key=lefts.get)
        assert sheet_line(key[number["b-match"]]) == " ".join(f"{lefts[l]}. {rights[pairs[l]]}" for l in by_number)
        c = sheet[number["b-truefalse"]]  # opted out: as written in every version
        assert [number_of(c, s.text) for s in ex["b-truefalse"].statements] == [1, 2]
        assert f"Version {v}".upper() in layout(handouts / "student" / f"01-basics-worksheet-{v}.pdf").upper()

    # A is the worksheet as written; B and C shuffle, and differ from A and from each other somewhere
    assert orders["A"]["b-choice"] == [o.id for o in ex["b-choice"].options]
    assert orders["A"]["b-order"] == [i.id for i in ex["b-order"].items]
    plain = layout(handouts / "student" / "01-basics-worksheet.pdf")
    a = layout(handouts / "student" / "01-basics-worksheet-A.pdf")
    strip = lambda t: re.sub(r"\s+", " ", re.sub(r"(?i)[ ,·]*version A", "", t))  # noqa: E731
    assert strip(a) == strip(plain)
    for v in "BC":
        assert orders[v] != orders["A"], f"version {v} is the same as A"
    assert orders["B"] != orders["C"]


def test_student_versions_carry_no_teacher_text(versioned) -> None:
    from test_handouts import MARKER, text_of

    handouts, _ = versioned
    lettered = sorted((handouts / "student").glob("*-worksheet-[A-Z].pdf"))
    assert len(lettered) == 2 * len(VERSIONS)
    for pdf in lettered:
        assert not MARKER.findall(text_of(pdf)), pdf.name
    assert sorted(p.name for p in (handouts / "teacher").glob("*-key-[A-Z].pdf")) == \
        sorted(f"{l}-key-{v}.pdf" for l in ("01-basics", "02-open") for v in VERSIONS)


def test_teacher_lesson_pages_link_every_version_and_student_pages_none(versioned) -> None:
    handouts, pack = versioned
    site = handouts.parent
    for lesson in pack.lessons:
        teacher = (site / "teacher" / "lessons" / f"{lesson.id}.html").read_text(encoding="utf-8")
        student = (site / "student" / "lessons" / f"{lesson.id}.html").read_text(encoding="utf-8")
        para = re.search(r'<p class="cf-handouts cf-handout-versions">(.*?)</p>', teacher, re.S)
        assert para, lesson.id
        links = re.findall(r'href="([^"]+)"', para.group(1))
        want = [f"{kind}-{v}.pdf" for v in VERSIONS for kind in ("worksheet", "key")]
        assert [Path(h).name for h in links] == [f"{lesson.id}-{w}" for w in want]
        for h in links:  # each link resolves to a PDF copied into the teacher site
            assert (site / "teacher" / "lessons" / h).resolve().read_bytes().startswith(b"%PDF"), h
        assert "Answer key B" in para.group(1) and "Worksheet C" in para.group(1)
        assert "cf-handout-versions" not in student and "-key-" not in student
