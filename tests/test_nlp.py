"""The model accessors: what the speed-ups in them must not change."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import DATA

from crosswire import nlp
from crosswire.errors import ConfigError
from crosswire.settings import Settings

TEXT = (
    "Russian Foreign Minister Sergei Lavrov said on Tuesday that Moscow was ready to improve ties. "
    "\u201cWe are going to keep talking,\u201d he told reporters, adding that the sanctions were hurting "
    "both countries' businesses. The ministers' meetings were described as constructive."
)


@pytest.fixture(scope="module")
def stock():
    """The pipeline as spaCy itself loads it: BLIS matrix products, the real attribute_ruler and lemmatizer."""
    return nlp.stock_spacy_model()


def test_parse_without_lemmatizer_gives_the_full_pipelines_annotations(stock) -> None:
    full = stock(TEXT)
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


# Paragraphs that reach the attribute_ruler's unusual rules: contractions it lemmatises ("ain't", "gonna",
# "gotta", "let's", "'em", "y'all", "c'mon", "wo n't", "'d"), the pronoun and auxiliary exceptions,
# expletive "there is", curly and straight quotes, runs of spaces and newlines, numbers and currency.
TRICKY = [
    "\u201cWe ain't gonna stop,\u201d she said; \u201cthey ain\u2019t either, I don\u2019t know why.\u201d "
    "\"Let's go,\" he replied \u2014 and I'd say they'd gotta tell 'em y'all were there. C'mon, it wo n't "
    "hurt: there is a $4.5bn deal, \u20ac300 million and 1,200 jobs at stake.",
    "Nothin' doin', ol' pal.  Somethin' 's gotta give   \n\n  The U.S. didn't  sign; neither did we, "
    "nor anyone else. Who'd have thought it? I can't, you won't, and it isn't 100% sure.\n",
    "Ministers had met twice by 2019 (at 9:30 a.m.) and were being told that there were ~3 options; "
    "\u2018Don\u2019t,\u2019 said Ms. O\u2019Neill, 52. Yours, mine and ours \u2013 herself included.\t"
    "GBP 12 / \u00a312.50 per share.",
]


def _annotations(doc) -> list[tuple]:
    tokens = [(t.text, t.pos_, t.tag_, str(t.morph), t.dep_, t.head.i, nlp.lemma(t)) for t in doc]
    return tokens + [(e.start, e.end, e.label_) for e in doc.ents]


@pytest.mark.parametrize("n_process", [1, 2])
def test_parse_fast_attribute_rules_match_the_real_ruler(n_process: int, stock) -> None:
    texts = [*TRICKY, TEXT]
    full = list(stock.pipe(texts))
    fast = list(nlp.parse(texts, batch_size=2, n_process=n_process))
    assert nlp.fast_ruler() is not None  # the stand-in is in use: the real ruler did not run in parse
    assert [_annotations(d) for d in fast] == [_annotations(d) for d in full]
    # the rules that reach past one token or carry predicates did fire (the texts exercise them)
    lemmas = {(t.lower_, nlp.lemma(t)) for d in fast for t in d}
    assert {("na", "to"), ("'s", "us"), ("ai", "be"), ("n\u2019t", "not")} <= lemmas
    assert any(t.is_space and t.pos_ == "SPACE" and t.tag_ == "_SP" for d in fast for t in d)


def test_spacys_layers_multiply_with_numpy_and_annotate_real_news_as_stock_spacy(stock) -> None:
    from thinc.api import NumpyOps

    def blis_layers(model) -> int:
        return sum(isinstance(layer.ops, NumpyOps) and layer.ops.use_blis for layer in nlp.pipeline_layers(model))

    assert blis_layers(stock) > 0 and blis_layers(nlp.spacy_model()) == 0
    lines = (DATA / "giveme5w1h" / "news_cluster.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:16]]
    ours = list(nlp.parse(texts))
    assert sum(len(d) for d in ours) > 4000
    assert [_annotations(d) for d in ours] == [_annotations(d) for d in stock.pipe(texts)]


def test_fast_attribute_rules_keep_the_rule_order_and_unusual_patterns() -> None:
    from crosswire.fast_ruler import FastAttributeRuler

    model = nlp.spacy_model()
    ruler = model.get_pipe("attribute_ruler")
    fast = FastAttributeRuler(ruler)
    assert not fast.slow_rules and fast.multi  # this model's rules all take the fast path...
    kinds = {len(specs) for _, specs, _, _ in fast.multi}
    assert kinds == {2}
    # ...and a pattern with an operator would run in the Matcher, in its place in the order
    from spacy.pipeline import AttributeRuler

    extra = AttributeRuler(model.vocab)
    extra.add_patterns(ruler.patterns)
    extra.add([[{"LOWER": "met"}, {"LOWER": "twice", "OP": "?"}]], {"LEMMA": "meet-op", "POS": "X"})
    extra.add([[{"TAG": "VBN", "LOWER": "met"}]], {"POS": "ADJ"}, index=-1)
    stand_in = FastAttributeRuler(extra)
    assert len(stand_in.slow_rules) == 1
    text = TRICKY[2]
    plain = model.pipe([text], disable=["attribute_ruler", "lemmatizer"])
    doc = next(plain)
    expected, got = extra(doc.copy()), stand_in(doc.copy())
    assert _annotations(got) == _annotations(expected)
    met = next(t for t in got if t.lower_ == "met")
    assert (met.lemma_, met.pos_) == ("meet-op", "ADJ")  # both fired; the later rule's POS won


def test_lemma_on_demand_matches_the_models_lemmatizer_twice() -> None:
    words = "The ministers' wives were considering proposals; allies walked slowly, data was taken."
    doc = next(nlp.parse([words]))
    own = nlp.spacy_model().get_pipe("lemmatizer")
    assert nlp._lemmatizer() is not own  # the private copy with set-held word lists answers
    expected = [t.lemma_ if t.lemma else own.lemmatize(t)[0] for t in doc]
    assert [nlp.lemma(t) for t in doc] == expected
    assert [nlp.lemma(t) for t in doc] == expected  # and the cached answers are the same
    assert {nlp.lemma(t) for t in doc} >= {"minister", "wife", "consider", "proposal", "ally", "walk"}


def _vectors(precision: str, texts: list[str]) -> np.ndarray:
    nlp.configure(Settings(embed_precision=precision))
    nlp.forget_embeddings()
    try:
        return nlp.embed(texts)
    finally:
        nlp.configure(Settings())
        nlp.forget_embeddings()


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


def test_bfloat16_twin_gives_the_vectors_autocast_gives_the_float32_model() -> None:
    import torch

    texts = ["The trade between the two countries grew to $27 billion last year.", "Yes.", "Talks resume."]
    model = nlp.embedder()
    twin = nlp._bfloat16_embedder()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        reference = np.stack([model.encode([t], normalize_embeddings=True)[0] for t in texts])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        from_twin = np.stack([twin.encode([t], normalize_embeddings=True)[0] for t in texts])
    assert np.array_equal(reference, from_twin)
    linear_dtypes = {(a.weight.dtype, b.weight.dtype) for a, b in zip(model.modules(), twin.modules(), strict=True)
                     if isinstance(a, torch.nn.Linear)}
    assert linear_dtypes == {(torch.float32, torch.bfloat16)}  # the float32 model is left as it was
    table = model[0].auto_model.embeddings.word_embeddings.weight
    assert twin[0].auto_model.embeddings.word_embeddings.weight is table  # shared, not copied


def test_embed_precision_is_checked() -> None:
    with pytest.raises(ConfigError, match="embed_precision"):
        Settings(embed_precision="float8")


def test_length_batches_group_similar_lengths_and_keep_every_text() -> None:
    model = nlp.embedder()
    texts = ["Yes."] * 3 + ["word " * n for n in (5, 6, 40, 41, 120, 7)] + ["Talks resume."]
    batches = list(nlp._length_batches(texts, model, most=2))
    assert sorted(t for b in batches for t in b) == sorted(texts)
    assert all(len(b) <= 2 for b in batches)
    pieces = {t: len(model.tokenizer(t)["input_ids"]) for t in texts}
    for batch in batches:
        lengths = [pieces[t] for t in batch]
        assert max(lengths) <= nlp._BATCH_GROWTH * min(lengths) + nlp._BATCH_SLACK
    # the 40-word and 120-word texts never share a batch with the short ones
    assert not any({"word " * 120, "Yes."} <= set(b) for b in batches)


def test_embed_returns_vectors_in_the_callers_order_whatever_the_batches() -> None:
    texts = [
        "The trade between the two countries grew to $27 billion last year, the ministry said on Monday.",
        "Yes.",
        "We see that there are suspicions and prejudices.",
        "Yes.",
    ]
    nlp.forget_embeddings()
    together = nlp.embed(texts)
    nlp.forget_embeddings()
    alone = np.stack([nlp.embed([t])[0] for t in texts])
    nlp.forget_embeddings()
    assert together.shape == (4, 384)
    assert (together * alone).sum(axis=1).min() > 0.999
    assert np.array_equal(together[1], together[3])
