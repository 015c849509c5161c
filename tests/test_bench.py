"""bench/: the synthetic pack is a valid pack and deterministic; the report's verdicts and the
RESULTS.md writer do what they say."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


synth, run = _module("synth"), _module("run")


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_synthetic_pack_loads_and_is_deterministic(tmp_path: Path) -> None:
    from generator.load import load_pack

    a = synth.make_pack(tmp_path / "a", 3)
    b = synth.make_pack(tmp_path / "b", 3)
    assert _tree(a) == _tree(b)
    pack = load_pack(a).pack
    assert len(pack.lessons) == 3
    kinds = {ex.type for lesson in pack.lessons for ex in lesson.exercises}
    assert {"choice", "classify", "highlight", "order", "match", "short_answer", "claim_audit", "lateral_reading"} <= kinds


def test_verdicts_say_met_or_by_how_much_missed() -> None:
    assert run.verdict(2.5, 3.0, " ×").startswith("**met**")
    assert "9.0× over" in run.verdict(27.0, 3.0, " ×")
    assert run.verdict(200, 150, " pages/CPU-s", higher_is_better=True).startswith("**met**")
    assert "3.0× short of" in run.verdict(50, 150, " pages/CPU-s", higher_is_better=True)


def test_leak_guard_figure_is_read_only_when_printed() -> None:
    assert run.leak_guard_seconds("Built student, teacher in site/.\nHandouts: 12 PDFs") is None
    assert run.leak_guard_seconds("Leak guard: checked 212 files in 0.42 s") == 0.42
    assert run.leak_guard_seconds("leak guard 1.5 CPU-s") == 1.5


def test_results_file_keeps_the_notes_after_the_generated_part(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    run.write_results(f"{run.BEGIN}\nfirst\n{run.END}", path)
    path.write_text(path.read_text() + "\n\nHand-written notes.\n")
    run.write_results(f"{run.BEGIN}\nsecond\n{run.END}", path)
    text = path.read_text()
    assert "second" in text and "first" not in text and text.endswith("Hand-written notes.\n")
    assert text.count(run.BEGIN) == 1


@pytest.mark.parametrize("rounds", [[1.0], [3.0, 1.0, 2.0]])
def test_medians_and_peak_rss(tmp_path: Path, rounds: list[float]) -> None:
    p = run.Pack("x", tmp_path, tmp_path)
    for i, c in enumerate(rounds):
        p.runs["cold"].append({"cpu": c, "wall": c, "maxrss_kib": 1024 * (i + 1)})
    assert p.med("cold") == sorted(rounds)[len(rounds) // 2]
    assert p.peak_rss_mib() == len(rounds)
