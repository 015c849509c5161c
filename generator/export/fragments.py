"""The HTML the exports carry (prompts, feedback, grader notes), written by autoescaping Jinja2
templates: the shared parts in templates/export/common.j2, each kind's own in
generator/kinds/<kind>/export.j2 (macros `prompt_extra`, `feedback_extra`, `grader_extra`).

Every value a template prints is escaped, except sanitized author HTML, which the templates get
through `md` / `mdi` (text.to_html) as Markup. Values are escaped for element content (`&`, `<`,
`>`; quotes are left as they are, as the exports always had them), so an export template never
puts a value inside a tag: tests/test_no_fstring_html.py checks that.
"""

from __future__ import annotations

import functools
import html
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from .. import i18n
from ..text import to_html


# Each format renders the same texts again; Markdown is the slow part, so render each text once.
@lru_cache(maxsize=8192)
def md(text: str | None) -> str:
    """Author Markdown as sanitized HTML (text.to_html)."""
    return to_html(text)


@lru_cache(maxsize=8192)
def mdi(text: str | None) -> str:
    """The same, inline: without the wrapping <p> of a one-paragraph text."""
    return to_html(text, inline=True)


def content(value: Any) -> Any:
    """The environment's `finalize`: a value that is not Markup is escaped for element content."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=False))


def env() -> jinja2.Environment:
    """The environment of the current language (i18n.using: the pack's, set by export_pack)."""
    return _env(i18n.resolve(i18n.current()))


@functools.cache
def _env(language: str) -> jinja2.Environment:
    e = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],  # {{ _("…") }}: the catalogue (generator/i18n.py)
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("generator", "templates/export"),
                                    jinja2.PackageLoader("generator", "kinds")]),  # the kinds' export.j2
        autoescape=True, finalize=content, undefined=jinja2.StrictUndefined, auto_reload=False,
    )
    e.globals.update(md=lambda t: Markup(md(t)), mdi=lambda t: Markup(mdi(t)),
                     enum_label=lambda v: i18n.translations(language).gettext(str(getattr(v, "value", v)).replace("_", " ")),
                     field_label=lambda s: i18n.translations(language).gettext(s))
    return i18n.install(e, language)


def fragment(template: str, macro: str, *args: Any, **kwargs: Any) -> str:
    """Macro `macro` of `template`, called with the arguments: "" when the template or the macro
    does not exist (a kind without that part)."""
    try:
        module = env().get_template(template).module
    except jinja2.TemplateNotFound:
        return ""
    fn = getattr(module, macro, None)
    return str(fn(*args, **kwargs)) if fn is not None else ""


__all__ = ["content", "env", "fragment", "md", "mdi"]
