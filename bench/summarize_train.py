"""Train the summarizer's learned sentence scorer on NeuS train; writes crosswire/models/summary_ridge.json.

    python bench/summarize_train.py            # ~1 min on one core

Data: `../shared/data/neus/train.jsonl` only (2,452 clusters of three article leads with an editor's
neutral summary). Neither NeuS val nor Multi-News is read, so `bench/summarize.py` reports on clusters
the model never saw.

Label: each candidate sentence's ROUGE-2 precision against the editor summary (clipped bigram
overlap / its bigrams, rouge-score's tokenizer with stemming). Precision rather than recall because
the summary is a word budget: what a sentence is worth is the reference bigrams it brings per word
spent. Under 2-fold cross-validation on NeuS train a recall target and a precision+recall mix did
as well there, but precision transferred best to long Multi-News articles.

Model: ridge regression (alpha 1) over every feature of `features.FEATURES`, each given twice: raw,
and rescaled to [0, 1] within its story (so the weights see both "how central in absolute terms"
and "how central for this story"). Ridge rather than boosted trees: trees fitted NeuS's three short
leads and cost Multi-News up to 1 R-1 (positions past the leads never occur in NeuS train, and a
linear model extrapolates them gently where trees cannot).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer
from sklearn.linear_model import Ridge

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarize_data import NEUS_TRAIN, cluster, read_rows  # noqa: E402

from crosswire.clean import clean_article  # noqa: E402
from crosswire.records import Article  # noqa: E402
from crosswire.segment import split_article  # noqa: E402
from crosswire.settings import Settings  # noqa: E402
from crosswire.summarize.features import FEATURES, candidates  # noqa: E402
from crosswire.summarize.scoring import MODEL, design  # noqa: E402

TRAIN = NEUS_TRAIN
ALPHA = 1.0


def _bigrams(tokens: list[str]) -> Counter:
    return Counter(zip(tokens, tokens[1:], strict=False))


def label(ref: Counter, mine: Counter) -> float:
    """A sentence's ROUGE-2 precision against the editor summary (clipped bigram overlap / its bigrams)."""
    return sum((mine & ref).values()) / max(sum(mine.values()), 1)


def cluster_examples(row: dict, settings: Settings, tokenize) -> tuple[np.ndarray, np.ndarray] | None:
    """Design matrix and labels of one NeuS cluster's candidate sentences (None when it has none)."""
    _, raw, _ = cluster(row, "neus")
    arts = [a for a in (clean_article(a, settings) for a in raw) if isinstance(a, Article)]
    cands = candidates(arts, {a.id: split_article(a) for a in arts})
    if not cands.sentences:
        return None
    ref = _bigrams(tokenize(row["neutral_summary"]["text"]))
    ys = [label(ref, _bigrams(tokenize(s.text))) for s in cands.sentences]
    return design(cands.features), np.array(ys)


def dataset(rows: list[dict] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Design matrix and labels of every candidate sentence of `rows` (default: all of NeuS train)."""
    if rows is None:
        rows = read_rows(TRAIN)
    settings = Settings()
    tokenize = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)._tokenizer.tokenize
    xs, ys = [], []
    for row in rows:
        ex = cluster_examples(row, settings, tokenize)
        if ex is not None:
            xs.append(ex[0])
            ys.append(ex[1])
    return np.vstack(xs), np.concatenate(ys)


def fit(x: np.ndarray, y: np.ndarray, trained_on: str) -> tuple[dict, float]:
    """The model file's content for a ridge fitted on (x, y), and its R^2 on them."""
    model = Ridge(alpha=ALPHA).fit(x, y)
    k = len(FEATURES)
    spec = {
        "about": "Ridge over summarize.features (raw, then rescaled within the story) predicting a sentence's "
                 "ROUGE-2 precision against the editor summary; made by bench/summarize_train.py.",
        "trained_on": trained_on,
        "features": list(FEATURES),
        "raw": [round(float(w), 6) for w in model.coef_[:k]],
        "unit": [round(float(w), 6) for w in model.coef_[k:]],
        "intercept": round(float(model.intercept_), 6),
    }
    return spec, float(model.score(x, y))


def main() -> None:
    x, y = dataset()
    spec, r2 = fit(x, y, f"NeuS train ({TRAIN.name}), {len(y)} candidate sentences")
    MODEL.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    print(f"{len(y)} sentences, R^2 {r2:.3f} -> {MODEL}")


if __name__ == "__main__":
    main()
