"""Fit and measure the contextual quote scorer (crosswire/quotes/context.py) on PolNeAR's training set.

    python bench/quotes_context.py folds    # 4-fold cross-validation on polnear_train (about an hour)
    python bench/quotes_context.py train    # the folds, then the shipped model on all of polnear_train

Stage 1 is the shipped sparse filter's recipe (bench/quotes_train.py: one logistic model per view at
C 0.3); its seven view logits are taken out of fold, so that stage 2 learns to correct the errors
stage 1 makes on articles it never saw. Stage 2 is `context.ContextScorer`: the first LAYERS layers of
the packaged all-MiniLM-L6-v2 with low-rank updates of rank RANK, and a small head, trained on the
views' labels (an article annotated twice gets the mean of its two label sets) with one gradient step
per article, EPOCHS passes. Its folds are the same 4 article folds as stage 1's, and its decision
threshold is the one that decodes the out-of-fold scores best under the issue's scoring
(bench/quotes.py `evaluate`): polnear_dev is never seen. `python bench/quotes.py` then scores the
shipped model on polnear_dev beside the sparse filter and the peers.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quotes as bq  # noqa: E402
import quotes_train as qt  # noqa: E402

from crosswire.quotes import context  # noqa: E402

LAYERS = 3  # fold 0 of polnear_train, F1 over stage 1's 0.695: 1 layer +0.004, 2 layers +0.013, 3 layers +0.023
RANK = 16
EPOCHS = 2
LR, HEAD_LR, WARMUP = 1e-3, 1e-3, 50
C1 = 0.3  # stage 1's regularisation, as shipped


def _logit(p) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return context.clip_logits(np.log(p / (1 - p)))


def prepare(rows) -> tuple[dict, dict]:
    """Per article: the encoder's inputs, candidate slots, soft labels and out-of-fold stage-1 logits."""
    from crosswire.nlp import embedder

    data = qt.dataset(rows, bq.parse_all, bq.gold_of, bq.finds)
    cands, arts, owner, y, X = data["cands"], data["arts"], data["owner"], data["y"], data["X"]
    sizes = {a: len(cs) for a, cs in cands.items()}
    t0 = time.time()
    oof = qt.views_out_of_fold(X, y, data["folds"], owner, sizes, partial(qt.fit_view, C=C1))
    print(f"stage 1 out of fold in {time.time() - t0:.0f}s", flush=True)
    labels = np.stack([y[v] for v in qt.VIEWS], axis=1).astype(np.float32)
    copies: dict[str, list[np.ndarray]] = {a: [] for a in arts}
    i = 0
    while i < len(owner):  # rows of one article repeat once per annotation
        copies[owner[i]].append(labels[i : i + sizes[owner[i]]])
        i += sizes[owner[i]]
    tokenizer = embedder().tokenizer
    texts = {r["article"]: r["text"] for r in rows}
    packs = {}
    for a in arts:
        doc = data["docs"][a]
        packs[a] = {
            "inputs": context.encode(doc, texts[a], tokenizer),
            "n": len(doc),
            "slots": context.slot_indices(cands[a], context.token_ranges(doc), len(doc)),
            "y": np.mean(copies[a], axis=0),
            "z": np.stack([_logit(oof[v][a]) for v in qt.VIEWS], axis=1),
            "fold": data["fold_of"][a],
        }
    return data, packs


def fit(packs: dict, train: list[str], seed: int = 0) -> context.ContextScorer:
    torch.manual_seed(seed)
    enc = context.encoder(LAYERS)
    context.add_low_rank(enc, RANK)
    scorer = context.ContextScorer(enc)
    head = [p for n, p in scorer.named_parameters() if not n.startswith("encoder.") and p.requires_grad]
    body = [p for n, p in scorer.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": LR}, {"params": head, "lr": HEAD_LR}], weight_decay=0.01)
    steps = EPOCHS * len(train)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / WARMUP) * max(0.0, 1 - s / steps))
    loss_of = torch.nn.BCEWithLogitsLoss()
    t0 = time.time()
    for epoch in range(EPOCHS):
        scorer.train()
        total = 0.0
        for a in np.random.RandomState(seed + epoch).permutation(sorted(train)):
            p = packs[a]
            if not len(p["slots"]):
                continue
            out = scorer(scorer.token_states(p["inputs"], p["n"]), torch.from_numpy(p["slots"]), torch.from_numpy(p["z"]))
            loss = loss_of(out, torch.from_numpy(p["y"]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
        print(f"  epoch {epoch}: loss {total / len(train):.4f} [{time.time() - t0:.0f}s]", flush=True)
    return scorer.eval()


def predict(scorer: context.ContextScorer, pack: dict) -> np.ndarray:
    if not len(pack["slots"]):
        return np.zeros(0)
    with torch.inference_mode():
        out = scorer(scorer.token_states(pack["inputs"], pack["n"]), torch.from_numpy(pack["slots"]),
                     torch.from_numpy(pack["z"]))
    return torch.sigmoid(out).mean(dim=1).numpy()


def folds(rows, data, packs) -> tuple[float, float]:
    """Out-of-fold F1 of stage 1 and of stage 2 on polnear_train; returns stage 2's (F1, threshold)."""
    arts, cands = data["arts"], data["cands"]
    oof2 = {}
    for k in range(qt.FOLDS):
        print(f"fold {k}", flush=True)
        scorer = fit(packs, [a for a in arts if packs[a]["fold"] != k])
        oof2.update({a: predict(scorer, packs[a]) for a in arts if packs[a]["fold"] == k})
    base = {a: (1 / (1 + np.exp(-packs[a]["z"]))).mean(axis=1) for a in arts}
    f1a, tha, sa = qt.best_threshold(rows, cands, arts, base, bq.evaluate)
    f1b, thb, sb = qt.best_threshold(rows, cands, arts, oof2, bq.evaluate)
    print("| polnear_train, 4 folds by article | threshold | P | R | F1 | speaker |\n|---|---|---|---|---|---|")
    print(f"| stage 1 (sparse views) | {tha} | {sa['P']:.3f} | {sa['R']:.3f} | {f1a:.4f} | {sa['speaker']:.3f} |")
    print(f"| stage 2 (contextual, {LAYERS} layers, rank {RANK}) | {thb} | {sb['P']:.3f} | {sb['R']:.3f} | {f1b:.4f} "
          f"| {sb['speaker']:.3f} |", flush=True)
    return f1b, thb


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["folds", "train"])
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    rows = bq.load_rows("train")
    data, packs = prepare(rows)
    f1, threshold = folds(rows, data, packs)
    if args.command == "train":
        scorer = fit(packs, data["arts"])
        meta = {"about": "contextual quote scorer for crosswire.quotes.context; fitted on polnear_train by "
                         "bench/quotes_context.py train", "layers": LAYERS, "rank": RANK, "epochs": EPOCHS,
                "threshold": threshold, "cv_f1": round(f1, 4)}
        context.save(scorer, context.CONTEXT_PATH, meta)
        print(f"wrote {context.CONTEXT_PATH} ({context.CONTEXT_PATH.stat().st_size / 1e6:.1f} MB), threshold {threshold}")


if __name__ == "__main__":
    main()
