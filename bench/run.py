"""Casefile benchmarks: `make bench`, or `python bench/run.py [--quick]` from the project folder.

It drives the real command line only (the internals are free to change): on the default pack and on
synthetic packs of N = 10, 100 and 500 lessons (bench/synth.py) it runs, as separate processes,

    plain    python -m mkdocs build   of the student Markdown from `casefile build --markdown-out`
    cold     casefile build           with an empty content cache (both editions, handouts, exports)
    warm     casefile build           again, nothing changed, the cache kept
    nohand   casefile build --no-handouts, cache empty
    check    casefile check

in interleaved rounds (plain cold warm nohand check, plain cold warm nohand check, ...) and takes the
median of each. The main figure is CPU time, user + sys of the whole process tree (every worker the
command waited for); wall time is shown beside it. Peak RSS is that of the largest single process.
Each command runs under a small wrapper process that reports `getrusage(RUSAGE_CHILDREN)` after it,
so figures are per command (the kernel keeps only a running maximum of children's RSS).

Then the preview: `casefile serve` on a copy of the default pack, a lesson's title rewritten and the
page polled until the new title is served, several times (median).

It prints the figures with each target of issue 13 met or missed, and writes bench/RESULTS.md.
`--quick` (N = 10 only, one round, two preview edits, no RESULTS.md) checks that the harness works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib.metadata
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG = ROOT / "mkdocs.yml"
RESULTS = HERE / "RESULTS.md"
BEGIN = "<!-- bench:begin (written by bench/run.py; text after bench:end is kept) -->"
END = "<!-- bench:end -->"
STEPS = ("plain", "cold", "warm", "nohand", "check")
MiB = 1024 * 1024

# Issue 13's table.
T_COLD, T_WARM, T_PAGES, T_CHECK, T_PREVIEW, T_WALL500, T_RSS500 = 3.0, 1.2, 150.0, 0.3, 0.5, 180.0, 500.0

# Runs a command and writes its process tree's resource use as JSON (argv: out.json cmd...).
WRAPPER = r"""
import json, resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t = time.perf_counter()
rc = subprocess.call(cmd)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": rc, "wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "maxrss_kib": ru.ru_maxrss}, open(out, "w"))
"""


# ---------------------------------------------------------------- running things

def run(cmd: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> dict[str, float]:
    """Run cmd under the wrapper; its output goes to log. Fails loudly if the command fails."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    with open(log, "w") as lf:
        subprocess.run([sys.executable, "-c", WRAPPER, str(out), *cmd], cwd=cwd, env=env, stdout=lf,
                       stderr=subprocess.STDOUT, check=True)
    r = json.loads(out.read_text())
    out.unlink()
    if r["rc"] != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"bench: `{' '.join(cmd)}` failed with status {r['rc']}:\n{tail}")
    r["cpu"] = r["user"] + r["sys"]
    return r


def installed_env() -> dict[str, str]:
    """The environment, measured as an installed Casefile runs: with its modules' bytecode cached
    (pip compiles it at install; PYTHONDONTWRITEBYTECODE=1 would compile every module of
    generator/ again in each process, ~0.04 CPU-s of a `casefile check`)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def casefile(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


class Pack:
    """One pack under test and the folders its runs use."""

    def __init__(self, name: str, lessons: Path, work: Path) -> None:
        self.name, self.lessons, self.work = name, lessons, work / name
        self.cache = self.work / "cache"
        self.runs: dict[str, list[dict[str, float]]] = {s: [] for s in STEPS}
        self.pages = 0
        self.leak_guard: list[float] = []       # CPU-s the cold build's leak guard took (its output line)
        self.leak_guard_warm: list[float] = []  # the same, warm build
        self.work.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        return {**installed_env(), "CASEFILE_CACHE_DIR": str(self.cache), "SOURCE_DATE_EPOCH": "1700000000",
                "NO_MKDOCS_2_WARNING": "1"}

    def prepare(self) -> None:
        """The student Markdown for the plain MkDocs build (not measured)."""
        md = self.work / "markdown"
        shutil.rmtree(md, ignore_errors=True)
        run(casefile("build", "--lessons", str(self.lessons), "--config", str(CONFIG), "--edition", "student",
                     "--no-handouts", "--no-exports", "--out", str(self.work / "md-site"), "--markdown-out", str(md),
                     "-q"), self.env(), self.work / "prepare.log")

    def step(self, step: str) -> None:
        out = self.work / f"site-{step}"
        shutil.rmtree(out, ignore_errors=True)
        if step in ("cold", "nohand"):
            shutil.rmtree(self.cache, ignore_errors=True)
        lessons, config = ["--lessons", str(self.lessons)], ["--config", str(CONFIG)]
        cmd = {
            "plain": [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(self.work / "markdown" / "student" / "mkdocs.yml"),
                      "-d", str(out)],
            "cold": casefile("build", *lessons, *config, "--out", str(out)),
            "warm": casefile("build", *lessons, *config, "--out", str(out)),
            "nohand": casefile("build", *lessons, *config, "--out", str(out), "--no-handouts"),
            "check": casefile("check", *lessons),
        }[step]
        log = self.work / f"{step}.log"
        self.runs[step].append(run(cmd, self.env(), log))
        if step == "cold" and not self.pages:
            self.pages = count_pages(out / "handouts")
        if step in ("cold", "warm"):
            guard = leak_guard_seconds(log.read_text(errors="replace"))
            if guard is not None:
                (self.leak_guard if step == "cold" else self.leak_guard_warm).append(guard)

    def med(self, step: str, key: str = "cpu") -> float:
        return statistics.median(r[key] for r in self.runs[step])

    def peak_rss_mib(self) -> float:
        return max(r["maxrss_kib"] for rs in self.runs.values() for r in rs) / 1024


def count_pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in sorted(folder.rglob("*.pdf")))


def leak_guard_seconds(output: str) -> float | None:
    """The build-time leak guard's cost, if `casefile build` prints it (a line naming the leak guard
    and a number of seconds); None when the build does not say."""
    for line in output.splitlines():
        if re.search(r"leak", line, re.I):
            m = re.search(r"(\d+(?:\.\d+)?)\s*(?:CPU-)?s\b", line)
            if m:
                return float(m[1])
    return None


def guard_share(seconds: list[float], build_cpu: float) -> str:
    if not seconds:
        return "—"
    med = statistics.median(seconds)
    return f"{med:.2f} ({100 * med / build_cpu:.1f} %)" if build_cpu else f"{med:.2f}"


def synth_pack(n: int, work: Path) -> Path:
    dest = work / f"synth-{n}" / "lessons"
    subprocess.run([sys.executable, str(HERE / "synth.py"), str(dest), str(n)], check=True, stdout=subprocess.DEVNULL)
    return dest


# ---------------------------------------------------------------- preview

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> str | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        return body if resp.status == 200 else None
    except OSError:
        return None


def preview(work: Path, edits: int) -> dict[str, Any]:
    """Seconds from saving a lesson file to `casefile serve` serving the changed page."""
    lessons = work / "preview" / "lessons"
    shutil.rmtree(lessons.parent, ignore_errors=True)
    shutil.copytree(ROOT / "lessons", lessons)
    lesson = sorted(lessons.glob("[0-9][0-9]-*.yml"))[0]
    url = f"/lessons/{lesson.stem}.html"
    port = _free_port()
    env = {**installed_env(), "CASEFILE_CACHE_DIR": str(work / "preview" / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    log = open(work / "preview" / "serve.log", "w")
    proc = subprocess.Popen(casefile("serve", "--lessons", str(lessons), "--config", str(CONFIG), "-a", f"127.0.0.1:{port}"),
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    times: list[float] = []
    cpus: list[float] = []  # CPU-s the serve process spent from the save to the page served
    try:
        t0 = time.monotonic()
        while _get(port, url) is None:
            if proc.poll() is not None or time.monotonic() - t0 > 180:
                raise SystemExit(f"bench: casefile serve did not serve {url}; see {log.name}")
            time.sleep(0.1)
        startup = time.monotonic() - t0
        time.sleep(2)  # let the first build settle
        original = lesson.read_text(encoding="utf-8")
        for i in range(edits):
            marker = f"Bench edit {i} {time.time_ns()}"
            cpu0 = _process_cpu(proc.pid)
            lesson.write_text(re.sub(r"(?m)^title:.*$", f'title: "{marker}"', original, count=1), encoding="utf-8")
            t = time.monotonic()
            while True:
                page = _get(port, url)
                if page and marker in page:
                    times.append(time.monotonic() - t)
                    cpus.append(_process_cpu(proc.pid) - cpu0)
                    break
                if time.monotonic() - t > 120:
                    raise SystemExit(f"bench: edit {i} never showed on {url}")
                time.sleep(0.02)
            time.sleep(1.0)
        lesson.write_text(original, encoding="utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return {"startup": startup, "times": times, "median": statistics.median(times),
            "cpu_median": statistics.median(cpus) if all(c >= 0 for c in cpus) else None}


def _process_cpu(pid: int) -> float:
    """user + sys CPU-s of a running process so far (Linux /proc); -1 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return -1.0


# ---------------------------------------------------------------- report

def machine() -> list[str]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "?") if Path("/proc/cpuinfo").exists() else "?"
    mem = "?"
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kib / MiB:.1f} GiB"
    pkgs = []
    for name in ("casefile", "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "nh3", "jinja2",
                 "pydantic", "ruamel.yaml", "pyyaml", "weasyprint", "typst"):
        try:
            pkgs.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return [f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}; {os.cpu_count()} CPU(s) ({cpu}), "
            f"{mem} RAM; Python {platform.python_version()}, {platform.platform()}.",
            f"Packages: {', '.join(pkgs)}."]


def verdict(value: float, limit: float, unit: str, higher_is_better: bool = False) -> str:
    ok = value >= limit if higher_is_better else value <= limit
    if ok:
        return f"**met** ({value:.2f}{unit})"
    off = limit / value if higher_is_better else value / limit
    return f"**missed** ({value:.2f}{unit}, {off:.1f}× {'short of' if higher_is_better else 'over'} the target)"


def report(packs: list[Pack], prev: dict[str, Any] | None, rounds: dict[str, int], loads: tuple[str, str],
           note: str) -> str:
    L = [BEGIN, ""]
    L += [f"Run {ln}  " for ln in machine()[:1]] + [machine()[1] + "  "]
    L.append(f"Load average (1, 5, 15 min) at start {loads[0]}, at end {loads[1]}.  ")
    if note:
        L.append(f"**{note}**  ")
    L += ["", "CPU-s = user + sys of the command's whole process tree, median of interleaved rounds; "
          "wall s beside it. Peak RSS = the largest single process of any step.", ""]
    L.append("| | " + " | ".join(p.name for p in packs) + " |")
    L.append("|---|" + "---:|" * len(packs))

    def row(label: str, f: Any) -> None:
        L.append(f"| {label} | " + " | ".join(f(p) for p in packs) + " |")

    row("rounds", lambda p: str(len(p.runs["cold"])))
    row("plain `mkdocs build`, CPU-s (wall)", lambda p: f"{p.med('plain'):.2f} ({p.med('plain', 'wall'):.1f})")
    row("**cold** `casefile build`, CPU-s (wall)", lambda p: f"{p.med('cold'):.2f} ({p.med('cold', 'wall'):.1f})")
    row("**warm** rebuild, nothing changed, CPU-s (wall)", lambda p: f"{p.med('warm'):.2f} ({p.med('warm', 'wall'):.1f})")
    row("`casefile build --no-handouts` (cold), CPU-s (wall)", lambda p: f"{p.med('nohand'):.2f} ({p.med('nohand', 'wall'):.1f})")
    row("`casefile check`, CPU-s (wall)", lambda p: f"{p.med('check'):.2f} ({p.med('check', 'wall'):.1f})")
    row("cold ÷ plain", lambda p: f"{p.med('cold') / p.med('plain'):.1f} ×")
    row("warm ÷ plain", lambda p: f"{p.med('warm') / p.med('plain'):.1f} ×")
    row("handouts: pages", lambda p: str(p.pages))
    row("handouts: CPU-s (cold − no-handouts)", lambda p: f"{p.med('cold') - p.med('nohand'):.2f}")
    row("handouts: pages per CPU-s", lambda p: f"{pages_per_cpu(p):.0f}")
    row("peak RSS, largest process, MiB", lambda p: f"{p.peak_rss_mib():.0f}")
    if any(p.leak_guard for p in packs):
        row("leak guard (from the build's output), CPU-s (share of the build)",
            lambda p: f"{guard_share(p.leak_guard, p.med('cold'))} cold, {guard_share(p.leak_guard_warm, p.med('warm'))} warm")
    L.append("")
    if prev:
        L.append(f"Preview (default pack, `casefile serve`): save → changed page served, median {prev['median']:.2f} s over "
                 f"{len(prev['times'])} edits ({', '.join(f'{t:.2f}' for t in prev['times'])}); server start to first page "
                 f"{prev['startup']:.1f} s"
                 + (f"; the serve process's CPU per save, median {prev['cpu_median']:.2f} CPU-s." if prev.get("cpu_median") is not None else "."))
        L.append("")
    L += ["**Targets (issue 13)**", ""]
    for p in packs:
        L.append(f"- {p.name}: cold build ÷ plain mkdocs ≤ 3 ×: {verdict(p.med('cold') / p.med('plain'), T_COLD, ' ×')}; "
                 f"warm ≤ 1.2 ×: {verdict(p.med('warm') / p.med('plain'), T_WARM, ' ×')}; "
                 f"handouts ≥ 150 pages per CPU-s: {verdict(pages_per_cpu(p), T_PAGES, ' pages/CPU-s', True)}.")
    judged = next((p for p in packs if p.name == "default pack"), packs[0])
    L.append(f"- `casefile check` ≤ 0.3 CPU-s ({judged.name}): {verdict(judged.med('check'), T_CHECK, ' CPU-s')}.")
    L.append(f"- preview ≤ 0.5 s median: {verdict(prev['median'], T_PREVIEW, ' s') if prev else 'not measured'}.")
    big = next((p for p in packs if p.name == "N=500"), None)
    if big:
        L.append(f"- N = 500, everything incl. handouts ≤ 3 min wall: {verdict(big.med('cold', 'wall'), T_WALL500, ' s')}.")
        L.append(f"- N = 500, peak RSS ≤ 500 MiB: {verdict(big.peak_rss_mib(), T_RSS500, ' MiB')}.")
    else:
        L.append("- N = 500 (≤ 3 min wall; peak RSS ≤ 500 MiB): not run.")
    if not any(p.leak_guard for p in packs):
        L.append("- leak guard's cost: `casefile build` prints no figure for it; not measured.")
    elif judged.leak_guard:
        share = 100 * statistics.median(judged.leak_guard) / judged.med("cold")
        L.append(f"- leak guard ≤ 5 % of the cold build ({judged.name}, issue 12): {verdict(share, 5.0, ' %')}.")
    L += ["", END]
    return "\n".join(L)


def pages_per_cpu(p: Pack) -> float:
    cpu = p.med("cold") - p.med("nohand")
    return p.pages / cpu if cpu > 0 else float("inf")


def write_results(block: str, path: Path) -> None:
    tail = ""
    if path.exists() and END in (old := path.read_text(encoding="utf-8")):
        tail = old.split(END, 1)[1]
    head = ("# Benchmark results\n\nWritten by `make bench` (bench/run.py: what it runs and how it measures is in its "
            "docstring). Rerun it rather than editing figures; notes go after the generated part.\n\n")
    path.write_text(head + block + tail, encoding="utf-8")


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="N=10 only, one round, two preview edits, no RESULTS.md")
    ap.add_argument("--packs", nargs="+", default=["default", "10", "100", "500"], help="'default' and/or sizes N")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per pack (N ≥ --big-at: --big-rounds)")
    ap.add_argument("--big-rounds", type=int, default=1)
    ap.add_argument("--big-at", type=int, default=500, help="packs of at least this many lessons get --big-rounds")
    ap.add_argument("--edits", type=int, default=5, help="preview edits")
    ap.add_argument("--no-preview", action="store_true")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where to write the results ('-': nowhere)")
    ap.add_argument("--note", default="", help="a line to print in bold with the figures (e.g. 'loaded machine')")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    a = ap.parse_args()
    if a.quick:
        a.packs, a.rounds, a.edits = ["10"], 1, 2
        a.results = Path("-") if a.results == RESULTS else a.results
    work = a.work or Path(tempfile.mkdtemp(prefix="casefile-bench-"))
    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    t0 = time.monotonic()
    packs: list[Pack] = []
    rounds: dict[str, int] = {}
    failed: list[str] = []
    try:
        for spec in a.packs:
            if spec == "default":
                pack = Pack("default pack", ROOT / "lessons", work)
            else:
                n = int(spec)
                pack = Pack(f"N={n}", synth_pack(n, work), work)
            k = a.big_rounds if spec.isdigit() and int(spec) >= a.big_at else a.rounds
            rounds[pack.name] = k
            try:
                pack.prepare()
                for r in range(k):
                    for step in STEPS:
                        pack.step(step)
                        last = pack.runs[step][-1]
                        print(f"[{time.monotonic() - t0:6.0f}s] {pack.name} round {r + 1}/{k} {step:6}: "
                              f"{last['cpu']:7.2f} CPU-s {last['wall']:6.1f} s {last['maxrss_kib'] / 1024:5.0f} MiB", flush=True)
            except SystemExit as e:  # one pack's failure is reported; the others' figures are kept
                print(e, file=sys.stderr, flush=True)
                failed.append(f"{pack.name}: a command failed ({str(e).splitlines()[0][:300]})")
                continue
            packs.append(pack)
        prev = None if a.no_preview else preview(work, a.edits)
        load1 = " ".join(f"{x:.2f}" for x in os.getloadavg())
        block = report(packs, prev, rounds, (load0, load1), "; ".join([a.note, *failed]).strip("; "))
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(block)
    if str(a.results) != "-":
        write_results(block, a.results)
        print(f"written to {a.results}")


if __name__ == "__main__":
    main()
