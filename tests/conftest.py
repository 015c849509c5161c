"""Shared fixtures: the fixture pack, built once per test session into a temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_PACK = ROOT / "tests" / "fixtures" / "pack"
CONFIG = ROOT / "mkdocs.yml"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


# Every fixture build makes the whole site: both editions, handouts and exports.
FULL = dict(handouts=True, exports=True)


def build_pack(lessons: Path, out: Path, **kw) -> "object":
    from generator.build import build

    return build(lessons, out, config_file=CONFIG, quiet=True, **kw)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/ for the fixture pack: student/, teacher/, handouts/, exports/."""
    out = tmp_path_factory.mktemp("fixture-site") / "site"
    build_pack(FIXTURE_PACK, out, **FULL)
    return out


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture pack, for tests that break it on purpose."""
    dest = tmp_path / "lessons"
    shutil.copytree(FIXTURE_PACK, dest)
    return dest
