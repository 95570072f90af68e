"""The model accessors: what the speed-ups in them must not change."""

from __future__ import annotations

import numpy as np
import pytest

from crosswire import nlp
from crosswire.errors import ConfigError
from crosswire.settings import Settings

TEXT = (
    "Russian Foreign Minister Sergei Lavrov said on Tuesday that Moscow was ready to improve ties. "
    "\u201cWe are going to keep talking,\u201d he told reporters, adding that the sanctions were hurting "
    "both countries' businesses. The ministers' meetings were described as constructive."
)


def test_parse_without_lemmatizer_gives_the_full_pipelines_annotations() -> None:
    full = nlp.spacy_model()(TEXT)
    light = next(nlp.parse([TEXT]))
    assert [t.lemma for t in light if t.lemma] != [t.lemma for t in full]  # the lemmatizer did not run
    assert [nlp.lemma(t) for t in light] == [t.lemma_ for t in full]
    assert [(t.pos_, t.tag_, t.dep_, t.head.i, str(t.morph)) for t in light] == [
        (t.pos_, t.tag_, t.dep_, t.head.i, str(t.morph)) for t in full
    ]
    assert [(e.start_char, e.end_char, e.label_) for e in light.ents] == [
        (e.start_char, e.end_char, e.label_) for e in full.ents
    ]
    assert nlp.lemma(light[4]) == "Lavrov" and {nlp.lemma(t) for t in light if t.text in {"said", "told"}} == {
        "say",
        "tell",
    }


def _vectors(precision: str, texts: list[str]) -> np.ndarray:
    nlp.configure(Settings(embed_precision=precision))
    nlp._embed_cache.clear()
    try:
        return nlp.embed(texts)
    finally:
        nlp.configure(Settings())
        nlp._embed_cache.clear()


def test_bfloat16_vectors_match_float32_ones() -> None:
    texts = [
        "We see that there are suspicions and prejudices.",
        "We understand that a lot of suspicions and biases have accumulated.",
        "The trade between the two countries grew to $27 billion last year.",
    ]
    full, half = _vectors("float32", texts), _vectors("bfloat16", texts)
    assert half.dtype == np.float32 and half.shape == full.shape
    assert np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-3)
    assert (full * half).sum(axis=1).min() > 0.995
    # what the stages read: the similarities, and so the order of pairs, stay put
    assert np.abs(full @ full.T - half @ half.T).max() < 0.02
    assert float(half[0] @ half[1]) > float(half[0] @ half[2])


def test_embed_precision_is_checked() -> None:
    with pytest.raises(ConfigError, match="embed_precision"):
        Settings(embed_precision="float8")
