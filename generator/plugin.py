"""The MkDocs adapter: the only module that knows MkDocs' internals.

It loads the pack, renders the pages of one edition in memory, hands them to MkDocs as generated
files in `on_files` and sets the nav, so plain `mkdocs build` / `mkdocs serve` work and a lesson
edit reloads the preview. Edition: plugin option `edition`, overridden by $CASEFILE_EDITION.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nh3
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from . import edition as ed
from .docs_pages import doc_nav, scan_docs
from .errors import PackError
from .kinds.bundle import asset_bytes
from .load import load_pack
from .render import Renderer
from .text import safe_title

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"
ASSET_URI = "assets/casefile"

# What hand-written pages in docs/ may keep once rendered (Material's own markup included).
DOC_TAGS = nh3.ALLOWED_TAGS | {
    "details", "summary", "input", "label", "svg", "path", "span", "div", "pre", "code", "table", "thead",
    "tbody", "tr", "th", "td", "figure", "figcaption", "sup", "sub", "mark", "kbd", "abbr", "dl", "dt", "dd",
    "hr", "br", "img", "h1", "h2", "h3", "h4", "h5", "h6", "section", "q", "caption",
}
DOC_ATTRS = {
    "*": {"class", "id", "title", "lang", "dir", "data-search-exclude", "data-tabs"},
    "a": {"href", "title"}, "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "name", "id", "checked"}, "label": {"for", "tabindex"}, "details": {"open"},
    "svg": {"xmlns", "viewBox", "width", "height", "aria-hidden"}, "path": {"d"},
    "td": {"align", "colspan", "rowspan"}, "th": {"align", "colspan", "rowspan", "scope"},
}


def sanitize_doc(html: str) -> str:
    """Remove script, event handlers and javascript: URLs from a hand-written page."""
    return nh3.clean(html, tags=DOC_TAGS, attributes=DOC_ATTRS, url_schemes={"http", "https", "mailto"},
                     link_rel=None, strip_comments=True)


class CasefileConfig(base.Config):
    lessons = c.Type(str, default="lessons")
    edition = c.Choice(ed.EDITIONS, default="student")
    handouts = c.Optional(c.Type(str))


class CasefilePlugin(BasePlugin[CasefileConfig]):
    supports_multiple_instances = False

    def on_config(self, config: Any) -> Any:
        self.edition: ed.Edition = os.environ.get("CASEFILE_EDITION") or self.config.edition  # type: ignore[assignment]
        if self.edition not in ed.EDITIONS:
            raise PluginError(f"CASEFILE_EDITION must be student or teacher, not '{self.edition}'")
        root = Path(config.config_file_path or ".").resolve().parent
        self.lessons_dir = (root / (os.environ.get("CASEFILE_LESSONS") or self.config.lessons)).resolve()
        handouts = os.environ.get("CASEFILE_HANDOUTS") or self.config.handouts
        self.handouts_dir = (root / handouts).resolve() if handouts else None
        try:
            self.pack = load_pack(self.lessons_dir).pack
        except PackError as e:
            for p in e.problems:
                log.error(str(p))
            raise PluginError(f"{len(e.problems)} problem(s) in the lesson pack; fix them and save again") from None
        # One edition per site folder: a teacher build never lands in site/student.
        site_dir = Path(config.site_dir)
        if site_dir.name in ed.EDITIONS and site_dir.name != self.edition:
            config.site_dir = str(site_dir.with_name(self.edition))
        info = self.pack.info
        title = info.site.teacher_title if self.edition == "teacher" else info.site.student_title
        config.site_name = safe_title(title or (f"{info.title} (teacher edition)" if self.edition == "teacher" else info.title))
        config.use_directory_urls = False
        if self.edition == "student" and info.site.public_url and not config.site_url:
            config.site_url = info.site.public_url  # a real sitemap for the public site only
        config.theme.language = info.language
        polyfills = list(config.extra.get("polyfills") or [])
        shim = f"{ASSET_URI}/iframe-worker-shim.js"
        if shim not in polyfills:
            polyfills.append(shim)  # offline plugin then keeps its CDN copy out
        config.extra["polyfills"] = polyfills
        config.extra["casefile_edition"] = self.edition
        for name in ("casefile.css", "print/site-print.css"):
            css = f"{ASSET_URI}/{Path(name).name}"
            if (ASSETS / name).exists() and css not in config.extra_css:
                config.extra_css.append(css)
        if f"{ASSET_URI}/casefile.js" not in [str(j) for j in config.extra_javascript]:
            config.extra_javascript.append(f"{ASSET_URI}/casefile.js")
        if self.edition == "teacher" and f"{ASSET_URI}/check-answers.js" not in [str(j) for j in config.extra_javascript]:
            config.extra_javascript.append(f"{ASSET_URI}/check-answers.js")  # teacher edition only
        if str(self.lessons_dir) not in config.watch:
            config.watch.append(str(self.lessons_dir))
        return config

    def _handout_files(self) -> dict[str, dict[str, str]]:
        """Handout PDFs this edition may link to. The names follow from the pack (worksheet_name,
        key_name), so `casefile build` can link them while the PDFs are still being made and copy
        them in afterwards ($CASEFILE_HANDOUTS_LATER=1). A plain `mkdocs build`/`serve` with a
        `handouts:` folder links only the PDFs that folder already holds."""
        if not self.handouts_dir:
            return {}
        from .handouts import pack_handout_names

        later = os.environ.get("CASEFILE_HANDOUTS_LATER") == "1"
        return {owner: {kind: name for kind, name in names.items()
                        if later or (self.handouts_dir / handout_folder(name) / name).exists()}
                for owner, names in pack_handout_names(self.pack).items()}

    def on_files(self, files: Files, *, config: Any) -> Files:
        docs_dir = Path(config.docs_dir)
        pages, hidden = scan_docs(docs_dir, self.edition)
        for f in list(files):
            if not f.generated_by and f.src_uri in hidden:
                files.remove(f)
        self.doc_uris = {p.uri for p in pages}
        if "index.md" in self.doc_uris:
            raise PluginError("docs/index.md would replace the generated home page; rename it")

        renderer = Renderer(self.pack, self.edition, self._handout_files())
        for page in renderer.pages():
            existing = files.get_file_from_path(page.uri)
            if existing is not None:
                raise PluginError(f"docs/{page.uri} clashes with a generated page; rename it")
            files.append(File.generated(config, page.uri, content=page.markdown))
        teacher_assets = ("check-answers.js",) if self.edition == "teacher" else ()
        for name in ("casefile.css", "casefile.js", "vendor/iframe-worker-shim.js", "print/site-print.css", *teacher_assets):
            src = ASSETS / name
            if src.exists():  # casefile.js: the core with every kind's kind.js (kinds/bundle.py)
                files.append(File.generated(config, f"{ASSET_URI}/{Path(name).name}", content=asset_bytes(name)))
        # target in the site -> PDF in the handouts folder; build_site hands this to `casefile build`
        self.linked_handouts = {target: f"{handout_folder(name)}/{name}"
                                for target, name in sorted(renderer.linked_handouts.items())}
        if self.handouts_dir and os.environ.get("CASEFILE_HANDOUTS_LATER") != "1":
            for target, rel in self.linked_handouts.items():
                files.append(File.generated(config, target, abs_src_path=str(self.handouts_dir / rel)))
        nav = renderer.nav(*doc_nav(pages))
        config.nav = _nav_config(nav)
        return files

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.src_uri in getattr(self, "doc_uris", set()):
            return sanitize_doc(html)
        return html

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        server.watch(str(self.lessons_dir))
        return server


def handout_folder(name: str) -> str:
    """The handouts subfolder a PDF is written to (generator.handouts decides)."""
    from .handouts import handout_folder as folder

    return folder(name)


def _nav_config(nav: list[Any]) -> list[dict[str, Any]]:
    """Nav titles are author text and the theme prints them unescaped: escape them here."""
    return [{safe_title(title): _nav_config(target) if isinstance(target, list) else target}
            for title, target in nav]


# ---------------------------------------------------------------- driving MkDocs (build, serve)

class BuildFailed(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def build_site(config_file: Path, edition: str, site_dir: Path, *, lessons: Path | None = None,
               handouts: Path | None = None, handouts_later: bool = False,
               linked_handouts: dict[str, str] | None = None) -> list[str]:
    """Build one edition with MkDocs (strict). Returns MkDocs' warnings; raises BuildFailed.

    handouts_later: link the handout PDFs named after the pack without copying them (they are
    being made meanwhile); the caller copies them in. linked_handouts, when given, is filled with
    {target in the site: path under the handouts folder} of every PDF this edition links to."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    os.environ["CASEFILE_EDITION"] = edition
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if lessons:
        os.environ["CASEFILE_LESSONS"] = str(lessons)
    if handouts:
        os.environ["CASEFILE_HANDOUTS"] = str(handouts)
    else:
        os.environ.pop("CASEFILE_HANDOUTS", None)
    if handouts and handouts_later:
        os.environ["CASEFILE_HANDOUTS_LATER"] = "1"
    else:
        os.environ.pop("CASEFILE_HANDOUTS_LATER", None)
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(f"{edition} edition: {record.getMessage()}")

    handler = Collect()
    mk = logging.getLogger("mkdocs")
    mk.addHandler(handler)
    old_level = mk.level
    mk.setLevel(logging.WARNING)
    mk.propagate = False
    try:
        cfg = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        build(cfg)
        if linked_handouts is not None:
            plugin = cfg.plugins.get("casefile")
            linked_handouts.update(getattr(plugin, "linked_handouts", {}))
    except (Abort, ConfigurationError, MkDocsException, PluginError) as e:
        raise BuildFailed(messages or [f"{edition} edition: {e}"]) from None
    finally:
        mk.removeHandler(handler)
        mk.setLevel(old_level)
    return messages


def serve_site(config_file: Path, edition: str, dev_addr: str | None, lessons: Path | None = None) -> None:
    from mkdocs.commands.serve import serve

    os.environ["CASEFILE_EDITION"] = edition
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if lessons:
        os.environ["CASEFILE_LESSONS"] = str(lessons)
    serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
