"""GIFT, as Moodle's qformat_gift reads it (and other LMSs that take GIFT).

One question per block, blocks separated by a blank line; `$CATEGORY:` per lesson. Text is HTML
(`[html]`), with GIFT's reserved characters `\\ ~ = # { } :` escaped by a backslash and newlines as
`\\n`, exactly as Moodle's own GIFT export does. GIFT has no points and no grader information:
points go into the question name and a comment, essays' rubric and model answer into the general
feedback (see the notes `export_pack` returns).
"""

from __future__ import annotations

from ..i18n import _
from . import common
from .common import Question, Selection

_RESERVED = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""}


def escape(text: str) -> str:
    """GIFT-escape any text (Moodle's repchar)."""
    return "".join(_RESERVED.get(ch, ch) for ch in text)


def _category(path: str) -> str:
    r"""The path as it stands on a `$CATEGORY:` line. Moodle's reader returns the rest of that line
    without parsing it, but after turning `\\` into `\` and `\:` `\#` `\=` `\{` `\}` `\~` `\n`
    into placeholders it never turns back: so the other characters stay as they are (":" too) and
    only a backslash is doubled. The path is then the Moodle XML file's, and both fill one tree."""
    return path.replace("\\", "\\\\")


def _question(pack, q: Question) -> str:
    ex = q.ex
    name = escape(f"{common.title(q)} ({common.points_label(ex.points)})")
    form = q.form("gift")  # "multiple_choice": the kind has options, answer, multiple; "matching": match_pairs
    text = common.prompt_html(pack, q)
    if form == "matching":
        text += ex.kind.matching_hint()
    elif form == "multiple_choice":
        text += ex.kind.choice_hint()
    head = [f"// casefile: {q.key} type={ex.type} points={ex.points}", f"::{name}::[html]{escape(text)}{{"]
    lines: list[str] = []
    general = ""
    if form == "multiple_choice":
        c = q.choice_view()  # the choice kind itself; true_false: its statements; highlight: phrases
        for o, frac in zip(c.options, common.choice_fractions(q) or []):
            if not c.multiple:
                mark = "=" if frac == 100 else "~"
            else:
                mark = f"~%{common.fraction_text(frac)}%"
            text = common.mdi(o.text)
            if text.startswith("%"):  # would read as a %weight%; GIFT has no escape for it, HTML has
                text = "&#37;" + text[1:]
            lines.append(f"\t{mark}{escape(text)}#{escape(common.mdi(o.why))}")
        general = common.md(ex.explanation)
    elif form == "matching":
        pairs, rights = common.match_pairs(q)
        right_text = dict(rights)
        for _lid, ltext, rid in pairs:
            lines.append(f"\t={escape(common.mdi(ltext))} -> {escape(common.plain(right_text[rid]))}")
        used = {rid for _, _, rid in pairs}
        for rid, rtext in rights:
            if rid not in used:
                lines.append(f"\t= -> {escape(common.plain(rtext))}")
        general = common.general_feedback_html(q)
    else:  # essays: GIFT has no grader information, so the key goes in the general feedback
        general = common.grader_html(pack, q)
    if general:
        lines.append(f"\t####{escape(general)}")
    return "\n".join(head + lines + ["}"])


def write(sel: Selection, path) -> tuple[int, list[str]]:
    """Write the GIFT file; (questions written, notes)."""
    blocks = ["// " + _("%(title)s: Casefile export (GIFT). It holds answer keys: keep it private.") % {"title": common.plain(sel.pack.info.title)}]
    count = 0
    notes: list[str] = []
    exported: list[Question] = []
    essays = 0
    for lesson in sel.lessons:
        kept, left_out = common.split(sel.questions[lesson.id], "gift")
        notes += left_out
        exported += kept
        if not kept:
            continue
        blocks.append(f"$CATEGORY: {_category(common.category_path(sel.pack, lesson))}")
        for q in kept:
            blocks.append(_question(sel.pack, q))
            count += 1
            essays += q.form("gift") == "essay"
    notes += common.kind_notes(exported, "gift")
    if count:
        notes.append("gift: GIFT has no points: every question imports worth 1 mark; the points are in each "
                     "question's name (set them in the quiz)")
    if essays:
        notes.append(f"gift: GIFT has no grader information: the rubric and model answer of {essays} essay "
                     "question(s) are in their general feedback, which Moodle shows students after the attempt "
                     "as the quiz's review options allow")
    tagged = sum(bool(q.ex.skills) for q in exported)
    if tagged:
        notes.append(f"gift: GIFT has no question tags: the skills of {tagged} question(s) are not in this file "
                     "(the Moodle XML file tags them)")
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return count, notes
