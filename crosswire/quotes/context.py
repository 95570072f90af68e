"""A second reading of each quote candidate, through the article's own words in context.

`model.py` scores a candidate from sparse indicator features (the words at its edges, the cue's
lemma, the parse around it). What those cannot tell apart is which of several readings of one verb
an annotator marks ("attacked [Machado]" or "attacked [Machado since the Monday night debate]"): on
held-out training folds, a perfect choice among colliding readings would lift F1 from 0.69 to 0.76.
This stage reads the article through the first `layers` layers of the packaged all-MiniLM-L6-v2,
adapted to the task by low-rank updates of their weights, and a small head that corrects the seven
view logits of `model.py` from the encoder's states at the candidate's first and last word, the words
just outside it, its cue, its source, and the mean over its words. Both were fitted on PolNeAR's
training articles by bench/quotes_context.py, which also measures what this stage adds.

The encoder runs over every word of the article, in chunks of whole sentences; that is this stage's
cost (see the `quote_extractor` setting). The shipped file holds only what training changed: the
low-rank factors, the layer norms and the head (crosswire/models/quotes_context.npz); the rest of
the weights are the packaged model's.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

CONTEXT_PATH = Path(__file__).resolve().parents[1] / "models" / "quotes_context.npz"
# Whole sentences share one pass up to this many characters: a source or cue in the sentence before
# the content is still in view, and the chunk stays under the encoder's 256 word pieces.
CHUNK_CHARS = 1000
MAX_PIECES = 320
# Chunks per encoder pass (sorted by length first): one article's chunks in two or three passes.
PASS_CHUNKS = 4
# The slots a candidate is described by (token indices; -1 where it has none), then its [a, b) range.
SLOTS = ("first", "last", "before", "after", "cue", "source")
VIEWS = 7
HIDDEN = 256
# model.py's view logits are clipped here before the head reads them, in training as in use: the head
# was fitted on logits of out-of-fold probabilities kept within [1e-6, 1 - 1e-6].
LOGIT_CLIP = float(np.log((1 - 1e-6) / 1e-6))


def clip_logits(logits: np.ndarray) -> np.ndarray:
    """The view logits as the head reads them (float32, within +-LOGIT_CLIP)."""
    return np.clip(np.asarray(logits, dtype=np.float32), -LOGIT_CLIP, LOGIT_CLIP)


def chunks(doc: Any) -> list[tuple[int, int]]:
    """Character spans of consecutive whole sentences, each at most CHUNK_CHARS long (a longer
    sentence is a chunk of its own)."""
    out: list[list[int]] = []
    for s in doc.sents:
        if out and s.end_char - out[-1][0] <= CHUNK_CHARS:
            out[-1][1] = s.end_char
        else:
            out.append([s.start_char, s.end_char])
    return [(a, b) for a, b in out]


def encode(doc: Any, text: str, tokenizer: Any) -> dict[str, np.ndarray]:
    """The encoder's inputs for one article: word-piece ids and mask per chunk, and for each piece
    the spaCy token it falls in (-1 for padding and special pieces)."""
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    ends = starts + np.array([len(t) for t in doc], dtype=np.int64)
    spans = chunks(doc)
    if not spans:
        empty = np.zeros((0, 0), np.int64)
        return {"ids": empty, "mask": empty, "piece_token": empty}
    enc = tokenizer([text[a:b] for a, b in spans], return_offsets_mapping=True, truncation=True,
                    max_length=MAX_PIECES, padding=True, return_tensors="np")
    offsets = enc["offset_mapping"]
    piece_token = np.full(enc["input_ids"].shape, -1, np.int64)
    for row, (a, _) in enumerate(spans):
        o0, o1 = offsets[row, :, 0] + a, offsets[row, :, 1] + a
        real = offsets[row, :, 1] > offsets[row, :, 0]
        j = np.searchsorted(ends, o0, side="right")  # the token whose end lies past the piece's start
        ok = real & (j < len(doc))
        ok[ok] &= starts[j[ok]] < o1[ok]
        piece_token[row, ok] = j[ok]
    return {"ids": enc["input_ids"].astype(np.int64), "mask": enc["attention_mask"].astype(np.int64),
            "piece_token": piece_token}


def token_ranges(doc: Any) -> Any:
    """start, end (characters) -> the token range [a, b) covering them, as `features.DocInfo.tokens`."""
    from bisect import bisect_left, bisect_right

    idx = [t.idx for t in doc]
    end = [t.idx + len(t) for t in doc]

    def tokens_of(start: int, stop: int) -> tuple[int, int]:
        a = bisect_right(end, start)
        return a, max(a, bisect_left(idx, stop))

    return tokens_of


def slot_indices(cands: list, tokens_of: Any, n_tokens: int) -> np.ndarray:
    """One row per candidate: the token index of each of SLOTS (-1 for none), then its token range."""
    rows = []
    for c in cands:
        a, b = tokens_of(c.start, c.end)
        rows.append([
            a if a < n_tokens else -1,
            b - 1 if b > a else -1,
            a - 1 if a > 0 else -1,
            b if b < n_tokens else -1,
            c.cue.i if c.cue is not None else -1,
            c.source.i if c.source is not None else -1,
            a,
            b,
        ])
    return np.array(rows, np.int64).reshape(-1, len(SLOTS) + 2)


class LowRank(torch.nn.Module):
    """A frozen linear layer plus a trainable low-rank update (LoRA; Hu et al., 2021)."""

    def __init__(self, base: torch.nn.Linear, rank: int) -> None:
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad = False
        self.down = torch.nn.Parameter(torch.randn(rank, base.in_features) / base.in_features**0.5)
        self.up = torch.nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.down.T) @ self.up.T

    def merged(self) -> torch.nn.Linear:
        """The plain linear layer with the update folded into its weight (what inference runs)."""
        with torch.no_grad():
            self.base.weight += self.up @ self.down
        return self.base


class ContextScorer(torch.nn.Module):
    """Encoder + head: corrected view logits for the candidates of one article."""

    def __init__(self, encoder: Any) -> None:
        super().__init__()
        self.encoder = encoder
        width = encoder.config.hidden_size
        self.width = width
        self.missing = torch.nn.Parameter(torch.zeros(len(SLOTS), width))
        self.head = torch.nn.Sequential(
            torch.nn.Dropout(0.2),
            torch.nn.Linear((len(SLOTS) + 1) * width + VIEWS, HIDDEN),
            torch.nn.GELU(),
            torch.nn.Dropout(0.2),
            torch.nn.Linear(HIDDEN, VIEWS),
        )

    def token_states(self, inputs: dict[str, np.ndarray], n_tokens: int) -> torch.Tensor:
        """One vector per spaCy token: the mean of the encoder's states of its word pieces."""
        states = torch.zeros(n_tokens, self.width)
        if not len(inputs["ids"]) or not n_tokens:
            return states
        counts = torch.zeros(n_tokens)
        lengths = inputs["mask"].sum(axis=1)
        order = np.argsort(lengths, kind="stable")
        # Chunks of similar length share a pass, cut to their own longest: padding costs as much as words
        for group in np.array_split(order, max(1, -(-len(order) // PASS_CHUNKS))):
            width = int(lengths[group].max())
            out = self.encoder(input_ids=torch.from_numpy(inputs["ids"][group, :width]),
                               attention_mask=torch.from_numpy(inputs["mask"][group, :width])).last_hidden_state
            owner = torch.from_numpy(inputs["piece_token"][group, :width])
            real = owner >= 0
            states = states.index_add(0, owner[real], out[real])
            counts = counts.index_add(0, owner[real], torch.ones(int(real.sum())))
        return states / counts.clamp(min=1).unsqueeze(1)

    def forward(self, states: torch.Tensor, slots: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
        """`logits` are model.py's seven view logits per candidate; the head adds its correction."""
        n = states.shape[0]
        padded = torch.cat([states, self.missing], 0)  # row n + k stands for "no token" in slot k
        parts = []
        for k in range(len(SLOTS)):
            idx = slots[:, k].clone()
            idx[idx < 0] = n + k
            parts.append(padded[idx])
        running = torch.cat([torch.zeros(1, self.width), torch.cumsum(states, 0)], 0)
        a, b = slots[:, len(SLOTS)], slots[:, len(SLOTS) + 1]
        parts.append((running[b] - running[a]) / (b - a).clamp(min=1).unsqueeze(1).float())
        # the stage-1 logits enter scaled to the states' range and are also the correction's base
        return logits + self.head(torch.cat([*parts, logits / 4], 1))


def encoder(layers: int) -> Any:
    """The packaged embedder's word-piece embeddings (shared, frozen: never trained here) under a copy
    of its first `layers` transformer layers (float32), leaving the embedder itself untouched."""
    import copy

    from transformers import BertModel

    from ..nlp import embedder

    base = embedder()[0].auto_model
    config = copy.deepcopy(base.config)
    config.num_hidden_layers = layers
    fresh = BertModel(config, add_pooling_layer=False)
    fresh.embeddings = base.embeddings
    fresh.encoder.layer = torch.nn.ModuleList(copy.deepcopy(layer) for layer in base.encoder.layer[:layers])
    for p in fresh.embeddings.parameters():
        p.requires_grad = False
    return fresh.eval()


def add_low_rank(enc: Any, rank: int) -> list[tuple[Any, str, LowRank]]:
    """Wrap every linear layer of the encoder's layers in a LowRank update; returns where each wrapper
    sits (parent module, attribute name, wrapper), so that `load` can put plain layers back."""
    wrapped = []
    for layer in enc.encoder.layer:
        for module in list(layer.modules()):
            for name, child in list(module.named_children()):
                if isinstance(child, torch.nn.Linear):
                    lr = LowRank(child, rank)
                    setattr(module, name, lr)
                    wrapped.append((module, name, lr))
    return wrapped


def trained_state(scorer: ContextScorer) -> dict[str, np.ndarray]:
    """What training changed, by parameter name: the low-rank factors, the layer norms, the head."""
    keep = {}
    for name, p in scorer.named_parameters():
        if p.requires_grad:
            keep[name] = p.detach().to(torch.float16 if p.dim() == 2 else torch.float32).numpy()
    return keep


def save(scorer: ContextScorer, path: Path, meta: dict[str, Any]) -> None:
    """The shipped file: trained parameters plus a JSON header (layers, rank, threshold, provenance)."""
    arrays = trained_state(scorer)
    np.savez_compressed(path, __meta__=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8), **arrays)


@lru_cache(maxsize=1)
def load(path: str = str(CONTEXT_PATH)) -> tuple[ContextScorer, dict[str, Any]]:
    """The shipped scorer, its low-rank updates folded into plain weights, ready for inference."""
    from ..errors import ModelMissingError

    if not Path(path).exists():
        raise ModelMissingError("crosswire", f"its contextual quote model {path} is missing")
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(bytes(data["__meta__"]).decode("utf-8"))
        arrays = {k: data[k] for k in data.files if k != "__meta__"}
    enc = encoder(meta["layers"])
    wrapped = add_low_rank(enc, meta["rank"]) if meta["rank"] else []
    scorer = ContextScorer(enc)
    state = scorer.state_dict()
    missing = [k for k in arrays if k not in state]
    if missing:
        raise ValueError(f"{path} does not fit this scorer: {missing[:3]}")
    with torch.no_grad():
        for name, value in arrays.items():
            state[name].copy_(torch.from_numpy(value.astype(np.float32)))
    for module, name, lr in wrapped:
        setattr(module, name, lr.merged())
    return scorer.eval(), meta


def rescore(cands: list, doc: Any, text: str, logits: np.ndarray) -> None:
    """Set each candidate's score from the contextual scorer (mean of the corrected views'
    probabilities), given model.py's view logits for them."""
    from ..nlp import embedder, use_threads

    if not cands:
        return
    use_threads()
    scorer, _ = load()
    inputs = encode(doc, text, embedder().tokenizer)
    slots = torch.from_numpy(slot_indices(cands, token_ranges(doc), len(doc)))
    with torch.inference_mode():
        states = scorer.token_states(inputs, len(doc))
        out = scorer(states, slots, torch.from_numpy(clip_logits(logits)))
        probs = torch.sigmoid(out).mean(dim=1).numpy()
    for c, p in zip(cands, probs.tolist(), strict=True):
        c.score = p
