"""Lesson variants (issue 14.3) and skills (issue 14.6): checks, the pack view, every output that
follows the chosen variant, the Skills page and the gradebook by skill."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DEFAULT_PACK, FIXTURE_PACK, build_pack
from generator import variants
from generator.cli import main
from generator.grade import grade
from generator.load import load_pack
from generator.render import Renderer, content_version
from test_grade import BASICS_RIGHT, OPEN, answer_file, write

FULL_BASICS = ["b-choice", "b-multi", "b-classify", "b-highlight", "b-order", "b-match", "b-instant-order", "b-truefalse"]
SHORT_BASICS = ["b-choice", "b-truefalse"]


def check(pack: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--lessons", str(pack)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.strip().splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def ids(lesson) -> list[str]:
    return [e.id for e in lesson.exercises]


# ---------------------------------------------------------------- casefile check

def test_variant_minutes_that_do_not_add_up(pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pack_copy.parent)
    edit(pack_copy / "01-basics.yml", "practise: {minutes: 10,", "practise: {minutes: 12,")
    code, lines = check(Path("lessons"))
    assert code == 1
    assert lines == ["lessons/01-basics.yml:89:14: variant 'short': its activities add up to 17 minutes but its minutes are 15; "
                     "make them match (write `kind: minutes` for an activity that is shorter in this variant)",
                     "1 problem found; nothing was built."]


def test_variant_names_that_do_not_exist(pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pack_copy.parent)
    edit(pack_copy / "01-basics.yml", "activities: [warm, practise:", "activities: [wram, practice:")
    edit(pack_copy / "01-basics.yml", "exercises: [b-choice, b-truefalse]", "exercises: [b-choise, b-truefalse]")
    edit(pack_copy / "pack.yml", "lessons: [01-basics, 02-open]", "lessons: [01-basics, 02-open]\nvariants: {01-basics: shrot, 02-opn: short}")
    code, lines = check(Path("lessons"))
    assert code == 1
    assert lines == [
        "lessons/01-basics.yml:90:18: variant 'short': activity 'wram' is not in this lesson; did you mean 'warm'?",
        "lessons/01-basics.yml:90:24: variant 'short': activity 'practice' is not in this lesson; did you mean 'practise'?",
        "lessons/01-basics.yml:91:17: variant 'short': exercise 'b-choise' is not in this lesson; did you mean 'b-choice'?",
        "lessons/pack.yml:9:23: variants: lesson '01-basics' has no variant 'shrot'; did you mean 'short'?",
        "lessons/pack.yml:9:30: variants: lesson '02-opn' is not a lesson of this pack; did you mean '02-open'?",
        "5 problems found; nothing was built.",
    ]


def test_a_wrong_minutes_value_is_one_plain_message(pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pack_copy.parent)
    edit(pack_copy / "01-basics.yml", "practise: {minutes: 10, student: Do exercises 1 and 2 below.}", "practise: ten")
    code, lines = check(Path("lessons"))
    assert lines == ["lessons/01-basics.yml:90:34: 'minutes' must be a whole number, not 'ten'",
                     "1 problem found; nothing was built."]


def test_check_counts_skills_and_variants() -> None:
    result = CliRunner().invoke(main, ["check", "--lessons", str(FIXTURE_PACK)])
    assert result.exit_code == 0
    assert "2 glossary terms, 3 skills, 1 lesson with variants (short); every quote" in result.stdout


def test_unknown_skill_is_an_error_with_did_you_mean(pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pack_copy.parent)
    edit(pack_copy / "02-open.yml", "    skills: [lateral]", "    skills: [laterel]")
    edit(pack_copy / "02-open.yml", "skills: [lateral, evidence]", "skills: [lateral, proof]")
    code, lines = check(Path("lessons"))
    assert code == 1
    assert lines == ["lessons/02-open.yml:48:14: skill 'laterel' is not in skills.yml; did you mean 'lateral'?",
                     "lessons/02-open.yml:49:19: skill 'proof' is not in skills.yml; add it to skills.yml",
                     "2 problems found; nothing was built."]
    (pack_copy / "skills.yml").unlink()
    code, lines = check(Path("lessons"))
    assert ("lessons/02-open.yml:48:14: skill 'laterel' is not in skills.yml; "
            "define the pack's skills in skills.yml (id, name, description)") in lines


def test_unknown_cli_variant_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--lessons", str(FIXTURE_PACK), "--out", str(tmp_path / "site"),
                                       "--variant", "shrot", "--no-handouts", "--no-exports"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "--variant shrot: no lesson has a variant 'shrot'; did you mean 'short'?; the pack's variants are short "
        "(or full for every lesson whole)", "1 problem found; nothing was built."]
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------- the view

def test_view_reduces_each_lesson_that_has_the_variant() -> None:
    pack = load_pack(FIXTURE_PACK).pack
    assert variants.view(pack) is pack  # pack.yml picks none: every lesson whole
    short = variants.view(pack, "short")
    basics, open_ = short.lessons
    assert ids(basics) == SHORT_BASICS and basics.built_variant == "short"
    assert [(a.title, a.minutes, a.exercises) for a in basics.activities] == [("Warm up", 5, []), ("Do them", 10, ["b-choice"])]
    assert basics.activities[1].student == "Do exercises 1 and 2 below."
    assert basics.duration == 15 and basics.full_duration == 30
    assert open_ is pack.lessons[1] and open_.built_variant is None  # no such variant: the full path
    assert ids(pack.lessons[0]) == FULL_BASICS  # the loaded pack is untouched
    assert variants.view(short, "short") is short  # a view of a view changes nothing
    assert content_version(short, basics) != content_version(pack, pack.lessons[0])


def test_pack_yml_picks_and_the_command_line_wins(pack_copy: Path) -> None:
    edit(pack_copy / "pack.yml", "lessons: [01-basics, 02-open]", "lessons: [01-basics, 02-open]\nvariants: {01-basics: short}")
    pack = load_pack(pack_copy).pack
    assert ids(variants.view(pack).lessons[0]) == SHORT_BASICS
    assert ids(variants.view(pack, "full").lessons[0]) == FULL_BASICS


def test_default_pack_has_a_45_minute_variant_for_every_lesson() -> None:
    pack = load_pack(DEFAULT_PACK).pack
    short = variants.view(pack, "short")
    for full, lesson in zip(pack.lessons, short.lessons):
        assert lesson.built_variant == "short" and lesson.duration == 45
        assert sum(a.minutes for a in lesson.activities) == 45
        assert 0 < len(lesson.exercises) < len(full.exercises)
        assert lesson.skills, f"{lesson.id} has no skills"
        # an activity's exercises are exercises the variant keeps
        assert {e for a in lesson.activities for e in a.exercises} <= set(ids(lesson))



def test_default_pack_has_a_90_minute_variant_for_every_lesson() -> None:
    """Issue 14's double period: every default lesson has `long`, 90 minutes, with every exercise
    done in class, and an activity that runs longer says how it runs (to the teacher and to students)."""
    pack = load_pack(DEFAULT_PACK).pack
    long = variants.view(pack, "long")
    for full, lesson in zip(pack.lessons, long.lessons):
        assert lesson.built_variant == "long" and lesson.duration == 90, full.id
        assert lesson.variants["long"].title == "90 minutes" and lesson.variants["long"].note
        assert sum(a.minutes for a in lesson.activities) == 90
        assert ids(lesson) == ids(full), f"{full.id}: the long path leaves out an exercise"
        assert [a.title for a in lesson.activities] == [a.title for a in full.activities]
        assert [a.exercises for a in lesson.activities] == [a.exercises for a in full.activities]
        for whole, a in zip(full.activities, lesson.activities):
            assert a.minutes >= whole.minutes, f"{full.id}: {a.title} is shorter in the long path"
            if a.minutes > whole.minutes:
                assert a.description != whole.description and a.student != whole.student, \
                    f"{full.id}: {a.title} runs longer but its texts are the 50-minute plan's"


def test_long_paths_tell_students_where_they_differ_from_an_exercise() -> None:
    """A 90-minute path that does in class what an exercise calls homework, or gives a timed task
    more minutes than the task names, says so in the activity's student text, so that students are
    not left with two instructions that disagree."""
    pack = variants.view(load_pack(DEFAULT_PACK).pack, "long")
    homework = timed = 0
    for lesson in pack.lessons:
        by_id = {e.id: e for e in lesson.exercises}
        for a in lesson.activities:
            for ex in (by_id[e] for e in a.exercises):
                if re.match(r"\W*Homework", ex.prompt):
                    homework += 1
                    assert re.search(r"\bin class\b", a.student) and "Homework" in a.student, f"{lesson.id}: {ex.id}"
                named = re.match(r"In (\d+) minutes", getattr(ex, "task", None) or "")
                if named:
                    timed += 1
                    said = {int(n) for pair in re.findall(r"(\d+) minutes|you have (\d+)", a.student) for n in pair if n}
                    if said - {int(named[1])}:
                        assert int(named[1]) in said, f"{lesson.id}: {ex.id} gets {said} minutes but its task says {named[1]}"
    assert homework and timed  # the default pack has both cases (08's cap-standard, 02's wb-raters)

def test_rendered_pages_follow_the_variant() -> None:
    """Default pack, both editions: the lesson page holds the variant's exercises only, the guide
    names the variant and lists the others, the Skills page links where each skill comes up."""
    pack = variants.view(load_pack(DEFAULT_PACK).pack, "short")
    lesson = pack.lessons[0]
    for edition in ("student", "teacher"):
        pages = {p.uri: p.markdown for p in Renderer(pack, edition, browser_key="{}").pages()}
        page = pages["lessons/01-first-look.md"]
        assert re.findall(r'\{: #ex-([a-z0-9-]+) \}', page) == ids(lesson)
        assert "fl-zones" not in page
        assert "**Skills:** [Stop](../skills.md#sift-stop)" in page
        skills = pages["skills.md"]
        assert "## Lateral reading {: #lateral-reading }" in skills
        practised = re.search(r"## Lateral reading .*?\*\*Practised in:\*\*(.*?)\n## ", skills, re.S).group(1)
        assert re.findall(r"\]\((lessons/[^)]+)\)", practised) == [
            "lessons/02-who-is-behind-it.md#ex-wb-raters", "lessons/03-tracing-claims.md#ex-tc-original",
            "lessons/07-what-other-sources-say.md#ex-os-gunfire", "lessons/08-capstone.md#ex-cap-audit-a",
            "lessons/08-capstone.md#ex-cap-audit-b"]
        assert "#ex-fl-zones" not in skills  # left out of the variant: not linked
    guide = pages["teacher/guide/01-first-look.md"]
    assert "This site follows the path **45 minutes** (`short`, 45 minutes)" in guide
    assert "| The whole lesson | `full` | 50 | Every activity and exercise. |" in guide
    assert "| 45 minutes (this site) | `short` | 45 |" in guide
    assert "| 90 minutes | `long` | 90 | Every exercise is done in class" in guide  # the other path is listed


def test_rendered_guide_names_the_90_minute_path() -> None:
    pack = variants.view(load_pack(DEFAULT_PACK).pack, "long")
    pages = {p.uri: p.markdown for p in Renderer(pack, "teacher", browser_key="{}").pages()}
    for lesson in pack.lessons:
        guide = pages[f"teacher/guide/{lesson.id}.md"]
        assert "This site follows the path **90 minutes** (`long`, 90 minutes)" in guide
        assert "| 90 minutes (this site) | `long` | 90 |" in guide and "| 45 minutes | `short` | 45 |" in guide
        assert "| The whole lesson | `full` | 50 |" in guide


# ---------------------------------------------------------------- grading

def test_grading_with_the_built_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    short = variants.view(load_pack(FIXTURE_PACK).pack, "short")
    lesson = short.lessons[0]
    data = answer_file("01-basics", "Ana", {k: BASICS_RIGHT[k] for k in ("b-choice",)} | {"b-truefalse": {"s1": True, "s2": False}},
                       lesson_version=content_version(short, lesson))
    path = write(tmp_path, "01-basics-ana.casefile.json", data)
    full = CliRunner().invoke(main, ["grade", "--lessons", str(FIXTURE_PACK), str(path)])
    assert full.exit_code == 1
    assert full.stderr.splitlines()[0] == ("01-basics-ana.casefile.json: made on the 'short' path of lesson '01-basics', "
                                           "not the one graded; grade it with --variant short")
    result = CliRunner().invoke(main, ["grade", "--lessons", str(FIXTURE_PACK), "--variant", "short", str(path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((tmp_path / "grades" / "gradebook.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Student", "01-basics/b-choice", "01-basics/b-truefalse"]
    assert rows[1][:3] == ["Ana", "2", "2"]
    whole = write(tmp_path, "01-basics-bo.casefile.json", answer_file("01-basics", "Bo", BASICS_RIGHT))
    wrong = CliRunner().invoke(main, ["grade", "--lessons", str(FIXTURE_PACK), "--variant", "short", str(whole)])
    assert wrong.stderr.splitlines()[0].endswith("made on the 'full' path of lesson '01-basics', not the one graded; "
                                                 "grade it with --variant full")


def test_gradebook_totals_by_skill(tmp_path: Path) -> None:
    pack = load_pack(FIXTURE_PACK).pack
    files = [write(tmp_path, "a.json", answer_file("01-basics", "Ana", BASICS_RIGHT | {"b-truefalse": {"s1": True, "s2": True}})),
             write(tmp_path, "b.json", answer_file("02-open", "Ana", OPEN))]
    grade(pack, files, tmp_path / "g", by_skill=True)
    rows = list(csv.reader(io.StringIO((tmp_path / "g" / "gradebook.csv").read_text(encoding="utf-8-sig"))))
    # skills.yml order; only skills some exercise practises (b-truefalse: evidence, trace; o-lateral: lateral)
    assert rows[0][-6:] == ["trace score", "trace max", "evidence score", "evidence max", "lateral score", "lateral max"]
    # b-truefalse half right (1 of 2 points) counts for trace and evidence; o-lateral is not scored yet
    assert rows[1][-6:] == ["1", "2", "1", "2", "0", "0"]
    grade(pack, files, tmp_path / "plain")
    plain = (tmp_path / "plain" / "gradebook.csv").read_text(encoding="utf-8-sig").splitlines()
    assert plain[0].endswith("Total max")  # without --by-skill the gradebook is as before


def test_skill_tags_do_not_change_the_content_version(pack_copy: Path) -> None:
    before = load_pack(pack_copy).pack
    edit(pack_copy / "02-open.yml", "    skills: [lateral]\n", "")
    after = load_pack(pack_copy).pack
    assert content_version(before, before.lessons[1]) == content_version(after, after.lessons[1])


# ---------------------------------------------------------------- a built site, its worksheets and exports

@pytest.mark.slow
def test_built_variant_site_worksheets_and_exports(tmp_path: Path) -> None:
    from test_handouts import text_of

    out = tmp_path / "site"
    build_pack(FIXTURE_PACK, out, handouts=True, exports=True, variant="short")
    for edition in ("student", "teacher"):
        page = (out / edition / "lessons" / "01-basics.html").read_text(encoding="utf-8")
        assert re.findall(r'data-exercise="([a-z0-9-]+)"', page) == SHORT_BASICS
        skills = (out / edition / "skills.html").read_text(encoding="utf-8")
        assert 'href="lessons/01-basics.html#ex-b-truefalse"' in skills
        assert 'href="lessons/02-open.html#ex-o-lateral"' in skills
        assert "#ex-b-multi" not in skills
    assert "TMARK-variant-note" not in (out / "student" / "lessons" / "01-basics.html").read_text(encoding="utf-8")
    guide = (out / "teacher" / "teacher" / "guide" / "01-basics.html").read_text(encoding="utf-8")
    assert "TMARK-variant-note" in guide and "(this site)" in guide
    worksheet = text_of(out / "handouts" / "student" / "01-basics-worksheet.pdf")
    assert "Who said the boat left at noon?" in worksheet and "Someone saw the boat return." in worksheet
    for prompt in ("Which are in paragraph 2?", "Sort these.", "Put the chain in order", "Match each word"):
        assert prompt not in worksheet
    key = text_of(out / "handouts" / "teacher" / "01-basics-key.pdf")
    assert "TMARK-truefalse-why1" in key and "TMARK-multi" not in key
    assert "Paths through this lesson" in key and "15 minutes (this key)" in key and "The whole lesson (full)" in key
    with zipfile.ZipFile(out / "exports" / "fixture-qti.zip") as z:
        xml = z.read("cf-fixture-01-basics/cf-fixture-01-basics.xml")
    items = [i.get("ident") for i in ET.fromstring(xml).iter() if i.tag.endswith("item")]
    assert items == [f"cf-01-basics-{e}" for e in SHORT_BASICS]
    moodle = ET.parse(out / "exports" / "fixture-moodle.xml").getroot()
    assert [n.text for n in moodle.iter("idnumber") if n.text.startswith("01-basics/")] == [f"01-basics/{e}" for e in SHORT_BASICS]
    gift = (out / "exports" / "fixture.gift.txt").read_text(encoding="utf-8")
    assert re.findall(r"// casefile: 01-basics/(\S+)", gift) == SHORT_BASICS


@pytest.mark.slow
def test_built_default_pack_in_its_45_minute_variant(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_pack(DEFAULT_PACK, out, handouts=False, exports=False, variant="short")
    short = variants.view(load_pack(DEFAULT_PACK).pack, "short")
    for edition in ("student", "teacher"):
        for lesson in short.lessons:
            page = (out / edition / "lessons" / f"{lesson.id}.html").read_text(encoding="utf-8")
            assert re.findall(r'data-exercise="([a-z0-9-]+)"', page) == ids(lesson)
            assert "<span>45 minutes</span>" in page
            assert f'data-version="{content_version(short, lesson)}"' in page  # what the grader expects
        skills = (out / edition / "skills.html").read_text(encoding="utf-8")
        linked = set(re.findall(r'href="lessons/([a-z0-9-]+)\.html#ex-([a-z0-9-]+)"', skills))
        assert linked == {(lesson.id, e.id) for lesson in short.lessons for e in lesson.exercises if e.skills}
    schedule = (out / "student" / "schedule.html").read_text(encoding="utf-8")
    assert "8 lessons, 360 minutes in all" in schedule


@pytest.mark.slow
def test_built_default_pack_in_its_90_minute_variant(tmp_path: Path) -> None:
    """`casefile build --variant long` and `casefile handouts --variant long` on the default pack:
    every exercise on every page, 90 minutes, the guide and the keys name the path, and nothing
    the variant says to the teacher reaches the student edition."""
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--lessons", str(DEFAULT_PACK), "--variant", "long", "--no-handouts", "-q",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    pack = load_pack(DEFAULT_PACK).pack
    long = variants.view(pack, "long")
    for edition in ("student", "teacher"):
        for full, lesson in zip(pack.lessons, long.lessons):
            page = (out / edition / "lessons" / f"{lesson.id}.html").read_text(encoding="utf-8")
            assert re.findall(r'data-exercise="([a-z0-9-]+)"', page) == ids(full)
            assert "<span>90 minutes</span>" in page
            assert f'data-version="{content_version(long, lesson)}"' in page
    schedule = (out / "student" / "schedule.html").read_text(encoding="utf-8")
    assert "8 lessons, 720 minutes in all" in schedule
    student = html.unescape(" ".join(p.read_text(encoding="utf-8") for p in (out / "student").rglob("*.html")))
    for lesson in long.lessons:
        guide = html.unescape((out / "teacher" / "teacher" / "guide" / f"{lesson.id}.html").read_text(encoding="utf-8"))
        assert "This site follows the path 90 minutes (long, 90 minutes)" in re.sub(r"<[^>]+>", "", guide)
        v = lesson.variants["long"]
        teacher_only = [v.note] + [change.description for _, change in v.steps() if change.description]
        for text in teacher_only:
            start = " ".join(text.split())[:60]
            assert start in guide and start not in student, f"{lesson.id}: {start!r}"
    handouts = tmp_path / "handouts"
    result = CliRunner().invoke(main, ["handouts", "--lessons", str(DEFAULT_PACK), "--variant", "long", "--out", str(handouts)])
    assert result.exit_code == 0, result.output
    from test_handouts import text_of

    worksheet = text_of(handouts / "student" / "08-capstone-worksheet.pdf")
    assert "90 MINUTES" in worksheet and "Homework: same test, every side." in worksheet
    key = text_of(handouts / "teacher" / "08-capstone-key.pdf")
    assert "90 minutes (this key)" in key and "45 minutes (short)" in key
