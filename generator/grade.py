"""Score students' answer files (`<lesson>-<name>.casefile.json`) against the pack's key.

The file format and the scoring rules are a contract shared with the browser: `assets/casefile.js`
writes the files, `assets/check-answers.js` (teacher "Check answers" page) scores them with the same
rules and the same messages, from the key `browser_key()` embeds in that page.

Auto-gradable kinds get points; open answers (short answer, claim audit, lateral reading) are listed
in each student's report with their rubric and model answer for the teacher to score.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model
from .checks import normalise
from .errors import display_path
from .render import content_version, kind_label
from .text import end_sentence, to_html, to_plain

FORMAT = "casefile-answers"
FORMAT_VERSION = 1
MAX_BYTES = 5_000_000
AUDIT_FIELDS = ("evidence", "source", "other_sources", "confidence")
CONFIDENCES = ("high", "medium", "low", "unverified", "")
REDOWNLOAD = "ask the student to download it again from the lesson page"


class GradeError(Exception):
    """Nothing could be graded. `messages`: one "file: what is wrong, what to do" line each."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


# ---------------------------------------------------------------- the contract's small pieces

def canonical(obj: Any) -> str:
    """Keys sorted at every level, no spaces, non-ASCII kept (the browser does the same)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the file without its "checksum" key. It detects edited or
    damaged files; it is not protection (anyone can recompute it)."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def round2(x: float) -> float:
    """Half up to 2 decimals, the same float operations as Math.floor in check-answers.js."""
    return math.floor(x * 100 + 0.5 + 1e-9) / 100


def fmt(x: float) -> str:
    s = f"{x:.2f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def name_key(name: str) -> str:
    """Files from one student merge on the name with case and spacing ignored."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def csv_cell(text: str) -> str:
    """A spreadsheet must not run a student's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# ---------------------------------------------------------------- scoring

@dataclass
class Line:
    """One line of the "why" for an auto-scored answer: ok True (right), False (wrong), None (note)."""
    ok: bool | None
    html: str


@dataclass
class Scored:
    lesson: model.Lesson
    ex: Any
    answered: bool
    score: float | None  # None: open answer, for the teacher
    answer: Any = None
    lines: list[Line] = field(default_factory=list)

    @property
    def auto(self) -> bool:
        return self.ex.type in model.AUTO_GRADED


def _e(text: str) -> str:
    return html.escape(str(text), quote=False)


def _occurrences(needle: str, hay: str) -> list[int]:
    out, i = [], hay.find(needle)
    while needle and i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def highlight_found(key: str, spans: list[str], paragraph: str, keys: list[str] | None = None) -> bool:
    """A key span is found when a student span overlaps it and is at most twice as long as all the
    key spans it overlaps together (so one stretch over two adjacent key phrases finds both, while
    marking the whole paragraph finds nothing). `keys`: every key span of the exercise."""
    text, k = normalise(paragraph), normalise(key)
    all_keys = [normalise(x) for x in (keys or [key])]
    at = {x: _occurrences(x, text) for x in all_keys}
    for s in spans:
        s = normalise(s)
        for a in _occurrences(s, text) if s else []:
            def hits(x: str) -> bool:
                return any(a < b + len(x) and b < a + len(s) for b in at.get(x) or _occurrences(x, text))
            if hits(k) and len(s) <= 2 * sum(len(x) for x in all_keys if hits(x)):
                return True
    return False


def _pairs(pts: float, key: list[tuple[str, str, str, str]], answer: dict[str, str], shown: dict[str, str],
           verb: str, missing: str, lines: list[Line]) -> float:
    """Classify and match: each (item id, right choice, item text, why) of the key against the
    student's {item id: choice}; a line per item, points in proportion to those right."""
    n = 0
    for item, right, text, why in key:
        got = answer.get(item)
        ok = got == right
        n += ok
        said = f"{verb} “{shown[got]}”" if got else missing
        lines.append(Line(ok, f"“{to_plain(text)}”: {said}" + ("" if ok else f", should be “{shown[right]}”")
                          + f". {to_html(why, inline=True)}"))
    return round2(pts * n / len(key))


def score(ex: Any, answer: Any, pack: model.Pack) -> tuple[float, list[Line]]:
    """Points for one auto-gradable answer (already shape-checked), with the why line by line."""
    pts = ex.points
    lines: list[Line] = []
    if ex.type == "choice":
        key, picked = set(ex.answer), list(answer)
        right = sum(1 for p in picked if p in key)
        wrong = len(picked) - right
        for o in ex.options:
            if o.id in picked:
                lines.append(Line(o.id in key, f"Picked “{to_plain(o.text)}”: {'right' if o.id in key else 'wrong'}. {to_html(o.why, inline=True)}"))
            elif o.id in key:
                lines.append(Line(False, f"Missed “{to_plain(o.text)}”. {to_html(o.why, inline=True)}"))
        if ex.multiple:
            return round2(pts * max(0, right - wrong) / len(key)), lines
        return (float(pts) if set(picked) == key else 0.0), lines
    if ex.type == "classify":
        labels = {c.id: _e(c.label) for c in ex.categories}
        return _pairs(pts, [(it.id, it.answer, it.text, it.why) for it in ex.items], answer,
                      labels, "put in", "not sorted", lines), lines
    if ex.type == "match":
        rights = {x.id: to_plain(x.text) for x in ex.right}
        lefts = {x.id: x.text for x in ex.left}
        return _pairs(pts, [(p.left, p.right, lefts[p.left], p.why) for p in ex.answer], answer,
                      rights, "matched with", "not matched", lines), lines
    if ex.type == "order":
        texts = {i.id: to_plain(i.text) for i in ex.items}
        given = list(answer)
        n = sum(1 for i, iid in enumerate(ex.answer) if i < len(given) and given[i] == iid)
        lines.append(Line(None, "Student's order: " + " → ".join(texts[i] for i in given)))
        lines.append(Line(n == len(ex.answer), f"{n} of {len(ex.answer)} in the right place; the right order: "
                          + end_sentence(" → ".join(texts[i] for i in ex.answer)) + f" {to_html(ex.why, inline=True)}"))
        return (float(pts) if given == list(ex.answer) else round2(pts * n / len(ex.answer))), lines
    if ex.type == "highlight":
        para = _paragraph(pack, ex)
        n = 0
        for a in ex.answers:
            ok = highlight_found(a.text, answer, para, [b.text for b in ex.answers])
            n += ok
            lines.append(Line(ok, f"{'Found' if ok else 'Missed'} “{_e(a.text)}”. {to_html(a.why, inline=True)}"))
        extra = [s for s in answer if not any(highlight_found(a.text, [s], para, [b.text for b in ex.answers]) for a in ex.answers)]
        for s in extra:
            lines.append(Line(None, f"Also marked “{_e(s)}” (no points taken off)."))
        return round2(pts * n / len(ex.answers)), lines
    raise ValueError(ex.type)


def _paragraph(pack: model.Pack, ex: Any) -> str:
    for lesson in pack.lessons:
        if any(e is ex for e in lesson.exercises):
            src = pack.lesson_source(lesson)
            return next((p.text for p in src.paragraphs if p.id == ex.paragraph), "")
    return ""


# ---------------------------------------------------------------- reading a file

@dataclass
class AnswerFile:
    path: Path
    name: str  # as shown in messages
    student: str
    lesson: model.Lesson
    saved_at: str
    answers: dict[str, Any]


def _ids(xs: list[Any]) -> list[str]:
    return [x.id for x in xs]


def shape_problems(ex: Any, a: Any) -> list[str]:
    """What is wrong with one answer's shape (empty when it is fine)."""
    t = ex.type
    bad: list[str] = []

    def strs(v: Any) -> bool:
        return isinstance(v, list) and all(isinstance(s, str) for s in v)

    def known(vals: list[str], allowed: list[str], what: str) -> None:
        for v in vals:
            if v not in allowed:
                bad.append(f"{what} '{v}' is not one of {', '.join(allowed)}")

    if t in ("choice", "order"):
        allowed = _ids(ex.options if t == "choice" else ex.items)
        if not strs(a):
            return [f"a {t} answer must be a list of {'option' if t == 'choice' else 'item'} ids"]
        known(a, allowed, "option" if t == "choice" else "item")
        if len(set(a)) != len(a):
            bad.append("an id is listed twice")
    elif t in ("classify", "match"):
        if not (isinstance(a, dict) and all(isinstance(v, str) for v in a.values())):
            return [f"a {t} answer must map each {'item' if t == 'classify' else 'left item'} id to a {'category' if t == 'classify' else 'right item'} id"]
        keys, vals = (_ids(ex.items), _ids(ex.categories)) if t == "classify" else (_ids(ex.left), _ids(ex.right))
        known(list(a), keys, "item" if t == "classify" else "left item")
        known(list(a.values()), vals, "category" if t == "classify" else "right item")
    elif t == "highlight":
        if not strs(a):
            return ["a highlight answer must be a list of marked words"]
    elif t == "short_answer":
        if not (isinstance(a, dict) and isinstance(a.get("text"), str)):
            return ['a short answer must be {"text": "..."}']
    elif t == "lateral_reading":
        if not (isinstance(a, dict) and strs(a.get("steps"))):
            return ['a lateral reading answer must be {"steps": ["...", ...]}']
    elif t == "claim_audit":
        if not (isinstance(a, dict) and all(isinstance(v, dict) for v in a.values())):
            return ["a claim audit answer must map each claim id to its fields"]
        known(list(a), list(ex.claims), "claim")
        for row in a.values():
            for k, v in row.items():
                if k not in AUDIT_FIELDS or not isinstance(v, str):
                    bad.append(f"field '{k}' is not one of {', '.join(AUDIT_FIELDS)} with text")
                elif k == "confidence" and v not in CONFIDENCES:
                    bad.append(f"confidence '{v}' is not one of high, medium, low, unverified")
    return bad


def read_answer_file(pack: model.Pack, path: Path) -> AnswerFile | list[str]:
    """The file, checked; or every problem found, as "file: what is wrong, what to do" lines."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [f"{name}: file not found; check the name"]
    except OSError as e:
        return [f"{name}: cannot be read ({e.strerror}); check the file"]
    if len(raw) > MAX_BYTES:
        return [f"{name}: too large for an answer file ({len(raw)} bytes); pick the .casefile.json file the student downloaded"]
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [f"{name}: not UTF-8 text, so not an answer file; pick the .casefile.json file the student downloaded"]
    except json.JSONDecodeError as e:
        return [f"{name}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); the file is damaged: {REDOWNLOAD}"]
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"{name}: not a Casefile answer file (no \"format\": \"{FORMAT}\"); pick the .casefile.json file the student downloaded"]
    if data.get("format_version") != FORMAT_VERSION or type(data.get("format_version")) is not int:
        return [f"{name}: answer file format version {data.get('format_version')!r} is not supported (this Casefile reads version {FORMAT_VERSION}); update Casefile or {REDOWNLOAD}"]
    problems: list[str] = []
    missing = [k for k in ("pack", "pack_version", "lesson", "lesson_version", "student", "saved_at", "answers", "checksum")
               if k not in data]
    if missing:
        return [f"{name}: missing {', '.join(missing)}; the file is incomplete: {REDOWNLOAD}"]
    if not isinstance(data["checksum"], str) or data["checksum"].lower() != checksum(data):
        problems.append(f"{name}: checksum does not match: the file was edited or damaged after it was saved; {REDOWNLOAD}")
    if data["pack"] != pack.info.id:
        problems.append(f"{name}: answers for pack '{data['pack']}', not this pack '{pack.info.id}'; "
                        f"grade it with --lessons pointing at the pack it comes from")
        return problems
    lesson = next((ls for ls in pack.lessons if ls.id == data["lesson"]), None)
    if lesson is None:
        problems.append(f"{name}: lesson '{data['lesson']}' is not in this pack (lessons: {', '.join(ls.id for ls in pack.lessons)}); "
                        f"grade it against the pack it comes from")
        return problems
    now = content_version(pack, lesson)
    if data["lesson_version"] != now:
        was = f"pack version {data['pack_version']}, " if str(data["pack_version"]) != pack.info.version else ""
        problems.append(f"{name}: saved from an older version of lesson '{lesson.id}' ({was}lesson version {data['lesson_version']}, now {now}); "
                        f"the exercises have changed since: ask the student to open the lesson again, check their answers and download a new file")
        return problems
    student = data["student"]
    if not isinstance(student, str) or not clean_name(student):
        problems.append(f"{name}: no student name; ask the student to type their name and download again")
    if not isinstance(data["saved_at"], str):
        problems.append(f"{name}: \"saved_at\" is not a date; {REDOWNLOAD}")
    answers = data["answers"]
    if not isinstance(answers, dict):
        problems.append(f"{name}: \"answers\" is not an object; {REDOWNLOAD}")
        return problems
    by_id = {ex.id: ex for ex in lesson.exercises}
    for ex_id, a in answers.items():
        ex = by_id.get(ex_id)
        if ex is None:
            problems.append(f"{name}: exercise '{ex_id}' is not in lesson '{lesson.id}'; the file does not match this pack: {REDOWNLOAD}")
            continue
        for what in shape_problems(ex, a):
            problems.append(f"{name}: exercise '{ex_id}': {what}; {REDOWNLOAD}")
    if problems:
        return problems
    return AnswerFile(path, name, clean_name(student), lesson, data["saved_at"], answers)


# ---------------------------------------------------------------- grading a class

@dataclass
class Student:
    name: str
    files: dict[str, AnswerFile] = field(default_factory=dict)  # lesson id -> file
    results: list[Scored] = field(default_factory=list)

    @property
    def auto_score(self) -> float:
        return round2(sum(r.score for r in self.results if r.auto and r.score is not None))

    @property
    def auto_max(self) -> int:
        return sum(r.ex.points for r in self.results if r.auto)

    @property
    def open_answers(self) -> list[Scored]:
        return [r for r in self.results if not r.auto and r.answered]


@dataclass
class GradeResult:
    students: list[Student]
    problems: list[str]
    notes: list[str]
    gradebook: Path
    reports: list[Path]

    @property
    def summary(self) -> str:
        n_files = sum(len(s.files) for s in self.students)
        n_open = sum(len(s.open_answers) for s in self.students)
        out = [f"Graded {n_files} file{'s' if n_files != 1 else ''} for {len(self.students)} student{'s' if len(self.students) != 1 else ''}.",
               f"  Gradebook: {display_path(self.gradebook)}",
               f"  Reports:   {display_path(self.gradebook.parent / 'reports')}/ ({len(self.reports)})"]
        if n_open:
            out.append(f"  {n_open} open answer{'s' if n_open != 1 else ''} to score: see the reports (rubric and model answer under each).")
        out += [f"  Note: {n}" for n in self.notes]
        if self.problems:
            out.append(f"  Not graded ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}, listed above).")
        return "\n".join(out)


def expand(files: list[Path]) -> list[Path]:
    """Folders stand for the .json files in them."""
    out: list[Path] = []
    for f in files:
        if f.is_dir():
            found = sorted(f.glob("*.json"))
            out += found if found else [f]
        else:
            out.append(f)
    return out


def columns(pack: model.Pack) -> list[tuple[model.Lesson, Any]]:
    """Gradebook column order: pack lesson order, then exercise order."""
    return [(lesson, ex) for lesson in pack.lessons for ex in lesson.exercises]


def grade(pack: model.Pack, files: list[Path], out: Path) -> GradeResult:
    problems: list[str] = []
    notes: list[str] = []
    students: dict[str, Student] = {}
    for path in expand(files):
        if path.is_dir():
            problems.append(f"{display_path(path)}: folder holds no .json answer files; pick the files students downloaded")
            continue
        got = read_answer_file(pack, path)
        if isinstance(got, list):
            problems += got
            continue
        st = students.setdefault(name_key(got.student), Student(got.student))
        old = st.files.get(got.lesson.id)
        if old is not None:
            keep, drop = (got, old) if got.saved_at >= old.saved_at else (old, got)
            notes.append(f"{st.name}: two files for lesson '{got.lesson.id}'; used {keep.name} (saved {keep.saved_at}), not {drop.name}")
            got = keep
        st.files[got.lesson.id] = got
    if not students:
        raise GradeError(problems or ["no answer files given; name the .casefile.json files students downloaded"])
    ordered = sorted(students.values(), key=lambda s: (name_key(s.name), s.name))
    for st in ordered:
        for lesson, ex in columns(pack):
            f = st.files.get(lesson.id)
            if f is None:
                continue
            if ex.id not in f.answers:
                st.results.append(Scored(lesson, ex, False, 0.0 if ex.type in model.AUTO_GRADED else None))
                continue
            a = f.answers[ex.id]
            if ex.type in model.AUTO_GRADED:
                pts, lines = score(ex, a, pack)
                st.results.append(Scored(lesson, ex, True, pts, a, lines))
            else:
                st.results.append(Scored(lesson, ex, True, None, a))
    out.mkdir(parents=True, exist_ok=True)
    gradebook = out / "gradebook.csv"
    gradebook.write_bytes(gradebook_csv(pack, ordered).encode("utf-8"))
    reports_dir = out / "reports"
    reports_dir.mkdir(exist_ok=True)
    reports: list[Path] = []
    used: set[str] = set()
    for st in ordered:
        slug = re.sub(r"[^a-z0-9]+", "-", name_key(st.name)).strip("-") or "student"
        base, n = slug, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        p = reports_dir / f"{slug}.html"
        p.write_text(report_html(pack, st), encoding="utf-8")
        reports.append(p)
    return GradeResult(ordered, problems, notes, gradebook, reports)


# ---------------------------------------------------------------- outputs

TOTALS = ["Auto score", "Auto max", "Open answers", "Open max"]


def gradebook_header(pack: model.Pack) -> list[str]:
    return ["Student"] + [f"{lesson.id}/{ex.id}" for lesson, ex in columns(pack)] + TOTALS


def gradebook_rows(pack: model.Pack, students: list[Student]) -> list[list[str]]:
    """One row per student. Cells: points; "to score" for an open answer; "" for a lesson not handed in."""
    rows = []
    for st in students:
        by = {(r.lesson.id, r.ex.id): r for r in st.results}
        row = [csv_cell(st.name)]
        for lesson, ex in columns(pack):
            r = by.get((lesson.id, ex.id))
            if r is None:
                row.append("")
            elif r.auto or not r.answered:
                row.append(fmt(r.score or 0.0))
            else:
                row.append("to score")
        opens = st.open_answers
        row += [fmt(st.auto_score), str(st.auto_max), str(len(opens)), str(sum(r.ex.points for r in opens))]
        rows.append(row)
    return rows


def gradebook_csv(pack: model.Pack, students: list[Student]) -> str:
    """UTF-8 with a BOM (spreadsheets then read accents right), CRLF, minimal quoting: the browser
    page writes the same bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(gradebook_header(pack))
    w.writerows(gradebook_rows(pack, students))
    return "\ufeff" + buf.getvalue()


CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #ccc;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
.ok{color:#1b5e20}.no{color:#b71c1c}.note{color:#555}.pts{float:right;font-weight:600}
blockquote{border-left:4px solid #3f51b5;margin:.5rem 0;padding:.2rem .8rem;background:#f4f5fb;white-space:pre-wrap}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top;text-align:left}
.score{border:1px dashed #888;display:inline-block;min-width:4rem;padding:.1rem .4rem}.key{background:#f1f8e9;padding:.3rem .8rem;margin:.5rem 0}
@media print{body{margin:0;max-width:none}h2{break-before:auto}section{break-inside:avoid}}"""


def _rubric(r: model.Rubric) -> str:
    head = "".join(f"<th scope=\"col\">{_e(lv)}</th>" for lv in r.levels)
    body = "".join(f"<tr><th scope=\"row\">{to_html(c.criterion, inline=True)}</th>"
                   + "".join(f"<td>{to_html(c.levels.get(lv, ''), inline=True)}</td>" for lv in r.levels) + "</tr>"
                   for c in r.criteria)
    return f"<table class=\"rubric\"><caption>Rubric</caption><thead><tr><th scope=\"col\">Criterion</th>{head}</tr></thead><tbody>{body}</tbody></table>"


def _open_answer(pack: model.Pack, r: Scored) -> str:
    ex, a = r.ex, r.answer
    if not r.answered:
        return "<p class=\"note\">Not answered.</p>"
    out = ["<p><strong>Student's answer:</strong></p>"]
    if ex.type == "short_answer":
        out.append(f"<blockquote>{_e(a['text']) or '<em>(empty)</em>'}</blockquote>")
    elif ex.type == "lateral_reading":
        out.append("<ol>" + "".join(f"<li>{to_html(step, inline=True)}<blockquote>{_e(a['steps'][i]) if i < len(a['steps']) and a['steps'][i] else '<em>(empty)</em>'}</blockquote></li>"
                                    for i, step in enumerate(ex.steps)) + "</ol>")
    elif ex.type == "claim_audit":
        keys = {k.claim: k for k in ex.key}
        rows = []
        for cid in ex.claims:
            row = a.get(cid, {})
            quote = next((c.quote for c in pack.claims if c.id == cid), cid)
            rows.append(f"<tr><th scope=\"row\">“{_e(quote)}”</th>" + "".join(f"<td>{_e(row.get(k, ''))}</td>" for k in AUDIT_FIELDS) + "</tr>")
            if cid in keys:
                k = keys[cid]
                rows.append("<tr class=\"key\"><th scope=\"row\">Key</th>" + "".join(
                    f"<td>{to_html(getattr(k, f), inline=True) if f != 'confidence' else k.confidence.value}</td>" for f in AUDIT_FIELDS) + "</tr>")
        out.append("<table><thead><tr><th scope=\"col\">Claim</th><th scope=\"col\">Evidence offered</th><th scope=\"col\">Source it relies on</th>"
                   "<th scope=\"col\">What other sources say</th><th scope=\"col\">Confidence</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    out.append(_rubric(ex.rubric))
    if ex.type == "lateral_reading":
        out.append(f"<div class=\"key\"><p><strong>What a good search finds</strong> (as of {ex.as_of.isoformat()}):</p>{to_html(ex.finds)}</div>")
    out.append(f"<div class=\"key\"><p><strong>Model answer:</strong></p>{to_html(ex.model_answer)}</div>")
    out.append(f"<p>Your score: <span class=\"score\">&nbsp;</span> / {ex.points}</p>")
    return "".join(out)


def report_html(pack: model.Pack, st: Student) -> str:
    """One student's report: every exercise of the lessons handed in, in pack order."""
    title = f"{st.name}: {to_plain(pack.info.title)}"
    opens = st.open_answers
    parts = [f"<!doctype html><html lang=\"{pack.info.language}\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title>",
             f"<style>{CSS}</style></head><body><h1>{_e(title)}</h1>",
             f"<p>Auto-scored: <strong>{fmt(st.auto_score)} / {st.auto_max}</strong> points. "
             f"Open answers to score: <strong>{len(opens)}</strong> ({sum(r.ex.points for r in opens)} points).</p><ul>"]
    for n, lesson in enumerate(pack.lessons, 1):
        f = st.files.get(lesson.id)
        state = f"handed in: {_e(f.name)}, saved {_e(f.saved_at)}" if f else "not handed in"
        parts.append(f"<li>Lesson {n}, {_e(to_plain(lesson.title))}: {state}</li>")
    parts.append("</ul>")
    for n, lesson in enumerate(pack.lessons, 1):
        results = [r for r in st.results if r.lesson.id == lesson.id]
        if not results:
            continue
        parts.append(f"<h2>Lesson {n}: {_e(to_plain(lesson.title))}</h2>")
        for i, r in enumerate(results, 1):
            ex = r.ex
            label = kind_label(ex)
            if r.auto:
                verdict = ("right" if r.score == ex.points else "partly right" if r.score else "wrong") if r.answered else "not answered"
                pts = f"<span class=\"pts\">{fmt(r.score or 0)} / {ex.points}: {verdict}</span>"
            else:
                pts = f"<span class=\"pts\">to score / {ex.points}</span>" if r.answered else f"<span class=\"pts\">0 / {ex.points}: not answered</span>"
            parts.append(f"<section id=\"{_e(ex.id)}\"><h3>{pts}{i}. {_e(ex.id)} ({label})</h3><div>{to_html(ex.prompt)}</div>")
            if r.auto:
                if not r.answered:
                    parts.append("<p class=\"note\">Not answered.</p>")
                else:
                    parts.append("<ul>" + "".join(
                        f"<li class=\"{'ok' if ln.ok else 'note' if ln.ok is None else 'no'}\">{'✔ ' if ln.ok else '' if ln.ok is None else '✘ '}{ln.html}</li>"
                        for ln in r.lines) + "</ul>")
                if ex.explanation:
                    parts.append(f"<div class=\"key\"><strong>Why:</strong> {to_html(ex.explanation)}</div>")
            else:
                parts.append(_open_answer(pack, r))
            parts.append("</section>")
    parts.append("</body></html>\n")
    return "".join(parts)


# ---------------------------------------------------------------- the key for the browser page

def browser_key(pack: model.Pack) -> dict[str, Any]:
    """What the teacher "Check answers" page needs to score files exactly as `grade` does.
    Teacher edition only: it holds every key."""
    lessons = []
    for lesson in pack.lessons:
        src = pack.lesson_source(lesson)
        paras = {p.id: p.text for p in src.paragraphs}
        exs = []
        for ex in lesson.exercises:
            e: dict[str, Any] = {"id": ex.id, "type": ex.type, "points": ex.points}
            if ex.type == "choice":
                e |= {"multiple": ex.multiple, "options": _ids(ex.options), "key": list(ex.answer)}
            elif ex.type == "classify":
                e |= {"items": _ids(ex.items), "categories": _ids(ex.categories), "key": {i.id: i.answer for i in ex.items}}
            elif ex.type == "order":
                e |= {"items": _ids(ex.items), "key": list(ex.answer)}
            elif ex.type == "match":
                e |= {"left": _ids(ex.left), "right": _ids(ex.right), "key": {p.left: p.right for p in ex.answer}}
            elif ex.type == "highlight":
                e |= {"text": paras.get(ex.paragraph, ""), "key": [a.text for a in ex.answers]}
            elif ex.type == "claim_audit":
                e |= {"claims": list(ex.claims)}
            exs.append(e)
        lessons.append({"id": lesson.id, "version": content_version(pack, lesson), "exercises": exs})
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "pack": pack.info.id, "pack_version": pack.info.version,
            "lessons": lessons, "header": gradebook_header(pack)}


def browser_key_json(pack: model.Pack) -> str:
    """The key as one line of JSON that is safe inside <script type="application/json">."""
    return canonical(browser_key(pack)).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
