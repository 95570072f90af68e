"""The contextual quote scorer: its alignment of word pieces to tokens, its shipped file, its extractor."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_quotes import GOLD, _found, _same_person, seeds  # noqa: F401  (seeds is a fixture)

from crosswire import registry
from crosswire.nlp import embedder, parse
from crosswire.quotes import context
from crosswire.quotes.candidates import generate, quote_index
from crosswire.quotes.features import DocInfo
from crosswire.quotes.marks import find_quotes
from crosswire.quotes.model import load_model, score
from crosswire.settings import Settings

TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that the visit was routine. \u201cIt is not a message "
    "to anyone,\u201d he told reporters in Sochi, where U.S. Secretary of State Mike Pompeo met Sergei Lavrov.\n\n"
    "Pompeo called on Iran to \u201cbehave like a normal country,\u201d according to a State Department readout."
)


@pytest.fixture(scope="module")
def doc():
    return next(parse([TEXT]))


def test_token_ranges_match_the_alignment_the_sparse_features_use(doc):
    info = DocInfo(doc, quote_index(doc, find_quotes(TEXT)), TEXT)
    tokens_of = context.token_ranges(doc)
    spans = [(c.start, c.end) for c in generate(doc, TEXT)] + [(0, 5), (3, 40), (len(TEXT) - 9, len(TEXT))]
    assert spans
    for start, end in spans:
        assert tokens_of(start, end) == info.tokens(start, end)


def test_every_word_piece_falls_inside_its_token(doc):
    tokenizer = embedder().tokenizer
    inputs = context.encode(doc, TEXT, tokenizer)
    owners = inputs["piece_token"]
    assert owners.shape == inputs["ids"].shape
    real = owners >= 0
    # each row's pieces run through the tokens in order, and every word of the text gets pieces
    for row in owners:
        seen = row[row >= 0]
        assert (np.diff(seen) >= 0).all()
    covered = set(owners[real].tolist())
    assert {t.i for t in doc if not t.is_space} <= covered
    for row, piece_ids in zip(owners, inputs["ids"], strict=True):
        for owner, piece in zip(row, piece_ids, strict=True):
            if owner >= 0:
                word = tokenizer.convert_ids_to_tokens(int(piece)).removeprefix("##")
                assert word.lower() in doc[int(owner)].text.lower() or word == "[UNK]"


def test_a_saved_scorer_loads_to_the_same_scores(doc, tmp_path):
    torch.manual_seed(1)
    enc = context.encoder(2)
    context.add_low_rank(enc, 4)
    scorer = context.ContextScorer(enc).eval()
    with torch.no_grad():  # a trained-looking update: the factors start at zero on one side
        for p in scorer.parameters():
            if p.requires_grad:
                p.add_(0.05 * torch.randn_like(p))
    path = tmp_path / "scorer.npz"
    context.save(scorer, path, {"layers": 2, "rank": 4, "threshold": 0.3})
    loaded, meta = context.load(str(path))
    assert meta["threshold"] == 0.3
    cands = generate(doc, TEXT)
    logits = context.clip_logits(score(cands, load_model()))
    slots = torch.from_numpy(context.slot_indices(cands, context.token_ranges(doc), len(doc)))
    inputs = context.encode(doc, TEXT, embedder().tokenizer)
    with torch.inference_mode():
        a = scorer(scorer.token_states(inputs, len(doc)), slots, torch.from_numpy(logits))
        b = loaded(loaded.token_states(inputs, len(doc)), slots, torch.from_numpy(logits))
    assert torch.allclose(a, b, atol=1e-3)
    # the update changed something: a scorer without it gives other logits
    plain = context.ContextScorer(context.encoder(2)).eval()
    plain.load_state_dict({k: v for k, v in loaded.state_dict().items() if not k.startswith("encoder.")}, strict=False)
    with torch.inference_mode():
        c = plain(plain.token_states(inputs, len(doc)), slots, torch.from_numpy(logits))
    assert not torch.allclose(b, c, atol=1e-3)


@pytest.fixture(scope="module")
def context_quotes(seeds):  # noqa: F811
    settings = Settings(quote_extractor="quotes.context.v1")
    return registry.get("quotes", settings.quote_extractor)(list(seeds.values()), settings)


def test_the_contextual_extractor_finds_the_seed_quotes_with_their_speakers(seeds, context_quotes):  # noqa: F811
    wanted = [(g, d) for g in GOLD["quotes"] for d in g["docs"]]
    hits = [
        (g, d) for g, d in wanted
        if any(q.article == d and _same_person(q.speaker, g["speaker"]) and _found(g["text"], q.text) for q in context_quotes)
    ]
    assert len(hits) / len(wanted) >= 0.9, [(g["speaker"], g["text"][:50], d) for g, d in wanted if (g, d) not in hits]
    for q in context_quotes:
        assert seeds[q.article].text[q.start : q.end] == q.text


def test_the_contextual_scorer_changes_the_sparse_scores(doc):
    cands = generate(doc, TEXT)
    logits = score(cands, load_model())
    before = [c.score for c in cands]
    context.rescore(cands, doc, TEXT, logits)
    after = [c.score for c in cands]
    assert all(0.0 <= p <= 1.0 for p in after)
    assert max(abs(x - y) for x, y in zip(before, after, strict=True)) > 0.01
