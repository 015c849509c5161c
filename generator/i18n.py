"""The message catalogue: every word Casefile itself writes into a site, a script, a handout, an
export or a grade report, in the pack's `language:` (pack.yml).

The English text is the message id; translations are gettext catalogues under
`generator/locale/<language>/LC_MESSAGES/casefile.po` (template: `generator/locale/casefile.pot`,
made by `pybabel extract -F babel.cfg`, see `make messages`). The `.po` is read and compiled in
memory with Babel when first needed: no `.mo` to keep in step, the same bytes on every machine,
nothing fetched.

Python code marks a string with `_("…")` (or `ngettext(singular, plural, n)`), translated in the
language of the current `using(language)` block; strings defined at import time (kind labels, the
activity labels) are marked with `N_("…")` and translated where they are shown (`_(label)`). The
Jinja environments get the same catalogue through `jinja2.ext.i18n` (`install(env, language)`).
The browser gets its strings as data (`browser_strings`), Typst in its JSON (`typst_strings`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext
import io
from pathlib import Path
from typing import Any, Iterator

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel is imported where it is used: an English pack needs none of it
    from babel import Locale
    from babel.messages.catalog import Catalog

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "casefile"
SOURCE_LANGUAGE = "en"   # the language of the message ids

_current: contextvars.ContextVar[str] = contextvars.ContextVar("casefile_language", default=SOURCE_LANGUAGE)


def N_(message: str) -> str:
    """Marks a string for the catalogue without translating it (translate it where it is shown)."""
    return message


def available() -> list[str]:
    """The languages with a catalogue, English (the message ids) first."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE] + [lang for lang in found if lang != SOURCE_LANGUAGE]


def resolve(language: str) -> str:
    """The catalogue a pack language uses: itself, else its base language (`de-AT` → `de`), else English."""
    have = available()
    for cand in (language, language.replace("-", "_"), language.split("-")[0].split("_")[0]):
        if cand in have:
            return cand
    return SOURCE_LANGUAGE


@functools.cache
def catalog(language: str) -> Catalog | None:
    """The parsed `.po` of a language (None for English and for languages without one)."""
    lang = resolve(language)
    if lang == SOURCE_LANGUAGE:
        return None
    from babel.messages.pofile import read_po

    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


@functools.cache
def template() -> Catalog:
    """The message template (`casefile.pot`): every message id Casefile writes."""
    from babel.messages.pofile import read_po

    with open(LOCALE_DIR / f"{DOMAIN}.pot", "rb") as f:
        return read_po(f)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """gettext translations for a language, compiled in memory from its `.po` (English: the ids)."""
    cat = catalog(language)
    if cat is None:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def missing(language: str) -> list[str]:
    """Message ids of the template that the language's catalogue does not translate."""
    lang = resolve(language)
    if lang == SOURCE_LANGUAGE:
        return []
    cat = catalog(lang)
    assert cat is not None
    out = []
    for msg in template():
        if not msg.id:
            continue
        have = cat.get(msg.id, msg.context)
        strings = (have.string if have else None)
        if not have or have.fuzzy or not strings or (isinstance(strings, tuple) and not all(strings)):
            out.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return out


# ---------------------------------------------------------------- Python strings
@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """`_` and `ngettext` translate into `language` inside this block."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    return _current.get()


def _(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


# ---------------------------------------------------------------- Jinja
def install(env: Any, language: str) -> Any:
    """Gives a Jinja environment (with `jinja2.ext.i18n`) the catalogue of `language`:
    `{{ _("…") }}`, `{{ ngettext("…", "…", n) }}` (newstyle: `%(num)s` and named values formatted,
    autoescaped where the environment escapes)."""
    env.install_gettext_translations(translations(language), newstyle=True)
    env.globals["format_date"] = lambda d: format_date(d, language)
    env.globals["format_number"] = lambda n: format_number(n, language)
    env.globals["short_date"] = lambda d: short_date(d, language)
    env.globals["language"] = resolve(language)
    return env


# ---------------------------------------------------------------- dates and numbers
def _locale(language: str) -> "Locale":
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(resolve(language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(SOURCE_LANGUAGE)


def format_date(d: dt.date, language: str | None = None) -> str:
    """A date as the pages print it: "1 December 2026" in English, the language's long form
    otherwise ("1. Dezember 2026")."""
    lang = resolve(language or _current.get())
    if lang == SOURCE_LANGUAGE:
        return d.strftime("%-d %B %Y")  # as Casefile always wrote it
    from babel.dates import format_date as babel_format_date

    return babel_format_date(d, "long", locale=_locale(lang))


def short_date(d: dt.date, language: str | None = None) -> str:
    """A date in a table or a note: ISO (2026-06-15) in English, as Casefile has always written it;
    the language's own short form otherwise ("15.06.2026")."""
    lang = resolve(language or _current.get())
    if lang == SOURCE_LANGUAGE or isinstance(d, dt.datetime):
        return d.isoformat()
    from babel.dates import format_date as babel_format_date

    return babel_format_date(d, "medium", locale=_locale(lang))


def format_number(n: float, language: str | None = None) -> str:
    """A score or count in the language's digits and decimal sign (2.5 → "2,5" in German)."""
    lang = resolve(language or _current.get())
    if lang == SOURCE_LANGUAGE:
        return f"{n:g}"
    from babel.numbers import format_decimal

    return format_decimal(n, locale=_locale(lang))


# ---------------------------------------------------------------- the browser and Typst
def _plural_samples(language: str) -> dict[str, int]:
    """One number for each CLDR plural category of the language (what Intl.PluralRules returns)."""
    loc = _locale(language)
    out: dict[str, int] = {}
    for n in range(0, 200):
        out.setdefault(loc.plural_form(n), n)
    return out


def browser_strings(language: str, messages: list[str | tuple[str, str]]) -> dict[str, Any]:
    """The translations a script needs, as data: {"lang": …, "s": {id: text}, "p": {singular:
    {CLDR category: text}}}. The script picks a plural form with `Intl.PluralRules(lang)`."""
    if catalog(language) is None:  # English: the ids are the text, the script's own n === 1 rule
        return {"lang": resolve(language), "s": {}, "p": {}}
    t = translations(language)
    single: dict[str, str] = {}
    plural: dict[str, dict[str, str]] = {}
    samples = _plural_samples(language)
    for m in messages:
        if isinstance(m, tuple):
            plural[m[0]] = {cat: t.ngettext(m[0], m[1], n) for cat, n in sorted(samples.items())}
        else:
            single[m] = t.gettext(m)
    return {"lang": resolve(language), "s": single, "p": plural}


@functools.cache
def typst_strings(language: str) -> dict[str, Any]:
    """The catalogue as the Typst templates read it (sys.inputs.ui; lib.typ's t and tn):
    {"s": {id: text}, "p": {singular: [forms]}, "pi": digits, the form for n = 0, 1, … 999}.
    Empty for English (the templates' ids are the English text)."""
    cat = catalog(language)
    if cat is None:
        return {"s": {}, "p": {}, "pi": ""}
    single: dict[str, str] = {}
    plural: dict[str, list[str]] = {}
    for msg in cat:
        if not msg.id or not msg.string or msg.fuzzy:
            continue
        if isinstance(msg.id, tuple):
            forms = list(msg.string)
            if all(forms):
                plural[msg.id[0]] = forms
        else:
            single[msg.id] = msg.string
    t = translations(language)
    # gettext's plural function of the catalogue, as digits (no language here has more than 10 forms)
    pi = "".join(str(t.plural(n)) if hasattr(t, "plural") else ("0" if n == 1 else "1") for n in range(1000))
    return {"s": single, "p": plural, "pi": pi}


def is_known(language: str) -> bool:
    """Whether Casefile has a catalogue for the language (English always)."""
    return resolve(language) != SOURCE_LANGUAGE or language.split("-")[0] == SOURCE_LANGUAGE


# ---------------------------------------------------------------- extraction (babel.cfg)
def extract_calls(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extractor for the Typst templates and the browser scripts: the literal arguments of
    `t("…")` and `tn("…", "…", n)` (the same calls kinds/bundle.py and lib.typ look up)."""
    import json
    import re

    text = fileobj.read().decode("utf-8")
    lit = r'"((?:[^"\\\n]|\\.)*)"'
    for m in re.finditer(r"\btn\(\s*" + lit + r"\s*,\s*" + lit + r"|\bt\(\s*" + lit, text):
        line = text.count("\n", 0, m.start()) + 1
        if m.group(3) is not None:
            yield line, "_", json.loads(f'"{m.group(3)}"'), []
        else:
            yield line, "ngettext", (json.loads(f'"{m.group(1)}"'), json.loads(f'"{m.group(2)}"')), []
