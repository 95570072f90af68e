"""Claims detector on hand-labelled sentence pairs from real multi-outlet news (tests/fixtures).

Each case names two sentences (by document and character offsets) from two different outlets' articles
about one event, with the status a careful reader gives the pair: "disputed" (the same figure given
differently), "corroborated" (the same fact, figures consistent) or "distinct" (same story, different
facts). The detector runs on the two whole articles, as in a briefing; the pair's predicted status is
that of the claim citing both sentences, "distinct" when no claim does.

    python bench/compare.py            # all cases, per dataset
    python bench/compare.py --show     # and every miss
    python bench/compare.py --speed    # seconds per article of entities / claims / timeline on the
                                       # 383 giveme5w1h articles, grouped by their gold events
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from crosswire.compare import find_claims
from crosswire.records import Article
from crosswire.segment import split_article

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CASES = REPO / "tests" / "fixtures" / "claims_cases.jsonl"
STATUSES = ("disputed", "corroborated", "distinct")


@lru_cache(maxsize=2)
def _dataset(name: str) -> dict[str, tuple[str, str]]:
    """doc id -> (text, outlet)."""
    out = {}
    if name == "giveme5w1h":
        for line in (SHARED / "data" / "giveme5w1h" / "news_cluster.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            out[row["dId"]] = (row["text"], row["source_domain"])
    else:
        for line in (SHARED / "data" / "multinews" / "validation.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            for i, doc in enumerate(row["documents"]):
                out[f"{row['id']}#{i}"] = (doc, f"{row['id']}#{i}")
    return out


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.open(encoding="utf-8") if line.strip()]


def case_articles(case: dict) -> tuple[list[Article], dict]:
    """The two articles of a case (raw dataset text) and the two cited sentences' spans."""
    data = _dataset(case["dataset"])
    arts, spans = [], {}
    for side in ("a", "b"):
        ref = case[side]
        text, outlet = data[ref["doc"]]
        art = Article(id=f"{side}:{ref['doc'][:16]}", text=text, source=outlet)
        arts.append(art)
        spans[side] = (art.id, ref["start"], ref["end"])
    return arts, spans


def predict(case: dict, settings: Any = None) -> str:
    arts, spans = case_articles(case)
    sentences = {a.id: split_article(a) for a in arts}
    for claim in find_claims(arts, sentences, settings):
        cited = {(c.article, c.start, c.end) for c in claim.support + claim.dispute}
        if spans["a"] in cited and spans["b"] in cited:
            return "disputed" if claim.status == "disputed" else "corroborated"
    return "distinct"


def score(results: list[tuple[dict, str]]) -> dict:
    """Accuracy, and precision/recall of 'disputed' and of 'same fact' (corroborated or disputed)."""
    n = len(results)
    correct = sum(case["expected"] == got for case, got in results)
    tp_d = sum(case["expected"] == got == "disputed" for case, got in results)
    pred_d = sum(got == "disputed" for _, got in results)
    gold_d = sum(case["expected"] == "disputed" for case, _ in results)
    same = lambda s: s != "distinct"  # noqa: E731
    tp_s = sum(same(case["expected"]) and same(got) for case, got in results)
    pred_s = sum(same(got) for _, got in results)
    gold_s = sum(same(case["expected"]) for case, _ in results)
    return {
        "cases": n,
        "accuracy": correct / n if n else 0.0,
        "dispute_precision": tp_d / pred_d if pred_d else 0.0,
        "dispute_recall": tp_d / gold_d if gold_d else 0.0,
        "align_precision": tp_s / pred_s if pred_s else 0.0,
        "align_recall": tp_s / gold_s if gold_s else 0.0,
        "confusion": dict(Counter(f"{case['expected']}->{got}" for case, got in results)),
    }


def speed(limit: int | None = None, settings: Any = None) -> dict[str, float]:
    """Wall seconds per article for each stage over giveme5w1h's gold events (spaCy parse excluded:
    the pipeline parses once for quotes and entities)."""
    import time
    from collections import defaultdict

    from crosswire.compare import extract_entities
    from crosswire.nlp import embed, parse, spacy_model
    from crosswire.timeline import build_timeline

    rows = [
        json.loads(line)
        for line in (SHARED / "data" / "giveme5w1h" / "news_cluster.jsonl").open(encoding="utf-8")
    ]
    rows = rows[:limit] if limit else rows
    events: dict[int, list[Article]] = defaultdict(list)
    for r in rows:
        events[r["event_id"]].append(
            Article(id=r["dId"], text=r["text"], source=r["source_domain"], published=r["date_publish"])
        )
    spacy_model()
    embed(["warm up"])
    times = {"parse": 0.0, "entities": 0.0, "claims": 0.0, "timeline": 0.0}
    for arts in events.values():
        t0 = time.perf_counter()
        docs = {a.id: d for a, d in zip(arts, parse(a.text for a in arts), strict=True)}
        sentences = {a.id: split_article(a) for a in arts}
        t1 = time.perf_counter()
        extract_entities(arts, None, docs=docs)
        t2 = time.perf_counter()
        find_claims(arts, sentences, settings)
        t3 = time.perf_counter()
        build_timeline(arts, sentences)
        t4 = time.perf_counter()
        for k, v in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            times[k] += v
    n = len(rows)
    return {k: v / n for k, v in times.items()} | {"articles": n, "stories": len(events)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every miss")
    parser.add_argument("--speed", action="store_true", help="time the three stages on giveme5w1h instead")
    parser.add_argument("--limit", type=int, default=None, help="with --speed: first N articles only")
    parser.add_argument(
        "--embed-per-article",
        type=int,
        default=None,
        help="sentences a story may embed per article (0: none)",
    )
    args = parser.parse_args(argv)
    settings = (
        None
        if args.embed_per_article is None
        else SimpleNamespace(claims_embed_per_article=args.embed_per_article)
    )
    if args.speed:
        got = speed(args.limit, settings)
        print(
            " ".join(f"{k}={v:.4f}s/article" if isinstance(v, float) else f"{k}={v}" for k, v in got.items())
        )
        return 0
    results = [(case, predict(case, settings)) for case in load_cases()]
    for name in ("giveme5w1h", "multinews", "all"):
        part = [r for r in results if name == "all" or r[0]["dataset"] == name]
        s = score(part)
        print(
            f"{name:11} n={s['cases']:3} acc={s['accuracy']:.2f} "
            f"dispute P={s['dispute_precision']:.2f} R={s['dispute_recall']:.2f} "
            f"same-fact P={s['align_precision']:.2f} R={s['align_recall']:.2f}  {s['confusion']}"
        )
    if args.show:
        for case, got in results:
            if case["expected"] != got:
                print(f"  MISS {case['id']}: expected {case['expected']}, got {got} ({case['why']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
