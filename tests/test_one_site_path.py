"""Issue 11.3/11.4: the plugin build and --markdown-out are one code path (site.edition_site), and
`casefile build` hands its loaded Pack to the edition builds: no re-load, no environment left."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator import plugin
from generator.build import write_markdown
from generator.load import load_pack
from generator.site import edition_site

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
HOSTILE = "<img src=x onerror=alert(1)>"


def test_teacher_markdown_out_matches_the_plugin(tmp_path: Path, pack_copy: Path) -> None:
    """The drift issue 11 found: --markdown-out's teacher edition lacked Check answers and the title."""
    loaded = load_pack(pack_copy)
    [root] = write_markdown(loaded, tmp_path / "md", CONFIG, ("teacher",))
    cfg = YAML(typ="safe").load((root / "mkdocs.yml").read_text())
    site = edition_site(loaded.pack, "teacher", ROOT / "docs")
    assert cfg["site_name"] == site.site_name == "Fixture pack (teacher edition)"
    assert (root / "docs" / "teacher" / "check-answers.md").is_file()
    assert "assets/casefile/check-answers.js" in cfg["extra_javascript"]
    assert (root / "docs" / "assets" / "casefile" / "check-answers.js").is_file()
    assert cfg["nav"] == site.nav
    for page in site.pages:
        assert (root / "docs" / page.uri).read_text(encoding="utf-8") == page.markdown


def test_student_markdown_out_has_no_teacher_asset(tmp_path: Path, pack_copy: Path) -> None:
    [root] = write_markdown(load_pack(pack_copy), tmp_path / "md", CONFIG, ("student",))
    cfg = YAML(typ="safe").load((root / "mkdocs.yml").read_text())
    assert cfg["site_name"] == "Fixture pack"
    assert not (root / "docs" / "assets" / "casefile" / "check-answers.js").exists()
    assert "assets/casefile/check-answers.js" not in cfg["extra_javascript"]
    assert not (root / "docs" / "teacher").exists()


class Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.imgs.append(dict(attrs))


@pytest.mark.slow
def test_hostile_pack_title_is_inert_in_markdown_out(tmp_path: Path, pack_copy: Path) -> None:
    pack_yml = pack_copy / "pack.yml"
    pack_yml.write_text(pack_yml.read_text().replace('title: "Fixture pack"', f"title: '{HOSTILE}'"))
    [root] = write_markdown(load_pack(pack_copy), tmp_path / "md", CONFIG, ("student",))
    b = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=root,
                       capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert b.returncode == 0, b.stderr
    for page in (root / "site").rglob("*.html"):
        p = Live()
        p.feed(page.read_text(encoding="utf-8"))
        assert not [a for a in p.imgs if "onerror" in a], page


def test_build_site_uses_the_given_pack_and_leaves_no_environment(tmp_path: Path, pack_copy: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pack = load_pack(pack_copy).pack
    monkeypatch.setattr(plugin, "load_pack", lambda *a, **k: pytest.fail("the plugin loaded the pack again"))
    for var in ("CASEFILE_EDITION", "CASEFILE_LESSONS", "CASEFILE_HANDOUTS", "CASEFILE_HANDOUTS_LATER"):
        monkeypatch.delenv(var, raising=False)
    before = dict(os.environ)
    links: dict[str, str] = {}
    plugin.build_site(CONFIG, "teacher", tmp_path / "teacher", pack=pack, handouts=tmp_path / "h",
                      handouts_later=True, linked_handouts=links)
    assert dict(os.environ) == before
    assert plugin.HANDOFF is None
    assert "Fixture pack (teacher edition)" in (tmp_path / "teacher" / "index.html").read_text()
    assert links["handouts/01-basics-key.pdf"] == "teacher/01-basics-key.pdf"


def test_plain_mkdocs_still_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_EDITION", "nonsense")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "s")], cwd=ROOT,
                       capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert r.returncode != 0
    assert "CASEFILE_EDITION must be student or teacher, not 'nonsense'" in r.stderr
