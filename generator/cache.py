"""Content caches by hash of the inputs, shared by every process and kept across builds.

A cache entry is found by a SHA-256 of everything that shapes it: the namespace, the caller's key
parts, the Casefile version and the versions of the libraries that shape the output (`LIBRARIES`).
So an entry can never be served for other inputs; an entry nobody asks for any more just ages out.

The folder is `.casefile-cache/` in the current directory (ignored by git, safe to delete at any
time, also while a build runs), or `$CASEFILE_CACHE_DIR`. `CASEFILE_CACHE=0` turns the persistent
cache off (nothing is read or written; `Table` still memoises in memory). The folder is kept under
`MAX_BYTES` (1 GiB, `$CASEFILE_CACHE_MAX_MB` to change it) by deleting the least recently used
files first. Every file is written to a temporary name and renamed into place, and is sealed with
an HMAC of its payload under a key kept outside the folder (`key_file()`, made on first use): a
damaged, truncated or foreign file is ignored (and removed), never fatal, and never served. So a
cache folder that came with someone else's project (a zip, a shared drive) is not trusted: its
entries could otherwise put unsanitized HTML into pages. Several processes may read and write at once. The folder holds
teacher-only text (keys, notes): keep it with the lessons, never publish it.

The API, for single outputs (a page, a PDF: one file each):

    from generator import cache
    data = cache.get("pdf", [template_hash, typst_version, json_bytes])   # bytes, or None
    if data is None:
        data = make_pdf(...)
        cache.put("pdf", [template_hash, typst_version, json_bytes], data)

and for many small entries (author text: one file per entry would cost more than the work):

    table = cache.Table("text-html", code=cache.fingerprint(Path(__file__)))
    out = table.get(["to_html", text, inline])           # str, or None
    if out is None:
        table.put(["to_html", text, inline], out := convert(text, inline))

A Table reads its namespace's files once per process, on first use, and writes what was added as one
new file when the process ends (also in forked and ProcessPoolExecutor workers), or on `flush()`.
When a namespace has gathered several files (or many duplicate entries), the next reader merges
them into one.

Key parts may be str, bytes, int, float, bool, None, and lists, tuples or dicts of those. Put in
them everything the output depends on that is not a library version: the input data, the options,
and a fingerprint of your templates or code (`fingerprint(*paths)`): the Casefile version alone does
not change while the code is being worked on.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import hmac
import importlib.metadata
import json
import os
import platform
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable

# The libraries whose versions shape generated output: a new version of one of them (or of Python)
# is a new cache.
LIBRARIES = ("casefile", "markdown", "pymdown-extensions", "nh3", "jinja2", "mkdocs", "mkdocs-material", "typst")
MAX_BYTES = 1024 * 1024 * 1024  # room for whole builds of a big pack (two editions and their PDFs)
MAGIC = b"casefile-cache 1\n"
_MERGE_AT = 4  # a Table namespace with this many files (or many duplicates) is merged by the next reader
_lock = threading.RLock()


# ---------------------------------------------------------------- settings

def enabled() -> bool:
    """Whether the persistent cache is on (`CASEFILE_CACHE=0` turns it off)."""
    return os.environ.get("CASEFILE_CACHE", "1").strip().lower() not in {"0", "false", "no", "off"}


def folder() -> Path:
    """The cache folder: `$CASEFILE_CACHE_DIR`, else `.casefile-cache` in the current directory."""
    return Path(os.environ.get("CASEFILE_CACHE_DIR") or ".casefile-cache")


def max_bytes() -> int:
    try:
        return int(float(os.environ["CASEFILE_CACHE_MAX_MB"]) * 1024 * 1024)
    except (KeyError, ValueError):
        return MAX_BYTES


@functools.cache
def versions() -> tuple[tuple[str, str], ...]:
    """(library, version) for Python and every library in LIBRARIES: part of every key."""
    out = [("python", platform.python_version())]
    for name in LIBRARIES:
        try:
            out.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            out.append((name, "absent"))
    return tuple(out)


def fingerprint(*paths: Path) -> str:
    """A SHA-256 of the bytes of these files (code, templates) to put in key parts."""
    h = hashlib.sha256()
    for p in paths:
        data = Path(p).read_bytes()
        h.update(b"%d:" % len(data) + data)
    return h.hexdigest()


# ---------------------------------------------------------------- keys

def _feed(h: Any, part: Any) -> None:
    """Hash a key part unambiguously: a type tag and a length before every value."""
    if isinstance(part, bool) or part is None:
        h.update(b"b" + repr(part).encode() + b";")
    elif isinstance(part, (int, float)):
        h.update(b"n" + repr(part).encode() + b";")
    elif isinstance(part, str):
        data = part.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data) + data)
    elif isinstance(part, (bytes, bytearray, memoryview)):
        data = bytes(part)
        h.update(b"y%d:" % len(data) + data)
    elif isinstance(part, (list, tuple)):
        h.update(b"l%d:" % len(part))
        for p in part:
            _feed(h, p)
    elif isinstance(part, dict):
        h.update(b"d%d:" % len(part))
        for k in sorted(part, key=str):
            _feed(h, str(k))
            _feed(h, part[k])
    else:
        raise TypeError(f"cache key parts must be str, bytes, numbers, None or lists/dicts of them, not {type(part).__name__}")


def _base(namespace: str) -> Any:
    h = hashlib.sha256()
    _feed(h, ["casefile-cache", namespace, list(versions())])
    return h


def key(namespace: str, key_parts: Iterable[Any]) -> str:
    """The hex SHA-256 that names an entry."""
    h = _base(namespace)
    _feed(h, list(key_parts))
    return h.hexdigest()


# ---------------------------------------------------------------- files

def key_file() -> Path:
    """This machine's secret cache key: `$XDG_CACHE_HOME/casefile/cache-key` (~/.cache/...)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "casefile" / "cache-key"


def _secret() -> bytes | None:
    return _secret_at(str(key_file()))


@functools.cache
def _secret_at(path: str) -> bytes | None:
    """Read the key, or make one (32 random bytes; two processes at once agree on the first)."""
    p = Path(path)
    try:
        if p.exists():
            data = p.read_bytes()
            return data if len(data) == 32 else None
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
        try:
            os.link(tmp, p)  # fails if another process made it first: then use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        data = p.read_bytes()
        return data if len(data) == 32 else None
    except OSError:
        return None  # no key, no persistent cache: only slower


def _mac(payload: bytes) -> bytes | None:
    secret = _secret()
    return None if secret is None else hmac.new(secret, payload, hashlib.sha256).hexdigest().encode()


def _seal(payload: bytes) -> bytes:
    mac = _mac(payload)
    if mac is None:
        raise OSError("no cache key")
    return MAGIC + mac + b"\n" + payload


def _open(data: bytes) -> bytes | None:
    """The payload of a cache file, or None if the file is damaged or was not written on this machine."""
    head = len(MAGIC)
    if not data.startswith(MAGIC) or len(data) < head + 65 or data[head + 64:head + 65] != b"\n":
        return None
    payload = data[head + 65:]
    mac = _mac(payload)
    if mac is None or not hmac.compare_digest(mac, data[head:head + 64]):
        return None
    return payload


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = _open(data)
    if payload is None:
        _remove(path)
    return payload


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _write(path: Path, payload: bytes) -> None:
    """Write atomically: a temporary file in the same folder, renamed into place."""
    try:
        sealed = _seal(payload)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(sealed)
            os.replace(tmp, path)
        except BaseException:
            _remove(Path(tmp))
            raise
    except OSError:
        return  # a cache that cannot be written is only slower
    _account(len(payload))


_written = 0  # bytes this process wrote since it last checked the folder's size


def _account(n: int) -> None:
    global _written
    with _lock:
        first = _written == 0
        _written += n
        if first or _written > max_bytes() // 16:
            _written = 1
            evict()


def evict(limit: int | None = None) -> None:
    """Delete the least recently used files until the folder is within `limit` bytes (MAX_BYTES)."""
    limit = max_bytes() if limit is None else limit
    entries = []
    total = 0
    for dirpath, _dirs, files in os.walk(folder()):
        for name in files:
            p = os.path.join(dirpath, name)
            try:
                st = os.stat(p)
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, p))
            total += st.st_size
    if total <= limit:
        return
    for _mtime, size, p in sorted(entries):
        _remove(Path(p))
        total -= size
        if total <= limit * 0.9:  # some headroom, so that the next write does not evict again
            break


# ---------------------------------------------------------------- one file per entry

def _blob_path(namespace: str, digest: str) -> Path:
    return folder() / namespace / digest[:2] / digest


def get(namespace: str, key_parts: Iterable[Any]) -> bytes | None:
    """The bytes stored for these key parts, or None (not cached, damaged, or the cache is off)."""
    if not enabled():
        return None
    path = _blob_path(namespace, key(namespace, key_parts))
    data = _read(path)
    if data is not None:
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
    return data


def contains(namespace: str, key_parts: Iterable[Any]) -> bool:
    """Whether an entry exists for these key parts (not read or checked: `get` does that)."""
    return enabled() and _blob_path(namespace, key(namespace, key_parts)).is_file()


def put(namespace: str, key_parts: Iterable[Any], data: bytes) -> None:
    """Store bytes for these key parts (nothing happens when the cache is off or not writable)."""
    if enabled():
        _write(_blob_path(namespace, key(namespace, key_parts)), bytes(data))


# ---------------------------------------------------------------- many small entries

_tables: list["Table"] = []


class Table:
    """Many small str entries in one namespace, read once per process and written as one file.

    `code` (e.g. a `fingerprint` of the module that makes the values) is part of every key."""

    def __init__(self, namespace: str, code: str = "") -> None:
        self.namespace = namespace
        self._base = _base(namespace)
        _feed(self._base, code)
        self._values: dict[str, str] = {}
        self._new: dict[str, str] = {}
        self._loaded = False
        with _lock:
            _tables.append(self)

    def _dir(self) -> Path:
        # One folder per set of library versions, so a new version starts with nothing to read.
        return folder() / self.namespace / self._base.hexdigest()[:16]

    def _key(self, key_parts: Iterable[Any]) -> str:
        h = self._base.copy()
        _feed(h, list(key_parts))
        return h.hexdigest()[:40]

    def _load(self) -> None:
        self._loaded = True
        if not enabled():
            return
        files = sorted(self._dir().glob("*.json"))
        read = 0
        for path in files:
            payload = _read(path)
            if payload is None:
                continue
            try:
                data = json.loads(payload)
            except ValueError:
                _remove(path)
                continue
            if isinstance(data, dict):
                self._values.update((k, v) for k, v in data.items() if isinstance(v, str))
                read += len(data)
        # Processes that ran at once wrote the same entries: merge, so later readers read each once.
        if len(files) >= _MERGE_AT or (len(files) > 1 and read > 1.5 * len(self._values)):
            merged = self._write_file(self._values)
            for path in files:
                if path != merged:
                    _remove(path)

    def get(self, key_parts: Iterable[Any]) -> str | None:
        """The stored value for these key parts, or None."""
        with _lock:
            if not self._loaded:
                self._load()
            return self._values.get(self._key(key_parts))

    def put(self, key_parts: Iterable[Any], value: str) -> None:
        """Store a value (in memory now; on disk at `flush()` or when the process ends)."""
        with _lock:
            k = self._key(key_parts)
            self._values[k] = value
            self._new[k] = value

    def flush(self) -> None:
        """Write the entries added since the last flush as one new file."""
        with _lock:
            new, self._new = self._new, {}
        if new and enabled():
            self._write_file(new)

    def clear_memory(self) -> None:
        """Forget what this process read or added (the next get reads the folder again)."""
        with _lock:
            self._values, self._new, self._loaded = {}, {}, False

    def _write_file(self, entries: dict[str, str]) -> Path:
        payload = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        path = self._dir() / (hashlib.sha256(payload).hexdigest()[:24] + ".json")  # same entries, same file
        _write(path, payload)
        return path


def flush_all() -> None:
    """Write every Table's new entries (run at process exit)."""
    for table in list(_tables):
        try:
            table.flush()
        except Exception:  # noqa: BLE001 - a cache must never make a build fail at exit
            pass


def _after_fork_in_child() -> None:
    # The parent writes what it had added; a child writes only its own additions, at its exit.
    global _written
    _written = 0
    for table in _tables:
        table._new = {}


class _Hook:
    pass


_HOOK = _Hook()


def _finalize_in_worker(_obj: object) -> None:
    # multiprocessing children (ProcessPoolExecutor workers) leave through os._exit, which skips
    # atexit, but run multiprocessing's finalizers; those registered before the fork are dropped,
    # so this is registered again in each child after multiprocessing's own reset.
    import multiprocessing.util

    multiprocessing.util.Finalize(None, flush_all, exitpriority=10)


def _install_hooks() -> None:
    import multiprocessing.util

    atexit.register(flush_all)
    os.register_at_fork(after_in_child=_after_fork_in_child)
    multiprocessing.util.register_after_fork(_HOOK, _finalize_in_worker)
    _finalize_in_worker(None)  # in case this module is first imported inside a worker


_install_hooks()
