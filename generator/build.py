"""`casefile build`: both editions, handouts and exports, built into a temporary folder and swapped in.

A failed build leaves the previous site as it was. The two editions build side by side in two worker
processes while this process makes the handout PDFs; the PDFs each edition links to are copied in
at the end, and errors from any of these jobs are reported together.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import model
from .docs_pages import inert_markdown, pack_pages_dir
from .edition import EDITIONS, Edition
from .errors import display_path
from .epoch import content_epoch, ensure_epoch  # noqa: F401 - part of this module's API
from .load import Loaded, load_pack
from . import variants

Echo = Callable[[str], None]
# Handout worker processes while the two editions build (Typst is fast enough in this process alone).
HANDOUT_JOBS = int(os.environ.get("CASEFILE_HANDOUT_JOBS", "1"))


@dataclass
class BuildResult:
    out: Path
    built: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # MkDocs' warnings: things to fix
    export_notes: list[str] = field(default_factory=list)  # what each LMS format left out or carries differently


class BuildError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def _check_config(config_file: Path) -> None:
    """The site needs the casefile plugin in mkdocs.yml; say so plainly if it is missing."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        cfg = YAML(typ="safe", pure=True).load(config_file.read_text(encoding="utf-8")) or {}
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise BuildError([f"{config_file}:{where}: mkdocs.yml is not valid YAML; fix its syntax"]) from None
    except Exception:  # custom tags such as !ENV: leave it to MkDocs
        return
    plugins = cfg.get("plugins") or []
    names = [p if isinstance(p, str) else next(iter(p), "") for p in plugins]
    if "casefile" not in names:
        raise BuildError([f"{config_file}:1:1: the casefile plugin is not listed under plugins:; add '- casefile' there"])


def _edition_job(pack: model.Pack, config_file: str, edition: str, site_dir: str, lessons: str,
                 handouts: str | None, versions: int = 1) -> dict[str, Any]:
    """One MkDocs edition build (in a worker process), of the pack this process loaded and checked.
    Handout PDFs are linked, not copied: they are made meanwhile; `links` says which ones to copy
    in once they exist."""
    from .plugin import BuildFailed, build_site

    links: dict[str, str] = {}
    try:
        messages = build_site(Path(config_file), edition, Path(site_dir), pack=pack, lessons=Path(lessons),
                              handouts=Path(handouts) if handouts else None, handouts_later=True,
                              linked_handouts=links, versions=versions)
    except BuildFailed as e:
        return {"errors": e.messages, "notes": [], "links": {}}
    return {"errors": [], "notes": messages, "links": links}


def _copy_handouts(handouts_dir: Path, site_dir: Path, links: dict[str, str], edition: str) -> list[str]:
    """Copy the PDFs an edition links to into it; a linked PDF that was not made is an error."""
    errors = []
    for target, rel in sorted(links.items()):
        src = handouts_dir / rel
        if not src.is_file():
            errors.append(f"{edition} edition: links to {target}, but the handouts did not include {rel}")
            continue
        dest = site_dir / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return errors


def _make_handouts(pack: model.Pack, handouts_dir: Path, *, paper: str, docs_dir: Path, quiet: bool,
                   pages_dir: Path | None = None, versions: int = 1) -> list[str]:
    """Make the handout PDFs; returns error messages instead of raising, so they are reported
    together with the editions' own."""
    from .errors import PackError
    from .handouts import build_handouts

    try:
        build_handouts(pack, handouts_dir, paper=paper, docs_dir=docs_dir, quiet=quiet, jobs=HANDOUT_JOBS,
                       pages_dir=pages_dir, versions=versions)
    except PackError as e:
        return [str(p) for p in e.problems]
    except BuildError as e:
        return e.messages
    except Exception as e:  # noqa: BLE001 - reported with the editions' errors, not as a traceback
        return [f"handouts: {type(e).__name__}: {e}"]
    return []


def _swap(tmp: Path, out: Path, parts: list[str]) -> None:
    """Move each freshly built part into place; the old one is removed only after the move."""
    out.mkdir(parents=True, exist_ok=True)
    for part in parts:
        new, dest = tmp / part, out / part
        if not new.exists():
            continue
        old = out / f".{part}.old"
        if old.exists():
            shutil.rmtree(old)
        if dest.exists():
            dest.rename(old)
        new.rename(dest)
        if old.exists():
            shutil.rmtree(old)


def build(lessons: Path, out: Path, *, editions: tuple[Edition, ...] = EDITIONS, handouts: bool = True,
          exports: bool = True, config_file: Path = Path("mkdocs.yml"), paper: str | None = None,
          quiet: bool = False, echo: Echo = print, loaded: Loaded | None = None,
          variant: str | None = None, versions: int = 1) -> BuildResult:
    # PackError propagates before anything is touched (the loader also checks the workshop guide is in docs/)
    loaded = loaded or load_pack(lessons, docs_dir=config_file.parent / "docs")
    loaded = variants.apply(loaded, variant)  # each lesson as it is taught (pack.yml's variants, --variant)
    pack = loaded.pack
    ensure_epoch(pack)
    if not config_file.exists():
        raise BuildError([f"{config_file}:1:1: mkdocs.yml not found; run casefile from the project folder or pass --config"])
    _check_config(config_file)
    result = BuildResult(out=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    digest = _inputs_digest(lessons, out, config_file, editions, handouts, exports, paper, variant, pack, versions)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        if digest is not None and _restore(digest, loaded, tmp, out, config_file, lessons, result, quiet, echo):
            return result
        # Handouts (Typst, in this process), then the LMS exports, are
        # made while the editions build in two worker processes: 2 cores stay busy. The editions
        # link the PDFs by name and get copies once everything is done.
        handouts_dir = tmp / "handouts" if handouts else None
        if not quiet:
            what = " and ".join(editions)
            echo(f"Building the {what} edition{'s' if len(editions) > 1 else ''} with MkDocs"
                 f"{' while making the handouts' if handouts else ''}…")
        errors: list[str] = []
        export_notes: list[str] | None = None

        def run_exports() -> list[str] | None:
            if not exports:
                return None
            from .export import export_pack

            return export_pack(pack, tmp / "exports", quiet=quiet)

        jobs = [(pack, str(config_file.resolve()), e, str(tmp / e), str(lessons.resolve()),
                 str(handouts_dir) if handouts_dir else None, versions) for e in editions]
        if len(jobs) == 1 and not handouts:
            outputs = [_edition_job(*jobs[0])]
        else:
            with ProcessPoolExecutor(max_workers=min(2, len(jobs))) as pool:
                futures = [pool.submit(_edition_job, *job) for job in jobs]
                if handouts_dir is not None:
                    from .shuffle import versions_note

                    if (note := versions_note(pack, versions)) and not quiet:
                        echo(note)
                    errors += _make_handouts(pack, handouts_dir, paper=paper or pack.info.site.paper,
                                             docs_dir=config_file.parent / "docs", quiet=quiet,
                                             pages_dir=pack_pages_dir(lessons), versions=versions)
                export_notes = run_exports()  # this process is free again while the editions finish
                outputs = []
                for edition, future in zip(editions, futures):
                    try:
                        outputs.append(future.result())
                    except Exception as e:  # noqa: BLE001 - a crashed worker is reported with the rest
                        outputs.append({"errors": [f"{edition} edition: the build process failed: {e!r}"],
                                        "notes": [], "links": {}})
        for output in outputs:
            errors += output["errors"]
            result.notes += output["notes"]
        if handouts_dir is not None and not errors:
            for edition, output in zip(editions, outputs):
                errors += _copy_handouts(handouts_dir, tmp / edition, output["links"], edition)
        if errors:
            raise BuildError(list(dict.fromkeys(errors)))  # a docs page's mistake is found by both editions
        if handouts_dir is not None:
            result.built.append("handouts")
        result.built += list(editions)
        if exports:
            result.export_notes += export_notes if export_notes is not None else (run_exports() or [])
            result.built.append("exports")
        # nothing teacher-only may reach a public edition: checked before anything is swapped in
        _leak_guard(loaded, tmp, out, config_file, lessons, result.built, digest, quiet, echo)
        if digest is not None:
            _store(digest, tmp, result)
        _swap(tmp, out, result.built)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


# ---------------------------------------------------------------- the build cache (build_cache.py)

def _inputs_digest(lessons: Path, out: Path, config_file: Path, editions: tuple[Edition, ...], handouts: bool,
                   exports: bool, paper: str | None, variant: str | None, pack: model.Pack,
                   versions: int = 1) -> str | None:
    """The digest of everything this build is made from, or None when the cache is off."""
    from . import cache

    if not cache.enabled():
        return None
    from .build_cache import inputs_digest, pack_digest

    options = {"editions": list(editions), "handouts": handouts, "exports": exports, "paper": paper,
               "variant": variant, "versions": versions, "pack": pack_digest(pack),
               "lessons": str(lessons.resolve()), "config": str(config_file.resolve())}
    return inputs_digest(lessons=lessons, config_file=config_file, docs_dir=config_file.parent / "docs", options=options)


def _leak_guard(loaded: Loaded, tmp: Path, out: Path, config_file: Path, lessons: Path, parts: list[str],
                digest: str | None, quiet: bool, echo: Echo) -> None:
    """Run the leak guard on the built tree, unless it already passed on exactly these bytes (the
    SHA-256 of every file, computed here from the files themselves) from exactly these inputs."""
    from . import build_cache
    from .leak_guard import check as leak_check

    tree = build_cache.tree_digest(tmp, parts) if digest is not None else None
    if digest is not None and tree is not None and build_cache.guard_passed(digest, tree):
        return
    cpu = time.process_time()
    errors = leak_check(loaded, tmp, out, docs_dir=config_file.parent / "docs", pages_dir=pack_pages_dir(lessons))
    if not quiet:  # bench/run.py reads this line
        echo(f"Leak guard: checked the public files for teacher-only text in {time.process_time() - cpu:.2f} CPU-s")
    if errors:
        raise BuildError(list(dict.fromkeys(errors)))
    if digest is not None and tree is not None:
        build_cache.remember_guard_passed(digest, tree)


def _store(digest: str, tmp: Path, result: BuildResult) -> None:
    from . import build_cache

    files = build_cache.store_tree(tmp, result.built)
    build_cache.save_manifest(digest, {"files": files, "built": result.built, "notes": result.notes,
                                       "export_notes": result.export_notes})


def _restore(digest: str, loaded: Loaded, tmp: Path, out: Path, config_file: Path, lessons: Path,
             result: BuildResult, quiet: bool, echo: Echo) -> bool:
    """Nothing changed since a build that is in the cache: put its files in place (after the leak
    guard, see _leak_guard). False: not cached (or a blob is gone), build in full."""
    from . import build_cache

    manifest = build_cache.load_manifest(digest)
    if manifest is None:
        return False
    built = [str(p) for p in manifest.get("built", [])]
    if not built or not build_cache.restore_tree(manifest["files"], tmp):
        for part in built:
            shutil.rmtree(tmp / part, ignore_errors=True)
        return False
    if not quiet:
        echo("Nothing changed since a build in .casefile-cache/: its files are reused (CASEFILE_CACHE=0 rebuilds).")
    _leak_guard(loaded, tmp, out, config_file, lessons, built, digest, quiet, echo)
    result.built = built
    result.notes = [str(n) for n in manifest.get("notes", [])]
    result.export_notes = [str(n) for n in manifest.get("export_notes", [])]
    _swap(tmp, out, built)
    return True


def write_markdown(loaded: Loaded, dest: Path, config_file: Path, editions: tuple[Edition, ...] = EDITIONS,
                   handouts: Path | None = None, lessons: Path | None = None) -> list[Path]:
    """`--markdown-out`: the generated pages, the visible hand-written pages and a ready mkdocs.yml,
    per edition, for any engine that reads MkDocs projects (no casefile plugin needed). The same
    site.edition_site the plugin hands to MkDocs, written out. `handouts`: a folder of made PDFs
    (site/handouts); the pages link those the edition may have, copied in. `lessons`: the pack
    folder, whose own pages (lessons/pages/) are written next to the docs/ ones."""
    from ruamel.yaml import YAML

    from .site import available_handouts, edition_site, merge

    ensure_epoch(loaded.pack)
    if lessons is None and ("pack", "") in loaded.origin:  # the folder the pack was loaded from
        lessons = loaded.files[loaded.origin[("pack", "")]].path.parent
    yaml = YAML()
    written = []
    docs_src = config_file.parent / "docs"
    for edition in editions:
        site = edition_site(loaded.pack, edition, docs_src, available_handouts(loaded.pack, handouts, later=False),
                            pages_dir=pack_pages_dir(lessons))
        root = dest / edition
        if root.exists():
            shutil.rmtree(root)
        docs = root / "docs"
        docs.mkdir(parents=True)
        if docs_src.is_dir():
            for f in sorted(docs_src.rglob("*")):
                rel = f.relative_to(docs_src).as_posix()
                if f.is_file() and rel not in site.hidden_docs:
                    (docs / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(f, docs / rel)
        for uri, path in site.pack_pages.items():  # a pack's pages, their raw HTML made text (no plugin to clean it)
            (docs / uri).parent.mkdir(parents=True, exist_ok=True)
            (docs / uri).write_bytes(inert_markdown(path.read_bytes().decode("utf-8", "replace")).encode("utf-8"))
        for page in site.pages:
            (docs / page.uri).parent.mkdir(parents=True, exist_ok=True)
            (docs / page.uri).write_text(page.markdown, encoding="utf-8")
        if handouts is not None:
            errors = _copy_handouts(handouts, docs, site.linked_handouts, edition)
            if errors:
                raise BuildError(errors)
        for uri, data in site.assets.items():
            (docs / uri).parent.mkdir(parents=True, exist_ok=True)
            (docs / uri).write_bytes(data)  # casefile.js: core + kinds (kinds/bundle.py)
        with open(config_file, encoding="utf-8") as fh:
            cfg = yaml.load(fh)
        cfg["plugins"] = [p for p in cfg.get("plugins", []) if not (isinstance(p, dict) and "casefile" in p) and p != "casefile"]
        cfg["docs_dir"] = "docs"
        cfg["site_dir"] = "site"
        cfg["site_name"] = site.site_name
        if site.site_url and not cfg.get("site_url"):
            cfg["site_url"] = site.site_url
        cfg["use_directory_urls"] = False
        cfg.setdefault("theme", {})["language"] = site.language
        cfg["nav"] = site.nav
        cfg["extra_css"] = merge(cfg.get("extra_css"), site.extra_css)
        cfg["extra_javascript"] = merge(cfg.get("extra_javascript"), site.extra_javascript)
        cfg.setdefault("extra", {})["polyfills"] = merge(cfg["extra"].get("polyfills"), site.polyfills)
        with open(root / "mkdocs.yml", "w", encoding="utf-8") as fh:
            fh.write(f"# Generated by casefile build --markdown-out ({edition} edition). Build with: mkdocs build\n")
            yaml.dump(cfg, fh)
        written.append(root)
    return written


def stderr(msg: str) -> None:
    print(msg, file=sys.stderr)
