"""Scale benchmark: local vs Ray engine, side by side, for `ingest` and `stories` at growing sizes.

    python bench/scale.py --sizes 10000,100000 --workers 2 [--ingest-sizes 10000] [--stages split,embed]

Sets: `bench/cluster_data.scaled(n)` (the stories benchmark's builder): news_cluster and ECB+ articles
drawn in whole gold groups, replica after replica; each replica renames capitalised words with a tag
(another event of the same kind) and is re-dated by 41 days per replica. Seeded, so a size always
gives the same set. The set is written once as JSONL under a temp folder and both engines read that
file, so reading and cleaning are part of what is measured.

Steps timed (wall seconds, one run each, same process, Ray started once beforehand):
  ingest  = read + clean + dedupe + model stages (split, embed by default) -> articles/s
  stories = read + clean + dedupe + group into stories and storylines -> articles/s
Driver memory: peak RSS of this process during the step (sampled every 20 ms), and its growth over
the RSS before the step. Ray workers' memory is not the driver's and is not counted. Each Ray result
is compared with the local one (articles, failures, stories, storylines, ids): "same" must say yes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_data import scaled  # noqa: E402

from crosswire import pipeline  # noqa: E402
from crosswire.engines import local, ray_engine  # noqa: E402
from crosswire.pipeline import StageTimes  # noqa: E402
from crosswire.records import Article  # noqa: E402
from crosswire.settings import Settings  # noqa: E402


class PeakRSS:
    """Peak resident memory of this process while the block runs (sampled in a thread)."""

    @staticmethod
    def rss() -> int:
        # Linux: resident pages from /proc (no psutil dependency for one number).
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> PeakRSS:
        self.start = self.peak = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def source_stamp() -> float:
    """Newest modification time of crosswire's code: Ray workers import the code when they start, so
    an edit during a run makes driver and workers run different versions."""
    root = Path(__file__).resolve().parents[1] / "crosswire"
    return max(p.stat().st_mtime for p in root.rglob("*.py"))


def write_set(n: int, folder: Path) -> Path:
    path = folder / f"scaled_{n}.jsonl"
    if not path.exists():
        arts, _ = scaled(n)
        with path.open("w", encoding="utf-8") as fh:
            for a in arts:
                row = {"id": a.id, "title": a.title, "text": a.text, "published": a.published, "source": a.source}
                fh.write(json.dumps(row) + "\n")
    return path


def run(step: str, engine: str, path: Path, settings: Settings, stages: tuple[str, ...], workers: int) -> dict:
    times = StageTimes()
    with PeakRSS() as mem:
        start = time.perf_counter()
        if step == "ingest":
            if engine == "local":
                arts, fails, feats = local.ingest_features([path], settings, stages, times=times)
            else:
                arts, fails, feats = ray_engine.ingest_features([path], settings, stages, workers=workers, times=times)
            result = (arts, fails, len(feats))
        else:
            if engine == "local":
                arts, fails = pipeline.load([path], settings, times=times)
                with times.stage("group"):
                    g = pipeline.group(arts, settings)
            else:
                arts, fails = ray_engine.load([path], settings, workers=workers, times=times)
                with times.stage("group"):
                    g = ray_engine.group(arts, settings, workers=workers, times=times)
            result = (arts, fails, g.stories, g.storylines)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "n": len(result[0]),
        "peak_mb": mem.peak / 2**20,
        "growth_mb": (mem.peak - mem.start) / 2**20,
        "stages": dict(times.seconds),
        "result": result,
    }


def per_article_costs(path: Path, settings: Settings, sample: int = 300) -> dict[str, float]:
    """Seconds per article of each per-article stage, measured locally on the first `sample` articles."""
    from crosswire.group.batch import profile
    from crosswire.ingest import read_inputs
    from crosswire.nlp import forget_embeddings

    raws = []
    t = time.perf_counter()
    for item in read_inputs([path], settings):
        raws.append(item)
        if len(raws) >= sample:
            break
    costs = {"read": (time.perf_counter() - t) / len(raws)}
    t = time.perf_counter()
    arts = [x for x in (pipeline.prepare(r, settings) for r in raws) if not hasattr(x, "reason")]
    costs["clean"] = (time.perf_counter() - t) / len(raws)
    for stage in ("split", "embed", "entities"):
        local.features_of(arts[:2], settings, (stage,))  # model load is not per article
        forget_embeddings()  # the runs above embedded these very articles: time the model, not the cache
        t = time.perf_counter()
        for i in range(0, len(arts), settings.batch_size):
            local.features_of(arts[i : i + settings.batch_size], settings, (stage,))
        costs[stage] = (time.perf_counter() - t) / len(arts)
    t = time.perf_counter()
    for a in arts:
        profile(a)
    costs["group profile"] = (time.perf_counter() - t) / len(arts)
    return costs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated set sizes for `stories`")
    ap.add_argument("--ingest-sizes", default=None, help="sizes for `ingest` (default: --sizes)")
    ap.add_argument("--stages", default="split,embed", help="model stages of `ingest`")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", default=None, help="folder for the generated JSONL sets (default: a temp dir)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    ingest_sizes = [int(s) for s in (args.ingest_sizes or args.sizes).split(",") if s]
    stages = tuple(s for s in args.stages.split(",") if s)
    settings = Settings()
    folder = Path(args.data or tempfile.mkdtemp(prefix="crosswire-scale-"))
    folder.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    ray_engine.connect(None, args.workers)
    print(f"ray start: {time.perf_counter() - t:.1f}s ({args.workers} CPUs); cores here: {os.cpu_count()}", flush=True)
    # The local engine's models load once per process, Ray's once per actor per run (that one is timed).
    local.features_of([Article("w", "Warm the local models. Once.")], settings, stages)

    rows = []
    stamp = source_stamp()
    print(f"{'size':>7} {'step':7} {'engine':6} {'articles':>8} {'seconds':>8} {'art/s':>7} "
          f"{'overhead':>8} {'peak MB':>8} {'growth MB':>9} same", flush=True)
    for n in sorted(set(sizes) | set(ingest_sizes)):
        path = write_set(n, folder)
        for step in ("ingest", "stories"):
            if (step == "ingest" and n not in ingest_sizes) or (step == "stories" and n not in sizes):
                continue
            base = run(step, "local", path, settings, stages, args.workers)
            dist = run(step, "ray", path, settings, stages, args.workers)
            same = dist["result"] == base["result"]
            if not same:
                parts = ("articles", "failures", "stories", "storylines")
                bad = [name for name, x, y in zip(parts, base["result"], dist["result"], strict=False) if x != y]
                print(f"        DIFFERENT: {', '.join(bad)}; source edited since start: {source_stamp() != stamp}", flush=True)
            overhead = dist["seconds"] / base["seconds"] - 1.0
            for engine, r in (("local", base), ("ray", dist)):
                print(f"{n:>7} {step:7} {engine:6} {r['n']:>8} {r['seconds']:>8.1f} {r['n'] / r['seconds']:>7.1f} "
                      f"{(f'{overhead:+.0%}' if engine == 'ray' else ''):>8} {r['peak_mb']:>8.0f} {r['growth_mb']:>9.0f} "
                      f"{('yes' if same else 'NO') if engine == 'ray' else ''}", flush=True)
                rows.append({"size": n, "step": step, "engine": engine, "seconds": r["seconds"], "articles": r["n"],
                             "peak_mb": r["peak_mb"], "growth_mb": r["growth_mb"], "stages": r["stages"],
                             "same": same if engine == "ray" else None})
            for engine, r in (("local", base), ("ray", dist)):
                parts = ", ".join(f"{k} {v:.1f}s" for k, v in r["stages"].items())
                print(f"        {step} {engine} stages: {parts}", flush=True)
            del base, dist

    costs = per_article_costs(write_set(min(sizes + ingest_sizes), folder), settings)
    print("per-article cost, local, one core-ish (ms): "
          + ", ".join(f"{k} {v * 1000:.2f}" for k, v in costs.items()), flush=True)
    out = folder / "scale_results.json"
    out.write_text(json.dumps({"rows": rows, "per_article_seconds": costs}, indent=1))
    print(f"raw results: {out}")


if __name__ == "__main__":
    main()
