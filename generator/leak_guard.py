"""The build-time leak guard (issue 12.5): before a build is swapped into site/, every file of the
public editions (HTML, search index, sitemap, scripts, the text of their PDFs) is scanned for any
teacher-only text of the pack. A hit stops the publication, naming the file, the teacher field
it came from (file:line) and what to do.

A PDF this build typeset is checked by the JSON document Typst made it from (its strings and the
text its SVG images draw), all the pack text it can hold (handouts/typeset.py); any other PDF is
read back with PDFium (pdf_text.py). Everything is compared by its letters, digits and combining
marks only (skeleton()).

What counts as teacher text: every value of a `teacher()` field, as plain text with whitespace
folded, at least MIN_CHARS long (MIN_LETTERS of them letters or digits), that appears nowhere in
what students may see anyway (a highlight key is a quote of the public article). Instant-feedback keys are teacher-only too: they
may reach students only encoded (data-k), never as text.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Iterator

import ahocorasick
from pydantic import BaseModel

from .edition import EDITIONS, is_teacher_only, policy, public_fields
from .errors import display_path
from .load import Loaded
from .text import to_plain as text_to_plain

MIN_CHARS = 24
MIN_LETTERS = 16  # letters and digits in it (what the scan compares, skeleton())
SCANNED = {".html", ".htm", ".json", ".xml", ".js", ".txt", ".md", ".csv", ".svg", ".pdf"}
_TAG = re.compile(r"<[^>]*>")
_ATTR = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Secret:
    text: str    # folded plain text
    field: str   # e.g. claim 'c3' note
    where: str   # file:line:col of the value in the pack


def fold(text: str) -> str:
    return " ".join(text.split())  # = re.sub(r"\s+", " ", text).strip(), in C


def to_plain(text: str) -> str:
    """Author Markdown as the text a reader sees: text.to_plain (memoised, and the same rule the
    pages use), whitespace folded."""
    return fold(text_to_plain(text)) if text else ""


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, Enum):
        return  # a fixed vocabulary (status, type), not text anyone wrote
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _teacher_values(obj: Any, label: str) -> Iterator[tuple[str, str]]:
    """(field label, string) of every teacher-only value under obj."""
    if isinstance(obj, BaseModel):
        oid = getattr(obj, "id", None)
        here = f"{type(obj).__name__.lower()} '{oid}'" if isinstance(oid, str) else label
        for name, info in type(obj).model_fields.items():
            value = getattr(obj, name)
            if is_teacher_only(info):
                for s in _strings(value):
                    yield f"{here} {name}", s
            else:
                yield from _teacher_values(value, here)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _teacher_values(v, label)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _teacher_values(v, label)


def _positions(loaded: Loaded) -> dict[str, str]:
    """folded plain text of every string in the pack's YAML files -> its file:line:col."""
    out: dict[str, str] = {}
    for f in loaded.files.values():
        def walk(node: Any, path: tuple[Any, ...]) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, path + (str(k),))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, path + (i,))
            elif isinstance(node, str):
                key = fold(node)
                if len(key) >= MIN_CHARS and key not in out:
                    line, col = f.at(path)
                    out[key] = f"{f.shown}:{line}:{col}"
        walk(f.data, ())
    return out


def teacher_secrets(loaded: Loaded) -> list[Secret]:
    """Every distinctive teacher-only text of the pack, remembered in the content cache by the bytes
    of the pack's files and of Casefile's code (which fields are teacher-only, how text renders)."""
    from . import cache

    try:
        # the files' bytes, and the pack as it is built (a variant shows students text that is
        # teacher-only in the whole lesson, so the same files can have other secrets)
        parts = ["secrets", _code(), [(name, f.path.read_bytes()) for name, f in sorted(loaded.files.items())],
                 hashlib.sha256(loaded.pack.model_dump_json(exclude={"media"}).encode()).hexdigest()]
    except OSError:
        return _teacher_secrets(loaded)
    memo = cache.Table("leak-guard", code=_code())
    hit = memo.get(parts)
    if hit is not None:
        return [Secret(*row) for row in json.loads(hit)]
    secrets = _teacher_secrets(loaded)
    memo.put(parts, json.dumps([[s.text, s.field, s.where] for s in secrets]))
    return secrets


@functools.cache
def _code() -> str:
    from . import cache

    return cache.fingerprint(*sorted(Path(__file__).parent.rglob("*.py")))


def _teacher_secrets(loaded: Loaded) -> list[Secret]:
    pack = loaded.pack
    where = _positions(loaded)
    seen: dict[str, Secret] = {}  # by skeleton: what the scan compares
    for label, raw in _teacher_values(pack, "pack"):
        plain = to_plain(raw)
        for text in (plain, fold(raw)):  # as rendered, and as written (pasted Markdown stays Markdown)
            key = skeleton(text)
            if len(text) >= MIN_CHARS and len(key) >= MIN_LETTERS and key not in seen:
                seen[key] = Secret(text, label, where.get(fold(raw)) or where.get(plain) or "?")
    # Not distinctive: teacher text that students see anyway (a highlight key quotes the article).
    # judged as the scan matches (skeleton), each string on its own line: a secret never spans two
    public = "\n".join(skeleton(t) for s in _strings_of_public(pack) for t in (s, text_to_plain(s)))
    shown = {secret.text for secret, _ in _find(list(seen.values()), public)}
    return [s for s in seen.values() if s.text not in shown]


def _automaton(secrets: list[Secret]) -> Any:
    auto = ahocorasick.Automaton()
    for i, s in enumerate(secrets):
        auto.add_word(skeleton(s.text), i)
    auto.make_automaton()
    return auto


_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _kept(c: str) -> bool:
    return c.isalnum() or unicodedata.category(c)[0] == "M"  # a vowel sign or an accent is part of the word


@functools.lru_cache(maxsize=65536)
def _alnum_run(run: str) -> str:
    return run if run.isalnum() else "".join(c for c in run if _kept(c))


def _alnum_of(m: re.Match[str]) -> str:
    return _alnum_run(m[0])  # the same few runs over and over: “ ” ’ — ¶ é


def skeleton(text: str) -> str:
    """Text as compared: NFKC-normalised (one form for "é", "ﬁ" as "fi"), then only its letters,
    digits and combining marks (any script: a Hindi vowel sign stays). A PDF has spaces where the
    text moved, not always where the words part; the site's quotation marks are drawn by CSS
    around a <q>, and a handout's by Typst around a quote node; a word broken over two lines gets a
    hyphen.

    ASCII is dropped byte-wise in C, and only the runs of other characters are looked at one by one
    (tests/test_leak_guard.py compares it with the plain definition)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _NON_ASCII.sub(_alnum_of, text.encode("utf-8", "surrogatepass").translate(None, _ASCII_NOT_ALNUM)
                          .decode("utf-8", "surrogatepass"))


def _find(secrets: list[Secret], text: str, auto: Any = None) -> list[tuple[Secret, int]]:
    """(secret, end) of every secret in `text`, a skeleton."""
    if not secrets:
        return []
    auto = auto or _automaton(secrets)
    return [(secrets[i], end) for end, i in auto.iter(text)]


def _strings_of_public(pack: Any) -> Iterator[str]:
    yield from _strings_json(public_fields(pack))


# ---------------------------------------------------------------- the files

def _text_of(path: Path, data: bytes, digest: str | None = None) -> str:
    if path.suffix == ".pdf":
        from .handouts import typeset

        made_from = typeset.source_of(digest or typeset.digest(data))
        if made_from is not None:  # typeset by this build: its text is its document's
            return _typeset_text(json.loads(made_from))
        from .pdf_text import pdf_text

        return pdf_text(data)
    raw = data.decode("utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            strings = list(_strings_json(json.loads(raw)))
        except ValueError:
            strings = [raw]
        raw = "\n".join(strings)
    if path.suffix in (".html", ".htm", ".xml", ".svg", ".json"):
        attrs = " ".join(a or b for a, b in _ATTR.findall(raw))
        raw = html.unescape(_TAG.sub("", raw)) + "\n" + html.unescape(attrs)
    return raw


def _strings_json(v: Any) -> Iterator[str]:
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _strings_json(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings_json(x)


def _typeset_text(doc: Any) -> str:
    """All the text a handout document can put in its PDF: its strings, and the text an SVG image
    draws (Typst prints an SVG's <text> as text; a PNG or JPEG has only pixels)."""
    if not isinstance(doc, dict):
        return "\n".join(_strings_typeset(doc))
    parts = list(_strings_typeset({k: v for k, v in doc.items() if k != "media"}))
    for name, b64 in sorted((doc.get("media") or {}).items()):
        if str(name).lower().endswith(".svg") and isinstance(b64, str):
            parts.append(_text_of(Path(str(name)), base64.b64decode(b64)))
    return "\n".join(parts)


def _strings_typeset(v: Any) -> Iterator[str]:
    """The strings of a handout document in the order Typst prints them: a prose node
    ({"t": tag, "c": [children], "href"?}, handouts/tree.py) gives its children's text, then its
    link; its tag is not text."""
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        if "t" in v and "c" in v:
            yield from _strings_typeset(v["c"])
            if isinstance(v.get("href"), str):
                yield v["href"]
            return
        for x in v.values():
            yield from _strings_typeset(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings_typeset(x)


def public_files(build_dir: Path) -> list[Path]:
    """Every file a public edition publishes: its site folder and the handout folders it may link."""
    files: list[Path] = []
    for name in EDITIONS:
        pol = policy(name)
        if pol.private:
            continue
        if (build_dir / name).is_dir():
            files += [p for p in sorted((build_dir / name).rglob("*")) if p.is_file()]
        for folder in sorted(pol.handout_folders):
            d = build_dir / "handouts" / folder
            if d.is_dir():
                files += [p for p in sorted(d.rglob("*")) if p.is_file()]
    return [p for p in files if p.suffix.lower() in SCANNED]


def _digest(secrets: list[Secret]) -> str:
    h = hashlib.sha256()
    for sec in secrets:
        h.update(b"%d:" % len(sec.text.encode()) + sec.text.encode())
    return h.hexdigest()


def scan(files: Iterable[Path], secrets: list[Secret], *, build_dir: Path, out_dir: Path,
         docs_dir: Path | None = None, pages_dir: Path | None = None) -> list[str]:
    """One message per (file, teacher text) found; [] when nothing leaks.

    Text is compared as its letters and digits (skeleton(): PDFs have no real spaces, an HTML tag
    between two words leaves none, quotation marks may be drawn by CSS or Typst). The theme's own
    files, unchanged, are not read. What a file holds is remembered in the content cache by the
    SHA-256 of its bytes and of the secrets: a file already scanned against the same secrets (a
    warm build: unchanged pages, PDFs Typst made byte-identical) is not read again."""
    if not secrets:
        return []
    from . import cache

    memo = cache.Table("leak-guard", code=_code())
    key = _digest(secrets)
    auto: Any = None
    seen: dict[str, list[int]] = {}  # by content hash: a PDF copied into the site is read once
    messages = []
    for path in files:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            # how the file is read is part of the key: a PDF checked by its document now may be read back later
            how = "document" if path.suffix == ".pdf" and _typeset_knows(digest) else "bytes"
            parts = ["hits", digest, path.suffix, key, how]
            hit = memo.get(parts)
            if hit is None and _theme_file(path.relative_to(build_dir), data):
                found = []
            elif hit is None:
                auto = auto or _automaton(secrets)
                found = sorted({i for _, i in auto.iter(skeleton(_text_of(path, data, digest)))})
                memo.put(parts, json.dumps(found))
            else:
                found = json.loads(hit)
            seen[digest] = found
        rel = path.relative_to(build_dir)
        shown = display_path(out_dir / rel)
        for i in seen[digest]:
            s = secrets[i]
            quote = s.text if len(s.text) <= 60 else s.text[:57] + "…"
            messages.append(f"{shown}: holds teacher-only text, {s.field} from {s.where} (\"{quote}\"); "
                            f"{_advice(rel, docs_dir, pages_dir)}")
    return messages


def _typeset_knows(digest: str) -> bool:
    from .handouts import typeset

    return typeset.knows(digest)


@functools.cache
def _theme_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("material")
    folders = list(spec.submodule_search_locations or []) if spec else []
    return Path(folders[0]) / "templates" if folders else None


def _theme_file(rel: Path, data: bytes) -> bool:
    """An edition's file that is, byte for byte, the installed theme's own file at the same path (its
    scripts, its search's language files): nothing of the pack is in it. A docs/ file put at that
    path has other bytes and is read."""
    theme = _theme_dir()
    if theme is None or len(rel.parts) < 2:
        return False
    own = theme.joinpath(*rel.parts[1:])
    try:
        return own.stat().st_size == len(data) and own.read_bytes() == data
    except OSError:
        return False


def _advice(rel: Path, docs_dir: Path | None, pages_dir: Path | None = None) -> str:
    parts = rel.parts
    for folder in (pages_dir, docs_dir):  # a pack's page replaces the docs/ page of the same path
        if folder is None or len(parts) < 2 or rel.suffix != ".html":
            continue
        md = folder / Path(*parts[1:]).with_suffix(".md")
        if md.is_file():
            return (f"remove it from {display_path(md)}, or make that page teacher-only (move it under "
                    f"{display_path(folder)}/teacher/ or add 'edition: teacher' to its front matter); nothing was published")
    return "remove it from the page or file it was pasted into (or report a bug if it is generated); nothing was published"


def check(loaded: Loaded, build_dir: Path, out_dir: Path, docs_dir: Path | None = None,
          pages_dir: Path | None = None) -> list[str]:
    """The guard as `casefile build` runs it on its temporary folder."""
    return scan(public_files(build_dir), teacher_secrets(loaded), build_dir=build_dir, out_dir=out_dir,
                docs_dir=docs_dir, pages_dir=pages_dir)
