"""The build's own caches: a whole `casefile build` output by a hash of everything it is made from,
stored as one manifest plus one blob per distinct file (content-addressed, so the unchanged files of
two builds, and the theme's assets of both editions, are stored once).

`inputs_digest()` is a SHA-256 of every input of a build: the bytes of every file of the lesson
pack and of docs/, mkdocs.yml (and the files it names: `INHERIT`, `theme.custom_dir`, `hooks`, and
the environment variables it reads), Casefile's own code, templates and assets (`code_hash()`, all
of generator/), the installed packages (their dist-info names: a new version of any of them is a new
digest) and Python's version, the options (editions, handouts, exports, paper, variant, the paths,
and `pack_digest()`: the loaded pack itself, after variants are applied), and
SOURCE_DATE_EPOCH and the CASEFILE_* settings. A build whose digest has a stored manifest restores
its files from the blobs (each blob's SHA-256 is checked against the manifest) instead of building;
anything missing or damaged is a miss, and the build runs in full.

The leak guard is never skipped on content it has not checked: its verdict is stored under the
digest *and* the SHA-256 of every output file it was run on (`tree_digest`), and only a tree with
exactly those bytes (recomputed from the restored files, not taken from the manifest) reuses the
verdict. A guard that failed stores nothing, and the guard's code is part of `code_hash()`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import sys
import sysconfig
from pathlib import Path
from typing import Any, Iterable

from . import cache

PACKAGE = Path(__file__).resolve().parent
_SKIP_DIRS = {"__pycache__", ".git", ".casefile-cache"}
_ENV = {"SOURCE_DATE_EPOCH", "TZ", "LANG", "LANGUAGE", "LC_ALL", "LC_TIME", "LC_CTYPE"}  # may shape dates and text
_SKIP_ENV = {"CASEFILE_CACHE", "CASEFILE_CACHE_DIR", "CASEFILE_CACHE_MAX_MB", "CASEFILE_HANDOUT_JOBS"}


def _files(root: Path) -> list[Path]:
    out: list[Path] = []
    if not root.is_dir():
        return out
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        out += [Path(dirpath) / f for f in sorted(files) if not f.endswith(".pyc")]
    return out


def hash_tree(h: Any, root: Path) -> None:
    """Feed every file under root (relative path and bytes) into h."""
    root = Path(root)
    for f in _files(root):
        rel = f.relative_to(root).as_posix().encode()
        data = f.read_bytes()
        h.update(b"%d:%s%d:" % (len(rel), rel, len(data)) + data)
    h.update(b"|")


@functools.cache
def code_hash() -> str:
    """SHA-256 of Casefile's own files (code, templates, assets, print templates, overrides)."""
    h = hashlib.sha256()
    hash_tree(h, PACKAGE)
    return h.hexdigest()


@functools.cache
def packages() -> tuple[str, ...]:
    """The installed distributions (dist-info folder names carry name and version) and Python."""
    dirs = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    dirs |= {p for p in sys.path if p.endswith("site-packages")}
    names: set[str] = set()
    for d in sorted(dirs):
        try:
            names |= {n for n in os.listdir(d) if n.endswith((".dist-info", ".egg-info"))}
        except OSError:
            continue
    return (f"python {platform.python_version()} {sys.implementation.name}", *sorted(names))


def _config_inputs(config_file: Path) -> list[Path]:
    """Files and folders a mkdocs.yml names besides docs/ (they shape the site too)."""
    text = config_file.read_text(encoding="utf-8", errors="replace")
    out = []
    for m in re.finditer(r"^\s*(?:INHERIT|custom_dir|docs_dir)\s*:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", text, re.M):
        out.append(config_file.parent / m.group(1).strip())
    for m in re.finditer(r"^\s*-\s*['\"]?([^'\"#\n]+\.py)['\"]?\s*$", text, re.M):  # hooks: - file.py
        out.append(config_file.parent / m.group(1).strip())
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    return repr(value)


def pack_digest(pack: Any) -> str:
    """SHA-256 of the loaded pack as the build uses it (after variants), besides its files' bytes:
    anything that changes the pack in memory is a new digest too."""
    data = json.dumps(pack.model_dump(), sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def inputs_digest(*, lessons: Path, config_file: Path, docs_dir: Path, options: dict[str, Any]) -> str:
    h = hashlib.sha256()
    h.update(b"casefile-build-inputs 1|" + code_hash().encode() + b"|")
    h.update(json.dumps(packages()).encode() + b"|")
    h.update(json.dumps(options, sort_keys=True, default=str).encode() + b"|")
    env = {k: v for k, v in os.environ.items()
           if (k.startswith("CASEFILE_") and k not in _SKIP_ENV) or k in _ENV}
    config_text = config_file.read_text(encoding="utf-8", errors="replace")
    if "!ENV" in config_text:  # the variables mkdocs.yml reads
        env |= {k: v for k, v in os.environ.items() if k in config_text}
    h.update(json.dumps(env, sort_keys=True).encode() + b"|")
    h.update(config_file.read_bytes() + b"|")
    hash_tree(h, lessons)
    hash_tree(h, docs_dir)
    for extra in _config_inputs(config_file):
        if extra.is_dir():
            hash_tree(h, extra)
        elif extra.is_file():
            h.update(extra.read_bytes() + b"|")
        else:
            h.update(b"absent " + str(extra).encode() + b"|")
    return h.hexdigest()


# ---------------------------------------------------------------- trees as manifests + blobs

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_tree(root: Path, parts: Iterable[str]) -> dict[str, str]:
    """Store every file under root/<part> as a blob; returns {relative path: sha256}."""
    files: dict[str, str] = {}
    for part in parts:
        for f in _files(root / part):
            data = f.read_bytes()
            digest = _sha(data)
            files[f.relative_to(root).as_posix()] = digest
            if not cache.contains("blob", [digest]):
                cache.put("blob", [digest], data)
    return files


def restore_tree(files: dict[str, str], root: Path) -> bool:
    """Write the manifest's files under root; False (and nothing usable) when any blob is missing or
    does not match its SHA-256."""
    for rel, digest in sorted(files.items()):
        if rel.startswith("/") or ".." in Path(rel).parts:
            return False
        data = cache.get("blob", [digest])
        if data is None or _sha(data) != digest:
            return False
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return True


def tree_digest(root: Path, parts: Iterable[str]) -> str:
    """SHA-256 over every output file's path and bytes (what the leak guard ran on)."""
    h = hashlib.sha256()
    for part in sorted(parts):
        h.update(part.encode() + b"/")
        hash_tree(h, root / part)
    return h.hexdigest()


def load_manifest(digest: str) -> dict[str, Any] | None:
    data = cache.get("build", [digest])
    if data is None:
        return None
    try:
        manifest = json.loads(data)
    except ValueError:
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) else None


def save_manifest(digest: str, manifest: dict[str, Any]) -> None:
    cache.put("build", [digest], json.dumps(manifest, sort_keys=True).encode())


def guard_passed(digest: str, tree: str) -> bool:
    return cache.get("leak-guard-passed", [digest, tree, code_hash()]) == b"ok"


def remember_guard_passed(digest: str, tree: str) -> None:
    cache.put("leak-guard-passed", [digest, tree, code_hash()], b"ok")
