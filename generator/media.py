"""Images as evidence: the files under a pack's `media/` folder that paragraphs and exercises show.

A pack is untrusted, so an image is only used after `check_media` has read and vetted it, once, at
load time: the path is a plain relative one under media/ (no `..`, no absolute path, no address,
no symlink leading out), the extension is PNG, JPEG or SVG and the bytes are of that type (magic
numbers), the size is within `Limits.image_bytes` (and all of them within `Limits.media_bytes`), and
the alt text says more than the file name.
An SVG is read with expat and refused (not repaired) when it holds anything that could run code or
load another file: <script>, <foreignObject>, on* attributes, links or url() to anything but its
own #ids, <style> with @import, a DOCTYPE or entities, a stylesheet instruction, or an element
outside the plain-drawing allow-list. Only the vetted bytes travel on, in `Pack.media`; every
output names a file by `asset_name()` (a hash of its bytes), never by the pack's path.
"""

from __future__ import annotations

import hashlib
import re
import xml.parsers.expat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterator

from pydantic import BaseModel

from .fields import Image
from .limits import Limits, megabytes

if TYPE_CHECKING:
    from .errors import Problem
    from .load import Loaded

MEDIA_DIR = "media"
TYPES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
EXT = {"png": ".png", "jpeg": ".jpg", "svg": ".svg"}
MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
ASSET_DIR = "assets/media"
ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}-[0-9a-f]{12}\.(png|jpg|svg)$")


def kind_of(data: bytes) -> str | None:
    """png, jpeg or svg from the bytes themselves (None: none of these)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")):
        return "svg"
    return None


def asset_name(path: str, data: bytes) -> str:
    """The file's name in every output: its stem (letters, digits, - and _) and a hash of its bytes."""
    stem = re.sub(r"[^a-z0-9_-]+", "-", PurePosixPath(path).stem.lower()).strip("-_")[:60] or "image"
    kind = kind_of(data) or TYPES.get(PurePosixPath(path).suffix.lower(), "png")
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:12]}{EXT[kind]}"


def asset_uri(path: str, data: bytes) -> str:
    """Where the image is in each edition's site."""
    return f"{ASSET_DIR}/{asset_name(path, data)}"


# ---------------------------------------------------------------- SVG

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "pattern", "marker", "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix",
    "feComposite", "feFlood", "feMerge", "feMergeNode", "feMorphology", "feDropShadow",
}
# What may sit inside <metadata> (an editor's licence and author record): data, never drawn.
METADATA_NS = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/",
               "http://creativecommons.org/ns#", "http://web.resource.org/cc/"}
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_BAD_CSS = re.compile(r"@import|@font-face|image-set\s*\(|cross-fade\s*\(|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.I)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _css_problem(css: str) -> str | None:
    if _BAD_CSS.search(css):
        return "CSS with @import, @font-face, image-set(), expression() or javascript: could load or run something"
    for m in _URL.finditer(css):
        if not m.group(1).startswith("#"):
            return f"url({m.group(1)[:40]}) points outside the image; only url(#id) is allowed"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why this SVG is refused ("line N: …"), or None when it is plain drawing."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[str] = []
    depth = {"metadata": 0}

    def refuse(message: str) -> None:
        raise _Refused(parser.CurrentLineNumber, message)

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        if not stack and (ns != SVG_NS or local != "svg"):
            refuse(f"the first element is '{local}', not an SVG 'svg' element")
        if depth["metadata"] and ns in METADATA_NS:
            pass
        elif local == "script":
            refuse("<script> could run code")
        elif local == "foreignObject":
            refuse("<foreignObject> could hold a web page")
        elif ns != SVG_NS or local not in SVG_ELEMENTS:
            refuse(f"the element '{local}' is not one of the drawing elements an image may use")
        for key, value in attrs.items():
            ans, _, attr = key.rpartition(" ")
            if attr.lower().startswith("on"):
                refuse(f"the attribute {attr}= could run code")
            if attr == "href" and not value.strip().startswith("#"):
                refuse(f"href=\"{value[:40]}\" points outside the image; only links to its own #ids are allowed")
            if "javascript:" in value.lower().replace(" ", ""):
                refuse(f"the attribute {attr}= holds javascript:")
            css = _css_problem(value) if (attr == "style" or re.search(r"url|image-set|cross-fade", value, re.I)) else None
            if css:
                refuse(f"the attribute {attr}=: {css}")
        if local == "metadata":
            depth["metadata"] += 1
        stack.append(local)

    def end(name: str) -> None:
        local = stack.pop()
        if local == "metadata":
            depth["metadata"] -= 1

    def text(chars: str) -> None:
        if stack and stack[-1] == "style":
            css = _css_problem(chars)
            if css:
                refuse(f"a style element: {css}")

    def doctype(*_: Any) -> None:
        refuse("a DOCTYPE (it could define entities); remove it")

    def entity(*_: Any) -> None:
        refuse("an entity declaration; remove it")

    def instruction(target: str, _: str) -> None:
        refuse(f"the instruction <?{target} …?> (it could load a stylesheet); remove it")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.ExternalEntityRefHandler = lambda *a: refuse("a reference to an outside entity") or 0  # type: ignore[func-returns-value]
    try:
        parser.Parse(data, True)
    except _Refused as e:
        return f"line {e.line}: {e.message}"
    except xml.parsers.expat.ExpatError as e:
        return f"line {e.lineno}: it is not well-formed XML ({xml.parsers.expat.ErrorString(e.code)})"
    return None


# ---------------------------------------------------------------- the checks

def images(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Image]]:
    """Every Image in a model, with its path (field names and list indexes)."""
    if isinstance(value, Image):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from images(getattr(value, name), path + (name,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from images(v, path + (i,))


def path_problem(file: str) -> str | None:
    """What is wrong with the form of an image path (before looking at the disk)."""
    if any(ord(c) < 32 or c == "\x7f" for c in file):
        return "must not contain control characters; write a plain path like media/photo.jpg"
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", file) or file.startswith("//"):
        return ("must be a file in the pack's media/ folder, not an address; save the image into media/ "
                "and say where you found it in provenance.found")
    if file.startswith(("/", "\\")) or "\\" in file:
        return "must be a path inside the pack written with /, like media/photo.jpg, not an absolute path"
    parts = PurePosixPath(file).parts
    if ".." in parts:
        return "must not contain '..'; put the image in the pack's media/ folder and write media/NAME"
    if not parts or parts[0] != MEDIA_DIR or len(parts) < 2:
        return f"must be under the pack's media/ folder, like media/{PurePosixPath(file).name or 'photo.jpg'}"
    if PurePosixPath(file).suffix.lower() not in TYPES:
        return "must be a PNG, JPEG or SVG file (.png, .jpg, .jpeg or .svg)"
    return None


def read_image(folder: Path, file: str, limits: Limits) -> tuple[bytes | None, str | None]:
    """(bytes, None) for a good image, (None, what is wrong) otherwise."""
    problem = path_problem(file)
    if problem:
        return None, problem
    root = (folder / MEDIA_DIR).resolve()
    target = folder / file
    try:
        real = target.resolve()
        if not target.exists():
            return None, f"is not in the pack; add the file as {file} or fix the name"
        if not real.is_relative_to(root):
            return None, "is a symlink to a file outside the pack's media/ folder; copy the file itself into media/"
        if not real.is_file():
            return None, "is not a file; give the path of an image file"
        size = real.stat().st_size
        if size > limits.image_bytes:
            return None, (f"is {megabytes(size)}, more than the {megabytes(limits.image_bytes)} an image may be; make it smaller "
                          "(or allow more with CASEFILE_MAX_IMAGE_MB)")
        data = real.read_bytes()
    except (OSError, RuntimeError, ValueError) as e:
        return None, f"could not be read ({type(e).__name__}: {getattr(e, 'strerror', None) or e}); put the image file itself in media/"
    said = TYPES[PurePosixPath(file).suffix.lower()]
    got = kind_of(data)
    if got != said:
        found = f"a {got.upper()} file" if got else "not a PNG, JPEG or SVG image"
        fix = f"rename it to end in {EXT[got]}" if got else "save it again as PNG or JPEG"
        return None, f"is {found}, but its name ends in {PurePosixPath(file).suffix}; {fix}"
    if got == "svg":
        bad = svg_problem(data)
        if bad:
            return None, f"is an SVG that is refused ({bad}); remove that part, or save the image as PNG"
    return data, None


def alt_problem(img: Image) -> str | None:
    alt = img.alt.strip().lower()
    name = PurePosixPath(img.file).name.lower()
    if not alt or alt in (name, PurePosixPath(name).stem, img.file.lower()) or re.fullmatch(r"[\w-]+\.(png|jpe?g|svg)", alt):
        return "is the file name; say in words what the image shows, for readers who cannot see it"
    return None


def check_media(loaded: "Loaded", folder: Path, limits: Limits | None = None) -> tuple[list["Problem"], dict[str, bytes]]:
    """Every image of the pack, read and vetted: (problems, {path as written: bytes})."""
    limits = limits or Limits.from_env()
    pack, files, origin = loaded.pack, loaded.files, loaded.origin
    owners: list[tuple[Any, BaseModel, str]] = [(files[origin[("source", s.id)]], s, "") for s in pack.sources
                                                if ("source", s.id) in origin]
    owners += [(files[origin[("lesson", les.id)]], les, "") for les in pack.lessons if ("lesson", les.id) in origin]
    out: list[Problem] = []
    media: dict[str, bytes] = {}
    refused: set[str] = set()  # a bad file is reported once, where it is first used
    total, full = 0, False     # bytes of the images taken; past Limits.media_bytes no more are read
    for f, obj, _ in owners:
        for path, img in images(obj):
            bad = alt_problem(img)
            if bad:
                out.append(f.problem(path + ("alt",), f"image alt text '{img.alt[:40]}' {bad}"))
            if img.file in media or img.file in refused or full:
                continue
            data, problem = read_image(folder, img.file, limits)
            if problem:
                refused.add(img.file)
                out.append(f.problem(path + ("file",), f"image '{img.file[:60]}' {problem}"))
            elif data is not None and total + len(data) > limits.media_bytes:
                full = True
                out.append(f.problem(path + ("file",), (
                    f"image '{img.file[:60]}' brings the pack's images to more than the {megabytes(limits.media_bytes)} "
                    f"they may add up to ({megabytes(total + len(data))} so far; every edition copies them); make "
                    "the images smaller or use fewer (or allow more with CASEFILE_MAX_MEDIA_MB)")))
            elif data is not None:
                total += len(data)
                media[img.file] = data
    return out, dict(sorted(media.items()))
