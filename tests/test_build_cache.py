"""The build cache (generator/build_cache.py): a build with nothing changed is restored from
`.casefile-cache/`, byte for byte what a build without the cache makes; a change of one character in
any kind of input is a rebuild whose output shows the change; the leak guard never passes content it
has not checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CONFIG, FIXTURE_PACK, ROOT

pytestmark = pytest.mark.slow

RESTORED = "Nothing changed since a build in .casefile-cache/"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(d))
    monkeypatch.delenv("CASEFILE_CACHE", raising=False)
    return d


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the project: mkdocs.yml, docs/ and the fixture pack as lessons/."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copyfile(CONFIG, root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(FIXTURE_PACK, root / "lessons")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(project: Path, out: Path, **kw) -> list[str]:
    from generator.build import build as do_build

    said: list[str] = []
    kw = {"handouts": False, "exports": False, **kw}
    do_build(project / "lessons", out, config_file=project / "mkdocs.yml", quiet=False, echo=said.append, **kw)
    return said


def restored(said: list[str]) -> bool:
    return any(s.startswith(RESTORED) for s in said)


def test_output_is_byte_identical_with_and_without_cache(project: Path, tmp_path: Path, cache_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_CACHE", "0")
    build(project, tmp_path / "off", handouts=True, exports=True)
    assert not cache_dir.exists(), "CASEFILE_CACHE=0 wrote to the cache"
    monkeypatch.delenv("CASEFILE_CACHE")
    assert not restored(build(project, tmp_path / "cold", handouts=True, exports=True))
    assert restored(build(project, tmp_path / "warm", handouts=True, exports=True))
    off, cold, warm = tree(tmp_path / "off"), tree(tmp_path / "cold"), tree(tmp_path / "warm")
    assert any(k.endswith(".pdf") for k in off) and any(k.startswith("exports/") for k in off)
    assert off.keys() == cold.keys() == warm.keys()
    assert [k for k in off if off[k] != cold[k] or off[k] != warm[k]] == []
    # the PDF cache alone (a docs page changed: the site is rebuilt, the PDFs come from the cache)
    page = project / "docs" / "for-students.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert not restored(build(project, tmp_path / "pdfs", handouts=True, exports=True))
    again = tree(tmp_path / "pdfs")
    assert {k: v for k, v in again.items() if k.startswith("handouts/")} == {k: v for k, v in off.items() if k.startswith("handouts/")}


# (file under the project, old text, new text: one character changed, what the output then shows,
# the edition whose pages show it)
CHANGES = [
    ("lessons/01-basics.yml", 'title: "Basics & <em>tags</em>"', 'title: "Basicz & <em>tags</em>"', "Basicz", "student"),
    ("lessons/sources/memo.yml", 'title: "A Memo About Boats"', 'title: "A Memo About Boatz"', "Boatz", "student"),
    ("lessons/claims.yml", "claimant: TMARK-claim-claimant", "claimant: TMARK-claim-claimanz", "claimanz", "teacher"),
    ("lessons/glossary.yml", "that can be checked.", "that can be checkez.", "checkez", "student"),
    ("lessons/pack.yml", 'title: "Fixture pack"', 'title: "Fixture pacz"', "Fixture pacz", "student"),
    ("docs/for-students.md", None, None, None, "student"),
    ("mkdocs.yml", "primary: indigo", "primary: indigz", "indigz", "student"),
]


def _one_char(project: Path, rel: str, old: str | None, new: str | None, shown: str | None) -> str:
    """Change one character of the file; returns a string the affected output must now hold."""
    path = project / rel
    text = path.read_text(encoding="utf-8")
    if old is None:  # a docs page: the first word of its first line of prose
        lines = text.splitlines()
        i = next(n for n, l in enumerate(lines) if l.strip() and not l.startswith(("#", "-", "<", "!", "[")) and len(l.split()[0]) > 3)
        word = lines[i].split()[0]
        old, new = word, word[:-1] + ("z" if word[-1] != "z" else "y")
        shown = new
    assert old in text and new is not None and shown is not None, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return shown


@pytest.mark.parametrize("rel,old,new,shown,edition", CHANGES, ids=[c[0] for c in CHANGES])
def test_one_character_changed_is_rebuilt(project: Path, tmp_path: Path, cache_dir: Path, rel: str, old: str | None,
                                          new: str | None, shown: str | None, edition: str) -> None:
    out = tmp_path / "site"
    build(project, out, editions=(edition,))
    assert restored(build(project, out, editions=(edition,)))
    before = tree(out / edition)
    shown = _one_char(project, rel, old, new, shown)
    assert not restored(build(project, out, editions=(edition,))), f"{rel}: a changed file was served from the cache"
    after = tree(out / edition)
    assert after != before
    assert any(shown.encode() in data for data in after.values()), f"{rel}: the output does not show the change {shown!r}"
    assert not any(shown.encode() in data for data in before.values())


def test_code_options_and_edition_are_part_of_the_key(project: Path, tmp_path: Path, cache_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import build_cache
    from pypdf import PdfReader

    out = tmp_path / "site"
    build(project, out, editions=("student",))
    assert restored(build(project, out, editions=("student",)))
    monkeypatch.setattr(build_cache, "code_hash", lambda: "another version of Casefile's code")
    assert not restored(build(project, out, editions=("student",))), "changed code was served from the cache"
    assert not restored(build(project, out, editions=("teacher",)))  # the other edition
    assert (out / "teacher" / "index.html").is_file()
    full = tree(out / "student")
    assert not restored(build(project, out, editions=("student",), variant="short")), "another variant was served from the cache"
    assert tree(out / "student") != full and any(b"Do exercises 1 and 2 below." in v for v in tree(out / "student").values())
    build(project, out, editions=("student",), handouts=True, paper="a4")
    a4 = PdfReader(out / "handouts" / "student" / "01-basics-worksheet.pdf").pages[0].mediabox
    assert not restored(build(project, out, editions=("student",), handouts=True, paper="letter"))
    letter = PdfReader(out / "handouts" / "student" / "01-basics-worksheet.pdf").pages[0].mediabox
    assert round(float(a4.width)) == 595 and round(float(letter.width)) == 612
    assert not (out / "handouts" / "student" / "01-basics-worksheet-B.pdf").exists()
    assert not restored(build(project, out, editions=("student",), handouts=True, paper="letter", versions=2)), \
        "--versions was served from the cache"
    assert (out / "handouts" / "student" / "01-basics-worksheet-B.pdf").is_file()


def test_leak_guard_runs_on_restored_content_it_has_not_checked(project: Path, tmp_path: Path, cache_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A manifest whose files differ from what the guard passed (here: a page that holds a teacher
    note) is checked again on restore, and the build fails, leaving the previous site."""
    from generator import build_cache, cache, leak_guard
    from generator.build import BuildError

    out = tmp_path / "site"
    build(project, out, editions=("student",))
    calls: list[int] = []
    real = leak_guard.check
    monkeypatch.setattr(leak_guard, "check", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert restored(build(project, out, editions=("student",)))
    assert calls == []  # the same bytes it already passed: its verdict is reused
    # plant a teacher-only note in a cached page
    manifests = [p for p in (cache_dir / "build").rglob("*") if p.is_file()]
    assert len(manifests) == 1
    digest_key = manifests[0].name
    payload = cache._read(manifests[0])
    manifest = json.loads(payload)
    page = "student/index.html"
    planted = (out / page).read_bytes().replace(b"</body>", b"<p>TMARK-sensitivity-teacher-note</p></body>")
    sha = build_cache._sha(planted)
    cache.put("blob", [sha], planted)
    manifest["files"][page] = sha
    cache._write(manifests[0], json.dumps(manifest).encode())
    assert digest_key == manifests[0].name
    good = tree(out / "student")
    with pytest.raises(BuildError) as err:
        build(project, out, editions=("student",))
    assert calls == [1] and "TMARK-sensitivity-teacher-note" in str(err.value)
    assert tree(out / "student") == good


def test_a_missing_blob_is_a_full_build(project: Path, tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "site"
    build(project, out, editions=("student",))
    first = tree(out / "student")
    blobs = sorted(p for p in (cache_dir / "blob").rglob("*") if p.is_file())
    blobs[len(blobs) // 2].unlink()
    assert not restored(build(project, out, editions=("student",)))
    assert tree(out / "student") == first
    assert restored(build(project, out, editions=("student",)))


def test_handouts_made_in_recycled_worker_processes_are_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big pack's PDFs are made in chunks, each in a fresh process (Typst's memory stays bounded):
    the same bytes as one process makes, and every chunk within its size unless one document is bigger."""
    import generator.handouts as H
    from generator.load import load_pack

    monkeypatch.setenv("CASEFILE_CACHE", "0")
    pack = load_pack(FIXTURE_PACK).pack
    H.build_handouts(pack, tmp_path / "one", quiet=True)
    monkeypatch.setattr(H, "CHUNK_BYTES", 20_000)
    docs = H.documents(pack)
    todo = [(d.data, d.rel) for d in docs]
    sizes = [len(json.dumps(d, ensure_ascii=False)) for d, _ in todo]
    chunks = H._chunks(todo, sizes, 1)
    assert len(chunks) > 2 and sum(map(len, chunks)) == len(todo)
    by_rel = dict(zip((r for _, r in todo), sizes))
    assert all(len(c) == 1 or sum(by_rel[r] for _, r in c) <= 20_000 for c in chunks)
    H.build_handouts(pack, tmp_path / "many", quiet=True)
    assert tree(tmp_path / "one") == tree(tmp_path / "many") and tree(tmp_path / "one")
