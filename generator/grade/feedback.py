"""One feedback file per student (grades/feedback/<name>.html): every answer, its score, the why
of what was graded, the rubric levels reached with their points and the teacher's comment. For the
student, so it shows no teacher notes, and an open answer's key (model answer, the key rows of a
claim audit, what a good search finds) only once the teacher has marked it. Printable, works
offline; the same autoescaping environment and Content-Security-Policy as the report (report.py:
no script, only its own <style>)."""

from __future__ import annotations

from .. import model
from ..text import to_plain
from .report import env
from .score import Student


def feedback_html(pack: model.Pack, st: Student) -> str:
    opens = st.open_answers
    quotes = {c.id: c.quote for c in pack.claims}
    return env().get_template("feedback.html.j2").render(
        pack=pack, st=st, title=f"Feedback for {st.name}: {to_plain(pack.info.title)}", opens=opens,
        open_points=sum(r.ex.points for r in opens), claim_quote=lambda cid: quotes.get(cid, cid), show_key=False) + "\n"


__all__ = ["feedback_html"]
