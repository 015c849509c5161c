"""One HTML report per student: every exercise of the lessons handed in, in pack order, right or
wrong and why; open answers under their rubric and model answer. Written by an autoescaping Jinja2
template (templates/grade/report.html.j2 and each open kind's report.j2): student text is escaped,
author text goes through text.py's sanitizer. Defence in depth (issue 12.2): each report carries a
Content-Security-Policy <meta> tag that allows no script at all, no outside request and only its own
<style> (by its SHA-256), so a script that got past the escaping would still not run."""

from __future__ import annotations

import base64
import functools
import hashlib

import jinja2
from markupsafe import Markup

from .. import i18n, model
from ..text import to_html, to_plain
from .score import Student, fmt

CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #ccc;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
.ok{color:#1b5e20}.no{color:#b71c1c}.note{color:#555}.pts{float:right;font-weight:600}
blockquote{border-left:4px solid #3f51b5;margin:.5rem 0;padding:.2rem .8rem;background:#f4f5fb;white-space:pre-wrap}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top;text-align:left}
.score{border:1px dashed #888;display:inline-block;min-width:4rem;padding:.1rem .4rem}td.reached{background:#e8f5e9;outline:2px solid #1b5e20}.comment{border-left:4px solid #6a1b9a;background:#f7f0fa;padding:.2rem .8rem;margin:.5rem 0}.key{background:#f1f8e9;padding:.3rem .8rem;margin:.5rem 0}
@media print{body{margin:0;max-width:none}h2{break-before:auto}section{break-inside:avoid}}"""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# No script, no request (images, fonts, frames, forms, base) — only the report's own <style>.
CSP = (f"default-src 'none'; script-src 'none'; style-src {_sha256(CSS)}; img-src 'none'; font-src 'none'; "
       "connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")


@functools.cache
def env(language: str = i18n.SOURCE_LANGUAGE) -> jinja2.Environment:
    e = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],  # {{ _("…") }}: the catalogue (generator/i18n.py)
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("generator", "templates/grade"),
                                    jinja2.PackageLoader("generator", "kinds")]),  # the open kinds' report.j2
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=False,
    )
    e.globals.update(md=lambda t: Markup(to_html(t)), mdi=lambda t: Markup(to_html(t, inline=True)),
                     plain=to_plain, fmt=fmt, css=Markup(CSS), csp=Markup(CSP),  # constants, no quotes
                     kind_label=lambda ex: i18n.translations(language).gettext(ex.kind.label_for(ex)),
                     field_label=lambda s: i18n.translations(language).gettext(s),
                     enum_label=lambda v: i18n.translations(language).gettext(str(getattr(v, "value", v)).replace("_", " ")))
    i18n.install(e, language)
    # scores as the language writes them (2.5 → "2,5"); English keeps score.fmt's
    e.globals["fmt"] = fmt if i18n.resolve(language) == i18n.SOURCE_LANGUAGE else (lambda x: fmt(x).replace(".", ","))
    return e


def report_html(pack: model.Pack, st: Student) -> str:
    """One student's report."""
    opens = st.open_answers
    quotes = {c.id: c.quote for c in pack.claims}
    lang = i18n.resolve(pack.info.language)
    return env(lang).get_template("report.html.j2").render(
        pack=pack, st=st, title=f"{st.name}: {to_plain(pack.info.title)}", opens=opens,
        open_points=sum(r.ex.points for r in opens), marked_points=sum(r.ex.points for r in st.marked),
        claim_quote=lambda cid: quotes.get(cid, cid), show_key=True) + "\n"


__all__ = ["CSP", "CSS", "report_html"]
