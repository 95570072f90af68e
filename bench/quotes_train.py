"""Fit the attribution filter shipped as crosswire/models/quotes_filter.json.gz (run via quotes.py train).

Only polnear_train is used. One logistic model is fitted per view (`VIEWS`: a question about a
candidate, see crosswire/quotes/model.py); a candidate's score is the mean of their probabilities.
The regularisation strength C and the decision threshold are chosen by 4-fold cross-validation
grouped by article, on the issue's own scoring (F1 after decoding), so no dev article influences the
model. Features seen fewer than MIN_COUNT times are dropped: they cannot be estimated and would only
bloat the shipped file.
"""

from __future__ import annotations

import gzip
import json
import time
from functools import partial

import numpy as np

from crosswire.quotes.candidates import generate
from crosswire.quotes.model import MODEL_PATH, decode, overlap
from crosswire.quotes.speakers import mention_span

MIN_COUNT = 3
# Mean of the seven views: CV F1 0.686 at C 0.3, 0.683 at 0.1 and at 1.0. (One view: 0.658 at 0.3,
# 0.654 at 1.0.)
# With the edge-word and distance features: 0.692 at C 0.3. (With the cue word crossed with the
# content's edges as well: 0.692 at 0.3, 0.693 at 0.2, a difference within fold noise.)
C_GRID = (0.3,)
THRESHOLDS = tuple(round(x, 3) for x in np.arange(0.15, 0.51, 0.025))
FOLDS = 4
# Each view's label, for a candidate against one annotation's attributions. The views were compared
# on held-out folds (bench/quotes.py train prints each one's F1 and the mean's): "sourced" alone 0.658;
# with "found", "cue", "exact" 0.682; all seven 0.686, and a weighting of them no better than equal.
VIEWS = ("sourced", "found", "cue", "exact", "close", "start", "end")
EDGE = 3  # characters an edge may be off and still count as the annotated one (a quote mark, a comma)


def _labels(cands, gold, cues, finds) -> dict[str, list[int]]:
    """Per view, 1/0 for each candidate. `gold` as `quotes.gold_of`, `cues` the annotated cue spans,
    `finds` the benchmark's matching rule (`quotes.finds`)."""
    spans = [mention_span(c.source) if c.source is not None else None for c in cands]

    def sourced(pi, c):
        # meets the overlap rule AND points at the source (when one is annotated). A model fitted to
        # span-only labels ("found") alone picks candidates with the right words but the wrong cue
        # (speaker accuracy 0.82 on held-out folds); as one view of seven it costs 0.04 (0.928 -> 0.884)
        sp = spans[pi]
        return any(
            finds(g0, g1, c.start, c.end)
            and (not srcs or (sp and any(overlap(*sp, s0, s1) for s0, s1 in srcs)))
            for g0, g1, srcs in gold
        )

    def iou(c, g0, g1):
        return overlap(g0, g1, c.start, c.end) / (max(g1, c.end) - min(g0, c.start))

    tests = {
        "sourced": sourced,
        "found": lambda pi, c: any(finds(g0, g1, c.start, c.end) for g0, g1, _ in gold),
        "cue": lambda pi, c: c.cue is not None and any(s0 <= c.cue.idx < s1 for s0, s1 in cues),
        "exact": lambda pi, c: any(abs(c.start - g0) <= EDGE and abs(c.end - g1) <= EDGE for g0, g1, _ in gold),
        "close": lambda pi, c: any(iou(c, g0, g1) >= 0.8 for g0, g1, _ in gold),
        "start": lambda pi, c: any(abs(c.start - g0) <= EDGE and c.end > g0 for g0, g1, _ in gold),
        "end": lambda pi, c: any(abs(c.end - g1) <= EDGE and c.start < g1 for g0, g1, _ in gold),
    }
    return {v: [int(bool(tests[v](pi, c))) for pi, c in enumerate(cands)] for v in VIEWS}


def dataset(rows, parse_all, gold_of, finds) -> dict:
    """The training matrix: candidates of every article, their features (seen at least MIN_COUNT
    times), each view's labels, and the article folds. Rows of an article annotated more than once
    repeat, once per annotation."""
    from sklearn.feature_extraction import DictVectorizer

    t0 = time.time()
    texts = {r["article"]: r["text"] for r in rows}
    docs = parse_all(texts)
    cands = {a: generate(d) for a, d in docs.items()}
    print(f"candidates: {sum(map(len, cands.values()))} in {time.time() - t0:.0f}s", flush=True)
    arts = sorted(texts)
    fold_of = {a: i % FOLDS for i, a in enumerate(arts)}
    feats, owner = [], []
    ys: dict[str, list[int]] = {v: [] for v in VIEWS}
    for row in rows:
        cs = cands[row["article"]]
        cues = [tuple(s) for a in row["attributions"] for c in a.get("cue", []) for s in c["spans"]]
        for v, labels in _labels(cs, gold_of(row), cues, finds).items():
            ys[v].extend(labels)
        feats.extend(c.feats for c in cs)
        owner.extend([row["article"]] * len(cs))
    counts: dict[str, int] = {}
    for f in feats:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    keep = {k for k, n in counts.items() if n >= MIN_COUNT}
    feats = [{k: v for k, v in f.items() if k in keep} for f in feats]
    vec = DictVectorizer()
    X = vec.fit_transform(feats).tocsr()
    X.indices = X.indices.astype(np.int32)  # liblinear refuses 64-bit sparse indices
    X.indptr = X.indptr.astype(np.int32)
    y = {v: np.array(ys[v]) for v in VIEWS}
    folds = np.array([fold_of[a] for a in owner])
    print(f"rows {X.shape}, positives " + ", ".join(f"{v} {y[v].sum()}" for v in VIEWS), flush=True)
    return {"docs": docs, "cands": cands, "arts": arts, "fold_of": fold_of, "owner": owner, "X": X, "y": y,
            "folds": folds, "vec": vec}


def predictions(cands, arts, per_art, threshold) -> dict[str, list]:
    """What the filter keeps in each article when its candidates score `per_art` (article -> one score
    per candidate), in the form `quotes.evaluate` reads."""
    preds = {}
    for a in arts:
        for c, s in zip(cands[a], per_art[a], strict=True):
            c.score = float(s)
        preds[a] = [
            (c.start, c.end, mention_span(c.source) if c.source is not None else None)
            for c in decode(cands[a], threshold)
        ]
    return preds


def best_threshold(rows, cands, arts, per_art, evaluate) -> tuple[float, float, dict]:
    """(F1, threshold, scores) of the threshold in THRESHOLDS that decodes `per_art` best."""
    best = (-1.0, None, None)
    for th in THRESHOLDS:
        s = evaluate(rows, predictions(cands, arts, per_art, th))
        if s["F1"] > best[0]:
            best = (s["F1"], th, s)
    return best


def fit_view(X, y, C: float):
    """One view's model: L2-regularised logistic regression at strength C."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="liblinear").fit(X, y)


def train(rows, parse_all, evaluate, gold_of, finds) -> None:
    data = dataset(rows, parse_all, gold_of, finds)
    cands, arts, owner = data["cands"], data["arts"], data["owner"]
    X, y, folds, vec = data["X"], data["y"], data["folds"], data["vec"]

    sizes = {a: len(cs) for a, cs in cands.items()}
    best = (-1.0, None, None)
    for C in C_GRID:
        views = {v: fold_scores(X, y[v], folds, owner, sizes, partial(fit_view, C=C)) for v in VIEWS}
        for v in VIEWS:
            f1, th, s = best_threshold(rows, cands, arts, views[v], evaluate)
            print(f"C={C} view {v} alone: th={th} F1={f1:.3f} spk={s['speaker']:.3f}", flush=True)
        mean = {a: np.mean([views[v][a] for v in VIEWS], axis=0).tolist() for a in arts}
        f1, th, s = best_threshold(rows, cands, arts, mean, evaluate)
        print(f"C={C} mean of views: th={th} P={s['P']:.3f} R={s['R']:.3f} F1={f1:.3f} spk={s['speaker']:.3f}",
              flush=True)
        if f1 > best[0]:
            best = (f1, C, th)
    f1, C, th = best
    names = list(vec.get_feature_names_out())
    columns = []
    for v in VIEWS:
        clf = fit_view(X, y[v], C)
        w = clf.coef_[0].copy()
        w[names.index("bias")] += float(clf.intercept_[0])
        columns.append(w)
    W = np.round(np.column_stack(columns), 4)
    weights = {n: [float(x) for x in W[i]] for i, n in enumerate(names) if np.abs(W[i]).max() >= 1e-4}
    model = {
        "about": "attribution filter for crosswire.quotes (mean of one logistic model per view); "
        "fitted on polnear_train by bench/quotes.py train",
        "views": list(VIEWS),
        "C": C,
        "threshold": th,
        "cv_f1": round(f1, 4),
        "weights": dict(sorted(weights.items())),
    }
    # mtime 0: the same model gives the same bytes
    MODEL_PATH.write_bytes(gzip.compress(model_json(model).encode("utf-8"), compresslevel=9, mtime=0))
    print(f"chose C={C} threshold={th} (CV F1 {f1:.3f}); {len(weights)} features -> {MODEL_PATH}")


def model_json(model: dict) -> str:
    """The model file's text (before compression): one feature's weights a line, readable with zcat."""
    head = {k: v for k, v in model.items() if k != "weights"}
    lines = [f"{json.dumps(n, ensure_ascii=False)}:{json.dumps(w, separators=(',', ':'))}" for n, w in model["weights"].items()]
    return json.dumps(head, ensure_ascii=False)[:-1] + ',"weights":{\n' + ",\n".join(lines) + "\n}}\n"


def fold_scores(X, y, folds, owner, sizes, fit):
    """Out-of-fold probabilities of one view, article -> one per candidate (`sizes`: candidates per
    article; `fit(X, y)`: a fitted classifier, `fit_view` at some C for the shipped recipe)."""
    out: dict[str, list[float]] = {}
    owner = np.array(owner)
    for k in range(FOLDS):
        tr, te = folds != k, folds == k
        clf = fit(X[tr], y[tr])
        prob = clf.predict_proba(X[te])[:, 1]
        # rows of one article are contiguous and repeat for each annotation; take the first copy
        idx = np.flatnonzero(te)
        i = 0
        while i < len(idx):
            a = owner[idx[i]]
            n = sizes[a]
            if a not in out:
                out[a] = [float(p) for p in prob[i : i + n]]
            i += n
    return out


def views_out_of_fold(X, y, folds, owner, sizes, fit) -> dict[str, dict[str, list[float]]]:
    """`fold_scores` of every view (view -> article -> out-of-fold probabilities), two views at a time."""
    from joblib import Parallel, delayed

    runs = Parallel(n_jobs=2)(delayed(fold_scores)(X, y[v], folds, owner, sizes, fit) for v in VIEWS)
    return dict(zip(VIEWS, runs, strict=True))
