"""Quote attribution on PolNeAR: crosswire vs textacy's direct_quotations vs a quote-marks regex.

    python bench/quotes.py                 # score on polnear_dev (held out): crosswire's two extractors and the peers
    python bench/quotes.py --split train   # the same on the training split (in-sample, for reference)
    python bench/quotes.py train           # refit crosswire/models/quotes_filter.json.gz on polnear_train
    python bench/quotes_context.py train   # refit crosswire/models/quotes_context.npz (quotes.context.v1)

Scoring (issue 9): a gold attribution's content runs from its first to its last span; a predicted
quote finds it when their overlap is at least half of the gold span and at least half of the
predicted span. Matching is one-to-one (greedy by overlap), so each prediction finds at most one
attribution and each attribution is found at most once. P = found predictions / predictions,
R = found attributions / attributions. Speaker accuracy = share of found attributions that have a
gold source whose predicted `speaker_span` overlaps that source (attributions annotated without a
source are left out of this share). Articles annotated by several annotators are scored once per
annotation (each annotation row is its own gold set; the predictions are the same), micro-averaged.
The last row scores annotator against annotator on the articles annotated more than once (each
annotation as the predictions against each other one): what people agree on, the ceiling for a
system (train, 16 articles: F1 0.790; dev holds only 2 such articles).
spaCy parses are cached under ~/.cache/crosswire-bench (keyed by text hash), not in the repo.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "polnear"
CACHE = Path.home() / ".cache" / "crosswire-bench"
sys.path.insert(0, str(ROOT))


def load_rows(split: str) -> list[dict]:
    with open(DATA / f"polnear_{split}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def parse_all(texts: dict[str, str]) -> dict[str, object]:
    """spaCy docs for each article text, from the cache when the same texts were parsed before."""
    from spacy.tokens import DocBin

    from crosswire.nlp import spacy_model

    nlp = spacy_model()
    ids = sorted(texts)
    key = hashlib.sha1("\0".join(texts[i] for i in ids).encode()).hexdigest()[:16]
    path = CACHE / f"polnear-{key}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((texts[i] for i in ids), batch_size=32))
        CACHE.mkdir(parents=True, exist_ok=True)
        db = DocBin(store_user_data=False)
        for d in docs:
            db.add(d)
        db.to_disk(path)
    return dict(zip(ids, docs, strict=True))


def gold_of(row: dict) -> list[tuple[int, int, list[tuple[int, int]]]]:
    out = []
    for a in row["attributions"]:
        spans = [s for c in a.get("content", []) for s in c["spans"]]
        if not spans:
            continue
        srcs = [tuple(s) for c in a.get("source", []) for s in c["spans"]]
        out.append((min(s[0] for s in spans), max(s[1] for s in spans), srcs))
    return out


def _ov(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def finds(g0: int, g1: int, p0: int, p1: int) -> bool:
    """The issue's rule: prediction [p0, p1) finds gold content [g0, g1) when their overlap is at
    least half of each. (The trainer labels candidates with it too.)"""
    o = _ov(g0, g1, p0, p1)
    return bool(o) and o >= 0.5 * (g1 - g0) and o >= 0.5 * (p1 - p0)


def match(gold: list, preds: list) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, prediction index) meeting the half-and-half overlap rule."""
    pairs = []
    for gi, (g0, g1, _) in enumerate(gold):
        for pi, (p0, p1, _) in enumerate(preds):
            if finds(g0, g1, p0, p1):
                pairs.append((_ov(g0, g1, p0, p1), gi, pi))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def evaluate(rows: list[dict], preds: dict[str, list]) -> dict[str, float]:
    """preds: article -> [(start, end, (speaker_start, speaker_end) | None)]."""
    n_pred = n_gold = n_found = n_src = n_spk = 0
    for row in rows:
        gold, pr = gold_of(row), preds.get(row["article"], [])
        pairs = match(gold, pr)
        n_pred += len(pr)
        n_gold += len(gold)
        n_found += len(pairs)
        for gi, pi in pairs:
            if gold[gi][2]:
                n_src += 1
                sp = pr[pi][2]
                n_spk += bool(sp) and any(_ov(sp[0], sp[1], s0, s1) for s0, s1 in gold[gi][2])
    p = n_found / n_pred if n_pred else 0.0
    r = n_found / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "P": p,
        "R": r,
        "F1": f,
        "speaker": n_spk / n_src if n_src else 0.0,
        "pred": n_pred,
        "gold": n_gold,
    }


def agreement(rows: list[dict]) -> tuple[dict[str, float], int]:
    """Annotator against annotator, under the same scoring: on every article annotated more than once,
    each annotation is scored as the predictions against each other annotation (micro-averaged).
    What people agree on is the ceiling a system can be expected to reach on this data."""
    by_article: dict[str, list[dict]] = {}
    for row in rows:
        by_article.setdefault(row["article"], []).append(row)
    gold_rows, preds = [], {}
    for article, copies in by_article.items():
        for i, gold in enumerate(copies):
            for j, other in enumerate(copies):
                if i != j:
                    key = f"{article}#{i}-{j}"
                    gold_rows.append({**gold, "article": key})
                    # the other annotator's source, first to last span, stands in for a speaker span
                    preds[key] = [
                        (g0, g1, (min(s[0] for s in srcs), max(s[1] for s in srcs)) if srcs else None)
                        for g0, g1, srcs in gold_of(other)
                    ]
    return evaluate(gold_rows, preds), sum(len(a) > 1 for a in by_article.values())


def crosswire_preds(texts: dict[str, str], docs: dict, extractor: str = "quotes.rules.v1") -> dict[str, list]:
    from crosswire import registry
    from crosswire.records import Article
    from crosswire.settings import Settings

    arts = [Article(id=i, text=t) for i, t in texts.items()]
    out: dict[str, list] = {i: [] for i in texts}
    for q in registry.get("quotes", extractor)(arts, Settings(quote_extractor=extractor), docs=docs):
        sp = (q.speaker_span.start, q.speaker_span.end) if q.speaker_span else None
        out[q.article].append((q.start, q.end, sp))
    return out


def textacy_preds(texts: dict[str, str], docs: dict) -> dict[str, list]:
    """textacy's direct_quotations run per paragraph (on whole articles it stops at unpaired marks)."""
    from textacy.extract.triples import direct_quotations

    out: dict[str, list] = {}
    for i, doc in docs.items():
        found = []
        for m in re.finditer(r"[^\n]+", texts[i]):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            try:
                triples = list(direct_quotations(span.as_doc()))
            except (ValueError, IndexError, KeyError):
                continue
            base = span.start_char
            for t in triples:
                c0, c1 = t.content[0].idx, t.content[-1].idx + len(t.content[-1].text)
                sp = (
                    (t.speaker[0].idx + base, t.speaker[-1].idx + len(t.speaker[-1].text) + base)
                    if t.speaker
                    else None
                )
                found.append((c0 + base, c1 + base, sp))
        out[i] = found
    return out


_QUOTE_RE = re.compile(r"[\"\u201c\u201e\u00ab]([^\"\u201c\u201d\u201e\u00ab\u00bb\n]{2,}?)[\"\u201d\u00bb]")


def regex_preds(texts: dict[str, str], docs: dict) -> dict[str, list]:
    return {i: [(m.start(1), m.end(1), None) for m in _QUOTE_RE.finditer(t)] for i, t in texts.items()}


def score_split(split: str) -> None:
    rows = load_rows(split)
    texts = {r["article"]: r["text"] for r in rows}
    t0 = time.time()
    docs = parse_all(texts)
    print(
        f"polnear_{split}: {len(texts)} articles, {len(rows)} annotations, parsed/loaded in {time.time() - t0:.0f}s"
    )
    print(
        "| system | P | R | F1 | speaker acc | predicted | gold | seconds |\n|---|---|---|---|---|---|---|---|"
    )
    systems = [
        ("crosswire quotes.rules.v1 (sparse filter)", crosswire_preds),
        ("crosswire quotes.context.v1 (+ contextual scorer)", partial(crosswire_preds, extractor="quotes.context.v1")),
        ("textacy direct_quotations", textacy_preds),
        ("quote-marks regex", regex_preds),
    ]
    for name, fn in systems:
        t0 = time.time()
        try:
            preds = fn(texts, docs)
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}) | | | | | | |")
            continue
        s = evaluate(rows, preds)
        print(
            f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['speaker']:.3f} | {s['pred']} | {s['gold']} "
            f"| {time.time() - t0:.1f} |"
        )
    s, n = agreement(rows)
    if n:
        print(
            f"| annotator vs annotator ({n} articles annotated more than once) | {s['P']:.3f} | {s['R']:.3f} "
            f"| {s['F1']:.3f} | {s['speaker']:.3f} | {s['pred']} | {s['gold']} | |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="score", choices=["score", "train"])
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    if args.command == "train":
        from quotes_train import train  # bench/quotes_train.py

        train(load_rows("train"), parse_all, evaluate, gold_of, finds)
    else:
        score_split(args.split)


if __name__ == "__main__":
    main()
