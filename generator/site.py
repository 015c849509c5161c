"""One edition's site as data: its pages, navigation, assets, name and links, from a pack.

The one code path behind both the MkDocs plugin (plugin.py, which hands this to MkDocs) and
`casefile build --markdown-out` (build.write_markdown, which writes it as a plain MkDocs project):
the two cannot drift. Every edition difference is a question to `edition.Policy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model
from .docs_pages import doc_nav, page_files, scan_pages
from .edition import Edition, Policy, policy
from .grade import browser_key_json
from .handout_names import VERSION_LETTERS, handout_folder, pack_handout_names
from .kinds.bundle import asset_bytes
from .media import asset_uri as media_uri
from .render import NavItem, Page, RenderError, Renderer
from .text import safe_title

ASSETS = Path(__file__).parent / "assets"
ASSET_URI = "assets/casefile"
SHIM = f"{ASSET_URI}/iframe-worker-shim.js"  # search from file://; the offline plugin then keeps its CDN copy out
STYLESHEETS = ("casefile.css", "print/site-print.css")


class SiteError(Exception):
    """Hand-written pages that cannot go with the generated ones (one message per problem)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class EditionSite:
    policy: Policy
    site_name: str                       # safe for the places the theme prints it unescaped
    site_url: str | None                 # MkDocs' site_url (canonical links, sitemap), or None
    language: str
    pages: list[Page]                    # generated pages, in memory
    nav: list[dict[str, Any]]            # MkDocs `nav:` (titles escaped)
    assets: dict[str, bytes]             # uri in the site -> its bytes (casefile.js: core + kinds)
    extra_css: list[str]
    extra_javascript: list[str]
    polyfills: list[str]
    doc_uris: set[str]                   # hand-written Markdown pages this edition shows
    hidden_docs: set[str]                # files under docs/ this edition must not contain
    # uri -> file of the pack's own pages (lessons/pages/) this edition shows, added next to docs/
    pack_pages: dict[str, Path] = field(default_factory=dict)
    # uri -> file of every hand-written page this edition shows (docs/ or the pack's)
    doc_files: dict[str, Path] = field(default_factory=dict)
    # uri in the site -> path under the handouts folder, for every PDF the pages link
    linked_handouts: dict[str, str] = field(default_factory=dict)


def asset_uri(name: str) -> str:
    return f"{ASSET_URI}/{Path(name).name}"


def available_handouts(pack: model.Pack, handouts_dir: Path | None, later: bool,
                       versions: int = 1) -> dict[str, dict[str, str]]:
    """Handout PDFs the pages may link. The names follow from the pack (and `--versions N`), so
    `casefile build` can link them while the PDFs are still being made (`later`) and copy them in
    afterwards. Without `later`, only the PDFs the folder already holds (lettered versions too)."""
    if not handouts_dir:
        return {}
    return {owner: {kind: name for kind, name in names.items()
                    if later or (handouts_dir / handout_folder(name) / name).exists()}
            for owner, names in pack_handout_names(pack, versions if later else len(VERSION_LETTERS)).items()}


def nav_config(nav: list[NavItem]) -> list[dict[str, Any]]:
    """Nav titles are author text and the theme prints them unescaped: escape them here."""
    return [{safe_title(title): nav_config(target) if isinstance(target, list) else target}
            for title, target in nav]


def edition_site(pack: model.Pack, edition: Edition, docs_dir: Path,
                 handouts: dict[str, dict[str, str]] | None = None, pages_dir: Path | None = None) -> EditionSite:
    """Everything one edition's site is made of. `handouts`: {lesson id or "": {kind: PDF name}}
    the pages may link (see available_handouts). `pages_dir`: the pack's own pages (lessons/pages/),
    which replace the docs/ pages of the same path (docs_pages.page_files)."""
    pol = policy(edition)
    files = page_files(docs_dir, pages_dir, pack.info.site.generic_pages)
    docs, hidden_uris = scan_pages(files, edition)
    shown = {uri: path for uri, path in files.items() if uri not in hidden_uris}
    doc_files = set(shown)
    in_docs = {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file()} if docs_dir.is_dir() else set()
    # docs/ files this edition leaves out: the other edition's, those a pack page replaces, the
    # generic pages a pack turned off
    hidden = {uri for uri in in_docs if uri not in shown or shown[uri] != docs_dir / uri}
    renderer = Renderer(pack, edition, handouts,
                        browser_key=browser_key_json(pack) if "check-answers" in pol.pages else None)
    try:
        pages = renderer.pages()
    except RenderError as e:
        raise SiteError([f"{edition} edition: rendering {e}; this is a bug in Casefile or its templates: "
                         "please report it with the lesson pack"]) from e
    clashes = []
    for page in pages:
        if page.uri in doc_files:
            clashes.append(f"{shown[page.uri]}:1:1: "
                           + ("would replace the generated home page; rename it" if page.uri == "index.md"
                              else "clashes with a generated page; rename it"))
    if clashes:
        raise SiteError(clashes)
    assets = {asset_uri(name): asset_bytes(name, pack.info.language) for name in pol.assets if (ASSETS / name).exists()}
    assets.update({media_uri(file, data): data for file, data in pack.media.items()})  # images (media.py vetted them)
    info = pack.info
    return EditionSite(
        policy=pol,
        site_name=safe_title(pol.title(info)),
        site_url=info.site.public_url if pol.public_url and info.site.public_url else None,
        language=info.language,
        pages=pages,
        nav=nav_config(renderer.nav(*doc_nav(docs))),
        assets=assets,
        extra_css=[asset_uri(n) for n in STYLESHEETS if asset_uri(n) in assets],
        extra_javascript=[asset_uri(n) for n in pol.scripts if asset_uri(n) in assets],
        polyfills=[SHIM],
        doc_uris={p.uri for p in docs},
        hidden_docs=hidden,
        pack_pages={uri: path for uri, path in shown.items() if uri not in in_docs or path != docs_dir / uri},
        doc_files={p.uri: shown[p.uri] for p in docs},
        linked_handouts={target: f"{handout_folder(name)}/{name}"
                         for target, name in sorted(renderer.linked_handouts.items())},
    )


def render_pages(pack: model.Pack, edition: Edition, handouts: dict[str, dict[str, str]] | None = None) -> list[Page]:
    """The generated pages alone (no docs/ folder)."""
    return edition_site(pack, edition, Path("/nonexistent-docs"), handouts).pages


def merge(existing: list[Any] | None, ours: list[str]) -> list[Any]:
    """A config list (extra_css, extra_javascript, polyfills) with ours appended when missing."""
    out = list(existing or [])
    have = {str(x) for x in out}
    out += [x for x in ours if x not in have]
    return out
