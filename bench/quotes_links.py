"""Which same-statement links the moderate test makes, and which the shared-word floor removes.

    python bench/quotes_links.py            # the 20 largest events of news_cluster, ~1 minute

`crosswire.quotes.link` links two quotes on a high cosine alone, or on a moderate one (WEAK_COSINE)
with a third of the words shared and the same named speaker. This script extracts and links the quotes
of each of the 20 largest gold events of Giveme5W1H's news_cluster twice, with the shipped
MIN_SHARED_WORDS and with it at 0, and prints the counts by path and a random 40 (seed 1) of the links
that the moderate test made without the floor, each marked "kept" or "REMOVED", for reading by hand.

A link's path is read from its closest segment pair (highest cosine among the pairs sharing at least
CANDIDATE_OVERLAP of their words): "sure" (near-verbatim words), "strong" (cosine >= STRONG_COSINE)
or "moderate". That is how the sample in link.py's comment was drawn; it approximates the path the
linker took, which may have decided on another segment pair of the same two quotes.
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cluster_data import news_cluster  # noqa: E402  (bench/cluster_data.py)

from crosswire.clean import clean_article  # noqa: E402
from crosswire.nlp import embed  # noqa: E402
from crosswire.quotes import extract_quotes  # noqa: E402
from crosswire.quotes import link as L  # noqa: E402
from crosswire.records import Article  # noqa: E402
from crosswire.settings import Settings  # noqa: E402


def events(n: int) -> list[list[Article]]:
    """The cleaned articles of the n largest gold events."""
    arts, labels = news_cluster()
    by: dict[str, list[Article]] = defaultdict(list)
    for art, label in zip(arts, labels, strict=True):
        cleaned = clean_article(art, Settings())
        if isinstance(cleaned, Article):
            by[label].append(cleaned)
    return [by[e] for e in sorted(by, key=lambda e: -len(by[e]))[:n]]


def links(quotes) -> list[dict]:
    """Each linked pair once, with the path its closest segment pair points to."""
    out = []
    for i, q in enumerate(quotes):
        for j in q.same_as:
            if j < i:
                continue
            best = None
            sa, sb = L._segments(quotes[i].text), L._segments(quotes[j].text)
            cosines = embed(sa) @ embed(sb).T if sa and sb else None
            for x, seg_a in enumerate(sa):
                for z, seg_b in enumerate(sb):
                    wa, wb = L._words(seg_a), L._words(seg_b)
                    shared = len(wa & wb)
                    if shared / min(len(wa), len(wb)) < L.CANDIDATE_OVERLAP:
                        continue
                    cos = float(cosines[x, z])
                    if best is None or (cos, shared) > best[:2]:
                        best = (cos, shared, shared / min(len(wa), len(wb)))
            if best is None:
                continue
            cos, shared, share = best
            sure = share >= L.SURE_OVERLAP and shared >= L.SURE_WORDS
            path = "sure" if sure else "strong" if cos >= L.STRONG_COSINE else "moderate"
            out.append({"key": (quotes[i].article, quotes[i].start, quotes[j].article, quotes[j].start),
                        "path": path, "cos": cos, "shared": shared, "speakers": (q.speaker, quotes[j].speaker),
                        "texts": (quotes[i].text, quotes[j].text)})
    return out


def main() -> None:
    floor = L.MIN_SHARED_WORDS
    extracted = [extract_quotes(arts, Settings()) for arts in events(20)]
    linked = {}
    for value in (0, floor):
        L.MIN_SHARED_WORDS = value
        linked[value] = [L.link_same_statements(quotes) for quotes in extracted]
    L.MIN_SHARED_WORDS = floor
    # Classified only after all linking: the embedder caches vectors per text, and the vectors `links`
    # computes (in other batches) would otherwise be reused by the linker on a later event and could
    # tip a pair on the threshold.
    found = {value: [p for quotes in groups for p in links(quotes)] for value, groups in linked.items()}
    kept = {p["key"] for p in found[floor]}
    print(f"links without the floor: {dict(Counter(p['path'] for p in found[0]))}")
    print(f"links with MIN_SHARED_WORDS={floor}: {dict(Counter(p['path'] for p in found[floor]))}")
    gone = [p for p in found[0] if p["key"] not in kept]
    print(f"removed by the floor: {dict(Counter(p['path'] for p in gone))}")
    moderate = [p for p in found[0] if p["path"] == "moderate"]
    random.Random(1).shuffle(moderate)
    for k, p in enumerate(moderate[:40]):
        mark = "kept" if p["key"] in kept else "REMOVED"
        a, b = (" ".join(t.split())[:160] for t in p["texts"])
        print(f"\n{k} {mark} cos={p['cos']:.2f} shared={p['shared']} {p['speakers'][0]} | {p['speakers'][1]}\n  A: {a}\n  B: {b}")


if __name__ == "__main__":
    main()
