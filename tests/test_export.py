"""LMS exports (QTI 1.2 for Canvas, Moodle XML, GIFT): every file is parsed back and checked.

Schemas: no published schema is provided in ../shared/schemas/ (the folder does not exist), and Moodle
XML has no official XSD at all, so the XML is checked here with the project's own structural checks of
what each importer requires: root elements, unique identifiers, every response id and feedback id
resolving, correct answers marked as the key says, the manifest listing every file in the zip. GIFT
is read back with a small parser of its grammar (below), written after Moodle's qformat_gift.

Round trip: per lesson and per format, the number of questions, answers and points equal the pack's.
"""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from generator.cli import main as cli_main
from generator.export import export_pack, file_name
from generator.export.common import MOODLE_FRACTIONS, category_path
from generator.load import load_pack
from generator.text import to_plain as _to_plain

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "pack"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
QTI_TYPES = {"multiple_choice_question", "multiple_answers_question", "matching_question", "essay_question"}
MOODLE_TYPES = {"multichoice", "matching", "ordering", "essay"}
ESSAYS = {"short_answer", "claim_audit", "lateral_reading"}
TRICKY = "Tricky ~ = # { } : \\ < > & \"double\" 'single' end"
TRICKY_OPT = "%50% Opt ~ = # { } : \\ < > & \"dq\" 'sq' x"


# ---------------------------------------------------------------- helpers

BLOCK = re.compile(r"</?(?:p|li|br|tr|td|th|ol|ul|table|thead|tbody|caption|blockquote)\b[^>]*>")


def norm(text: str) -> str:
    """Whitespace collapsed; the curly quotes to_plain puts around inline quotes (HTML uses <q>) dropped."""
    return re.sub(r"\s+", " ", text.replace("\u201c", "").replace("\u201d", "")).strip()


def plain(fragment: str) -> str:
    """HTML fragment → text as a reader sees it."""
    return norm(html.unescape(re.sub(r"<[^>]+>", "", BLOCK.sub(" ", fragment))))


def to_plain(text: str) -> str:
    return norm(_to_plain(text))


def exported(pack, lesson=None):
    """{lesson id: [exercise]} of exercises every format carries (all of them: highlight as a
    multiple-answer question over phrases of its paragraph)."""
    return {lsn.id: list(lsn.exercises) for lsn in pack.lessons if lesson is None or lsn.id == lesson}


def paragraphs(pack) -> dict[str, dict[str, str]]:
    """{lesson id: {paragraph id: text}}, what a kind's choice_view takes."""
    return {lsn.id: {p.id: p.text for p in pack.lesson_source(lsn).paragraphs} for lsn in pack.lessons}


def n_answers(ex, paras) -> int:
    """Keyed answers: options of a choice, pairs of a matching (order: one per item), none for essays."""
    return {"choice": lambda: len(ex.options), "classify": lambda: len(ex.items), "match": lambda: len(ex.answer),
            "order": lambda: len(ex.items), "true_false": lambda: len(ex.statements),
            "highlight": lambda: len(ex.kind.choice_view(ex, paras).options)}.get(ex.type, lambda: 0)()


def expected_summary(pack, lesson=None) -> dict[str, tuple[int, int, int]]:
    paras = paragraphs(pack)
    return {lid: (len(exs), sum(n_answers(e, paras[lid]) for e in exs), sum(e.points for e in exs))
            for lid, exs in exported(pack, lesson).items() if exs}


def teacher_strings(ex) -> list[str]:
    """The key and feedback texts an exported exercise must carry."""
    out = [getattr(ex, k, None) for k in ("explanation", "model_answer", "finds", "why")]
    out += [o.why for o in getattr(ex, "options", [])]
    if ex.type == "classify":
        out += [i.why for i in ex.items]
    if ex.type == "match":
        out += [p.why for p in ex.answer]
    if ex.type == "claim_audit":
        out += [k.evidence for k in ex.key]
    if ex.type == "true_false":
        out += [st.why for st in ex.statements]
    if ex.type == "highlight":
        out += [a.why for a in ex.answers]
    return [to_plain(s) for s in out if isinstance(s, str) and s]


def ordered_items(ex) -> list[tuple[str, str]]:
    """(left plain text, right plain text) pairs a matching export must hold."""
    if ex.type == "classify":
        cats = {c.id: c.label for c in ex.categories}
        return sorted((to_plain(i.text), to_plain(cats[i.answer])) for i in ex.items)
    if ex.type == "match":
        left, right = {i.id: i.text for i in ex.left}, {i.id: i.text for i in ex.right}
        return sorted((to_plain(left[p.left]), to_plain(right[p.right])) for p in ex.answer)
    if ex.type == "order":
        pos = {iid: n for n, iid in enumerate(ex.answer, 1)}
        suffix = lambda n: "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")  # noqa: E731
        return sorted((to_plain(i.text), f"{pos[i.id]}{suffix(pos[i.id])} position") for i in ex.items)
    if ex.type == "true_false":
        return sorted((to_plain(st.text), "True" if st.answer else "False") for st in ex.statements)
    raise AssertionError(ex.type)


# ---------------------------------------------------------------- QTI

def check_qti(path: Path, pack, lesson=None) -> dict[str, tuple[int, int, int]]:
    """Structural checks of the Canvas QTI zip; returns {lesson id: (questions, answers, points)}."""
    exs = {f"cf-{lid}-{e.id}": (lid, e) for lid, lst in exported(pack, lesson).items() for e in lst}
    paras = paragraphs(pack)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "imsmanifest.xml"
        files = {n: zf.read(n) for n in names}
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert manifest.tag == f"{CP}manifest"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    res_ids = [r.get("identifier") for r in resources]
    listed = [f.get("href") for f in manifest.iter(f"{CP}file")]
    assert sorted(set(listed)) == sorted(n for n in names if n != "imsmanifest.xml"), "manifest must list every file"
    for dep in manifest.iter(f"{CP}dependency"):
        assert dep.get("identifierref") in res_ids
    all_idents = list(res_ids) + [manifest.get("identifier")]
    summary: dict[str, tuple[int, int, int]] = {}
    seen_items = set()
    for r in resources:
        if r.get("type") != "imsqti_xmlv1p2":
            assert r.get("type") == "associatedcontent/imscc_xmlv1p1/learning-application-resource"
            continue
        href = r.find(f"{CP}file").get("href")
        root = etree.fromstring(files[href])
        assert root.tag == f"{QTI}questestinterop"
        asm = root.find(f"{QTI}assessment")
        assert asm is not None and asm.get("ident") == r.get("identifier")
        section = asm.find(f"{QTI}section")
        assert section is not None
        meta = etree.fromstring(files[href.rsplit("/", 1)[0] + "/assessment_meta.xml"])
        assert meta.tag == f"{CANVAS}quiz" and meta.get("identifier") == asm.get("ident")
        n_q = n_a = pts = 0
        lesson_id = None
        for item in section.findall(f"{QTI}item"):
            iid = item.get("ident")
            all_idents.append(iid)
            lesson_id, ex = exs[iid]
            seen_items.add(iid)
            fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                      for f in item.iter(f"{QTI}qtimetadatafield")}
            qtype = fields["question_type"]
            assert qtype in QTI_TYPES
            assert float(fields["points_possible"]) == ex.points
            pres = item.find(f"{QTI}presentation")
            assert pres.find(f"{QTI}material/{QTI}mattext") is not None
            responses = {el.get("ident"): el for el in pres if el.tag in (f"{QTI}response_lid", f"{QTI}response_str")}
            labels = {}
            for rid, el in responses.items():
                idents = [lab.get("ident") for lab in el.iter(f"{QTI}response_label")]
                assert len(idents) == len(set(idents)), f"{iid}: duplicate response_label in {rid}"
                labels[rid] = set(idents)
            feedback_ids = [fb.get("ident") for fb in item.findall(f"{QTI}itemfeedback")]
            assert len(feedback_ids) == len(set(feedback_ids))
            res = item.find(f"{QTI}resprocessing")
            linked = set()
            for cond in res.findall(f"{QTI}respcondition"):
                for v in cond.iter(f"{QTI}varequal"):
                    assert v.get("respident") in responses, f"{iid}: unknown respident {v.get('respident')}"
                    assert v.text in labels[v.get("respident")], f"{iid}: {v.text} is no response_label"
                for d in cond.iter(f"{QTI}displayfeedback"):
                    assert d.get("linkrefid") in feedback_ids
                    linked.add(d.get("linkrefid"))
            assert linked == set(feedback_ids), f"{iid}: feedback never shown"
            fb_text = {fb.get("ident"): plain(fb.findtext(f".//{QTI}mattext")) for fb in item.findall(f"{QTI}itemfeedback")}
            # correct answers marked, as the key says
            conds = res.findall(f"{QTI}respcondition")
            if ex.type in ("choice", "highlight"):
                ex_ = ex
                ex = ex.kind.choice_view(ex, paras[lesson_id])  # highlight: phrases of its paragraph
                assert qtype == ("multiple_answers_question" if ex.multiple else "multiple_choice_question")
                lid = responses["response1"]
                assert lid.get("rcardinality") == ("Multiple" if ex.multiple else "Single")
                # Canvas' converter reads maxChoices from maxnumber (else 1): every option can be ticked
                assert lid.find(f"{QTI}render_choice").get("maxnumber") == (str(len(ex.options)) if ex.multiple else None)
                setters = [c for c in conds if c.find(f"{QTI}setvar") is not None]
                assert len(setters) == 1 and setters[0].findtext(f"{QTI}setvar") == "100"
                cv = setters[0].find(f"{QTI}conditionvar")
                if ex.multiple:
                    pos = {v.text for v in cv.find(f"{QTI}and").findall(f"{QTI}varequal")}
                    neg = {v.text for v in cv.find(f"{QTI}and").findall(f"{QTI}not/{QTI}varequal")}
                    assert pos == set(ex.answer) and pos | neg == {o.id for o in ex.options}
                else:
                    assert [v.text for v in cv.iter(f"{QTI}varequal")] == ex.answer
                for o in ex.options:
                    assert fb_text[f"fb_{o.id}"] == to_plain(o.why)
                n_a += len(labels["response1"])
                ex = ex_
            elif ex.type in ("classify", "match", "order", "true_false"):
                assert qtype == "matching_question"
                adds = [c for c in conds if c.find(f"{QTI}setvar") is not None]
                assert all(c.find(f"{QTI}setvar").get("action") == "Add" for c in adds)
                assert abs(sum(float(c.findtext(f"{QTI}setvar")) for c in adds) - 100) < 0.05
                got = []
                for c in adds:
                    v = c.find(f".//{QTI}varequal")
                    lid = responses[v.get("respident")]
                    right = next(lab for lab in lid.iter(f"{QTI}response_label") if lab.get("ident") == v.text)
                    got.append((norm(lid.findtext(f"{QTI}material/{QTI}mattext")), norm(right.findtext(f".//{QTI}mattext"))))
                assert sorted(got) == ordered_items(ex)
                n_a += len(responses)
            else:
                assert ex.type in ESSAYS and qtype == "essay_question"
                assert to_plain(ex.model_answer) in fb_text["general_fb"]
            texts = " ".join(fb_text.values())
            for s in teacher_strings(ex):
                assert s in texts, f"{iid}: key text {s!r} missing"
            n_q += 1
            pts += ex.points
        assert float(meta.findtext(f"{CANVAS}points_possible")) == pts
        summary[lesson_id] = (n_q, n_a, pts)
    assert len(all_idents) == len(set(all_idents)), "identifiers must be unique in the package"
    assert seen_items == set(exs)
    return summary


# ---------------------------------------------------------------- Moodle XML

def check_moodle(path: Path, pack, lesson=None) -> dict[str, tuple[int, int, int]]:
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(raw, etree.XMLParser(strip_cdata=False))
    assert root.tag == "quiz"
    by_key = {f"{lid}/{e.id}": (lid, e) for lid, lst in exported(pack, lesson).items() for e in lst}
    paras = paragraphs(pack)
    cats = {category_path(pack, lsn): lsn.id for lsn in pack.lessons}
    summary: dict[str, list[int]] = {}
    current = None
    idnumbers = []
    for q in root.findall("question"):
        t = q.get("type")
        if t == "category":
            current = cats[q.findtext("category/text")]
            assert current not in summary, "one category per lesson"
            summary[current] = [0, 0, 0]
            continue
        assert t in MOODLE_TYPES and current is not None
        key = q.findtext("idnumber")
        idnumbers.append(key)
        lid, ex = by_key[key]
        assert lid == current, f"{key} is outside its lesson's category"
        assert q.findtext("name/text").strip()
        qt = q.find("questiontext")
        assert qt.get("format") == "html" and qt.findtext("text")
        assert float(q.findtext("defaultgrade")) == ex.points
        general = plain(q.findtext("generalfeedback/text") or "")
        if t == "multichoice":
            assert ex.type in ("choice", "true_false", "highlight")
            ex_ = ex
            ex = ex.kind.choice_view(ex, paras[lid])  # true_false: its statements; highlight: phrases
            assert q.findtext("single") == ("false" if ex.multiple else "true")
            answers = q.findall("answer")
            fr = [float(a.get("fraction")) for a in answers]
            assert all(min(abs(abs(f) - m) for m in MOODLE_FRACTIONS) < 1e-6 for f in fr), fr
            texts = [plain(a.findtext("text")) for a in answers]
            right = {to_plain(o.text) for o in ex.options if o.id in ex.answer}
            if ex.multiple:
                assert round(sum(f for f in fr if f > 0) / 100, 2) == 1  # qtype_multichoice's own check
                assert {t_ for t_, f in zip(texts, fr) if f > 0} == right
            else:
                assert fr.count(100) == 1 and all(f in (0, 100) for f in fr)
                assert {t_ for t_, f in zip(texts, fr) if f == 100} == right
            fbs = [plain(a.findtext("feedback/text")) for a in answers]
            assert fbs == [to_plain(o.why) for o in ex.options]
            n = len(answers)
            carried = general + " ".join(fbs)
            ex = ex_
        elif t == "matching":
            subs = [(plain(s.findtext("text") or ""), norm(s.findtext("answer/text"))) for s in q.findall("subquestion")]
            pairs = sorted(p for p in subs if p[0])
            assert len(pairs) >= 2 and pairs == ordered_items(ex)
            n = len(pairs)
            carried = general
        elif t == "ordering":
            assert ex.type == "order"
            answers = q.findall("answer")
            assert [float(a.get("fraction")) for a in answers] == list(range(1, len(answers) + 1))
            items = {i.id: to_plain(i.text) for i in ex.items}
            assert [plain(a.findtext("text")) for a in answers] == [items[i] for i in ex.answer]
            n = len(answers)
            carried = general
        else:
            assert ex.type in ESSAYS
            grader = q.find("graderinfo")
            assert grader.get("format") == "html"
            carried = plain(grader.findtext("text"))
            assert to_plain(ex.model_answer) in carried
            assert not general, f"{key}: an essay's key belongs in graderinfo only, not in feedback students see"
            n = 0
        for s in teacher_strings(ex):
            assert s in carried, f"{key}: key text {s!r} missing"
        summary[lid][0] += 1
        summary[lid][1] += n
        summary[lid][2] += ex.points
    assert len(idnumbers) == len(set(idnumbers)) and set(idnumbers) == set(by_key)
    assert b"<![CDATA[" in raw
    return {k: tuple(v) for k, v in summary.items()}


# ---------------------------------------------------------------- GIFT: a small parser of its grammar

ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005", ":": "\ue006", "n": "\ue007"}
UNESCAPE = {v: ("\n" if k == "n" else k) for k, v in ESCAPES.items()}
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _protect(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            nxt = text[i + 1: i + 2]
            assert nxt in ESCAPES, f"lone backslash before {nxt!r}"  # every backslash must be an escape
            out.append(ESCAPES[nxt])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return "".join(UNESCAPE.get(ch, ch) for ch in text).strip()


def _feedback(part: str) -> tuple[str, str]:
    text, _, fb = part.partition("#")
    return _restore(text), _restore(fb)


def parse_gift(source: str) -> list[dict]:
    """Blocks separated by blank lines; `//` comment lines; `$CATEGORY:`; `::name::`; `[format]`;
    one `{…}` answer block: `=a ~b` (choice, `~%w%` weights), `=x -> y` (matching), empty (essay),
    each answer with `#feedback`, then `####general feedback`."""
    out = []
    for block in re.split(r"\n\s*\n", source):
        lines = block.strip("\n").split("\n")
        meta = {}
        for line in lines:
            m = re.match(r"// casefile: (\S+) type=(\S+) points=(\d+)$", line.strip())
            if m:
                meta = {"key": m[1], "type": m[2], "points": int(m[3])}
        body = "\n".join(line for line in lines if not line.strip().startswith("//")).strip()
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            out.append({"category": body[len("$CATEGORY:"):].strip()})
            continue
        text = _protect(body)
        q: dict = {"meta": meta}
        if text.startswith("::"):
            end = text.index("::", 2)
            q["name"], text = _restore(text[2:end]), text[end + 2:]
        if text.startswith("["):
            q["format"], text = text[1:text.index("]")], text[text.index("]") + 1:]
        assert text.count("{") == 1 and text.count("}") == 1, "exactly one answer block"
        start, end = text.index("{"), text.index("}")
        assert text[end + 1:].strip() == "", "the answer block ends the question"
        q["text"] = _restore(text[:start])
        answers = text[start + 1:end].strip()
        general = ""
        if "####" in answers:
            answers, general = answers.rsplit("####", 1)
            answers = answers.strip()
        q["general"] = _restore(general)
        q["answers"] = []
        if answers == "":
            q["type"] = "essay"
        elif "~" in answers:
            q["type"] = "multichoice"
            q["single"] = "=" in answers
            for tok in re.findall(r"([=~])([^=~]*)", answers):
                mark, rest = tok
                rest = rest.strip()
                m = WEIGHT.match(rest)
                weight = float(m[1]) if m else (100.0 if mark == "=" else 0.0)
                rest = rest[m.end():] if m else rest
                text_, fb = _feedback(rest)
                q["answers"].append({"text": text_, "weight": weight, "feedback": fb})
        elif "=" in answers and "->" in answers:
            q["type"] = "match"
            for part in answers.split("=")[1:]:
                left, arrow, right = part.partition("->")
                assert arrow, "a matching pair needs ->"
                q["answers"].append({"left": _restore(left), "right": _restore(right)})
        else:
            raise AssertionError(f"not a question type this exporter writes: {answers[:60]!r}")
        out.append(q)
    return out


def check_gift(path: Path, pack, lesson=None) -> dict[str, tuple[int, int, int]]:
    parsed = parse_gift(path.read_text(encoding="utf-8"))
    by_key = {f"{lid}/{e.id}": (lid, e) for lid, lst in exported(pack, lesson).items() for e in lst}
    paras = paragraphs(pack)
    summary: dict[str, list[int]] = {}
    keys = []
    category = None
    for q in parsed:
        if "category" in q:
            category = q["category"]
            continue
        assert category is not None and q["format"] == "html"
        key = q["meta"]["key"]
        keys.append(key)
        lid, ex = by_key[key]
        assert q["meta"]["points"] == ex.points and f"({ex.points} point" in q["name"]
        assert to_plain(ex.prompt) in plain(q["text"])
        if q["type"] == "multichoice":
            assert ex.type in ("choice", "true_false", "highlight")
            ex_ = ex
            ex = ex.kind.choice_view(ex, paras[lid])  # true_false: its statements; highlight: phrases
            assert q["single"] == (not ex.multiple)
            right = {to_plain(o.text) for o in ex.options if o.id in ex.answer}
            assert {plain(a["text"]) for a in q["answers"] if a["weight"] > 0} == right
            if ex.multiple:
                assert round(sum(a["weight"] for a in q["answers"] if a["weight"] > 0) / 100, 2) == 1
            assert [plain(a["feedback"]) for a in q["answers"]] == [to_plain(o.why) for o in ex.options]
            n = len(q["answers"])
            carried = plain(q["general"]) + " ".join(plain(a["feedback"]) for a in q["answers"])
            ex = ex_
        elif q["type"] == "match":
            pairs = sorted((plain(a["left"]), norm(a["right"])) for a in q["answers"] if a["left"])
            assert len(pairs) >= 2 and pairs == ordered_items(ex)
            n = len(pairs)
            carried = plain(q["general"])
        else:
            assert ex.type in ESSAYS
            carried = plain(q["general"])
            assert to_plain(ex.model_answer) in carried
            n = 0
        for s in teacher_strings(ex):
            assert s in carried, f"{key}: key text {s!r} missing"
        s = summary.setdefault(lid, [0, 0, 0])
        s[0] += 1
        s[1] += n
        s[2] += ex.points
    assert len(keys) == len(set(keys)) and set(keys) == set(by_key)
    categories = [q["category"] for q in parsed if "category" in q]
    assert len(categories) == len(set(categories)) == len(summary), "one $CATEGORY per lesson"
    return {k: tuple(v) for k, v in summary.items()}


CHECKS = {"qti": check_qti, "moodle": check_moodle, "gift": check_gift}


# ---------------------------------------------------------------- tests

@pytest.fixture(scope="module")
def fixture_pack():
    return load_pack(FIXTURE).pack


@pytest.fixture(scope="module")
def fixture_exports(fixture_pack, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    notes = export_pack(fixture_pack, out)
    return out, notes


@pytest.mark.parametrize("fmt", ["qti", "moodle", "gift"])
def test_fixture_round_trip(fmt, fixture_pack, fixture_exports) -> None:
    out, _ = fixture_exports
    got = CHECKS[fmt](out / file_name(fixture_pack.info.id, fmt), fixture_pack)
    assert got == expected_summary(fixture_pack)
    assert got["01-basics"][0] == 8 and got["02-open"] == (3, 0, 11)  # every exercise, highlight too


def test_notes_say_what_is_left_out(fixture_exports) -> None:
    _, notes = fixture_exports
    for fmt in ("qti", "moodle", "gift"):
        assert not [n for n in notes if n.startswith(f"{fmt}: left out ")]
        assert any(n.startswith(f"{fmt}: 11 of 11 exercises exported to ") for n in notes)
        assert any(n.startswith(f"{fmt}: 1 highlight exercise(s) are multiple-answer questions") for n in notes)
    assert any("GIFT has no points" in n for n in notes)
    assert any("no ordering type" in n for n in notes)


def test_quiet_keeps_only_the_left_out_and_limits(fixture_pack, tmp_path) -> None:
    notes = export_pack(fixture_pack, tmp_path, ["gift"], quiet=True)
    assert notes and not any("exported to" in n for n in notes)


def test_output_is_byte_identical(fixture_pack, fixture_exports, tmp_path) -> None:
    out, _ = fixture_exports
    export_pack(fixture_pack, tmp_path, quiet=True)
    for fmt in ("qti", "moodle", "gift"):
        name = file_name(fixture_pack.info.id, fmt)
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_one_lesson(fixture_pack, tmp_path) -> None:
    export_pack(fixture_pack, tmp_path, ["qti", "moodle", "gift"], lesson="02-open", quiet=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        file_name("fixture", f, "02-open") for f in ("qti", "moodle", "gift"))
    for fmt, check in CHECKS.items():
        got = check(tmp_path / file_name("fixture", fmt, "02-open"), fixture_pack, "02-open")
        assert got == expected_summary(fixture_pack, "02-open") == {"02-open": (3, 0, 11)}


def test_unknown_lesson_is_a_clean_error(fixture_pack, tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown lesson '02-opn'; did you mean '02-open'"):
        export_pack(fixture_pack, tmp_path / "x", lesson="02-opn")
    assert not (tmp_path / "x").exists()
    r = CliRunner().invoke(cli_main, ["export", "--lessons", str(FIXTURE), "--lesson", "nope", "--out", str(tmp_path / "y")])
    assert r.exit_code == 1
    assert "unknown lesson 'nope'" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "y").exists()


def test_cli_one_format(tmp_path) -> None:
    r = CliRunner().invoke(cli_main, ["export", "--lessons", str(FIXTURE), "--format", "gift", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert [p.name for p in tmp_path.iterdir()] == ["fixture.gift.txt"]
    assert "gift: 11 of 11 exercises exported" in r.output and "left out" not in r.output


def test_special_characters_survive(tmp_path) -> None:
    """~ = # { } : \\ < > & and quotes in a prompt and an option come back intact from every format."""
    lessons = tmp_path / "lessons"
    shutil.copytree(FIXTURE, lessons)
    f = lessons / "01-basics.yml"
    src = f.read_text(encoding="utf-8")
    yq = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731  (YAML single-quoted scalar)
    src = re.sub(r'(\n    prompt: )"Who said the boat left at noon\?[^\n]*', lambda m: m[1] + yq(TRICKY), src, count=1)
    src = src.replace("{id: a, text: The harbour master,", "{id: a, text: " + yq(TRICKY_OPT) + ",", 1)
    f.write_text(src, encoding="utf-8")
    pack = load_pack(lessons).pack
    ex = pack.lessons[0].exercises[0]
    assert to_plain(ex.prompt) == TRICKY and to_plain(ex.options[0].text) == TRICKY_OPT
    out = tmp_path / "out"
    export_pack(pack, out, quiet=True)
    # GIFT
    q = next(q for q in parse_gift((out / "fixture.gift.txt").read_text(encoding="utf-8"))
             if q.get("meta", {}).get("key") == "01-basics/b-choice")
    assert plain(q["text"]) == TRICKY
    assert plain(q["answers"][0]["text"]) == TRICKY_OPT
    assert q["name"].startswith("b-choice: Tricky ~ = # { } : \\ < >")
    # Moodle XML
    root = etree.parse(str(out / "fixture-moodle.xml")).getroot()
    mq = next(e for e in root.iter("question") if e.findtext("idnumber") == "01-basics/b-choice")
    assert plain(mq.findtext("questiontext/text")) == TRICKY
    assert plain(mq.find("answer").findtext("text")) == TRICKY_OPT
    # QTI
    with zipfile.ZipFile(out / "fixture-qti.zip") as zf:
        item = next(i for i in etree.fromstring(zf.read("cf-fixture-01-basics/cf-fixture-01-basics.xml")).iter(f"{QTI}item")
                    if i.get("ident") == "cf-01-basics-b-choice")
    assert plain(item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")) == TRICKY
    assert plain(item.findtext(f".//{QTI}response_label/{QTI}material/{QTI}mattext")) == TRICKY_OPT
    for fmt, check in CHECKS.items():
        assert check(out / file_name("fixture", fmt), pack) == expected_summary(pack)


def test_default_pack_exports_to_all_formats(tmp_path) -> None:
    pack = load_pack(ROOT / "lessons").pack  # the default pack must check clean
    notes = export_pack(pack, tmp_path)
    for fmt, check in CHECKS.items():
        assert check(tmp_path / file_name(pack.info.id, fmt), pack) == expected_summary(pack), fmt
    highlights = sum(ex.type == "highlight" for lsn in pack.lessons for ex in lsn.exercises)
    assert highlights == 5 and not any(" left out " in n for n in notes)
    for fmt in CHECKS:
        assert any(n.startswith(f"{fmt}: {highlights} highlight exercise(s) are multiple-answer") for n in notes)


# ---------------------------------------------------------------- categories: one tree from both Moodle files

GIFT_ESCAPES = [("\\:", "&&058;"), ("\\#", "&&035;"), ("\\=", "&&061;"), ("\\{", "&&123;"), ("\\}", "&&125;"),
                ("\\~", "&&126;"), ("\\n", "&&010")]


def moodle_category_names(path: str) -> list[str]:
    """What Moodle makes of a category path (qformat_default::split_category_path, then
    create_category_path: the context token dropped, "top" put first unless it is there)."""
    names = [n.replace("//", "/").strip() for n in re.split(r"(?<!/)/(?!/)", path)]
    if re.fullmatch(r"\$[a-z]+\$", names[0]):
        names = names[1:]
    if names and (names[0] != "top" or len(names) < 3):
        names = ["top"] + names
    return names


def gift_category_path(block: str) -> str:
    """qformat_gift::readquestion on a `$CATEGORY:` block: escapedchar_pre, then the rest of the text."""
    text = block.strip().replace("\\\\", "&&092;")
    for esc, placeholder in GIFT_ESCAPES:
        text = text.replace(esc, placeholder)
    text = text.replace("&&092;", "\\")
    assert text.startswith("$CATEGORY:")
    return text[len("$CATEGORY:"):].strip()


def test_gift_and_moodle_xml_fill_one_category_tree(tmp_path) -> None:
    lessons = tmp_path / "lessons"
    shutil.copytree(FIXTURE, lessons)
    pack_title = 'Case: A/B – "tests" ~ = # { } \\\\ \\\\n end/'
    (lessons / "pack.yml").write_text((lessons / "pack.yml").read_text(encoding="utf-8").replace(
        'title: "Fixture pack"', "title: '" + pack_title.replace("'", "''") + "'", 1), encoding="utf-8")
    pack = load_pack(lessons).pack
    assert pack.info.title == pack_title
    out = tmp_path / "out"
    export_pack(pack, out, ["moodle", "gift"], quiet=True)
    root = etree.parse(str(out / "fixture-moodle.xml")).getroot()
    xml_paths = [q.findtext("category/text").strip() for q in root.iter("question") if q.get("type") == "category"]
    gift_paths = [gift_category_path(b) for b in (out / "fixture.gift.txt").read_text(encoding="utf-8").split("\n\n")
                  if b.startswith("$CATEGORY:")]
    assert len(xml_paths) == 2 and gift_paths == xml_paths
    want = [["top", to_plain(pack_title), to_plain(lsn.title)] for lsn in pack.lessons]
    assert [moodle_category_names(p) for p in xml_paths] == want
    assert xml_paths[0].startswith("$course$/top/Case: A//B")


# ---------------------------------------------------------------- Moodle's grades for multiple answers

def test_moodle_shares_use_moodles_own_values() -> None:
    from generator.export.common import moodle_shares

    for n in range(1, 21):
        shares = moodle_shares(n)
        assert shares is not None and len(shares) == n
        assert all(s in MOODLE_FRACTIONS for s in shares)
        assert round(sum(shares) / 100, 2) == 1  # qtype_multichoice's check
    assert moodle_shares(3) == [33.33333] * 3 and moodle_shares(6) == [16.66667] * 6
    assert moodle_shares(7) == [14.28571] * 7 and moodle_shares(9) == [11.11111] * 9
    assert moodle_shares(11) == [10.0] * 9 + [5.0] * 2  # no 1/11 in Moodle's list
    assert moodle_shares(20) == [5.0] * 20 and moodle_shares(21) is None


def moodle_grade(fractions: list[float], picked: list[bool]) -> float:
    """qtype_multichoice_multi_question::grade_response: the picked fractions added, kept in [0, 1]."""
    return min(max(0.0, sum(f / 100 for f, p in zip(fractions, picked) if p)), 1.0)


def test_multiple_answers_score_as_on_the_site(fixture_pack, fixture_exports) -> None:
    """Every set of ticks on a choice (several answers) gets in Moodle what the site gives it; a
    highlight's phrases: the key phrases alone are full marks, ticking everything is 0."""
    import itertools

    out, _ = fixture_exports
    root = etree.parse(str(out / file_name("fixture", "moodle"))).getroot()
    by_key = {f"{lsn.id}/{e.id}": (lsn, e) for lsn in fixture_pack.lessons for e in lsn.exercises}
    paras = paragraphs(fixture_pack)
    gift = {q["meta"]["key"]: q for q in parse_gift((out / file_name("fixture", "gift")).read_text(encoding="utf-8"))
            if "meta" in q}
    seen = set()
    for q in root.iter("question"):
        if q.get("type") != "multichoice" or q.findtext("single") != "false":
            continue
        lsn, ex = by_key[q.findtext("idnumber")]
        fr = [float(a.get("fraction")) for a in q.findall("answer")]
        assert [a["weight"] for a in gift[q.findtext("idnumber")]["answers"]] == fr  # GIFT: the same weights
        view = ex.kind.choice_view(ex, paras[lsn.id])
        ids = [o.id for o in view.options]
        seen.add(ex.type)
        if ex.type == "choice":
            for picked in itertools.product([False, True], repeat=len(ids)):
                site, _ = ex.kind.score(ex, [i for i, p in zip(ids, picked) if p], {})
                assert abs(moodle_grade(fr, list(picked)) * ex.points - site) < 0.01, (ex.id, picked)
        elif ex.type == "highlight":
            keys = [o.id in view.answer for o in view.options]
            assert moodle_grade(fr, keys) == 1 and moodle_grade(fr, [True] * len(ids)) == 0
            site, _ = ex.kind.score(ex, [o.text for o in view.options if o.id in view.answer], paras[lsn.id])
            assert site == ex.points
    assert seen == {"choice", "highlight", "true_false"}  # true_false: tick the true statements (not the site's rule)


def test_many_right_answers(fixture_pack, tmp_path) -> None:
    """11 right answers: two of Moodle's grades that add up to 100 %; 21: left out of Moodle and GIFT, with why."""
    from generator.kinds.choice import Option

    lsn = fixture_pack.lessons[0]
    i, multi = next((i, e) for i, e in enumerate(lsn.exercises) if e.type == "choice" and e.multiple)
    try:
        for n, fine in ((11, True), (21, False)):
            opts = [Option(id=f"o{k}", text=f"Option {k}", why=f"Why {k}") for k in range(n + 2)]
            lsn.exercises[i] = multi.model_copy(update={"options": opts, "answer": [o.id for o in opts[:n]]})
            notes = export_pack(fixture_pack, tmp_path / str(n), quiet=True)
            left = [x for x in notes if "left out 01-basics/b-multi" in x]
            if fine:
                assert not left
                for fmt, check in CHECKS.items():
                    check(tmp_path / str(n) / file_name("fixture", fmt), fixture_pack)
                root = etree.parse(str(tmp_path / str(n) / file_name("fixture", "moodle"))).getroot()
                q = next(q for q in root.iter("question") if q.findtext("idnumber") == "01-basics/b-multi")
                assert [a.get("fraction") for a in q.findall("answer")] == ["10"] * 9 + ["5"] * 2 + ["-10"] * 2
            else:
                assert [x.split(":")[0] for x in left] == ["moodle", "gift"]
                assert "cannot share 100 % among 21 right answers" in left[0]
    finally:
        lsn.exercises[i] = multi


# ---------------------------------------------------------------- highlight: the multiple-answer fallback

def test_highlight_phrases_are_faithful() -> None:
    """Over every highlight of the default pack and the fixture: the options are the key phrases and
    phrases of the same paragraph that, by the site's own rule, find no key; same input, same options."""
    from generator.kinds.highlight import highlight_found
    from generator.text import normalise

    n = 0
    for where in (ROOT / "lessons", FIXTURE):
        pack = load_pack(where).pack
        paras = paragraphs(pack)
        for lsn in pack.lessons:
            for ex in (e for e in lsn.exercises if e.type == "highlight"):
                n += 1
                text, keys = paras[lsn.id][ex.paragraph], [a.text for a in ex.answers]
                view = ex.kind.choice_view(ex, paras[lsn.id])
                assert view.multiple and [o.text for o in view.options if o.id in view.answer] == sorted(
                    keys, key=lambda k: normalise(text).find(normalise(k)))
                others = [o for o in view.options if o.id not in view.answer]
                assert 2 <= len(others) <= len(keys) + 2
                for o in others:
                    phrase = o.text.replace("\\", "")
                    assert normalise(phrase) in normalise(text), phrase
                    assert not any(highlight_found(k, [phrase], text, keys) for k in keys), phrase
                    assert ex.kind.score(ex, [phrase], paras[lsn.id])[0] == 0
                assert ex.kind.score(ex, keys, paras[lsn.id])[0] == ex.points
                again = ex.kind.choice_view(ex, paras[lsn.id])
                assert [(o.id, o.text) for o in again.options] == [(o.id, o.text) for o in view.options]
    assert n == 6


def test_distractor_phrases_rules() -> None:
    """Cut at punctuation, long clauses in even parts of at most 10 words, each phrase once, no key
    inside (even at its second occurrence), spread through the paragraph, at most `want`."""
    from generator.kinds.highlight import distractor_phrases

    para = ('Officials said, "the boat left at noon", officials said. Officials said. The harbour master, who was there '
            'all day long watching every single boat that came in or went out, said nothing; the boat was gone.')
    got = distractor_phrases(para, ["the boat"], 10)
    phrases = [p for _, p in got]
    assert phrases == ["Officials said", "left at noon", "officials said", "The harbour master",
                       "who was there all day long watching every", "single boat that came in or went out",
                       "said nothing", "was gone"]
    assert [at for at, _ in got] == sorted(at for at, _ in got)
    assert len(distractor_phrases(para, ["the boat"], 3)) == 3
    assert distractor_phrases(para, ["the boat"], 3) == distractor_phrases(para, ["the boat"], 3)


def test_skills_are_moodle_tags_and_qti_metadata_and_a_gift_note(fixture_pack, fixture_exports) -> None:
    out, notes = fixture_exports
    pack = fixture_pack
    want = {f"{lid}/{e.id}": [pack.skill(s).name for s in e.skills] for lid, lst in exported(pack).items() for e in lst}
    assert sum(bool(v) for v in want.values()) >= 2  # the fixture tags some exercises, not all
    root = etree.parse(str(out / file_name(pack.info.id, "moodle"))).getroot()
    got = {q.findtext("idnumber"): [t.findtext("text") for t in q.findall("tags/tag")]
           for q in root.findall("question") if q.get("type") != "category"}
    assert got == want
    assert all(len(q.findall("tags")) <= 1 for q in root.findall("question"))
    qti: dict[str, list[str]] = {}
    with zipfile.ZipFile(out / file_name(pack.info.id, "qti")) as zf:
        for name in zf.namelist():
            if name.count("/") != 1 or not name.endswith(".xml") or "assessment_meta" in name:
                continue
            for item in etree.fromstring(zf.read(name)).iter(f"{QTI}item"):
                fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                          for f in item.iter(f"{QTI}qtimetadatafield")}
                qti[item.get("ident")] = fields.get("casefile_skills", "").split("; ") if "casefile_skills" in fields else []
    assert qti == {"cf-" + k.replace("/", "-"): v for k, v in want.items()}
    tagged = sum(bool(v) for v in want.values())
    assert any(n.startswith(f"gift: GIFT has no question tags: the skills of {tagged} question(s)") for n in notes)
