"""Golden builds: save every output of a pack (both editions, handouts, exports, --markdown-out)
with SOURCE_DATE_EPOCH fixed, and compare two such trees file by file.

    python tools/golden.py save OUT [--lessons lessons] [--docs-root .]
    python tools/golden.py compare A B        # lists added, removed and changed files

Used to show a refactor changes no output except the changes it lists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

EPOCH = "1700000000"


def save(out: Path, lessons: Path, root: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "generator", "build", "--lessons", str(lessons.resolve()),
           "--config", str((root / "mkdocs.yml").resolve()), "--out", str((out / "site").resolve()),
           "--markdown-out", str((out / "markdown").resolve()), "-q"]
    subprocess.run(cmd, check=True, env=env, cwd=Path(__file__).resolve().parent.parent)  # this checkout's code


def hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def compare(a: Path, b: Path) -> int:
    ha, hb = hashes(a), hashes(b)
    added = sorted(set(hb) - set(ha))
    removed = sorted(set(ha) - set(hb))
    changed = sorted(k for k in set(ha) & set(hb) if ha[k] != hb[k])
    for k in removed:
        print(f"- {k}")
    for k in added:
        print(f"+ {k}")
    for k in changed:
        print(f"~ {k}")
    print(f"{len(ha)} vs {len(hb)} files: {len(added)} added, {len(removed)} removed, {len(changed)} changed")
    return 1 if added or removed or changed else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save")
    s.add_argument("out", type=Path)
    s.add_argument("--lessons", type=Path, default=Path("lessons"))
    s.add_argument("--root", type=Path, default=Path("."), help="project folder whose mkdocs.yml and docs/ to use (the code is always this checkout's)")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "save":
        save(args.out, args.lessons, args.root)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
