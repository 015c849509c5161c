"""generator/shuffle.py and the `shuffle` settings: which exercises shuffle, the draws (the browser's
twin is checked in test_shuffle_browser.py), never an order exercise's key, versions for paper,
and what the setting does (and does not) change in the outputs."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_PACK, ROOT
from generator import shuffle
from generator.errors import PackError
from generator.kinds import KINDS
from generator.load import load_pack


def _pack(tmp_path: Path, pack_line: str = "", edit: tuple[str, str] | None = None):
    lessons = tmp_path / "lessons"
    shutil.copytree(FIXTURE_PACK, lessons)
    if pack_line:
        with (lessons / "pack.yml").open("a", encoding="utf-8") as f:
            f.write(pack_line)
    if edit:
        f = lessons / "01-basics.yml"
        f.write_text(f.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    return load_pack(lessons).pack


def _ex(pack, ex_id: str):
    return next(e for l in pack.lessons for e in l.exercises if e.id == ex_id)


def test_which_kinds_shuffle_is_the_kinds_business() -> None:
    assert {n for n, k in KINDS.items() if k.shuffles} == {"choice", "classify", "order", "match", "true_false"}
    for k in KINDS.values():  # every list a kind names is a list of items with ids on its model
        for field in k.shuffles:
            assert field in k.model.model_fields, (k.name, field)
    assert KINDS["highlight"].shuffles == ()


def test_exercise_setting_wins_over_the_pack(tmp_path: Path) -> None:
    off = load_pack(FIXTURE_PACK).pack
    assert not any(shuffle.wanted(off.info, e) for l in off.lessons for e in l.exercises)
    on = _pack(tmp_path, "exercises:\n  shuffle: true\n", ("  - id: b-match\n", "  - id: b-match\n    shuffle: false\n"))
    assert shuffle.wanted(on.info, _ex(on, "b-choice")) and not shuffle.wanted(on.info, _ex(on, "b-match"))
    assert not shuffle.wanted(on.info, _ex(on, "b-highlight"))  # highlight never shuffles
    one = _pack(tmp_path / "one", edit=("  - id: b-match\n", "  - id: b-match\n    shuffle: true\n"))
    assert [e.id for l in one.lessons for e in l.exercises if shuffle.wanted(one.info, e)] == ["b-match"]


def test_shuffle_on_a_highlight_exercise_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PackError) as e:
        _pack(tmp_path, edit=("  - id: b-highlight\n", "  - id: b-highlight\n    shuffle: true\n"))
    msgs = [str(p) for p in e.value.problems]
    assert len(msgs) == 1 and "01-basics.yml:" in msgs[0] and "highlight exercises are never shuffled" in msgs[0], msgs


def test_draws_are_deterministic_fisher_yates() -> None:
    assert shuffle.permutation(5, "a", "b") == shuffle.permutation(5, "a/b")  # the parts are joined with '/'
    assert sorted(shuffle.permutation(12, "x")) == list(range(12))
    # every order of 3 comes up, about equally often
    counts: dict[tuple[int, ...], int] = {}
    for k in range(6000):
        p = tuple(shuffle.permutation(3, "seed", str(k)))
        counts[p] = counts.get(p, 0) + 1
    assert len(counts) == 6 and all(800 < c < 1200 for c in counts.values()), counts
    # mulberry32's first outputs for seed 0 (reference values of the published algorithm)
    first = [next(g) for g in [shuffle.mulberry32(0)]]
    assert math.isclose(first[0], 0.26642920868471265)


def test_a_shuffle_never_gives_an_order_to_avoid() -> None:
    ids = ["a", "b"]
    for k in range(50):  # two items: the only other order
        assert shuffle.shuffled_ids(ids, (str(k),), avoid=[["b", "a"]]) == ["a", "b"]
    ids = list("abcd")
    for k in range(200):
        assert shuffle.shuffled_ids(ids, (str(k),), avoid=[list("bcda")]) != list("bcda")


def test_site_start_orders_never_hold_the_key_nor_give_it_away(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "exercises:\n  shuffle: true\n")
    for eid in ("b-order", "b-instant-order"):
        ex = _ex(pack, eid)
        orders = shuffle.start_orders(pack, "01-basics", ex)["items"]
        n = math.factorial(len(ex.items))
        assert orders and list(ex.answer) not in orders
        assert len(orders) <= max(1, (n - 1) // 2), "the list would leave only the key"
        assert len({tuple(o) for o in orders}) == len(orders)
    assert shuffle.start_orders(pack, "01-basics", _ex(pack, "b-choice")) == {}  # nothing to avoid: the browser draws


def test_versions_for_paper(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "exercises:\n  shuffle: true\n", ("  - id: b-truefalse\n", "  - id: b-truefalse\n    shuffle: false\n"))
    assert shuffle.version(pack, "A") is pack  # A: as written
    ids = lambda p, e, f: [i.id for i in getattr(_ex(p, e), f)]  # noqa: E731
    versions = {v: shuffle.version(pack, v) for v in "BCDEF"}
    for v, vp in versions.items():
        assert vp.info.id == pack.info.id and shuffle.version(pack, v).model_dump() == vp.model_dump()  # deterministic
        for eid in ("b-choice", "b-multi", "b-classify", "b-order", "b-match", "b-instant-order", "b-truefalse"):
            for field in _ex(pack, eid).kind.shuffles:
                assert sorted(ids(vp, eid, field)) == sorted(ids(pack, eid, field))
        assert ids(vp, "b-order", "items") != list(_ex(pack, "b-order").answer)
        assert ids(vp, "b-instant-order", "items") == ["n2", "n1"]  # two items: the one order that is not the key
        assert ids(vp, "b-truefalse", "statements") == ids(pack, "b-truefalse", "statements")  # opted out
        assert _ex(vp, "b-choice").answer == _ex(pack, "b-choice").answer  # ids, so keys and grading follow
    # B to F differ from A and from each other where there are enough orders (3 options: 5 others)
    seen = [tuple(ids(pack, "b-choice", "options"))] + [tuple(ids(vp, "b-choice", "options")) for vp in versions.values()]
    assert len(set(seen)) == 6
    assert shuffle.letters(3) == ["A", "B", "C"]
    with pytest.raises(ValueError):
        shuffle.letters(27)


def test_turning_shuffle_on_keeps_the_lesson_version(tmp_path: Path) -> None:
    """Saved answers and answer files stay valid: the content version ignores `shuffle`."""
    from generator.render import content_version

    plain = load_pack(FIXTURE_PACK).pack
    on = _pack(tmp_path, "exercises:\n  shuffle: true\n", ("  - id: b-match\n", "  - id: b-match\n    shuffle: true\n"))
    for a, b in zip(plain.lessons, on.lessons):
        assert content_version(plain, a) == content_version(on, b)


def test_version_file_names_and_folders() -> None:
    from generator.handout_names import handout_folder, key_name, worksheet_name

    assert worksheet_name("03-tracing-claims", "B") == "03-tracing-claims-worksheet-B.pdf"
    assert key_name("03-tracing-claims", "B") == "03-tracing-claims-key-B.pdf"
    assert handout_folder(worksheet_name("x", "C")) == "student" and handout_folder(key_name("x", "C")) == "teacher"
    assert worksheet_name("x") == "x-worksheet.pdf"


def test_exports_carry_the_setting(tmp_path: Path) -> None:
    import zipfile

    from lxml import etree

    from generator.export import export_pack

    pack = _pack(tmp_path, "exercises:\n  shuffle: true\n", ("  - id: b-multi\n", "  - id: b-multi\n    shuffle: false\n"))
    export_pack(pack, tmp_path / "out", quiet=True)
    moodle = etree.parse(str(next((tmp_path / "out").rglob("*moodle*.xml"))))
    flags = {q.findtext("idnumber"): q.findtext("shuffleanswers") for q in moodle.iter("question")
             if q.get("type") == "multichoice"}
    assert flags["01-basics/b-choice"] == "true" and flags["01-basics/b-multi"] == "false"
    qti = next((tmp_path / "out").rglob("*qti*.zip"))
    with zipfile.ZipFile(qti) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml") and "assessment_meta" not in n)
        meta = b"".join(z.read(n) for n in z.namelist() if n.endswith("assessment_meta.xml"))
    assert b'shuffle="Yes"' in xml
    assert b"<shuffle_answers>false</shuffle_answers>" in meta  # b-multi opted out, so the quiz does not shuffle all


def test_default_pack_shuffles_where_it_gives_nothing_away() -> None:
    pack = load_pack(ROOT / "lessons").pack
    assert pack.info.exercises.shuffle
    kinds = {e.type for l in pack.lessons for e in l.exercises if shuffle.wanted(pack.info, e)}
    assert kinds == {"choice", "classify", "order", "match"}


def test_versions_option_is_bounded_on_both_commands() -> None:
    from click.testing import CliRunner

    from generator.cli import main

    for cmd in ("handouts", "build"):
        r = CliRunner().invoke(main, [cmd, "--lessons", str(FIXTURE_PACK), "--versions", "27"])
        assert r.exit_code == 2 and "27 is not in the range 1<=x<=26" in r.output, (cmd, r.output)
        assert "--versions N" in CliRunner().invoke(main, [cmd, "--help"]).output
