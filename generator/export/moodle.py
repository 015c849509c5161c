"""Moodle XML: a question bank with one category per lesson.

Structure as in Moodle's own exports (question/format/xml): `<quiz>`, a category pseudo-question per
lesson, then `multichoice`, `matching`, `ordering` (core since Moodle 4.4) and `essay` questions.
HTML goes in CDATA; the essay key (rubric, model answer) in `graderinfo`, which students never see.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from lxml import etree
from markupsafe import Markup

from .. import media

from ..i18n import _
from .. import shuffle
from . import common
from .common import Question, Selection


def _cdata(html: str) -> etree.CDATA:
    # "]]>" cannot sit in CDATA; in HTML text "&gt;" means the same.
    return etree.CDATA(html.replace("]]>", "]]&gt;"))


def _text(parent: etree._Element, tag: str, html: str | None, *, fmt: str | None = "html", **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, **({"format": fmt} if fmt else {}), **attrs)
    t = etree.SubElement(el, "text")
    if html:
        t.text = _cdata(html)
    return el


def _plain(parent: etree._Element, tag: str, text: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    etree.SubElement(el, "text").text = text
    return el


def _value(parent: etree._Element, tag: str, value: object) -> None:
    etree.SubElement(parent, tag).text = str(value)


def _combined_feedback(qel: etree._Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(qel, tag, None)
    etree.SubElement(qel, "shownumcorrect")


def _image_tag(pack) -> common.ImageTag:
    """An image as Moodle shows a file of the question: Markup.format escapes the name and alt text."""
    def tag(img: Any) -> Markup:
        return Markup('<img src="@@PLUGINFILE@@/{}" alt="{}">').format(media.asset_name(img.file, pack.media[img.file]), img.alt)
    return tag


def _question(pack, q: Question) -> etree._Element:
    ex = q.ex
    # "multiple_choice": the kind has options, answer, multiple; "matching": match_pairs; "ordering": items, answer
    kind = {"multiple_choice": "multichoice", "matching": "matching", "ordering": "ordering"}.get(q.form("moodle") or "", "essay")
    qel = etree.Element("question", type=kind)
    _plain(qel, "name", common.title(q))
    images = common.shown_images(pack, q)
    qtext = _text(qel, "questiontext", common.prompt_html(pack, q, _image_tag(pack) if images else None)
                  + (ex.kind.choice_hint() if kind == "multichoice" else ""))
    for img in images:  # the files the <img> tags name, inside the question (Moodle's @@PLUGINFILE@@)
        data = pack.media[img.file]
        f = etree.SubElement(qtext, "file", name=media.asset_name(img.file, data), path="/", encoding="base64")
        f.text = base64.b64encode(data).decode("ascii")
    # Essays: the key goes in graderinfo (teachers only), never in feedback students see.
    if kind == "essay":
        general = ""
    elif kind == "multichoice":
        general = common.md(ex.explanation)
    else:
        general = common.general_feedback_html(q)
    _text(qel, "generalfeedback", general)
    _value(qel, "defaultgrade", f"{ex.points:.7f}")
    _value(qel, "penalty", "0.3333333" if kind != "essay" else "0.0000000")
    _value(qel, "hidden", 0)
    _value(qel, "idnumber", q.key)
    if kind == "multichoice":
        c = q.choice_view()  # the choice kind itself; true_false: its statements; highlight: phrases
        _value(qel, "single", "false" if c.multiple else "true")
        _value(qel, "shuffleanswers", "true" if shuffle.wanted(pack.info, ex) else "false")
        _value(qel, "answernumbering", "abc")
        _value(qel, "showstandardinstruction", 0)
        _combined_feedback(qel)
        for o, frac in zip(c.options, common.choice_fractions(q) or []):
            a = _text(qel, "answer", common.mdi(o.text), fraction=common.fraction_text(frac))
            _text(a, "feedback", common.mdi(o.why))
    elif kind == "matching":
        _value(qel, "shuffleanswers", "true")
        _combined_feedback(qel)
        pairs, rights = common.match_pairs(q)
        right_text = dict(rights)
        for _lid, ltext, rid in pairs:
            sub = _text(qel, "subquestion", common.mdi(ltext))
            _plain(sub, "answer", common.plain(right_text[rid]))
        used = {rid for _, _, rid in pairs}
        for rid, rtext in rights:
            if rid not in used:  # a distractor: an answer with no question
                sub = _text(qel, "subquestion", None)
                _plain(sub, "answer", common.plain(rtext))
    elif kind == "ordering":
        _value(qel, "layouttype", "VERTICAL")
        _value(qel, "selecttype", "ALL")
        _value(qel, "selectcount", 0)
        _value(qel, "gradingtype", "ABSOLUTE_POSITION")
        _value(qel, "showgrading", "SHOW")
        _value(qel, "numberingstyle", "none")
        _combined_feedback(qel)
        items = {i.id: i.text for i in ex.items}
        for pos, iid in enumerate(ex.answer, start=1):
            _text(qel, "answer", common.mdi(items[iid]), fraction=f"{pos}.0000000")
    else:
        _value(qel, "responseformat", "editor")
        _value(qel, "responserequired", 1)
        lines = getattr(ex, "lines", 15)
        _value(qel, "responsefieldlines", max(5, min(40, -(-lines // 5) * 5)))
        _value(qel, "attachments", 0)
        _value(qel, "attachmentsrequired", 0)
        _text(qel, "graderinfo", common.grader_html(pack, q))
        _text(qel, "responsetemplate", None)
    names = common.skill_names(pack, q)
    if names:  # Moodle's question tags (qformat_xml reads <tags><tag><text>)
        tags = etree.SubElement(qel, "tags")
        for name in names:
            _plain(tags, "tag", name)
    return qel


def write(sel: Selection, path: Path) -> tuple[int, list[str]]:
    """Write the Moodle XML file; (questions written, notes)."""
    root = etree.Element("quiz")
    root.append(etree.Comment(" " + _("%(title)s: Casefile export. It holds answer keys: keep it private.") % {"title": common.plain(sel.pack.info.title)} + " "
                              .replace("--", "- -")))
    count = 0
    notes: list[str] = []
    exported: list[Question] = []
    orders = 0
    for lesson in sel.lessons:
        kept, left_out = common.split(sel.questions[lesson.id], "moodle")
        notes += left_out
        exported += kept
        if not kept:
            continue
        cat = etree.SubElement(root, "question", type="category")
        _plain(cat, "category", common.category_path(sel.pack, lesson))
        _text(cat, "info", common.md(lesson.summary))
        for q in kept:
            root.append(_question(sel.pack, q))
            count += 1
            orders += q.ex.kind.ordered
    notes += common.kind_notes(exported, "moodle")
    if orders:
        notes.append(f"moodle: {orders} order question(s) use the 'ordering' type, core since Moodle 4.4 "
                     "(an older Moodle without the qtype_ordering plugin rejects the file: use the GIFT file there)")
    etree.indent(root, space="  ")
    path.write_bytes(common.xml_bytes(root))
    return count, notes
