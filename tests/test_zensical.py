"""Zensical (issue 17.3): the `--markdown-out` project of each edition of the default pack, built with
MkDocs and with the pinned Zensical (`pip install -e '.[test]'`), has the same exercises, keys,
admonitions, details blocks, handouts blocks (with their PDFs) and search entries on every page."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import html

from conftest import CONFIG, DEFAULT_PACK, require

BIN = Path(sys.executable).parent
ZENSICAL = shutil.which("zensical", path=str(BIN)) or shutil.which("zensical")

pytestmark = pytest.mark.slow

# What must survive the engine swap, per page: (name, XPath)
PARTS = [
    ("exercise", "//section[@data-exercise]/@data-exercise"),
    ("key", "//*[contains(concat(' ', @class, ' '), ' cf-key ')]"),
    ("admonition", "//*[contains(concat(' ', @class, ' '), ' admonition ')]/@class"),
    ("details", "//details/summary"),
    ("handouts", "//*[contains(concat(' ', @class, ' '), ' cf-handouts ')]//a/@href"),
    ("script", "//script[contains(@src, 'casefile')]/@src"),
]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """--markdown-out of the default pack, both editions, with a handouts folder of (empty) PDFs."""
    require("zensical", ZENSICAL is not None, "zensical (pip install -e '.[test]')")
    from generator.build import write_markdown
    from generator.handouts import handout_folder, pack_handout_names
    from generator.load import load_pack

    loaded = load_pack(DEFAULT_PACK)
    root = tmp_path_factory.mktemp("zensical")
    handouts = root / "handouts"
    for names in pack_handout_names(loaded.pack).values():
        for name in names.values():
            (handouts / handout_folder(name)).mkdir(parents=True, exist_ok=True)
            (handouts / handout_folder(name) / name).write_bytes(b"%PDF-1.7 stand-in\n")
    write_markdown(loaded, root / "md", CONFIG, handouts=handouts)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for edition in ("student", "teacher"):
        project = root / "md" / edition
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "mkdocs" / edition)],
                       cwd=project, check=True, env=env, capture_output=True)
        r = subprocess.run([ZENSICAL, "build"], cwd=project, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        shutil.move(project / "site", root / "zensical" / edition)
    return root


def parts(page: Path) -> dict[str, Counter]:
    tree = html.fromstring(page.read_bytes())
    return {name: Counter(posixpath.normpath(x) if name in ("script", "handouts") else str(x) if isinstance(x, str) else ""
                          for x in tree.xpath(xp)) for name, xp in PARTS}


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_zensical_builds_what_mkdocs_builds(projects: Path, edition: str) -> None:
    mk, zs = projects / "mkdocs" / edition, projects / "zensical" / edition
    pages = sorted(p.relative_to(mk).as_posix() for p in mk.rglob("*.html") if not p.name == "404.html"
                   and not p.relative_to(mk).as_posix().startswith(("assets/", "search/")))
    assert len(pages) >= (13 if edition == "student" else 27)
    totals: Counter = Counter()
    missing = []
    for uri in pages:
        if not (zs / uri).is_file():
            missing.append(f"{uri}: no such page")
            continue
        want, got = parts(mk / uri), parts(zs / uri)
        for name in want:
            totals[name] += sum(want[name].values())
            if want[name] != got[name]:
                missing.append(f"{uri}: {name}: MkDocs {dict(want[name])} vs Zensical {dict(got[name])}")
    assert not missing, "\n".join(missing)
    # the build has every kind of part (so the comparison means something), handouts included
    assert totals["exercise"] >= 40 and totals["handouts"] >= 10 and totals["admonition"] >= 5 and totals["details"] >= 1, totals
    assert (totals["key"] >= 40) == (edition == "teacher"), totals
    for uri in pages:  # every linked PDF is in the Zensical site
        for href in parts(zs / uri)["handouts"]:
            target = (zs / uri).parent / href
            assert target.is_file(), f"{uri} links {href}, which Zensical did not copy"
    # the same search entries
    mk_search = {d["location"] for d in json.loads((mk / "search/search_index.json").read_text())["docs"]}
    zs_search = {d["location"] for d in json.loads((zs / "search.json").read_text())["items"]}
    assert len(mk_search) > 100 and mk_search == zs_search, (sorted(mk_search - zs_search)[:5], sorted(zs_search - mk_search)[:5])


def test_markdown_out_writes_the_handouts_block_and_pdfs(projects: Path) -> None:
    """--markdown-out with made handouts: the Markdown links them and the PDFs are in docs/handouts/."""
    student = projects / "md" / "student" / "docs"
    lesson = (student / "lessons" / "01-first-look.md").read_text(encoding="utf-8")
    assert "cf-handouts" in lesson and "../handouts/01-first-look-worksheet.pdf" in lesson
    assert (student / "handouts" / "01-first-look-worksheet.pdf").is_file()
    # the student project has no teacher PDF, the teacher one has the keys
    assert not any("key" in p.name for p in (student / "handouts").iterdir())
    assert (projects / "md" / "teacher" / "docs" / "handouts" / "01-first-look-key.pdf").is_file()
