"""Throughput of `crosswire brief`: wall time, articles/s and peak memory, per stage.

Usage, from the repo root:
    python bench/throughput.py                     # seeds and news_cluster.jsonl
    python bench/throughput.py --sets news_cluster
    python bench/throughput.py --sets news_cluster --repeat 3   # median run's table, then every run
    python bench/throughput.py --sets news_cluster --cli        # also time the command a user types
    python bench/throughput.py --sets news_cluster --memory     # and the memory of all its processes
    CROSSWIRE_QUOTE_EXTRACTOR=quotes.context.v1 python bench/throughput.py --sets news_cluster  # settings as the CLI reads them

Each data set runs in its own subprocess so peak memory (ru_maxrss) is that run's alone. With --memory
one more run of the whole command samples the PSS of all its processes (main, parse-ahead, story
workers), which counts the pages forked processes share once; sampling costs CPU, so it is not timed. Model load is
timed as its own row ("load models") and not counted in the end-to-end articles/s, as a long-running
process pays it once. With --cli each run also times the whole command `crosswire brief SET --format json`
as a user runs it (interpreter start, imports, model load, brief and JSON output), after the measured run.
CPU seconds are printed next to wall seconds: they say what each stage costs even when the machine is
shared. A brief of 32 articles or more analyses whole stories in worker processes: a stage row then adds
up the workers' wall and CPU seconds, the end-to-end row's CPU is this process's alone, and the workers
row is all worker processes together. The "embed" row is MiniLM's share (the stories' shared embedding
rounds, see crosswire/lockstep.py); summarize, quotes and compare are counted without it. Inside a
task the stories run as threads taking turns on one core, so their rows are thread CPU time. The peer
row is the plain reference a user would otherwise reach for: spaCy's full en_core_web_sm pipeline
over the same raw texts with `nlp.pipe` (no cleaning, grouping or summaries), so the ratio says how
much of one spaCy pass crosswire's whole briefing costs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SETS = {
    "seeds": SHARED / "seeds",
    "news_cluster": SHARED / "data" / "giveme5w1h" / "news_cluster.jsonl",
}
STAGES = ["ingest", "clean", "split", "cluster", "parse", "embed", "summarize", "quotes", "compare", "timeline"]


class TreeMemory:
    """Samples the memory of a process and all its descendants (4 times a second) in a thread.

    Forked workers share pages with their parent, so adding up their peak RSS counts shared pages
    several times; PSS (proportional set size, /proc/PID/smaps_rollup) splits each shared page among
    the processes that map it, so the sum is the memory the whole tree holds.
    """

    def __init__(self, root: int) -> None:
        import threading

        self.root = root
        self.peak_pss_mb = 0.0
        self.peak_rss_sum_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            pss = rss = 0
            for pid in _descendants(self.root):
                try:
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1])
                        elif line.startswith("Rss:"):
                            rss += int(line.split()[1])
                except OSError:  # the process ended meanwhile
                    continue
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)
            self.peak_rss_sum_mb = max(self.peak_rss_sum_mb, rss / 1024)


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def run_one(name: str) -> dict:
    """Brief one data set in this process and measure it."""
    sys.path.insert(0, str(REPO))
    from crosswire import nlp
    from crosswire.pipeline import StageTimes, brief
    from crosswire.runtime import keep_freed_memory
    from crosswire.settings import load_settings

    keep_freed_memory()  # as the CLI's batch commands do
    settings = load_settings(progress=False)  # as the CLI: crosswire.toml and CROSSWIRE_* apply
    t0 = time.perf_counter()
    nlp.spacy_model()
    nlp.embed(["warm up"])
    load_s = time.perf_counter() - t0
    times = StageTimes()
    t1, c1 = time.perf_counter(), time.process_time()
    briefing = brief([SETS[name]], settings, times=times)
    total = time.perf_counter() - t1
    cpu_main = time.process_time() - c1
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_children = kids.ru_utime + kids.ru_stime
    n = len(briefing.articles)
    texts = [a.text for a in briefing.articles]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the peer loads its own model
    stock = nlp.stock_spacy_model()  # the peer: spaCy as a user loads it, every component, one process
    t2 = time.perf_counter()
    for _ in stock.pipe(texts, batch_size=64):
        pass
    peer = time.perf_counter() - t2
    return {
        "set": name,
        "articles": n,
        "stories": len(briefing.stories),
        "load_s": load_s,
        "total_s": total,
        "stages": times.seconds,
        "stages_cpu": times.cpu_seconds,
        "cpu_main_s": cpu_main,
        "cpu_children_s": cpu_children,
        "peer_spacy_s": peer,
        "peak_mb": peak_mb,
        # The story workers are forked from this process and share its models until they write to
        # them: their peak is reported apart, as the largest single worker.
        "peak_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument(
        "--repeat", type=int, default=1,
        help="runs per set (each in its own process); the table shows the median run, a line per run follows",
    )
    ap.add_argument("--cli", action="store_true", help="also time the whole `crosswire brief` command per run")
    ap.add_argument(
        "--memory", action="store_true",
        help="one more (untimed) run of the command per set, sampling the memory of all its processes",
    )
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    for name in args.sets:
        runs = []
        for _ in range(max(1, args.repeat)):
            out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            if args.cli:
                runs[-1]["cli_s"] = _time_cli(SETS[name])
        _print_run(sorted(runs, key=lambda r: r["total_s"])[len(runs) // 2])
        if args.memory:
            pss, rss = _command_memory(SETS[name])
            print(f"command, all processes together (sampled 4 times a second; this run is not timed): "
                  f"peak PSS {pss:.0f} MB, peak RSS summed {rss:.0f} MB")
        if len(runs) > 1:
            # This machine's speed drifts (the same spaCy pass took 44 s and 63 s within an hour):
            # every run is shown with its own peer, whose ratio is the steadier figure.
            for i, r in enumerate(runs, 1):
                print(
                    f"run {i}: {r['total_s']:.2f} s, {r['articles'] / r['total_s']:.1f} articles/s, "
                    f"workers CPU {r['cpu_children_s']:.1f} s; peer {r['peer_spacy_s']:.2f} s; "
                    f"brief / peer {r['total_s'] / r['peer_spacy_s']:.2f}x"
                    + (
                        f"; command {r['cli_s']:.2f} s, {r['articles'] / r['cli_s']:.1f} articles/s, "
                        f"command / peer {r['cli_s'] / r['peer_spacy_s']:.2f}x"
                        if "cli_s" in r
                        else ""
                    )
                )
    return 0


def _brief_command(path: Path) -> list[str]:
    """`crosswire brief PATH --format json`, progress off, as a user runs it."""
    return [sys.executable, "-m", "crosswire.cli", "brief", str(path), "--format", "json", "--quiet"]


def _time_cli(path: Path) -> float:
    """Wall seconds of the brief command, output discarded."""
    t0 = time.perf_counter()
    subprocess.run(_brief_command(path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=REPO)
    return time.perf_counter() - t0


def _command_memory(path: Path) -> tuple[float, float]:
    """Peak PSS and peak summed RSS (MB) of the brief command and all its processes."""
    proc = subprocess.Popen(_brief_command(path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    memory = TreeMemory(proc.pid)
    proc.wait()
    memory.stop()
    return memory.peak_pss_mb, memory.peak_rss_sum_mb


def _print_run(r: dict) -> None:
    """One run's table: seconds, share, articles/s and CPU per stage, then the peer."""
    n = r["articles"]
    print(f"\n## {r['set']}: {n} articles, {r['stories']} stories, peak memory {r['peak_mb']:.0f} MB "
          f"(largest worker process {r['peak_worker_mb']:.0f} MB)")
    print(f"{'stage':<14}{'seconds':>10}{'share':>8}{'articles/s':>12}{'CPU s':>9}")
    for stage in STAGES:
        s = r["stages"].get(stage, 0.0)
        rate = f"{n / s:>12.1f}" if s > 0 else f"{'-':>12}"
        print(f"{stage:<14}{s:>10.2f}{s / r['total_s']:>8.0%}{rate}{r['stages_cpu'].get(stage, 0.0):>9.2f}")
    print(f"{'end to end':<14}{r['total_s']:>10.2f}{'100%':>8}{n / r['total_s']:>12.1f}{r['cpu_main_s']:>9.2f}")
    # Stories are parsed and analysed in worker processes: the stage rows add up their wall seconds,
    # so they can exceed the end-to-end time; the workers' CPU is this row.
    print(f"{'(workers CPU)':<14}{'':>30}{r['cpu_children_s']:>9.2f}")
    print(f"{'(load models)':<14}{r['load_s']:>10.2f}")
    if "cli_s" in r:
        print(f"{'(command)':<14}{r['cli_s']:>10.2f}{'':>8}{n / r['cli_s']:>12.1f}   start-up, model load, brief, JSON")
    print(
        f"peer: spaCy full pipeline alone {r['peer_spacy_s']:.2f} s ({n / r['peer_spacy_s']:.1f} articles/s); "
        f"crosswire brief / spaCy pass = {r['total_s'] / r['peer_spacy_s']:.2f}x"
    )


if __name__ == "__main__":
    sys.exit(main())
