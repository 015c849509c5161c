"""The content cache (generator/cache.py) and the author-text memo (generator/text.py) built on it:
it is used, it never serves output made from other inputs, and damaged files are ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from generator import cache, text

ROOT = Path(__file__).resolve().parent.parent
POISON = "<p>POISON from the cache</p>"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(d))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))  # this "machine's" key
    monkeypatch.delenv("CASEFILE_CACHE", raising=False)
    text._memo.clear_memory()
    yield d
    text._memo.clear_memory()


def table_files(d: Path) -> list[Path]:
    return sorted(d.glob("text/*/*.json"))


def poison_tables(d: Path) -> int:
    """Replace every value stored on disk for author text by POISON; forget the in-memory copy."""
    text._memo.flush()
    n = 0
    for path in table_files(d):
        payload = cache._open(path.read_bytes())
        assert payload is not None, f"{path} is not a valid cache file"
        data = {k: POISON for k in json.loads(payload)}
        n += len(data)
        path.write_bytes(cache._seal(json.dumps(data).encode()))
    text._memo.clear_memory()
    return n


def fresh(fn, *args, **kw) -> str:
    """The output computed with no cache at all."""
    saved = text._memo
    text._memo = cache.Table("text-uncached-test", code="x")
    old = os.environ.get("CASEFILE_CACHE")
    os.environ["CASEFILE_CACHE"] = "0"
    try:
        return fn(*args, **kw)
    finally:
        text._memo = saved
        if old is None:
            del os.environ["CASEFILE_CACHE"]
        else:
            os.environ["CASEFILE_CACHE"] = old


# ---------------------------------------------------------------- the generic API

def test_get_put_round_trip_and_off_switch(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.get("pages", ["a", 1, None, b"x"]) is None
    cache.put("pages", ["a", 1, None, b"x"], b"page bytes")
    assert cache.get("pages", ["a", 1, None, b"x"]) == b"page bytes"
    assert cache.get("pages", ["a", 1, None, b"y"]) is None  # one byte of input changed
    assert cache.get("pages", ["a", "1", None, b"x"]) is None  # 1 and "1" are different inputs
    assert cache.get("pages", [["a", 1], None, b"x"]) is None  # nesting is part of the key
    assert cache.get("other", ["a", 1, None, b"x"]) is None  # namespaces are apart
    monkeypatch.setenv("CASEFILE_CACHE", "0")
    assert cache.get("pages", ["a", 1, None, b"x"]) is None
    cache.put("pages", ["off"], b"not written")
    monkeypatch.delenv("CASEFILE_CACHE")
    assert cache.get("pages", ["off"]) is None


def test_blob_library_version_is_part_of_the_key(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.put("pdf", ["same input"], b"made with nh3 0.3.8")
    assert cache.get("pdf", ["same input"]) == b"made with nh3 0.3.8"
    bumped = tuple((name, v + ".1" if name == "nh3" else v) for name, v in cache.versions())
    monkeypatch.setattr(cache, "versions", lambda: bumped)
    assert cache.get("pdf", ["same input"]) is None


def test_cache_folder_is_written_atomically_and_lists_no_temporary_files(cache_dir: Path) -> None:
    for i in range(20):
        cache.put("pages", [i], b"x" * i)
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert len(files) == 20
    assert not [p for p in files if p.name.startswith(".tmp-")]


def test_corrupted_files_are_ignored_not_fatal(cache_dir: Path) -> None:
    cache.put("pages", ["k"], b"good")
    (blob,) = [p for p in cache_dir.rglob("*") if p.is_file()]
    for damage in (b"", b"garbage", blob.read_bytes()[:-1], blob.read_bytes()[:-4] + b"evil"):
        blob.write_bytes(damage)
        assert cache.get("pages", ["k"]) is None
        cache.put("pages", ["k"], b"good")
        assert cache.get("pages", ["k"]) == b"good"

    assert text.to_html("Some *text*") == "<p>Some <em>text</em></p>"
    text._memo.flush()
    text._memo.clear_memory()
    (seg,) = table_files(cache_dir)
    seg.write_bytes(b"\x00\xff not json")
    extra = seg.parent / "0000-foreign.json"
    extra.write_bytes(cache._seal(b"[1, 2, 3]"))  # valid file, wrong shape
    assert text.to_html("Some *text*") == "<p>Some <em>text</em></p>"
    assert not seg.exists()  # a damaged file is removed


def test_a_cache_folder_from_another_machine_is_ignored(cache_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Someone else's project folder comes with a .casefile-cache/ full of script: never served.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "their-machine"))
    cache.put("pages", ["k"], b"<script>alert(1)</script>")
    text.to_html("Some *text*")
    poison_tables(cache_dir)
    assert text.to_html("Some *text*") == POISON  # on their machine, their cache is used
    text._memo.clear_memory()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))  # back on ours
    assert cache.get("pages", ["k"]) is None
    assert text.to_html("Some *text*") == "<p>Some <em>text</em></p>"
    assert (tmp_path / "home-cache" / "casefile" / "cache-key").stat().st_size == 32
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/no-such-place")  # no key can be made: no cache, no failure
    cache.put("pages", ["k2"], b"x")
    assert cache.get("pages", ["k2"]) is None


def test_eviction_removes_least_recently_used_first(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(10):
        cache.put("pdf", [i], b"x" * 1000)
        path = cache._blob_path("pdf", cache.key("pdf", [i]))
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    cache.get("pdf", [0])  # used now: kept
    cache.evict(limit=5 * 1100)
    kept = [i for i in range(10) if cache.get("pdf", [i]) is not None]
    assert 0 in kept
    assert 1 not in kept and 2 not in kept
    assert 9 in kept
    assert sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file()) <= 5 * 1100


def test_size_bound_is_kept_while_writing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_CACHE_MAX_MB", str(64 / 1024))  # 64 KiB
    monkeypatch.setattr(cache, "_written", 0)
    for i in range(200):
        cache.put("pdf", [i], os.urandom(2000))
    total = sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file())
    assert total <= 64 * 1024 + 64 * 1024 // 16 + 4096
    assert cache.get("pdf", [199]) is not None  # the newest survive


def _worker_puts(i: int) -> int:
    for j in range(30):
        cache.put("pages", [j], f"page {j}".encode())  # every worker writes the same entries at once
    t = cache.Table("shared", code="c")
    for j in range(30):
        t.put([i, j], f"{i}-{j}")
    return i


def test_several_processes_at_once(cache_dir: Path) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(_worker_puts, range(8))) == list(range(8))
    for j in range(30):
        assert cache.get("pages", [j]) == f"page {j}".encode()
    t = cache.Table("shared", code="c")
    assert all(t.get([i, j]) == f"{i}-{j}" for i in range(8) for j in range(30))  # workers flushed at exit
    # Many files in a namespace are merged into one by the next reader.
    assert len(list(cache_dir.glob("shared/*/*.json"))) == 1


def test_table_is_shared_across_processes(cache_dir: Path) -> None:
    code = ("from generator import text; text.to_html('Across *processes*'); "
            "print(len(text._memo._values))")
    env = {**os.environ, "CASEFILE_CACHE_DIR": str(cache_dir)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    assert table_files(cache_dir), "the process wrote its conversions at exit"
    poison_tables(cache_dir)
    out = subprocess.run([sys.executable, "-c", "from generator import text; print(text.to_html('Across *processes*'))"],
                         check=True, env=env, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert out == POISON  # the second process read the first one's entry (poisoned here to prove it)


# ---------------------------------------------------------------- author text can never be stale

def test_author_text_memo_is_used_and_never_stale(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def link(src: str | None, para: str) -> str:
        return f"../article/#{para}"

    def other_link(src: str | None, para: str) -> str:
        return f"../article/#{para}x"

    base = "A *claim*, quoted: [[p12|exact words]]."
    calls = [
        (text.to_html, (base,), {}),
        (text.to_html, (base,), {"inline": True}),
        (text.to_html, (base, link), {}),
        (text.to_plain, (base,), {}),
        (text.to_html, ("Plain words",), {}),
    ]
    for fn, args, kw in calls:
        fn(*args, **kw)
    assert poison_tables(cache_dir) == len(calls)
    for fn, args, kw in calls:  # the cache is really used: the poisoned entries are served
        assert fn(*args, **kw) == POISON

    # One character changed in each kind of input: never the cached output.
    changed = [
        (text.to_html, ("A *claim*, quoted: [[p12|exact words]]!",), {}),   # author text
        (text.to_html, ("A *claim*, quoted: [[p13|exact words]].",), {}),   # the paragraph quoted
        (text.to_html, (base, other_link), {}),                              # the page's link
        (text.to_html, ("Plain words",), {"inline": True}),                  # an option
        (text.to_plain, ("A *claim*, quoted: [[p12|exact word]].",), {}),
    ]
    for fn, args, kw in changed:
        out = fn(*args, **kw)
        assert out != POISON and out == fresh(fn, *args, **kw), (fn, args, kw)
    assert text.to_html("Plain words", inline=True) == "Plain words"
    assert text.to_html(base, inline=False) == POISON  # the option's value is the key, not its spelling


def test_author_text_new_library_version_or_code_is_a_new_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = "Some **bold** words"
    text.to_html(base)
    poison_tables(cache_dir)
    assert text.to_html(base) == POISON
    code = cache.fingerprint(Path(text.__file__))
    for name in ("markdown", "nh3", "pymdown-extensions", "casefile"):
        bumped = tuple((n, v + "-next" if n == name else v) for n, v in cache.versions())
        with monkeypatch.context() as m:  # undoes only these two, not the cache_dir fixture's environment
            m.setattr(cache, "versions", lambda bumped=bumped: bumped)
            m.setattr(text, "_memo", cache.Table("text", code=code))  # as a new process would
            assert text.to_html(base) == "<p>Some <strong>bold</strong> words</p>", name
    monkeypatch.setattr(text, "_memo", cache.Table("text", code=code + "changed"))  # text.py edited
    assert text.to_html(base) == "<p>Some <strong>bold</strong> words</p>"
    monkeypatch.setattr(text, "_memo", cache.Table("text", code=code))
    assert text.to_html(base) == POISON  # back to the same inputs: the same entry


def test_cached_conversions_equal_uncached(cache_dir: Path) -> None:
    samples = ["x", "*a* and **b**", "1. one\n2. two", "<script>alert(1)</script>hi", "[l](javascript:x)",
               "> quote [[p3|the words]]", "Line one\n\nLine two", "a & b < c"]
    for s in samples:
        for inline in (False, True):
            first = text.to_html(s, inline=inline)
            assert first == fresh(text.to_html, s, inline=inline)
            assert text.to_html(s, inline=inline) == first
        assert text.to_plain(s) == fresh(text.to_plain, s)
    text._memo.flush()
    text._memo.clear_memory()
    for s in samples:  # now read back from disk
        assert text.to_html(s) == fresh(text.to_html, s)
        assert text.to_plain(s) == fresh(text.to_plain, s)


def test_merging_files_keeps_every_entry(cache_dir: Path) -> None:
    a, b = cache.Table("merge", code="c"), cache.Table("merge", code="c")  # two processes at once
    assert a.get([0]) is None and b.get([0]) is None
    for i in range(10):
        a.put([i], str(i))
        b.put([i], str(i))
    b.put([10], "10")
    a.flush()
    b.flush()
    c = cache.Table("merge", code="c")  # sees 2 files, 21 entries for 11 keys: merges them
    assert all(c.get([i]) == str(i) for i in range(11))
    assert len(list(cache_dir.glob("merge/*/*.json"))) == 1
    d = cache.Table("merge", code="c")
    assert all(d.get([i]) == str(i) for i in range(11))
    # A merge whose result is one of the files it merges keeps that file.
    e = cache.Table("merge", code="c")
    assert e.get([0]) == "0"
    e._write_file({e._key([i]): str(i) for i in range(7)})  # a second file, all duplicates
    assert len(list(cache_dir.glob("merge/*/*.json"))) == 2
    f = cache.Table("merge", code="c")
    assert all(f.get([i]) == str(i) for i in range(11))
    assert len(list(cache_dir.glob("merge/*/*.json"))) == 1
    g = cache.Table("merge", code="c")
    assert all(g.get([i]) == str(i) for i in range(11))
