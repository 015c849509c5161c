"""The MkDocs adapter: the only module that knows MkDocs' internals.

It hands one edition's site (site.edition_site: pages rendered in memory, nav, assets) to MkDocs
as generated files in `on_files` and sets the nav, so plain `mkdocs build` / `mkdocs serve` work
and a lesson edit reloads the preview.

Where the pack comes from: `casefile build` loads and checks it once and hands the Pack to
`build_site`, which sets `HANDOFF` for the plugin while MkDocs builds (no re-load, no environment).
Plain `mkdocs build`/`serve` have no other channel than the plugin options and $CASEFILE_EDITION,
$CASEFILE_LESSONS, $CASEFILE_HANDOUTS; the plugin then loads the pack itself.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import jinja2
import nh3
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from . import edition as ed
from . import csp, i18n, model
from .errors import PackError, display_path
from .load import load_pack
from .site import EditionSite, SiteError, available_handouts, edition_site, merge

log = get_plugin_logger(__name__)
OVERRIDES = str(Path(__file__).parent / "overrides")


@dataclass
class Handoff:
    """What `casefile build`/`serve` give the plugin directly. pack=None: load it (serve reloads it
    on every save)."""

    edition: ed.Edition
    lessons_dir: Path | None = None  # None: the plugin's `lessons` option
    pack: model.Pack | None = None
    handouts_dir: Path | None = None
    handouts_later: bool = False  # link the PDFs named after the pack; the caller copies them in
    serving: bool = False         # `casefile serve`: a broken pack becomes an error page, not an abort
    last_uris: tuple[str, ...] = ()  # serve: the pages of the last good build (each gets the error page)
    failed: bool = False          # serve: the last build showed the error page


HANDOFF: Handoff | None = None


@contextmanager
def handoff(h: Handoff) -> Iterator[None]:
    global HANDOFF
    old, HANDOFF = HANDOFF, h
    try:
        yield
    finally:
        HANDOFF = old


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


def problems_page(problems: list[str], language: str = "en") -> str:
    """The Markdown page `casefile serve` shows while the pack has problems (an autoescaping template),
    in `language` (the theme's: the broken pack cannot say its own)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates/serve"), autoescape=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                             extensions=["jinja2.ext.i18n"])
    i18n.install(env, language)
    return env.get_template("problems.md.j2").render(problems=problems)


class CasefilePlugin(BasePlugin[CasefileConfig]):
    supports_multiple_instances = False
    command = "build"

    # `mkdocs serve` (its live-reload script is inline, so the preview has no CSP).
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def _source(self, root: Path) -> Handoff:
        """The edition, pack folder and handouts: from `casefile` (HANDOFF), else env and options."""
        if HANDOFF is not None:
            if HANDOFF.edition not in ed.EDITIONS:
                raise PluginError(f"the edition must be student or teacher, not '{HANDOFF.edition}'")
            if HANDOFF.lessons_dir is None:
                return replace(HANDOFF, lessons_dir=(root / self.config.lessons).resolve())
            return HANDOFF
        edition = os.environ.get("CASEFILE_EDITION") or self.config.edition
        if edition not in ed.EDITIONS:
            raise PluginError(f"CASEFILE_EDITION must be student or teacher, not '{edition}'")
        handouts = os.environ.get("CASEFILE_HANDOUTS") or self.config.handouts
        return Handoff(edition=edition,  # type: ignore[arg-type]
                       lessons_dir=(root / (os.environ.get("CASEFILE_LESSONS") or self.config.lessons)).resolve(),
                       handouts_dir=(root / handouts).resolve() if handouts else None)

    # Load (or take) the pack, render this edition's site and set MkDocs' config from it.
    def on_config(self, config: Any) -> Any:
        src = self._source(Path(config.config_file_path or ".").resolve().parent)
        self.edition: ed.Edition = src.edition
        assert src.lessons_dir is not None
        self.lessons_dir = src.lessons_dir
        self.handouts_dir = src.handouts_dir
        self.handouts_later = src.handouts_later
        self.problems: list[str] = []
        if src.pack is not None:
            self.pack = src.pack
        else:
            try:
                self.pack = load_pack(self.lessons_dir).pack
            except PackError as e:
                if not src.serving:
                    for p in e.problems:
                        log.error(str(p))
                    raise PluginError(f"{len(e.problems)} problem(s) in the lesson pack; fix them and save again") from None
                return self._serve_problems(config, src, [str(p) for p in e.problems])
        # One edition per site folder: a teacher build never lands in site/student.
        site_dir = Path(config.site_dir)
        if site_dir.name in ed.EDITIONS and site_dir.name != self.edition:
            config.site_dir = str(site_dir.with_name(self.edition))
        try:
            self.site: EditionSite = edition_site(self.pack, self.edition, Path(config.docs_dir),
                                                  available_handouts(self.pack, self.handouts_dir, self.handouts_later))
        except SiteError as e:
            for m in e.messages:
                log.error(m)
            raise PluginError(e.messages[0]) from None
        site = self.site
        if src.serving:
            if src.failed:
                print("The lesson pack is fine again; the preview shows it.", file=sys.stderr, flush=True)
            src.failed = False
            src.last_uris = tuple(sorted({p.uri for p in site.pages} | site.doc_uris))
        config.site_name = site.site_name
        config.use_directory_urls = False
        if site.site_url and not config.site_url:
            config.site_url = site.site_url  # a real sitemap for the public site only
        config.theme.language = site.language
        config.extra["polyfills"] = merge(config.extra.get("polyfills"), site.polyfills)
        config.extra["casefile_edition"] = self.edition
        if OVERRIDES not in config.theme.dirs:
            config.theme.dirs.insert(0, OVERRIDES)  # the CSP <meta> (templates: generator/overrides/)
        serving = src.serving or self.command == "serve"
        config.extra["casefile_csp"] = None if serving else csp.TEMPLATE
        config.extra_css[:] = merge(config.extra_css, site.extra_css)
        for js in site.extra_javascript:
            if js not in [str(j) for j in config.extra_javascript]:
                config.extra_javascript.append(js)
        if str(self.lessons_dir) not in config.watch:
            config.watch.append(str(self.lessons_dir))
        return config

    def _serve_problems(self, config: Any, src: Handoff, problems: list[str]) -> Any:
        """`casefile serve` after a save broke the pack: the same one-line problems as `casefile
        check`, on stderr and as the page at every address of the preview, until a save fixes them."""
        for p in problems:
            print(p, file=sys.stderr, flush=True)
        n = len(problems)
        print(f"{n} problem{'s' if n != 1 else ''} found; the preview shows them until you fix them and save.",
              file=sys.stderr, flush=True)
        src.failed = True
        self.problems = problems
        if str(self.lessons_dir) not in config.watch:
            config.watch.append(str(self.lessons_dir))
        config.nav = None
        return config

    def _problem_files(self, files: Files, config: Any) -> Files:
        page = problems_page(self.problems, str(config.theme.get("language") or "en"))
        for f in list(files):
            if f.src_uri.endswith(".md"):
                files.remove(f)
        uris = set(HANDOFF.last_uris if HANDOFF else ()) | {"index.md"}
        for uri in sorted(uris):
            files.append(File.generated(config, uri, content=page))
        config.nav = [{"Problems": "index.md"}] + [{uri: uri} for uri in sorted(uris - {"index.md"})]
        return files

    # Hide the other edition's hand-written pages; add the generated pages, assets and PDFs; set the nav.
    def on_files(self, files: Files, *, config: Any) -> Files:
        if self.problems:
            return self._problem_files(files, config)
        site = self.site
        for f in list(files):
            if not f.generated_by and f.src_uri in site.hidden_docs:
                files.remove(f)
        self.doc_uris = site.doc_uris
        for page in site.pages:
            files.append(File.generated(config, page.uri, content=page.markdown))
        for uri, data in site.assets.items():
            files.append(File.generated(config, uri, content=data))
        # target in the site -> PDF in the handouts folder; build_site hands this to `casefile build`
        self.linked_handouts = site.linked_handouts
        if self.handouts_dir and not self.handouts_later:
            for target, rel in self.linked_handouts.items():
                files.append(File.generated(config, target, abs_src_path=str(self.handouts_dir / rel)))
        config.nav = site.nav
        return files

    # Sanitize hand-written pages (generated ones are sanitized where they are rendered).
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.src_uri in getattr(self, "doc_uris", set()):
            return sanitize_doc(html)
        return html

    # Complete the page's Content-Security-Policy with the hashes of its own inline scripts.
    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        return csp.fill(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        return csp.fill(output_content) if template_name.endswith(".html") else output_content

    # Say where the preview is; reload it when a lesson file is saved.
    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        server.watch(str(self.lessons_dir))
        if HANDOFF is not None and HANDOFF.serving:
            print(f"Preview of the {self.edition} edition: open {server.url} (pages reload when you save; "
                  "Ctrl+C stops)", file=sys.stderr, flush=True)
        return server


# ---------------------------------------------------------------- driving MkDocs (build, serve)

class BuildFailed(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@contextmanager
def env_vars(**values: str | None) -> Iterator[None]:
    """Set (or, with None, unset) environment variables for the duration of a call, then restore them."""
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# MkDocs' own warnings about a hand-written page: "Doc file 'x.md' contains a link 'y.md', but …"
DOC_WARNING = re.compile(r"^Doc file '(?P<file>[^']+)' contains (?:a|an) (?:[\w-]+ )*?link '(?P<link>[^']*)'(?P<rest>.*)$", re.S)


def locate_doc_warning(message: str, docs_dir: Path, edition: str) -> str:
    """`docs/x.md:LINE:COL: …` for MkDocs' warnings about a hand-written page; other warnings as
    `<edition> edition: …`."""
    m = DOC_WARNING.match(message)
    path = docs_dir / m["file"] if m else None
    if m is None or path is None or not path.is_file():
        return f"{edition} edition: {message}"
    line, col = 1, 1
    for n, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        i = text.find(f"({m['link']}") if m["link"] else -1
        i = i + 1 if i >= 0 else text.find(m["link"]) if m["link"] else -1
        if i >= 0:
            line, col = n, i + 1
            break
    rest = m["rest"].strip().lstrip(",").strip().rstrip(".")
    what = {"but the target is not found among documentation files": "no page or file by that name exists in docs/ or the generated pages",
            "but there is no such anchor on this page": "that anchor is not on the page"}.get(
        rest.replace("but the doc", "but the target"), rest)
    return f"{display_path(path)}:{line}:{col}: link '{m['link']}': {what}; fix or remove the link"


def build_site(config_file: Path, edition: str, site_dir: Path, *, pack: model.Pack | None = None,
               lessons: Path | None = None, handouts: Path | None = None, handouts_later: bool = False,
               linked_handouts: dict[str, str] | None = None) -> list[str]:
    """Build one edition with MkDocs (strict). Returns MkDocs' warnings; raises BuildFailed.

    pack: the loaded and checked pack (`casefile build` passes it; the plugin then loads nothing).
    handouts_later: link the handout PDFs named after the pack without copying them (they are
    being made meanwhile); the caller copies them in. linked_handouts, when given, is filled with
    {target in the site: path under the handouts folder} of every PDF this edition links to."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    root = config_file.resolve().parent
    docs_dir = root / "docs"
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(locate_doc_warning(record.getMessage(), docs_dir, edition))

    handler = Collect()
    mk = logging.getLogger("mkdocs")
    mk.addHandler(handler)
    old_level, old_propagate = mk.level, mk.propagate
    mk.setLevel(logging.WARNING)
    mk.propagate = False
    source = Handoff(edition=edition, lessons_dir=lessons.resolve() if lessons else None, pack=pack,  # type: ignore[arg-type]
                     handouts_dir=handouts.resolve() if handouts else None, handouts_later=bool(handouts and handouts_later))
    try:
        with env_vars(NO_MKDOCS_2_WARNING=os.environ.get("NO_MKDOCS_2_WARNING", "1")), handoff(source):
            cfg = load_config(str(config_file), site_dir=str(site_dir), strict=True)
            docs_dir = Path(cfg.docs_dir)
            build(cfg)
        if linked_handouts is not None:
            plugin = cfg.plugins.get("casefile")
            linked_handouts.update(getattr(plugin, "linked_handouts", {}))
    except (Abort, ConfigurationError, MkDocsException, PluginError) as e:
        raise BuildFailed(messages or [f"{edition} edition: {e}"]) from None
    finally:
        mk.removeHandler(handler)
        mk.setLevel(old_level)
        mk.propagate = old_propagate
    return messages


def serve_site(config_file: Path, edition: str, dev_addr: str | None, lessons: Path | None = None) -> None:
    """Live preview; the plugin reloads the pack on every save (handed the folder, not a Pack)."""
    from mkdocs.commands.serve import serve

    source = Handoff(edition=edition, lessons_dir=lessons.resolve() if lessons else None, serving=True)  # type: ignore[arg-type]
    with env_vars(NO_MKDOCS_2_WARNING=os.environ.get("NO_MKDOCS_2_WARNING", "1")), handoff(source):
        serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
