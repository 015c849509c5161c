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
from .docs_pages import doc_nav, scan_docs
from .edition import Edition, Policy, policy
from .grade import browser_key_json
from .handout_names import handout_folder, pack_handout_names
from .kinds.bundle import asset_bytes
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
    # uri in the site -> path under the handouts folder, for every PDF the pages link
    linked_handouts: dict[str, str] = field(default_factory=dict)


def asset_uri(name: str) -> str:
    return f"{ASSET_URI}/{Path(name).name}"


def available_handouts(pack: model.Pack, handouts_dir: Path | None, later: bool) -> dict[str, dict[str, str]]:
    """Handout PDFs the pages may link. The names follow from the pack, so `casefile build` can
    link them while the PDFs are still being made (`later`) and copy them in afterwards. Without
    `later`, only the PDFs the folder already holds."""
    if not handouts_dir:
        return {}
    return {owner: {kind: name for kind, name in names.items()
                    if later or (handouts_dir / handout_folder(name) / name).exists()}
            for owner, names in pack_handout_names(pack).items()}


def nav_config(nav: list[NavItem]) -> list[dict[str, Any]]:
    """Nav titles are author text and the theme prints them unescaped: escape them here."""
    return [{safe_title(title): nav_config(target) if isinstance(target, list) else target}
            for title, target in nav]


def edition_site(pack: model.Pack, edition: Edition, docs_dir: Path,
                 handouts: dict[str, dict[str, str]] | None = None) -> EditionSite:
    """Everything one edition's site is made of. `handouts`: {lesson id or "": {kind: PDF name}}
    the pages may link (see available_handouts)."""
    pol = policy(edition)
    docs, hidden = scan_docs(docs_dir, edition)
    doc_files = ({p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file()} - hidden
                 if docs_dir.is_dir() else set())
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
            clashes.append(f"{docs_dir / page.uri}:1:1: "
                           + ("would replace the generated home page; rename it" if page.uri == "index.md"
                              else "clashes with a generated page; rename it"))
    if clashes:
        raise SiteError(clashes)
    assets = {asset_uri(name): asset_bytes(name, pack.info.language) for name in pol.assets if (ASSETS / name).exists()}
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
