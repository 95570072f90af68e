"""Do the two storyline golds of issue #4 ask for the same thing? Sweeps and pairs, in one run.

    python bench/storyline_golds.py            # about 40 seconds

Issue #4 sets two storyline targets, >= 0.95 BCubed F1 on ECB+ topics and on news_cluster's events,
with one configuration. This bench measures how far apart the two golds pull:

1. The shipped grouping (crosswire.group) with its one storyline knob, the average-linkage cut
   `batch.STORYLINE_THRESHOLD`, swept from loose to strict: BCubed P/R/F1 on ECB+ topics, on
   news_cluster and on the seeds at each cut, and the best cut for each set.
2. Story-pair similarity on the scale that cut reads (the mean TF-IDF cosine between the two
   stories' articles): how many story pairs each gold calls "one storyline" or "two", above the
   quartiles of ECB+'s "one storyline" pairs. A cut that joins most of ECB+'s pairs joins that many of
   news_cluster's "two storylines" pairs too.
3. Analogous cases side by side: same kind of event, different people, which one gold joins and the
   other keeps apart, with their similarity.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster_data as data  # noqa: E402
from cluster import bcubed  # noqa: E402

from crosswire.group import batch, group_articles  # noqa: E402
from crosswire.group.assemble import order_key  # noqa: E402
from crosswire.group.space import TermSpace  # noqa: E402
from crosswire.settings import Settings  # noqa: E402

CUTS = (0.04, 0.06, 0.08, 0.10, 0.13, 0.16, 0.20, 0.25, 0.30)
# (set, headline words of one story, headline words of the other): same kind, different people
PAIRS = (
    ("ecbplus", "Tara Reid", "Lindsay Lohan"),
    ("ecbplus", "Bettie Page", "Esther Williams"),
    ("ecbplus", "Hunger Games", "Twilight"),
    ("news_cluster", "Ripple", "Bitcoin"),
    ("news_cluster", "New Year's Eve Assaults", "safe zone"),
)


def _sets():
    ecb, _, ecb_lines = data.ecbplus()
    nc, nc_lines = data.news_cluster()
    seeds, _, seed_lines = data.seeds()
    return {"ecbplus": (ecb, ecb_lines), "news_cluster": (nc, nc_lines), "seeds": (seeds, seed_lines)}


def sweep(sets) -> None:
    print("1. shipped grouping, storyline cut swept (BCubed P / R / F1 against storyline gold)")
    print(f"{'cut':>5}  " + "  ".join(f"{name:>22}" for name in sets))
    shipped = batch.STORYLINE_THRESHOLD
    best: dict[str, tuple[float, float]] = {}
    try:
        for cut in CUTS:
            batch.STORYLINE_THRESHOLD = cut
            cells = []
            for name, (arts, gold) in sets.items():
                g = group_articles(arts, Settings())
                line = {a: s.storyline for s in g.stories for a in s.articles}
                p, r, f = bcubed([line[a.id] for a in arts], gold)
                cells.append(f"{p:6.3f} {r:6.3f} {f:6.3f}")
                if f > best.get(name, (-1.0, 0.0))[0]:
                    best[name] = (f, cut)
            mark = "  <- shipped" if abs(cut - shipped) < 1e-9 else ""
            print(f"{cut:5.2f}  " + "  ".join(f"{c:>22}" for c in cells) + mark)
    finally:
        batch.STORYLINE_THRESHOLD = shipped
    print("best cut per set: " + ", ".join(f"{n} {f:.3f} at {c:.2f}" for n, (f, c) in best.items()))


def _stories(arts, gold):
    """Crosswire's stories (as in a batch) with their majority storyline label and their articles' unit
    TF-IDF rows, so that story pairs can be scored on the storyline cut's own scale."""
    profiles = sorted((batch.profile(a) for a in arts), key=order_key)
    space = TermSpace()
    space.add([p.terms for p in profiles])
    m = space.matrix([p.terms for p in profiles])
    line_of = {a.id: g for a, g in zip(arts, gold, strict=True)}
    g = group_articles(arts, Settings())
    row = {p.id: i for i, p in enumerate(profiles)}
    stories = []
    for s in g.stories:
        idx = [row[a] for a in s.articles]
        label = Counter(line_of[a] for a in s.articles).most_common(1)[0][0]
        stories.append((s.title, label, idx))
    return stories, m


def pair_scale(sets) -> dict:
    print("\n2. story pairs on the storyline cut's scale (mean TF-IDF cosine between the two stories' articles)")
    scored = {}
    for name in ("ecbplus", "news_cluster"):
        stories, m = _stories(*sets[name])
        sim = (m @ m.T).toarray()
        pos, neg = [], []
        for i in range(len(stories)):
            for j in range(i + 1, len(stories)):
                s = float(sim[np.ix_(stories[i][2], stories[j][2])].mean())
                (pos if stories[i][1] == stories[j][1] else neg).append(s)
        scored[name] = (np.array(pos), np.array(neg), stories, sim)
    ecb_pos = scored["ecbplus"][0]
    print(f"{'quartile of ECB+ one-storyline pairs':>38} {'sim':>6} {'ECB+ one':>9} {'ECB+ two':>9} {'nc one':>7} {'nc two':>7}")
    for q in (0.25, 0.5, 0.75):
        t = float(np.quantile(ecb_pos, q))
        counts = [int((arr >= t).sum()) for name in ("ecbplus", "news_cluster") for arr in scored[name][:2]]
        print(f"{q:>38.2f} {t:6.3f} {counts[0]:9d} {counts[1]:9d} {counts[2]:7d} {counts[3]:7d}")
    totals = [len(arr) for name in ("ecbplus", "news_cluster") for arr in scored[name][:2]]
    print(f"{'all pairs':>38} {'':>6} {totals[0]:9d} {totals[1]:9d} {totals[2]:7d} {totals[3]:7d}")
    return scored


def analogous(scored) -> None:
    print("\n3. same kind of event, different people: what each gold says")
    for name, left, right in PAIRS:
        _, _, stories, sim = scored[name]
        a = [s for s in stories if left.lower() in s[0].lower()]
        b = [s for s in stories if right.lower() in s[0].lower()]
        if not a or not b:
            print(f"{name:13} {left!r} / {right!r}: story not found")
            continue
        x = max(a, key=lambda s: len(s[2]))
        y = max((s for s in b if s is not x), key=lambda s: len(s[2]), default=None)
        if y is None:
            print(f"{name:13} {left!r} / {right!r}: one story holds both")
            continue
        s = float(sim[np.ix_(x[2], y[2])].mean())
        verdict = "one storyline" if x[1] == y[1] else "two storylines"
        print(f"{name:13} {x[0][:45]!r:50} / {y[0][:45]!r:50} sim {s:.3f}: gold says {verdict}")


def main() -> None:
    sets = _sets()
    sweep(sets)
    analogous(pair_scale(sets))


if __name__ == "__main__":
    main()
