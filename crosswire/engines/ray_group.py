"""The global step (stories and storylines) with its parallel parts spread over Ray tasks.

`crosswire.group.group_articles` does, in order: a profile per article; one term space; candidate
pairs (exact sparse product, or an HNSW index above `EXACT_MAX`) scored by cosine; average linkage into
blocks; each block split into stories; stories linked into storylines; records built. Here the same
functions run, but
  * profiles are computed in parallel (chunks of articles),
  * candidate retrieval is sharded by rows: exact products of row blocks against the whole matrix, or
    ANN queries of row blocks against one index built on the driver (shared through the object store),
    and pairs are scored in the same task,
  * blocks are split into stories in parallel (independent of each other once the blocks are known),
while the term space, the linkages (blocks, storylines) and the record building stay on the driver: they need
every article at once and cost little next to the parallel parts (measured in bench/scale.py).
Shards come back in row order and are concatenated in that order, so the edge list, hence every label
and id, is the one the local engine produces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np
from scipy import sparse

from ..pipeline import StageTimes
from ..records import Article
from ..settings import Settings
from .ray_engine import MAX_RETRIES

# Articles per profile task: ~0.5-1 s of work, so task overhead (~ms) stays negligible.
PROFILE_CHUNK = 1000
# Rows per candidate-retrieval task: a 2,000 x n sparse product or 2,000 ANN queries.
ROW_CHUNK = 2000
# Work per story-split task, in pair comparisons (sum of n^2 over its storylines).
SPLIT_WORK = 200_000


@cache
def _remote(fn: Callable) -> Any:
    import ray

    return ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(fn)


def _profiles(articles: list[Article]) -> list[Any]:
    from ..group.batch import profile

    return [profile(a) for a in articles]


def _exact_block(m: sparse.csr_matrix, lo: int, hi: int, min_edge: float) -> tuple[np.ndarray, ...]:
    # Row i of a block product is computed exactly as row i of the full product (same operands, same
    # order), so these are the full product's upper-triangle entries for rows lo..hi, bit for bit.
    tri = sparse.triu(m[lo:hi] @ m.T, k=lo + 1).tocoo()
    keep = tri.data >= min_edge
    return tri.row[keep] + lo, tri.col[keep], tri.data[keep]


def _ann_block(index: Any, dense: np.ndarray, lo: int, hi: int, k: int, ef: int) -> list[tuple[int, int]]:
    index.set_num_threads(1)
    index.set_ef(ef)
    labels, _ = index.knn_query(dense[lo:hi], k=k)
    return [(min(i, int(j)), max(i, int(j))) for i, row in zip(range(lo, hi), labels, strict=True) for j in row if int(j) != i]


def _score_block(m: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    from ..group.space import pair_cosines

    return pair_cosines(m, rows, cols)


def _split(chunk: list[list[Any]], space: Any) -> list[list[int]]:
    from ..group.batch import split_block

    return [split_block(members, space) for members in chunk]


def candidate_pairs(
    m: sparse.csr_matrix, terms: Sequence[str], times: StageTimes | None = None
) -> list[tuple[int, int, float]]:
    """As `group.space.candidate_pairs`, with retrieval and scoring sharded over Ray tasks."""
    import ray

    from ..group import space as S

    n = m.shape[0]
    m_ref = ray.put(m)
    bounds = [(lo, min(lo + ROW_CHUNK, n)) for lo in range(0, n, ROW_CHUNK)]
    if n <= S.EXACT_MAX:
        parts = ray.get([_remote(_exact_block).remote(m_ref, lo, hi, S.MIN_EDGE) for lo, hi in bounds])
        rows, cols, sims = (np.concatenate([p[i] for p in parts]) for i in range(3))
        return list(zip(rows.tolist(), cols.tolist(), sims.tolist(), strict=True))
    import hnswlib

    # The index is built once, on the driver, exactly as the local engine builds it (same seed, one
    # thread), because the graph depends on insertion order; the queries are what is sharded.
    with (times or StageTimes()).stage("driver: ANN index build"):
        dense = S.projection(m, terms)
        index = hnswlib.Index(space="ip", dim=S.PROJECTION_DIM)
        index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=7)
        index.set_num_threads(1)
        index.add_items(dense, np.arange(n))
        k = min(S.NEIGHBOURS, n)
        index_ref, dense_ref = ray.put(index), ray.put(dense)
        del index
    found = ray.get([_remote(_ann_block).remote(index_ref, dense_ref, lo, hi, k, max(2 * k, 50)) for lo, hi in bounds])
    ordered = sorted({pair for part in found for pair in part})
    rows = np.fromiter((p[0] for p in ordered), dtype=np.int64, count=len(ordered))
    cols = np.fromiter((p[1] for p in ordered), dtype=np.int64, count=len(ordered))
    step = ROW_CHUNK * S.NEIGHBOURS
    sims = np.concatenate(
        ray.get([_remote(_score_block).remote(m_ref, rows[i : i + step], cols[i : i + step]) for i in range(0, len(rows), step)])
        or [np.zeros(0)]
    )
    keep = sims >= S.MIN_EDGE
    return list(zip(rows[keep].tolist(), cols[keep].tolist(), sims[keep].tolist(), strict=True))


def group_articles(articles: Sequence[Article], settings: Settings | None = None, times: StageTimes | None = None) -> Any:
    """As `crosswire.group.group_articles` (same stories, storylines and ids), parallel on Ray.

    Step for step the local function (keep the two in step when grouping changes), with `profile`,
    `candidate_pairs` and `split_block` run in Ray tasks; tests/test_engines.py checks they agree. `times` gets the wall seconds of
    each step, named "parallel: ..." or "driver: ...".
    """
    import ray

    from ..group import _unique
    from ..group.assemble import Grouping, build, order_key
    from ..group.batch import BLOCK_THRESHOLD, _bounded, storylines
    from ..group.space import TermSpace

    if not articles:
        return Grouping((), ())
    times = times or StageTimes()
    with times.stage("parallel: profiles"):
        unique = _unique(articles)
        chunks = [unique[i : i + PROFILE_CHUNK] for i in range(0, len(unique), PROFILE_CHUNK)]
        profiles = [p for part in ray.get([_remote(_profiles).remote(c) for c in chunks]) for p in part]
    with times.stage("driver: term space"):
        profiles.sort(key=order_key)
        space = TermSpace()
        space.add([p.terms for p in profiles])
        m = space.matrix([p.terms for p in profiles])
    with times.stage("parallel: candidates"):
        edges = candidate_pairs(m, space.terms, times)
    with times.stage("driver: block linkage"):
        block_of = _bounded(len(profiles), edges, BLOCK_THRESHOLD)
        members_of: dict[int, list[int]] = {}
        for i, label in enumerate(block_of):
            members_of.setdefault(label, []).append(i)
        blocks = list(members_of.values())
    with times.stage("parallel: story splits"):
        splits = _split_all([[profiles[i] for i in idx] for idx in blocks], space)
    with times.stage("driver: storylines and records"):
        story_of = [0] * len(profiles)
        for idx, labels in zip(blocks, splits, strict=True):
            for k, sub in enumerate(labels):
                story_of[idx[k]] = idx[sub]
        line_of = storylines(story_of, [e for e in edges if block_of[e[0]] == block_of[e[1]]])
        story_founder = {p.id: profiles[story_of[i]].id for i, p in enumerate(profiles)}
        line_founder = {profiles[s].id: profiles[line].id for s, line in line_of.items()}
        return build(profiles, story_founder, line_founder)


def _split_all(blocks: list[list[Any]], space: Any) -> list[list[int]]:
    """Story labels of every block, in order; singletons on the driver, the rest in tasks."""
    import ray

    out: list[list[int] | None] = [[0] if len(b) == 1 else None for b in blocks]
    space_ref = ray.put(space)
    batches: list[list[int]] = []
    work = SPLIT_WORK
    for i, b in enumerate(blocks):
        if out[i] is not None:
            continue
        if work + len(b) ** 2 > SPLIT_WORK:
            batches.append([])
            work = 0
        batches[-1].append(i)
        work += len(b) ** 2
    results = ray.get([_remote(_split).remote([blocks[i] for i in batch], space_ref) for batch in batches])
    for batch, labels in zip(batches, results, strict=True):
        for i, lab in zip(batch, labels, strict=True):
            out[i] = lab
    return out  # type: ignore[return-value]
