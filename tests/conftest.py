"""Shared fixtures: the fixture pack, built once per test session into a temporary folder."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
import shutil
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_PACK = ROOT / "tests" / "fixtures" / "pack"
DEFAULT_PACK = ROOT / "lessons"
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


@pytest.fixture(scope="session")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/ for the default pack (lessons/): both editions, no handouts or exports (phone, axe tests)."""
    out = tmp_path_factory.mktemp("default-site") / "site"
    build_pack(DEFAULT_PACK, out, handouts=False, exports=False)
    return out


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture pack, for tests that break it on purpose."""
    dest = tmp_path / "lessons"
    shutil.copytree(FIXTURE_PACK, dest)
    return dest


# ---------------------------------------------------------------- the browser (Playwright + Debian's chromium)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def require(tool: str, present: bool, install: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI (.ci/run sets CI)."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is not installed; .ci/run installs {install}")
    pytest.skip(f"{tool} is not installed (apt-get install {install})")


@pytest.fixture(scope="session")
def browser() -> Iterator["object"]:
    require("chromium", Path(CHROMIUM).exists(), "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# ---------------------------------------------------------------- tiers: `make test-fast` skips these

SLOW_FIXTURES = {"fixture_site", "browser", "default_site", "sites"}
SLOW_MODULES = {"test_handouts", "test_build_guarantees", "test_offline_browser", "test_browser"}
# Tests that build a whole site (or export the default pack) without one of the fixtures above:
# measured at 13-46 s each in `--durations` on a shared 2-core machine.
SLOW_TESTS = {"test_markdown_out_builds_with_plain_mkdocs", "test_serve_reloads_a_lesson_edit",
              "test_mkdocs_failure_leaves_previous_site_intact", "test_lesson_text_cannot_inject_script",
              "test_failed_build_leaves_previous_site_intact", "test_default_pack_exports_to_all_formats",
              "test_valid_variants_leak_no_teacher_marker"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Anything that builds a whole site, makes PDFs or drives Chromium is `slow`."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        name = getattr(item, "originalname", item.name)
        if module in SLOW_MODULES or name in SLOW_TESTS or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# ---------------------------------------------------------------- the fixture pack's two editions, served

@pytest.fixture(scope="session")
def editions_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/ for the fixture pack with both editions only (no handouts, no exports): for browser tests."""
    out = tmp_path_factory.mktemp("editions") / "site"
    build_pack(FIXTURE_PACK, out, handouts=False, exports=False)
    return out


@contextlib.contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """A static server for `root` on a free loopback port; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
