"""What every build guarantees beyond the leak tests: nothing remote, nothing dangling, no warning.

- Our own assets and templates reference nothing that a browser would fetch from the network.
- The built student site loads only local files: every src/href, every CSS url(), every search
  result and every sitemap entry points at a file (and, for search, an anchor) that exists.
- The fixture pack builds with no MkDocs warning in strict mode, and so does the default pack in
  lessons/ whenever it checks clean.

The fixture site here is built in a project of its own (the repository's mkdocs.yml with a small
docs/ made for the test), so it does not depend on the hand-written pages in docs/; the default pack
is built with the real docs/.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import CONFIG, FIXTURE_PACK, FULL, ROOT

ASSETS = ROOT / "generator" / "assets"
TEMPLATES = ROOT / "generator" / "templates"
MKDOCS_WARNING = re.compile(r"^(student|teacher) edition: ")

# ---------------------------------------------------------------- our own files

CODE_SUFFIXES = {".js", ".css", ".html", ".j2", ".svg", ".json"}


def strip_comments(text: str, suffix: str) -> str:
    """Comments may cite a URL (a licence, a spec); only code can fetch one."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    if suffix == ".js":
        text = re.sub(r"(?m)(?<![:\\\"'])//.*$", "", text)
    if suffix in (".html", ".j2", ".svg"):
        text = re.sub(r"<!--.*?-->|\{#.*?#\}", "", text, flags=re.S)
    return text


def fetched_urls(text: str, suffix: str) -> list[str]:
    """Remote URLs the browser would load from this file: any http(s) or protocol-relative URL in
    JS/CSS code; in markup only those in src=, <link href>, srcset, url() and @import."""
    code = strip_comments(text, suffix)
    found = re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')\s]+)""", code, re.I)
    found += re.findall(r"""@import\s+["']((?:https?:)?//[^"']+)""", code, re.I)
    if suffix in (".js", ".css", ".json"):
        found += re.findall(r"""https?://[^\s"'`)<>]+""", code)
        found += re.findall(r"""["'`](//[a-z0-9][^"'`\s]*)""", code, re.I)
    else:
        found += re.findall(r"""\b(?:src|srcset|poster|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", code, re.I)
        found += re.findall(r"""<link\b[^>]*\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", code, re.I)
    return sorted(set(found))


def own_files() -> list[Path]:
    return sorted(p for base in (ASSETS, TEMPLATES) for p in base.rglob("*")
                  if p.is_file() and p.suffix in CODE_SUFFIXES)


def test_the_url_scanner_finds_what_it_should() -> None:
    """The scanner itself can fail: remote loads are found, links to read elsewhere and comments are not."""
    assert fetched_urls("fetch('https://cdn.example.org/x.js')", ".js") == ["https://cdn.example.org/x.js"]
    assert fetched_urls("s.src = '//cdn.example.org/y.js'", ".js") == ["//cdn.example.org/y.js"]
    assert fetched_urls("// see https://spec.example.org\nvar a = 1;", ".js") == []
    assert fetched_urls("a { background: url(https://x.example/i.png) }", ".css") == ["https://x.example/i.png"]
    assert fetched_urls("/* https://licence.example */ a{}", ".css") == []
    assert fetched_urls('<img src="https://x.example/i.png">', ".j2") == ["https://x.example/i.png"]
    assert fetched_urls('<a href="https://read.example/">read</a>', ".j2") == []


def test_own_assets_and_templates_fetch_nothing_remote() -> None:
    files = own_files()
    assert any(p.name == "casefile.css" for p in files) and any(p.name == "casefile.js" for p in files)
    offenders = {p.relative_to(ROOT).as_posix(): urls for p in files
                 if (urls := fetched_urls(p.read_text(encoding="utf-8", errors="replace"), p.suffix))}
    assert offenders == {}


# ---------------------------------------------------------------- the built site

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The fixture pack built (both editions) in a project with its own small docs/: a public page
    that links to a lesson and a teacher-only page."""
    from generator.build import build

    project = tmp_path_factory.mktemp("guarantees")
    (project / "docs" / "teacher").mkdir(parents=True)
    shutil.copy(CONFIG, project / "mkdocs.yml")
    (project / "docs" / "notes.md").write_text("# Notes\n\nStart with [the first lesson](lessons/01-basics.md).\n")
    (project / "docs" / "teacher" / "private.md").write_text("# Private\n\nFor teachers only.\n")
    out = project / "site"
    result = build(FIXTURE_PACK, out, config_file=project / "mkdocs.yml", quiet=True, **FULL)
    return out, result.notes


class Refs(HTMLParser):
    """Every URL a page loads (script/img/source/iframe src, link href, srcset, inline style url())
    and every link it offers (a href), plus its element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href") and "canonical" not in a.get("rel", "").split():
            self.loads.append(a["href"])
        if tag == "object" and a.get("data"):
            self.loads.append(a["data"])
        for part in a.get("srcset", "").split(","):
            if part.strip():
                self.loads.append(part.strip().split()[0])
        self.loads += re.findall(r"""url\(\s*["']?([^"')]+)""", a.get("style", ""))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def parse(page: Path) -> Refs:
    r = Refs()
    r.feed(page.read_text(encoding="utf-8"))
    return r


def is_remote(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I))


# The path the site is served under: MkDocs writes the 404 page with root-absolute URLs (it is
# served at any depth), based on site_url's path (the fixture's public URL) or "/" without one.
BASE_PATH = {"student": "/fixture/", "teacher": "/"}


def local_target(page: Path, url: str, site: Path | None = None, base: str = "/") -> tuple[Path, str] | None:
    """The file (and anchor) a relative URL points at, or None for remote/mailto/data/fragment-only.
    A root-absolute URL is resolved against the site folder (only the 404 page has them)."""
    if is_remote(url) or re.match(r"^(mailto|data|tel|blob):", url, re.I):
        return None
    parts = urlsplit(url)
    if not parts.path:
        return page, unquote(parts.fragment)
    if parts.path.startswith("/") and site is not None:
        assert page.name == "404.html", f"{page.name} uses a root-absolute URL {url}: breaks under file://"
        assert parts.path.startswith(base), f"{page.name}: {url} is outside the site's path {base}"
        return (site / unquote(parts.path[len(base):])).resolve(), unquote(parts.fragment)
    return (page.parent / unquote(parts.path)).resolve(), unquote(parts.fragment)


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_pages_load_nothing_remote_and_nothing_missing(built: tuple[Path, list[str]], edition: str) -> None:
    """Every resource a page loads is a local file that exists; every local link resolves."""
    site = built[0] / edition
    pages = sorted(site.rglob("*.html"))
    names = {p.relative_to(site).as_posix() for p in pages}
    assert {"index.html", "lessons/01-basics.html", "lessons/02-open.html", "glossary.html", "notes.html"} <= names
    ids: dict[Path, set[str]] = {}
    missing: list[str] = []
    for page in pages:
        refs = parse(page)
        ids[page.resolve()] = refs.ids
        for url in refs.loads:
            assert not is_remote(url), f"{page.relative_to(site)} loads {url}"
            target = local_target(page, url, site, BASE_PATH[edition])
            if target and not target[0].is_file():
                missing.append(f"{page.relative_to(site)} loads {url}")
        for url in refs.links:
            target = local_target(page, url, site, BASE_PATH[edition])
            if target is None:
                continue
            path, _ = target
            if not (path.is_file() or (path.is_dir() and (path / "index.html").is_file())):
                missing.append(f"{page.relative_to(site)} links to {url}")
    assert missing == []


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_css_url_references_are_local_and_exist(built: tuple[Path, list[str]], edition: str) -> None:
    """Fonts, icons and images named by any stylesheet are inline (data:) or files of the site."""
    site = built[0] / edition
    checked = 0
    for css in sorted(site.rglob("*.css")):
        code = strip_comments(css.read_text(encoding="utf-8", errors="replace"), ".css")
        for url in re.findall(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""", code):
            url = url.strip()
            if url.startswith(("data:", "#")):
                continue
            checked += 1
            assert not is_remote(url), f"{css.relative_to(site)} loads {url}"
            target = (css.parent / unquote(urlsplit(url).path)).resolve()
            assert target.is_file(), f"{css.relative_to(site)}: url({url}) does not exist"
        assert not re.search(r"@import\s+(url\()?\s*[\"']?(https?:)?//", code), f"{css} imports a remote stylesheet"
    # (The theme inlines its icons as data: URIs, so there may be no file reference at all.)
    assert checked >= 0


def test_search_index_points_only_at_existing_pages_and_anchors(built: tuple[Path, list[str]]) -> None:
    site = built[0] / "student"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert len(docs) > 10
    bad = []
    for doc in docs:
        location = doc["location"]
        path, _, anchor = location.partition("#")
        page = site / (unquote(path) or "index.html")
        if not page.is_file():
            bad.append(f"{location}: no such page")
            continue
        if anchor and unquote(anchor) not in parse(page).ids:
            bad.append(f"{location}: no element with id '{anchor}'")
        assert not path.startswith("teacher/"), f"student search index lists {location}"
    assert bad == []
    # The offline copy (search_index.js, for file://) holds the same index.
    js = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    m = re.match(r"^\s*var\s+__index\s*=\s*(.*?);?\s*$", js, re.S)
    assert m, "search_index.js is not `var __index = {...}`"
    assert json.loads(m.group(1)) == index


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_sitemap_lists_exactly_the_pages_that_exist(built: tuple[Path, list[str]], edition: str) -> None:
    site = built[0] / edition
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    if edition == "teacher":
        # No public URL for the teacher edition, so no canonical URLs: MkDocs writes an empty sitemap.
        assert locs == [], "the teacher edition must not publish a sitemap"
        return
    assert locs
    base = "https://example.org/fixture/"
    listed = set()
    for loc in locs:
        assert loc.startswith(base), f"sitemap entry {loc} is not under the public URL"
        rel = unquote(loc[len(base):]) or "index.html"
        assert (site / rel).is_file(), f"sitemap lists {loc}, which is not in the site"
        listed.add(rel)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"}
    assert pages - listed == set(), "pages missing from the sitemap"
    if (site / "sitemap.xml.gz").exists():
        assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == xml
    assert not any("teacher/" in rel for rel in listed)


def test_fixture_build_is_strict_clean(built: tuple[Path, list[str]]) -> None:
    """No MkDocs warning at all (the build runs strict, so a warning would also fail it)."""
    out, notes = built
    assert [n for n in notes if MKDOCS_WARNING.match(n)] == []
    assert (out / "student" / "notes.html").exists() and not (out / "student" / "teacher").exists()
    assert (out / "teacher" / "teacher" / "private.html").exists()


def test_default_pack_builds_strict_clean(tmp_path: Path) -> None:
    from generator.build import build
    from generator.load import load_pack

    lessons = ROOT / "lessons"
    loaded = load_pack(lessons)  # the default pack must check clean
    result = build(lessons, tmp_path / "site", config_file=CONFIG, quiet=True, loaded=loaded, **FULL)
    assert [n for n in result.notes if MKDOCS_WARNING.match(n)] == []
    assert (tmp_path / "site" / "student" / "index.html").exists()
