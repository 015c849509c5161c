"""Apply a malformed-pack case (see cases.yml) to a copy of the fixture pack."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
FIXTURE = HERE.parent / "fixtures" / "pack"
ROOT = HERE.parent.parent


def load_cases() -> list[dict[str, Any]]:
    return yaml.safe_load((HERE / "cases.yml").read_text(encoding="utf-8"))["cases"]


def _edit(root: Path, edit: dict[str, Any]) -> None:
    path = root / edit["file"]
    if edit.get("delete"):
        path.unlink()
    elif "write" in edit:
        path.write_text(edit["write"], encoding="utf-8")
    elif "write_hex" in edit:
        path.write_bytes(bytes.fromhex(edit["write_hex"]))
    elif "write_repeat" in edit:  # {head, text, times, tail}: big or deep files without a big cases.yml
        rep = edit["write_repeat"]
        path.write_text(rep.get("head", "") + rep["text"] * rep["times"] + rep.get("tail", ""), encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        if edit["find"] not in text:
            raise AssertionError(f"case edit does not apply: {edit['find']!r} not in {edit['file']}")
        count = -1 if edit.get("count") == "all" else 1
        path.write_text(text.replace(edit["find"], edit["replace"], count), encoding="utf-8")


def make_pack(case: dict[str, Any], dest: Path) -> Path:
    """The fixture pack with the case's mistakes, at dest; with `docs: true` also the project's
    mkdocs.yml and docs/ beside it (edits may then reach them as ../docs/NAME.md)."""
    shutil.copytree(FIXTURE, dest)
    if case.get("docs"):
        shutil.copytree(ROOT / "docs", dest.parent / "docs")
        shutil.copy(ROOT / "mkdocs.yml", dest.parent / "mkdocs.yml")
    _edit(dest, case)
    for extra in case.get("also", []):
        _edit(dest, extra)
    return dest
