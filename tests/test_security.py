"""Issue 12.1: addresses from a pack are http(s) or relative, checked by the model with a
file:line message; author Markdown keeps only http/https/mailto/relative links."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.text import to_html

CLI = [sys.executable, "-m", "generator"]


def check(pack: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + ["check", "--lessons", str(pack)], capture_output=True, text=True, cwd=pack.parent)


@pytest.mark.parametrize("url, why", [
    ('http://x/"><script>alert(1)</script>', "must not contain '\"', '<', '>' (encode a space as %20)"),
    ("javascript:alert(1)", "must be an absolute http:// or https:// address"),
    ("/fixture/", "must be an absolute http:// or https:// address"),
    ("https://", "must be an absolute http:// or https:// address"),
    ("ftp://example.org/", "must be an absolute http:// or https:// address"),
])
def test_public_url_must_be_an_absolute_http_url(pack_copy: Path, url: str, why: str) -> None:
    pack_yml = pack_copy / "pack.yml"
    pack_yml.write_text(pack_yml.read_text().replace("public_url: https://example.org/fixture/", f"public_url: '{url}'"))
    r = check(pack_copy)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[0] == (
        f"lessons/pack.yml:10:15: 'public_url' {why}, such as https://example.org/course/, not {url!r}")


@pytest.mark.parametrize("url, why", [
    ("javascript:alert(42)", "may only be an http://, https:// or relative address, not a 'javascript:' one"),
    ("JavaScript:alert(42)", "may only be an http://, https:// or relative address, not a 'javascript:' one"),
    ("data:text/html,<b>x</b>", "must not contain '<', '>' (encode a space as %20)"),
    ("vbscript:x", "may only be an http://, https:// or relative address, not a 'vbscript:' one"),
    ("java\tscript:x", "must not contain '\\t' (encode a space as %20)"),
    ("//evil.example/x", "must start with http:// or https:// (or be relative to the site)"),
])
def test_reference_url_is_http_or_relative(pack_copy: Path, url: str, why: str) -> None:
    refs = pack_copy / "references.yml"
    quoted = url.replace("\t", "\\t")
    refs.write_text(refs.read_text() + f'    url: "{quoted}"\n')
    r = check(pack_copy)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[0] == f"lessons/references.yml:10:10: reference 'r1': 'url' {why}; not {url!r}"


def test_source_urls_are_checked_too(pack_copy: Path) -> None:
    src = pack_copy / "sources" / "memo.yml"
    src.write_text(src.read_text().replace("url: https://example.org/memo", "url: javascript:alert(1)"))
    r = check(pack_copy)
    assert r.returncode == 1
    assert "sources/memo.yml:7:6: " in r.stderr and "not a 'javascript:' one" in r.stderr


def test_good_urls_pass(pack_copy: Path) -> None:
    refs = pack_copy / "references.yml"
    refs.write_text(refs.read_text() + "    url: https://example.org/a%20b?q=1#x\n")
    assert check(pack_copy).returncode == 0
    refs.write_text(refs.read_text().replace("https://example.org/a%20b?q=1#x", "../notes/x.html"))
    assert check(pack_copy).returncode == 0


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd"])
def test_author_markdown_links_lose_other_schemes(href: str) -> None:
    out = to_html(f"[click]({href})")
    assert "href" not in out and "click" in out


@pytest.mark.parametrize("href", ["https://example.org/", "http://example.org/", "mailto:a@example.org", "../glossary.html"])
def test_author_markdown_links_keep_http_mailto_and_relative(href: str) -> None:
    assert f'href="{href}"' in to_html(f"[click]({href})")
