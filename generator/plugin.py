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

import logging
import os
import re
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
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
from . import variants
from .docs_pages import pack_pages_dir
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
    versions: int = 1             # `--versions N` of the handouts being made (their lettered PDFs are linked)
    serving: bool = False         # `casefile serve`: a broken pack becomes an error page, not an abort
    last_uris: tuple[str, ...] = ()  # serve: the pages of the last good build (each gets the error page)
    failed: bool = False          # serve: the last build showed the error page
    variant: str | None = None    # serve --variant (a loaded pack is taught in pack.yml's variants otherwise)
    # serve, incremental (serve_site): a rebuild after a good one is MkDocs' `dirty` build, and a
    # generated file whose content is what the last build wrote counts as unmodified (not rebuilt)
    dirty: bool = False
    written: dict[str, Any] | None = None  # uri -> content of every generated file of the last build


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


def _walk_order(uri: str) -> tuple[tuple[str, ...], bool, str]:
    """MkDocs' order of docs/ files: folder by folder (its files before its subfolders), index or
    README first."""
    path = PurePosixPath(uri)
    return path.parent.parts, path.stem not in ("index", "README"), path.name  # as mkdocs.structure.files._file_sort_key


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
        self.handouts_versions = src.versions
        self.problems: list[str] = []
        if src.pack is not None:
            self.pack = src.pack
        else:
            try:
                self.pack = variants.view(load_pack(self.lessons_dir).pack, src.variant)
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
                                                  available_handouts(self.pack, self.handouts_dir, self.handouts_later,
                                                                     self.handouts_versions),
                                                  pages_dir=pack_pages_dir(self.lessons_dir))
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
        # the pack's own pages (lessons/pages/), read as docs/ pages are, in the order MkDocs gives
        # docs/ (folder by folder, index first): the same search index wherever a page comes from
        hand = [f for f in files if not f.generated_by]
        for f in hand:
            files.remove(f)
        hand += [File.generated(config, uri, abs_src_path=str(path)) for uri, path in site.pack_pages.items()]
        for f in sorted(hand, key=lambda f: _walk_order(f.src_uri)):
            files.append(f)
        generated = [File.generated(config, page.uri, content=page.markdown) for page in site.pages]
        generated += [File.generated(config, uri, content=data) for uri, data in site.assets.items()]
        if HANDOFF is not None and HANDOFF.written is not None:  # casefile serve: rebuild what changed
            before = HANDOFF.written if HANDOFF.dirty else {}
            for f in generated:
                if before.get(f.src_uri) == f.content_bytes:
                    f.is_modified = lambda: False  # type: ignore[method-assign]
            HANDOFF.written = {f.src_uri: f.content_bytes for f in generated}
        for f in generated:
            files.append(f)
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


def locate_doc_warning(message: str, docs_dir: Path, edition: str, doc_files: dict[str, Path] | None = None) -> str:
    """`docs/x.md:LINE:COL: …` (or `lessons/pages/x.md:…` for a pack's page, `doc_files`) for
    MkDocs' warnings about a hand-written page; other warnings as `<edition> edition: …`."""
    m = DOC_WARNING.match(message)
    path = ((doc_files or {}).get(m["file"]) or docs_dir / m["file"]) if m else None
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
    what = {"but the target is not found among documentation files": "no page or file by that name exists in docs/, the pack's pages/ or the generated pages",
            "but there is no such anchor on this page": "that anchor is not on the page"}.get(
        rest.replace("but the doc", "but the target"), rest)
    return f"{display_path(path)}:{line}:{col}: link '{m['link']}': {what}; fix or remove the link"


def build_site(config_file: Path, edition: str, site_dir: Path, *, pack: model.Pack | None = None,
               lessons: Path | None = None, handouts: Path | None = None, handouts_later: bool = False,
               linked_handouts: dict[str, str] | None = None, versions: int = 1) -> list[str]:
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
    loaded_cfg: list[Any] = []

    def doc_files() -> dict[str, Path]:
        site = getattr(loaded_cfg[0].plugins.get("casefile"), "site", None) if loaded_cfg else None
        return site.doc_files if site is not None else {}

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(locate_doc_warning(record.getMessage(), docs_dir, edition, doc_files()))

    handler = Collect()
    mk = logging.getLogger("mkdocs")
    mk.addHandler(handler)
    old_level, old_propagate = mk.level, mk.propagate
    mk.setLevel(logging.WARNING)
    mk.propagate = False
    source = Handoff(edition=edition, lessons_dir=lessons.resolve() if lessons else None, pack=pack,  # type: ignore[arg-type]
                     handouts_dir=handouts.resolve() if handouts else None, handouts_later=bool(handouts and handouts_later),
                     versions=versions)
    try:
        with env_vars(NO_MKDOCS_2_WARNING=os.environ.get("NO_MKDOCS_2_WARNING", "1")), handoff(source):
            cfg = load_config(str(config_file), site_dir=str(site_dir), strict=True)
            loaded_cfg.append(cfg)
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


def one_line_error(e: Exception) -> str:
    return " ".join(str(e).split()) or type(e).__name__


CATCH_UP = 2.0  # seconds after the last save before `casefile serve` rebuilds the pages it skipped
# How often `casefile serve` looks for saved files. MkDocs' live-reload server polls the watched files,
# every 0.5 s by default: a save waited 0.25 s on average before its build began.
POLL = 0.15


def _keep_theme_files() -> None:
    """In the `casefile serve` process: the theme's ~14,000 files (icons, scripts) are listed and
    copied by the first build; later builds add the same File objects, marked unmodified (MkDocs
    would list them and stat each one again on every save)."""
    from mkdocs.structure.files import Files

    original = Files.add_files_from_theme
    kept: list[File] = []

    def add_files_from_theme(self: Files, env: Any, config: Any) -> None:
        if not kept:
            before = {id(f) for f in self}
            original(self, env, config)
            kept.extend(f for f in self if id(f) not in before)
            return
        have = {f.src_uri for f in self}
        for f in kept:
            if f.src_uri not in have:
                f.is_modified = lambda: False  # type: ignore[method-assign]  # copied by the first build
                self.append(f)

    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]


def serve_site(config_file: Path, edition: str, dev_addr: str | None, lessons: Path | None = None,
               variant: str | None = None) -> None:
    """Live preview, incremental. MkDocs' own `serve` loads the config again and rebuilds every page
    on a save (2 s for the default pack); this loop keeps one config, one compiled theme (Jinja
    environment) and the pages' last content, and after a good build makes MkDocs' `dirty` build:
    only the pages whose Markdown changed (and hand-written pages saved since) are converted and
    written. The plugin reloads the pack on every save (handed the folder, not a Pack); the search
    index is the last full build's until the next full one (after a broken save, or a restart)."""
    import shutil
    import tempfile
    from urllib.parse import urlsplit

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.livereload import LiveReloadServer, _serve_url

    source = Handoff(edition=edition, lessons_dir=lessons.resolve() if lessons else None, serving=True,  # type: ignore[arg-type]
                     written={}, variant=variant)
    site_dir = tempfile.mkdtemp(prefix="casefile-serve-")
    with env_vars(NO_MKDOCS_2_WARNING=os.environ.get("NO_MKDOCS_2_WARNING", "1")), handoff(source):
        def get_config() -> Any:
            cfg = load_config(config_file=str(config_file), site_dir=site_dir, dev_addr=dev_addr)
            cfg.plugins.on_startup(command="serve", dirty=False)
            theme_env = cfg.theme.get_env()
            cfg.theme.get_env = lambda: theme_env  # type: ignore[method-assign]  # compiled templates kept between saves
            return cfg

        config = get_config()
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        config.site_url = serve_url = _serve_url(host, port, mount_path)
        _keep_theme_files()
        from . import load as load_module

        load_module.MEMO = {}  # a save re-parses only the file that changed
        index = Path(site_dir) / "search" / "search_index.json"
        full_index: dict[str, bytes] = {}

        def config_stamp() -> int:
            try:
                return config_file.stat().st_mtime_ns
            except OSError:
                return 0

        state: dict[str, Any] = {"full": False, "stale": False, "shape": None, "timer": None, "config": config_stamp()}

        def catch_up() -> None:
            """A full build once the author pauses, for the pages a dirty build left with an old nav."""
            state["full"] = True
            with server._rebuild_cond:  # MkDocs 1.6's LiveReloadServer: what a watched file's change does
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

        def builder() -> None:
            nonlocal config
            if state["timer"] is not None:
                state["timer"].cancel()
            stamp = config_stamp()
            if stamp != state["config"]:  # mkdocs.yml saved: read it again, build everything
                try:
                    config = get_config()
                except ConfigurationError as e:  # the preview keeps the last good config meanwhile
                    print(f"{display_path(config_file)}: {one_line_error(e)}; fix it and save again", file=sys.stderr, flush=True)
                    return
                config.site_url = serve_url
                state["config"], state["full"] = stamp, True
            source.dirty = bool(source.written) and not source.failed and not state["full"]
            dirty = source.dirty
            state["full"] = False
            mk = logging.getLogger("mkdocs")
            level = mk.level
            if dirty:
                mk.setLevel(logging.ERROR)  # MkDocs warns about every dirty build
            try:
                build(config, serve_url=serve_url, dirty=dirty)
            finally:
                mk.setLevel(level)
            if source.failed:
                source.written = {}  # the error page replaced every page: the next good build is full
            for name in ("search_index.json", "search_index.js"):
                path = index.with_name(name)
                if dirty and name in full_index:  # a dirty build indexes only the pages it built
                    path.write_bytes(full_index[name])
                elif not dirty and path.is_file():
                    full_index[name] = path.read_bytes()
            # What every page shows besides its own content: a page the dirty build skipped still has
            # the old one (a lesson's new title in the nav), until the full build CATCH_UP s after the last save.
            shape = repr((config.nav, config.site_name, [str(x) for x in config.extra_css],
                          [str(x) for x in config.extra_javascript]))
            state["stale"] = dirty and (state["stale"] or shape != state["shape"])
            state["shape"] = shape
            if state["stale"]:
                state["timer"] = threading.Timer(CATCH_UP, catch_up)
                state["timer"].daemon = True
                state["timer"].start()

        server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path,
                                  polling_interval=POLL)
        server.build_delay = 0.05  # quiet time after a save's file events before building (MkDocs: 0.1 s)

        def error_page(code: int) -> bytes | None:
            page = Path(site_dir) / f"{code}.html"
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        try:
            builder()
            server.watch(config.docs_dir)
            if config.config_file_path:
                server.watch(config.config_file_path)
            server = config.plugins.on_serve(server, config=config, builder=builder)
            for item in config.watch:
                server.watch(item)
            try:
                server.serve()
            except KeyboardInterrupt:
                pass
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)
