"""What contextual token vectors would add to the quote filter, and what they would cost.

    python bench/quotes_contextual.py              # about 15 minutes on 2 cores
    python bench/quotes_contextual.py --layers 2   # the vectors of MiniLM's first two layers only

The shipped filter (crosswire/quotes/model.py) reads sparse indicator features only. This bench asks
whether all-MiniLM-L6-v2's contextual token vectors (the packaged sentence embedder, run over the
article in chunks of whole sentences) let a second stage tell a candidate's extent and cue apart
better, and at what price per article.

Stage 1 is the shipped recipe: one logistic model per view (bench/quotes_train.py), scored out of
fold on polnear_train (4 folds by article). Stage 2, per view, is a logistic model over the seven
stage-1 logits and six token-vector slots of the candidate (its first and last word, the words just
outside it, its cue, the mean of its words), each slot reduced to DIMS principal components fitted on
training tokens. Its score is the mean over the views, decoded as the shipped model is. Both stages
are cross-validated on the same folds; the decision threshold is chosen on the folds and applied
unchanged to polnear_dev (never seen in fitting). Cost: the embedder's forward pass per dev article,
in float32 and under bfloat16 autocast, next to crosswire's whole quote extraction (parse excluded).
With --layers N the vectors are those of the first N of MiniLM's six layers. The layers shrink with N,
but tokenising and spreading word pieces over spaCy's tokens do not: two layers measured about 0.55
of the full model's time per article.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quotes as bq  # noqa: E402  (bench/quotes.py: data, parse cache, scoring)
import quotes_train as qt  # noqa: E402

DIMS = 32
SLOTS = ("first", "last", "before", "after", "cue", "mean")
C1, C2 = 0.3, 0.1


def encoder(layers: int) -> tuple:
    """(transformer, tokenizer) of the packaged embedder, cut to its first `layers` layers (a copy:
    the shared embedder is left whole)."""
    import copy

    from crosswire.nlp import embedder

    st = embedder()
    model = st[0].auto_model.eval()
    if layers < len(model.encoder.layer):
        model = copy.deepcopy(model)
        model.encoder.layer = model.encoder.layer[:layers]
    return model, st.tokenizer


def token_vectors(doc, text: str, model, tok, bfloat16: bool = False) -> np.ndarray:
    """One vector per spaCy token (the encoder's width, 384 for MiniLM): the mean of the encoder's last-layer
    states of its word pieces, the article read in the chunks `crosswire.quotes.context` reads it in."""
    import torch

    from crosswire.quotes.context import encode

    inputs = encode(doc, text, tok)
    total = np.zeros((len(doc), model.config.hidden_size), np.float32)
    count = np.zeros(len(doc), np.float32)
    for i in range(0, len(inputs["ids"]), 16):
        ids, mask = inputs["ids"][i : i + 16], inputs["mask"][i : i + 16]
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
            states = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state
        owner = inputs["piece_token"][i : i + 16]
        real = owner >= 0
        np.add.at(total, owner[real], states.float().numpy()[real])
        np.add.at(count, owner[real], 1.0)
    return total / np.maximum(count, 1.0)[:, None]


def _slots(cands, tokens_of, vectors: np.ndarray) -> np.ndarray:
    n, width = len(vectors), vectors.shape[1]
    zero = np.zeros(width, np.float32)
    rows = []
    for c in cands:
        a, b = tokens_of(c.start, c.end)
        parts = (
            vectors[a] if a < n else zero,
            vectors[b - 1] if b > a else zero,
            vectors[a - 1] if a > 0 else zero,
            vectors[b] if b < n else zero,
            vectors[c.cue.i] if c.cue is not None else zero,
            vectors[a:b].mean(axis=0) if b > a else zero,
        )
        rows.append(np.concatenate(parts))
    return np.array(rows, np.float32).reshape(len(rows), len(SLOTS) * width)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _fit_stage2(Z, y):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C2, max_iter=500).fit(Z, y)


def main(argv: list[str] | None = None) -> None:
    import argparse
    from functools import partial

    from joblib import Parallel, delayed
    from sklearn.decomposition import PCA

    from crosswire.quotes.candidates import generate, quote_index
    from crosswire.quotes.features import DocInfo
    from crosswire.quotes.marks import find_quotes

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--layers", type=int, default=6, choices=range(1, 7), metavar="{1..6}",
                    help="MiniLM layers the token vectors come from")
    args = ap.parse_args(argv)
    model, tok = encoder(args.layers)
    t_start = time.time()
    rows = bq.load_rows("train")
    data = qt.dataset(rows, bq.parse_all, bq.gold_of, bq.finds)
    cands, arts, owner = data["cands"], data["arts"], data["owner"]
    X, y, folds = data["X"], data["y"], data["folds"]
    texts = {r["article"]: r["text"] for r in rows}

    # stage 1, out of fold, one job per view
    views = qt.VIEWS
    sizes = {a: len(cs) for a, cs in cands.items()}
    oof = qt.views_out_of_fold(X, y, folds, owner, sizes, partial(qt.fit_view, C=C1))
    base = {a: np.mean([oof[v][a] for v in views], axis=0) for a in arts}
    f1_base, th_base, _ = qt.best_threshold(rows, cands, arts, base, bq.evaluate)
    print(f"stage 1 out of fold: F1 {f1_base:.4f} at {th_base} [{time.time() - t_start:.0f}s]", flush=True)

    # token vectors for every training article, reduced to DIMS components
    t0 = time.time()
    raw = {a: token_vectors(data["docs"][a], texts[a], model, tok) for a in arts}
    print(f"token vectors: {len(arts)} training articles in {time.time() - t0:.0f}s", flush=True)
    sample = np.concatenate([v[::7] for v in raw.values()])
    pca = PCA(DIMS, random_state=0).fit(sample)
    scale = pca.transform(sample).std(axis=0)

    def reduce(v: np.ndarray) -> np.ndarray:
        return (pca.transform(v) / scale).astype(np.float32)

    infos = {}
    for a in arts:
        doc = data["docs"][a]
        infos[a] = DocInfo(doc, quote_index(doc, find_quotes(texts[a])), texts[a])
    dense = {a: _slots(cands[a], infos[a].tokens, reduce(raw[a])) for a in arts}
    del raw
    # stage-2 rows follow the stage-1 rows (one copy of an article per annotation)
    blocks, i = [], 0
    while i < len(owner):
        a = owner[i]
        blocks.append(np.hstack([np.stack([_logit(np.asarray(oof[v][a])) for v in views], axis=1), dense[a]]))
        i += sizes[a]
    Z = np.vstack(blocks)

    second = qt.views_out_of_fold(Z, y, folds, owner, sizes, _fit_stage2)
    mean2 = {a: np.mean([second[v][a] for v in views], axis=0) for a in arts}
    f1_ctx, th_ctx, _ = qt.best_threshold(rows, cands, arts, mean2, bq.evaluate)
    print(f"stage 2 out of fold: F1 {f1_ctx:.4f} at {th_ctx} [{time.time() - t_start:.0f}s]", flush=True)

    # polnear_dev: both stages fitted on all training rows, thresholds from the folds
    full1 = Parallel(n_jobs=2)(delayed(qt.fit_view)(X, y[v], C1) for v in views)
    full2 = Parallel(n_jobs=2)(delayed(_fit_stage2)(Z, y[v]) for v in views)
    drows = bq.load_rows("dev")
    dtexts = {r["article"]: r["text"] for r in drows}
    ddocs = bq.parse_all(dtexts)
    darts = sorted(dtexts)
    dcands = {a: generate(ddocs[a], dtexts[a]) for a in darts}
    d1, d2, cost32, cost16 = {}, {}, 0.0, 0.0
    for a in darts:
        doc, text = ddocs[a], dtexts[a]
        Xa = data["vec"].transform([c.feats for c in dcands[a]])
        p1 = np.stack([m.predict_proba(Xa)[:, 1] for m in full1], axis=1)
        d1[a] = p1.mean(axis=1)
        t0 = time.perf_counter()
        vecs = token_vectors(doc, text, model, tok)
        cost32 += time.perf_counter() - t0
        t0 = time.perf_counter()
        token_vectors(doc, text, model, tok, bfloat16=True)  # timed only: the float32 vectors are the ones scored
        cost16 += time.perf_counter() - t0
        info = DocInfo(doc, quote_index(doc, find_quotes(text)), text)
        Za = np.hstack([_logit(p1), _slots(dcands[a], info.tokens, reduce(vecs))])
        d2[a] = np.mean([clf.predict_proba(Za)[:, 1] for clf in full2], axis=0)
    s1 = bq.evaluate(drows, qt.predictions(dcands, darts, d1, th_base))
    s2 = bq.evaluate(drows, qt.predictions(dcands, darts, d2, th_ctx))

    from crosswire.quotes import extract_quotes
    from crosswire.records import Article
    from crosswire.settings import Settings

    t0 = time.perf_counter()
    extract_quotes([Article(id=a, text=dtexts[a]) for a in darts], Settings(), docs=ddocs)
    extract = time.perf_counter() - t0
    n = len(darts)
    print(f"\npolnear_train folds ({len(arts)} articles) and polnear_dev ({n} articles); DIMS={DIMS}, "
          f"layers={args.layers}, C1={C1}, C2={C2}; {time.time() - t_start:.0f}s in all")
    print("| filter | folds F1 | dev P | dev R | dev F1 | dev speaker | extra ms/article |\n|---|---|---|---|---|---|---|")
    print(f"| sparse features (shipped recipe) | {f1_base:.4f} | {s1['P']:.3f} | {s1['R']:.3f} | {s1['F1']:.4f} "
          f"| {s1['speaker']:.3f} | 0 |")
    print(f"| + MiniLM token vectors (stage 2) | {f1_ctx:.4f} | {s2['P']:.3f} | {s2['R']:.3f} | {s2['F1']:.4f} "
          f"| {s2['speaker']:.3f} | {1000 * cost32 / n:.0f} (float32), {1000 * cost16 / n:.0f} (bfloat16) |")
    print(f"\nfor scale: crosswire's whole quote extraction (parse excluded) takes {1000 * extract / n:.0f} ms/article")


if __name__ == "__main__":
    main()
