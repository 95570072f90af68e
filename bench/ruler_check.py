"""Check crosswire.nlp.parse against the stock spaCy pipeline.

crosswire's parse replaces the attribute_ruler by crosswire/fast_ruler.py, skips the lemmatizer
(lemmas on demand) and lets the layers multiply matrices with numpy's BLAS instead of BLIS. This
compares every token's (pos_, tag_, str(morph), dep_, head.i, nlp.lemma) and every entity with the
output of the pipeline as `spacy.load` gives it (`nlp.stock_spacy_model()`), then times the real
attribute_ruler and the stand-in on the same parsed Docs (time.process_time, warm, mean of --reps
runs), and the stand-in's first pass with an empty memo (what each forked brief worker pays).

    python bench/ruler_check.py [--limit N] [--reps 5] [--n-process 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from crosswire import nlp

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SETS = {
    "news_cluster": DATA / "giveme5w1h" / "news_cluster.jsonl",
    "polnear_dev": DATA / "polnear" / "polnear_dev.jsonl",
}


def _texts(path: Path, limit: int | None) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows if r.get("text")]
    return texts[:limit] if limit else texts


def _tokens(doc) -> list[tuple]:
    return [(t.pos_, t.tag_, str(t.morph), t.dep_, t.head.i, nlp.lemma(t)) for t in doc]


def _compare(texts: list[str], n_process: int) -> dict[str, int]:
    full = nlp.stock_spacy_model().pipe(texts, batch_size=64)
    fast = nlp.parse(texts, batch_size=64, n_process=n_process)
    counts = {"docs": 0, "tokens": 0, "token_diffs": 0, "ents": 0, "ent_diffs": 0}
    for a, b in zip(full, fast, strict=True):
        ta, tb = _tokens(a), _tokens(b)
        ea = [(e.start, e.end, e.label_) for e in a.ents]
        eb = [(e.start, e.end, e.label_) for e in b.ents]
        counts["docs"] += 1
        counts["tokens"] += len(ta)
        counts["token_diffs"] += sum(x != y for x, y in zip(ta, tb, strict=True)) + abs(len(ta) - len(tb))
        counts["ents"] += len(ea)
        counts["ent_diffs"] += len(set(ea) ^ set(eb))
    return counts


def _timings(texts: list[str], reps: int) -> tuple[float, float, float]:
    from crosswire.fast_ruler import FastAttributeRuler

    model = nlp.spacy_model()
    parsed = list(model.pipe(texts, batch_size=64, disable=["attribute_ruler", "lemmatizer"]))
    ruler, fast = model.get_pipe("attribute_ruler"), nlp.fast_ruler()
    cold = FastAttributeRuler(ruler)
    copies = [d.copy() for d in parsed]
    t0 = time.process_time()
    for doc in copies:
        cold(doc)
    cold_s = time.process_time() - t0
    for doc in parsed[:20]:  # warm both (the stand-in's memo, the Matcher's caches)
        ruler(doc.copy())
        fast(doc.copy())
    slow_runs, fast_runs = [], []
    for _ in range(reps):
        for apply, runs in ((ruler, slow_runs), (fast, fast_runs)):
            copies = [d.copy() for d in parsed]
            t0 = time.process_time()
            for doc in copies:
                apply(doc)
            runs.append(time.process_time() - t0)
    return statistics.mean(slow_runs), statistics.mean(fast_runs), cold_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="texts per set (default: all)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args()
    for name, path in SETS.items():
        texts = _texts(path, args.limit)
        print(name, _compare(texts, args.n_process), flush=True)
        if not args.no_timing:
            slow, fast, cold = _timings(texts, args.reps)
            print(
                f"{name}: attribute_ruler {slow:.3f} CPU-s, fast path {fast:.3f} CPU-s (mean of {args.reps}); "
                f"fast path's first pass with an empty memo {cold:.3f} CPU-s"
            )


if __name__ == "__main__":
    main()
