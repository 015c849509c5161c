"""QTI 1.2 as Canvas Classic Quizzes imports it: a zip with imsmanifest.xml and one quiz per lesson.

Layout and vocabulary follow Canvas's own exports (and text2qti's, which Canvas imports): per quiz
`<ident>/<ident>.xml` (`questestinterop`) and `<ident>/assessment_meta.xml` (Canvas quiz settings),
both listed in the manifest. Question types: multiple_choice_question, multiple_answers_question,
matching_question, essay_question. A multiple-answers item's `render_choice` has `maxnumber` (the number
of options): Canvas' converter (QTIMigrationTool) takes `maxChoices` from it, and 1 without it. HTML
sits in `mattext` as escaped text. The zip is reproducible: sorted entries, fixed timestamps.

Images (`media.py`'s vetted bytes) go into the zip as `images/<asset name>`, each a `webcontent`
resource of the manifest, and the question's `<img>` points at `%24IMS-CC-FILEBASE%24/images/…`,
the package-relative address Canvas rewrites to the course file on import (text2qti's layout).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from .. import media, shuffle
from . import common
from .common import Question, Selection

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
MD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def ident(*parts: str) -> str:
    """A readable identifier, valid as an XML ID (starts with a letter)."""
    return "cf-" + "-".join(parts)


def short_id(*parts: str) -> str:
    return "g" + hashlib.sha1("/".join(parts).encode()).hexdigest()[:24]


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        el.text = text
    return el


def _mattext(parent: etree._Element, html: str, texttype: str = "text/html") -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype=texttype)


def _meta(parent: etree._Element, fields: list[tuple[str, str]]) -> None:
    md = _sub(parent, "qtimetadata")
    for label, entry in fields:
        f = _sub(md, "qtimetadatafield")
        _sub(f, "fieldlabel", label)
        _sub(f, "fieldentry", entry)


def _feedback(item: etree._Element, fid: str, html: str) -> None:
    fb = _sub(item, "itemfeedback", ident=fid)
    _mattext(_sub(fb, "flow_mat"), html)


def _condition(res: etree._Element, respident: str, value: str | None, *, cont: str,
               score: tuple[str, str] | None = None, feedback: str | None = None) -> etree._Element:
    rc = _sub(res, "respcondition", **({"continue": cont} if cont else {}))
    cv = _sub(rc, "conditionvar")
    if value is None:
        _sub(cv, "other")
    else:
        _sub(cv, "varequal", value, respident=respident)
    if score:
        _sub(rc, "setvar", score[1], action=score[0], varname="SCORE")
    if feedback:
        _sub(rc, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return rc


IMAGES = "images"  # the zip's folder of image files


def _image_tag(pack) -> common.ImageTag:
    """An image as Canvas shows a file of the package: Markup.format escapes the name and alt text."""
    def tag(img):  # type: ignore[no-untyped-def]
        return Markup('<img src="%24IMS-CC-FILEBASE%24/{}/{}" alt="{}">').format(
            IMAGES, media.asset_name(img.file, pack.media[img.file]), img.alt)
    return tag


def _item(pack, q: Question, section: etree._Element) -> None:
    ex = q.ex
    iid = ident(q.lesson.id, ex.id)
    form = q.form("qti")  # "multiple_choice": the kind has options, answer, multiple; "matching": match_pairs
    c = q.choice_view() if form == "multiple_choice" else None  # choice; highlight: phrases of its paragraph
    qtype = {"multiple_choice": "multiple_answers_question" if c and c.multiple else "multiple_choice_question",
             "matching": "matching_question"}.get(form or "", "essay_question")
    item = _sub(section, "item", ident=iid, title=common.title(q))
    answer_ids = ""
    text = common.prompt_html(pack, q, _image_tag(pack))
    if form == "matching":
        text += ex.kind.matching_hint()
    elif form == "multiple_choice":
        text += ex.kind.choice_hint()
    pres = etree.Element("presentation")
    _mattext(pres, text)
    res = etree.Element("resprocessing")
    outcomes = _sub(res, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedbacks: list[tuple[str, str]] = []
    if c is not None:
        lid = _sub(pres, "response_lid", ident="response1", rcardinality="Multiple" if c.multiple else "Single")
        # Canvas' converter (QTIMigrationTool) takes maxChoices from maxnumber, else 1: let every option be ticked.
        rc = _sub(lid, "render_choice", **({"maxnumber": str(len(c.options))} if c.multiple else {}),
                  **({"shuffle": "Yes"} if shuffle.wanted(pack.info, ex) else {}))
        for o in c.options:
            lab = _sub(rc, "response_label", ident=o.id)
            _mattext(lab, common.mdi(o.text))
        answer_ids = ",".join(o.id for o in c.options)
        general = common.md(ex.explanation)
        if general:
            _condition(res, "response1", None, cont="Yes", feedback="general_fb")
            feedbacks.append(("general_fb", general))
        for o in c.options:
            _condition(res, "response1", o.id, cont="Yes", feedback=f"fb_{o.id}")  # never "general_fb"
            feedbacks.append((f"fb_{o.id}", common.mdi(o.why)))
        if c.multiple:
            rc_ = _sub(res, "respcondition", **{"continue": "No"})
            both = _sub(_sub(rc_, "conditionvar"), "and")
            for o in c.options:
                if o.id in c.answer:
                    _sub(both, "varequal", o.id, respident="response1")
                else:
                    _sub(_sub(both, "not"), "varequal", o.id, respident="response1")
            _sub(rc_, "setvar", "100", action="Set", varname="SCORE")
        else:
            _condition(res, "response1", c.answer[0], cont="No", score=("Set", "100"))
    elif form == "matching":
        pairs, rights = common.match_pairs(q)
        share = 100 / len(pairs)
        general = common.general_feedback_html(q)
        if general:
            _condition(res, "", None, cont="Yes", feedback="general_fb")
            feedbacks.append(("general_fb", general))
        for lid_, ltext, rid in pairs:
            rid_ident = f"response_{lid_}"
            lid = _sub(pres, "response_lid", ident=rid_ident)
            _mattext(lid, common.plain(ltext), "text/plain")
            rc = _sub(lid, "render_choice")
            for r_id, r_text in rights:
                lab = _sub(rc, "response_label", ident=f"m_{r_id}")
                _sub(_sub(lab, "material"), "mattext", common.plain(r_text))
            _condition(res, rid_ident, f"m_{rid}", cont="Yes", score=("Add", f"{share:.2f}"))
        answer_ids = ",".join(f"response_{lid_}" for lid_, _, _ in pairs)
    else:
        rs = _sub(pres, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(rs, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        _condition(res, "response1", None, cont="Yes", feedback="general_fb")
        _condition(res, "response1", None, cont="No")
        feedbacks.append(("general_fb", common.grader_html(pack, q)))
    meta = _sub(item, "itemmetadata")
    names = common.skill_names(pack, q)  # the skills it practises (a label of our own: Canvas reads the labels it knows)
    _meta(meta, [("question_type", qtype), ("points_possible", f"{float(ex.points):g}"),
                 ("original_answer_ids", answer_ids), ("assessment_question_identifierref", short_id(iid, "ref"))]
          + ([("casefile_skills", "; ".join(names))] if names else []))
    item.append(pres)
    item.append(res)
    for fid, html in feedbacks:
        _feedback(item, fid, html)


def _assessment(pack, lesson, questions: list[Question], aid: str) -> bytes:
    root = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    # Children in the default namespace: build without prefixes, then move into QTI_NS.
    asm = etree.SubElement(root, "assessment", ident=aid, title=common.plain(lesson.title))
    _meta(asm, [("cc_maxattempts", "1")])
    section = _sub(asm, "section", ident="root_section")
    for q in questions:
        _item(pack, q, section)
    _namespace(root, QTI_NS)
    etree.indent(root, space="  ")
    return common.xml_bytes(root)


def _namespace(root: etree._Element, ns: str) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{ns}}}{el.tag}"


def _shuffle_answers(pack, questions: list[Question]) -> str:
    """Canvas shuffles a whole quiz's answers or none: on when every multiple-choice question of the
    lesson shuffles (pack.yml exercises.shuffle, or the exercise's own shuffle)."""
    mc = [q for q in questions if q.form("qti") == "multiple_choice"]
    return "true" if mc and all(shuffle.wanted(pack.info, q.ex) for q in mc) else "false"


def _assessment_meta(pack, lesson, questions: list[Question], aid: str) -> bytes:
    root = etree.Element("quiz", identifier=aid, nsmap={None: CANVAS_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd")
    points = f"{float(sum(q.ex.points for q in questions)):.1f}"
    for tag, value in [("title", common.plain(lesson.title)), ("description", common.md(lesson.summary)),
                       ("shuffle_answers", _shuffle_answers(pack, questions)), ("scoring_policy", "keep_highest"), ("quiz_type", "assignment"),
                       ("points_possible", points), ("show_correct_answers", "true"), ("anonymous_submissions", "false"),
                       ("allowed_attempts", "1"), ("one_question_at_a_time", "false"), ("cant_go_back", "false"),
                       ("available", "false")]:
        _sub(root, tag, value)
    asg = _sub(root, "assignment", identifier=short_id(aid, "assignment"))
    for tag, value in [("title", common.plain(lesson.title)), ("workflow_state", "unpublished"),
                       ("quiz_identifierref", aid), ("points_possible", points), ("grading_type", "points"),
                       ("submission_types", "online_quiz")]:
        _sub(asg, tag, value)
    _sub(root, "assignment_group_identifierref", short_id(aid, "group"))
    _namespace(root, CANVAS_NS)
    etree.indent(root, space="  ")
    return common.xml_bytes(root)


def _manifest(pack, quizzes: list[tuple[str, str]], images: list[str] | None = None) -> bytes:
    """quizzes: (assessment ident, meta ident); images: the zip's image files."""
    root = etree.Element("manifest", identifier=short_id(pack.info.id, "manifest"),
                         nsmap={None: CP_NS, "imsmd": MD_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation",
             f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {MD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd")
    meta = _sub(root, "metadata")
    _sub(meta, "schema", "IMS Content")
    _sub(meta, "schemaversion", "1.1.3")
    lom = etree.SubElement(meta, f"{{{MD_NS}}}lom")
    title = etree.SubElement(etree.SubElement(lom, f"{{{MD_NS}}}general"), f"{{{MD_NS}}}title")
    etree.SubElement(title, f"{{{MD_NS}}}string").text = common.plain(pack.info.title)
    date = etree.SubElement(etree.SubElement(etree.SubElement(lom, f"{{{MD_NS}}}lifeCycle"), f"{{{MD_NS}}}contribute"),
                            f"{{{MD_NS}}}date")
    etree.SubElement(date, f"{{{MD_NS}}}dateTime").text = common.export_date(pack).isoformat()
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    for aid, mid in quizzes:
        r = _sub(resources, "resource", identifier=aid, type="imsqti_xmlv1p2")
        _sub(r, "file", href=f"{aid}/{aid}.xml")
        _sub(r, "dependency", identifierref=mid)
        m = _sub(resources, "resource", identifier=mid, type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                 href=f"{aid}/assessment_meta.xml")
        _sub(m, "file", href=f"{aid}/assessment_meta.xml")
    for name in images or []:
        r = _sub(resources, "resource", identifier=short_id(pack.info.id, name), type="webcontent", href=name)
        _sub(r, "file", href=name)
    _namespace(root, CP_NS)
    etree.indent(root, space="  ")
    return common.xml_bytes(root)


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """A reproducible zip: manifest first, then sorted names, fixed timestamps and permissions."""
    names = sorted(files, key=lambda n: (n != "imsmanifest.xml", n))
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, files[name], compresslevel=9)


def write(sel: Selection, path: Path) -> tuple[int, list[str]]:
    """Write the QTI zip; (questions written, notes)."""
    files: dict[str, bytes] = {}
    quizzes: list[tuple[str, str]] = []
    count = 0
    notes: list[str] = []
    exported: list[Question] = []
    orders = 0
    for lesson in sel.lessons:
        kept, left_out = common.split(sel.questions[lesson.id], "qti")
        notes += left_out
        exported += kept
        if not kept:
            continue
        aid = ident(sel.pack.info.id, lesson.id)
        mid = ident(sel.pack.info.id, lesson.id, "meta")
        files[f"{aid}/{aid}.xml"] = _assessment(sel.pack, lesson, kept, aid)
        files[f"{aid}/assessment_meta.xml"] = _assessment_meta(sel.pack, lesson, kept, aid)
        quizzes.append((aid, mid))
        count += len(kept)
        orders += sum(q.ex.kind.ordered for q in kept)
    for q in exported:  # the files the <img> tags name
        for img in common.shown_images(sel.pack, q):
            data = sel.pack.media[img.file]
            files[f"{IMAGES}/{media.asset_name(img.file, data)}"] = data
    files["imsmanifest.xml"] = _manifest(sel.pack, quizzes, sorted(n for n in files if n.startswith(IMAGES + "/")))
    notes += common.kind_notes(exported, "qti")
    if orders:
        notes.append(f"qti: Canvas Classic Quizzes have no ordering type: {orders} order question(s) are matching "
                     "questions (each item to its position)")
    if any(q.form("qti") != "multiple_choice" for lsn in sel.lessons for q in common.split(sel.questions[lsn.id], "qti")[0]):
        notes.append("qti: Canvas has no grader-only field: essays' rubric and model answer, and the per-item reasons "
                     "of matching questions, are the question's general comments, which Canvas shows students after "
                     "submission if the quiz lets them see their responses")
    write_zip(path, files)
    return count, notes
