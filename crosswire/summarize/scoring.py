"""One score per candidate sentence: a shipped logistic-regression scorer blended with a hand score."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import FEATURES, Candidates

MODEL = Path(__file__).resolve().parents[1] / "models" / "summarize_lr.json"

# The hand-built score: what news summarization has long relied on, each weight on a [0, 1] feature.
# Centroid similarity (topicality) leads; support from other outlets and the title add; lead position
# and full length break ties toward the kind of sentence an editor writes; quotes are penalised
# because editors paraphrase rather than quote.
HAND = {
    "centroid": 1.0,
    "support": 0.6,
    "title": 0.5,
    "lead": 0.4,
    "length": 0.2,
    "quote": -0.3,
}


@lru_cache(maxsize=1)
def _model() -> dict | None:
    if not MODEL.exists():
        return None
    return json.loads(MODEL.read_text(encoding="utf-8"))


def hand(cands: Candidates) -> np.ndarray:
    """The hand-built score."""
    w = np.array([HAND.get(f, 0.0) for f in FEATURES])
    return cands.features @ w


def score(cands: Candidates) -> np.ndarray:
    """Blend of the learned and hand scores, each rank-normalised within the story."""
    h = hand(cands)
    model = _model()
    if model is None:
        return h
    learned = learned_score(cands.features, model)
    blend = float(model.get("blend", 0.5))
    return blend * _unit(learned) + (1 - blend) * _unit(h)


def learned_score(features: np.ndarray, model: dict) -> np.ndarray:
    """Logit of the shipped logistic regression (features standardised with its stored mean/scale)."""
    names = model["features"]
    idx = [FEATURES.index(n) for n in names]
    x = (features[:, idx] - np.array(model["mean"])) / np.array(model["scale"])
    return x @ np.array(model["coef"]) + float(model["intercept"])


def _unit(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
