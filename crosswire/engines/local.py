"""The per-article model stages as one batch function, shared by the local and the Ray engine.

`features_of` is the unit both engines run: locally over the whole list, on Ray once per batch inside
an actor (so each worker loads spaCy and the embedder once). Keeping it in one place is what makes
the two engines give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..pipeline import Inputs, Progress, StageTimes
from ..records import Article, Failure, Sentence
from ..settings import Settings

# Stages that need a model, and the order they run in. "split" is rule based but belongs here
# because "embed" reads its output.
STAGES = ("split", "embed", "entities")
# The document vector embeds the headline and the lead: what the article is about, in ~60 words.
# The whole body would cost ~20x more model time for little gain in telling stories apart.
LEAD_SENTENCES = 3
EMBED_CHARS = 600


@dataclass(frozen=True, slots=True)
class Features:
    """What the model stages say about one article."""

    article: str
    sentences: tuple[Sentence, ...] = ()
    vector: Any = None  # float32 numpy (384,), unit length; None when "embed" did not run
    entities: tuple[tuple[str, str, int, int], ...] = ()  # (text, label, start, end) in the cleaned text


def check_stages(stages: Iterable[str]) -> tuple[str, ...]:
    """The requested stages in running order; unknown names are an error."""
    wanted = set(stages)
    unknown = wanted - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; known: {', '.join(STAGES)}")
    return tuple(s for s in STAGES if s in wanted)


def embed_text(article: Article, sentences: Sequence[Sentence]) -> str:
    """Headline and lead of an article, the text its document vector is computed from."""
    lead = " ".join(s.text for s in sentences[:LEAD_SENTENCES])
    return f"{article.title or ''}\n{lead}".strip()[:EMBED_CHARS]


def features_of(articles: Sequence[Article], settings: Settings, stages: Iterable[str]) -> list[Features]:
    """Run the requested model stages over a batch of cleaned articles (one Features per article)."""
    from ..segment import split_article

    stages = check_stages(stages)
    if not articles or not stages:
        return [Features(a.id) for a in articles]
    sentences = [tuple(split_article(a)) for a in articles]
    vectors: list[Any] = [None] * len(articles)
    if "embed" in stages:
        from ..nlp import embed

        matrix = embed([embed_text(a, s) for a, s in zip(articles, sentences, strict=True)], settings.batch_size)
        vectors = list(matrix)
    entities: list[tuple] = [()] * len(articles)
    if "entities" in stages:
        from ..nlp import parse

        docs = parse((a.text for a in articles), batch_size=settings.batch_size)
        entities = [tuple((e.text, e.label_, e.start_char, e.end_char) for e in doc.ents) for doc in docs]
    keep_sentences = "split" in stages
    return [
        Features(a.id, s if keep_sentences else (), v, e)
        for a, s, v, e in zip(articles, sentences, vectors, entities, strict=True)
    ]


def ingest_features(
    inputs: Inputs,
    settings: Settings,
    stages: Iterable[str] = ("split", "embed"),
    progress: Progress | None = None,
    times: StageTimes | None = None,
) -> tuple[list[Article], list[Failure], list[Features]]:
    """Local engine: read, clean and dedupe (`pipeline.load`), then the model stages in batches."""
    from .. import pipeline

    times = times or StageTimes()
    articles, failures = pipeline.load(inputs, settings, progress or Progress(), times)
    features: list[Features] = []
    with times.stage("features"):
        for i in range(0, len(articles), settings.batch_size):
            features += features_of(articles[i : i + settings.batch_size], settings, stages)
    return articles, failures, features
