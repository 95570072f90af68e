"""The attribution filter: logistic models over candidate features, shipped as gzipped JSON weights.

Fitted by `bench/quotes.py train` on PolNeAR's training articles only (see bench/quotes_train.py for
how the regularisation and the threshold were chosen); loading is a JSON read into one weight matrix,
scoring one sparse product per article.

Several views of one question. Each model ("view") reads the same features but is fitted to a
different question about a candidate: is it an attribution with the right source (what the benchmark
counts), does its text match an attribution's content at all, is its verb an annotated cue, do its
edges match (both, the start, the end), does it cover most of the content. A candidate's score is the
mean of the views' probabilities: one that is right on many counts ranks above one that one model
likes. On held-out training folds this raised F1 from 0.658 (the first view alone) to 0.686, on
polnear_dev from 0.673 to 0.694; a second-stage model over the views' scores did worse (0.665 on the same folds).
The edge words and distances of features.py (`_words`, `_distance`) then took the folds to 0.692 and
polnear_dev to 0.698.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from .candidates import Candidate

# gzip: the weights are 6.4 MB of JSON text, 1.7 MB compressed
MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "quotes_filter.json.gz"


@lru_cache(maxsize=1)
def load_model(path: str = str(MODEL_PATH)) -> dict[str, Any]:
    """The shipped model: the file's {"views": [...], "threshold": t, ...}, with its per-feature weights
    ({feature: [w per view]}) turned into a matrix for scoring ("_row": feature -> row of "_matrix";
    the last row, all zeros, stands for a feature the model never saw). The per-feature lists are not
    kept: in each process that scores quotes they would hold about 26 MB beside the matrix."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        model = json.load(fh)
    weights = model.pop("weights")
    model["_row"] = {n: i for i, n in enumerate(weights)}
    model["_matrix"] = np.array([*weights.values(), [0.0] * len(model["views"])], dtype=float)
    return model


def score(cands: list[Candidate], model: dict[str, Any]) -> np.ndarray:
    """Set each candidate's score: the mean over the views of its probability of being an attribution.
    Returns the views' logits, one row per candidate (what the contextual scorer corrects)."""
    if not cands:
        return np.zeros((0, len(model["views"])))
    get, unseen = model["_row"].get, len(model["_row"])
    rows: list[int] = []
    ptr = [0]
    for c in cands:
        # every feature is an indicator (value 1.0, see features.py): a view's logit is a sum of rows
        rows.extend(map(get, c.feats, repeat(unseen)))
        ptr.append(len(rows))
    matrix = model["_matrix"]
    hits = sparse.csr_matrix((np.ones(len(rows)), rows, ptr), shape=(len(cands), len(matrix)))
    z = hits @ matrix
    z = np.clip(z, -30.0, 30.0)
    probs = (1.0 / (1.0 + np.exp(-z))).mean(axis=1)
    for c, p in zip(cands, probs.tolist(), strict=True):
        c.score = p
    return z


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def collides(a: Candidate, b: Candidate) -> bool:
    """Two candidates that would claim the same attribution: overlap at least half of either.

    Stricter "half of both" (letting nested spans through) was tried: more nested attributions
    found, but far more false ones; F1 fell from 0.628 to 0.603 on held-out training articles.
    """
    o = overlap(a.start, a.end, b.start, b.end)
    return o >= 0.5 * (a.end - a.start) or o >= 0.5 * (b.end - b.start)


def decode(cands: list[Candidate], threshold: float) -> list[Candidate]:
    """Keep the most probable candidates above the threshold, one per span of text and one per cue.

    One per cue: a PolNeAR attribution has one cue and one content, so the second best reading of
    the same verb ("attacked Rubio" beside "attacked Rubio for missing votes") is a false one.
    Cross-validated F1 on the training articles rose from 0.656 to 0.658 with this rule.
    """
    kept: list[Candidate] = []
    cues: set[int] = set()
    for c in sorted(cands, key=lambda c: -c.score):
        if c.score < threshold:
            break
        if c.cue is not None and c.cue.i in cues:
            continue
        if not any(collides(c, k) for k in kept):
            kept.append(c)
            if c.cue is not None:
                cues.add(c.cue.i)
    return sorted(kept, key=lambda c: c.start)
