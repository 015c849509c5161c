"""Issue 12.4 (serve): `casefile serve` says where the preview is, prints the same one-line
problems as `casefile check` when a save breaks the pack, shows them in the browser, and the
live reload replaces that page once the file is fixed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "generator"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.read().decode()


def _wait_for(port: int, path: str, text: str, seconds: float) -> str:
    deadline, page = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            page = _get(port, path)
            if text in page:
                return page
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not on {path} after {seconds} s; last page:\n{page[:2000]}")


@pytest.mark.slow
def test_serve_shows_problems_and_recovers(pack_copy: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(CLI + ["serve", "--lessons", str(pack_copy), "--config", str(ROOT / "mkdocs.yml"),
                                   "-a", f"127.0.0.1:{port}"], cwd=pack_copy.parent,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out: list[str] = []
    threading.Thread(target=lambda: out.extend(proc.stdout or []), daemon=True).start()
    try:
        _wait_for(port, "/lessons/01-basics.html", "cf-exercise", 90)
        assert any(line.startswith("Preview of the student edition: open http://127.0.0.1:") for line in out), out
        lesson = pack_copy / "01-basics.yml"
        good = lesson.read_text()
        lesson.write_text(good.replace("answer: b", "answer: z"))
        try:
            page = _wait_for(port, "/lessons/01-basics.html", "The lesson pack has problems", 60)
        except AssertionError:
            raise AssertionError("".join(out)) from None
        problem = "lessons/01-basics.yml:28:13: exercise &#39;b-choice&#39;: answer &#39;z&#39; is not one of a, b, c"
        assert problem in page
        assert "lessons/01-basics.yml:28:13: exercise 'b-choice': answer 'z' is not one of a, b, c\n" in out
        assert not any("Traceback" in line or "Aborted" in line for line in out), "".join(out)
        lesson.write_text(good)
        _wait_for(port, "/lessons/01-basics.html", "cf-exercise", 60)
        assert "The lesson pack is fine again; the preview shows it.\n" in out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_serve_rebuilds_the_changed_page_at_once_and_the_rest_when_idle(pack_copy: Path) -> None:
    """Issue 13.4: a save rebuilds only the pages whose content changed (MkDocs' dirty build); the
    other pages get the new nav (a lesson's new title) from a full build once the saves pause."""
    port = _free_port()
    proc = subprocess.Popen(CLI + ["serve", "--lessons", str(pack_copy), "--config", str(ROOT / "mkdocs.yml"),
                                   "-a", f"127.0.0.1:{port}"], cwd=pack_copy.parent,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out: list[str] = []
    threading.Thread(target=lambda: out.extend(proc.stdout or []), daemon=True).start()
    try:
        _wait_for(port, "/lessons/02-open.html", "cf-exercise", 90)
        lesson = pack_copy / "01-basics.yml"
        lesson.write_text(lesson.read_text().replace('title: "Basics & <em>tags</em>"', 'title: "Renamed lesson ZQX"', 1))
        page = _wait_for(port, "/lessons/01-basics.html", "Renamed lesson ZQX", 30)
        assert "cf-exercise" in page
        # incremental: the other lesson's page was not rebuilt by that save (its nav is the old one)
        # until the full build CATCH_UP (2) s later
        assert "Renamed lesson ZQX" not in _get(port, "/lessons/02-open.html")
        # the other lesson's page, skipped by the dirty build, shows the new title in its nav once idle
        _wait_for(port, "/lessons/02-open.html", "Renamed lesson ZQX", 30)
        lesson.write_text(lesson.read_text().replace("Renamed lesson ZQX", "Renamed again QQW", 1))
        _wait_for(port, "/lessons/01-basics.html", "Renamed again QQW", 30)
        _wait_for(port, "/lessons/02-open.html", "Renamed again QQW", 30)
        assert not any("Traceback" in line or "dirty" in line for line in out), "".join(out)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
