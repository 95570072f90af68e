"""Held-out check of the summarizer's learned scorer: cross-fitted on the two halves of NeuS train.

    python bench/summarize_crossfit.py            # both halves: ~5 min the first time, ~20 s once peers are cached
    python bench/summarize_crossfit.py --bench    # also NeuS val and Multi-News validation, full-train model

Why: NeuS val is the only NeuS set `bench/summarize.py` reports, and the scorer's settings were
looked at on it. Here NeuS train is split by line index (half A: even lines, half B: odd lines);
for each half the ridge is fitted exactly as `bench/summarize_train.py` does (`summarize_train.dataset`
and `summarize_train.fit`) but only on the other half, and the half is summarized at 60 words by
crosswire and the four peers with `bench/summarize.py`'s own functions (`_cleaner`, `fill`, `lead`,
`sumy_system`, `crosswire_system(False)`) and scored as it scores them (ROUGE-1/2 F1, stemming,
sentences one a line).

How the model is installed: the fitted model is written to a temporary JSON file, and
`crosswire.summarize.scoring.MODEL` is pointed at it in-process with `scoring._model`'s cache cleared
(`_model` reads MODEL at call time), so nothing under crosswire/models is touched. `--bench` instead
uses the shipped crosswire/models/summary_ridge.json (regenerate it with summarize_train.py first).

Reported per half: mean R-1/R-2 of each system, crosswire's margin over the best peer (the peer with
the highest mean on that metric), and a paired bootstrap 95% CI (2,000 resamples of clusters, seed 0)
of crosswire minus the best R-2 peer. Peer scores do not depend on crosswire, so they are cached per
cluster in ~/.cache/crosswire-bench/crossfit-peers.json, keyed by the cleaned, split sentences they read.

How noisy it is: with the model of commit 40c1608 the R-2 margins are +0.41 (A, over TextRank) and
+0.89 (B, over Lead); split into first and second halves of the file instead they are +0.86 and
+0.67. A change of 0.3 R-2 on one half is within what the choice of split alone moves.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import summarize as bench  # noqa: E402
import summarize_train  # noqa: E402
from summarize_data import cluster, read_rows  # noqa: E402

from crosswire.summarize import scoring  # noqa: E402

PEERS = ("lead", "lexrank", "textrank", "lsa")
CACHE = Path.home() / ".cache" / "crosswire-bench" / "crossfit-peers.json"  # beside bench/quotes.py's parse cache
WORDS = 60


def install(spec: dict, folder: Path) -> None:
    """Point the summarizer's learned scorer at `spec` (a model file's content), in this process only."""
    path = folder / "summary_ridge.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    scoring.MODEL = path
    scoring._model.cache_clear()  # _model reads MODEL when its cache is empty


class Scorer:
    def __init__(self) -> None:
        self.rouge = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
        self.clean = bench._cleaner()
        self.crosswire = bench.crosswire_system(False)
        self.peers = {"lead": bench.lead, "lexrank": bench.sumy_system(LexRankSummarizer),
                      "textrank": bench.sumy_system(TextRankSummarizer), "lsa": bench.sumy_system(LsaSummarizer)}
        self.cache: dict[str, dict[str, list[float]]] = json.loads(CACHE.read_text()) if CACHE.exists() else {}
        self.dirty = False

    def _rouge(self, ref: list[str], out: list[str]) -> tuple[float, float]:
        r = self.rouge.score("\n".join(ref), "\n".join(out))
        return 100 * r["rouge1"].fmeasure, 100 * r["rouge2"].fmeasure

    def run(self, clusters, words: int) -> dict[str, np.ndarray]:
        """Per system, an array (clusters x [R-1, R-2])."""
        out: dict[str, list] = {k: [] for k in ("crosswire", *PEERS)}
        for cid, raw, ref in clusters:
            cleaned = self.clean(raw)
            # keyed by what the peers read, so a change to the cleaner or the splitter is never served stale
            read = "\x00".join(s.text for a in cleaned for s in bench.split_article(a))
            key = f"{cid}|{words}|{hashlib.sha1(read.encode()).hexdigest()}"
            if key not in self.cache:
                self.cache[key] = {k: self._rouge(ref, fn(cleaned, words)) for k, fn in self.peers.items()}
                self.dirty = True
            for k in PEERS:
                out[k].append(self.cache[key][k])
            out["crosswire"].append(self._rouge(ref, self.crosswire(raw, words)))
        if self.dirty:
            CACHE.parent.mkdir(parents=True, exist_ok=True)
            CACHE.write_text(json.dumps(self.cache))
            self.dirty = False
        return {k: np.array(v) for k, v in out.items()}


def report(title: str, res: dict[str, np.ndarray], part: slice = slice(None)) -> dict[str, float]:
    res = {k: v[part] for k, v in res.items()}
    mean = {k: v.mean(axis=0) for k, v in res.items()}
    print(f"\n{title}: {len(res['crosswire'])} clusters")
    for k, m in mean.items():
        print(f"  {k:<10} R-1 {m[0]:6.2f}  R-2 {m[1]:6.2f}")
    best1 = max(PEERS, key=lambda k: mean[k][0])
    best2 = max(PEERS, key=lambda k: mean[k][1])
    d1 = mean["crosswire"][0] - mean[best1][0]
    d2 = mean["crosswire"][1] - mean[best2][1]
    diff = res["crosswire"][:, 1] - res[best2][:, 1]
    rng = np.random.default_rng(0)
    boots = diff[rng.integers(0, len(diff), size=(2000, len(diff)))].mean(axis=1)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    print(f"  margin R-1 {d1:+.2f} (over {best1})  R-2 {d2:+.2f} (over {best2}), "
          f"R-2 paired bootstrap 95% CI [{lo:+.2f}, {hi:+.2f}]")
    return {"r1": d1, "r2": d2, "lo": lo, "hi": hi}


def crossfit(scorer: Scorer) -> list[dict[str, float]]:
    rows = read_rows(summarize_train.TRAIN)
    halves = {"A": rows[0::2], "B": rows[1::2]}  # A: even line index, B: odd
    out = []
    for name, held in halves.items():
        other = halves["B" if name == "A" else "A"]
        x, y = summarize_train.dataset(other)
        spec, r2 = summarize_train.fit(x, y, f"NeuS train half {'B' if name == 'A' else 'A'}")
        with tempfile.TemporaryDirectory() as folder:
            install(spec, Path(folder))
            scoring._model()  # read now: the file goes with the folder
        print(f"\nhalf {name}: ridge fitted on the other half ({len(y)} sentences, R^2 {r2:.3f})")
        out.append(report(f"NeuS train half {name} (held out)", scorer.run([cluster(r, "neus") for r in held], WORDS)))
        sys.stdout.flush()
    return out


def shipped(scorer: Scorer) -> None:
    """NeuS val and Multi-News validation with the shipped model, as bench/summarize.py scores them."""
    scoring.MODEL = summarize_train.MODEL
    scoring._model.cache_clear()
    for name in ("neus", "multinews"):
        path, words = bench.DATASETS[name]
        res = scorer.run(bench.load(name, None), words)
        report(f"{name} ({path.name}, {words} words)", res)
        if name == "multinews":
            report(f"{name}, clusters {bench._MN_CHOICE}-", res, slice(bench._MN_CHOICE, None))
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", action="store_true", help="also NeuS val and Multi-News validation (shipped model)")
    ap.add_argument("--only-bench", action="store_true", help="only NeuS val and Multi-News validation")
    args = ap.parse_args(argv)
    scorer = Scorer()
    if not args.only_bench:
        res = crossfit(scorer)
        print("\ncross-fit margins: " + ", ".join(
            f"{h} R-1 {r['r1']:+.2f} R-2 {r['r2']:+.2f}" for h, r in zip("AB", res, strict=True)))
    if args.bench or args.only_bench:
        shipped(scorer)


if __name__ == "__main__":
    main()
