"""A growing TF-IDF term space, and candidate pairs retrieved without comparing all pairs.

The vocabulary and document frequencies only grow, so a stream can keep adding articles; vectors
are built on demand with the current IDF. Candidate retrieval is exact (one sparse product) for small
sets and an HNSW approximate-nearest-neighbour index over hashed projections of the same vectors
above `EXACT_MAX`, so cost grows near-linearly with the number of articles.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np
from scipy import sparse

# All-pairs sparse products are exact and fast up to a few thousand articles; beyond that memory grows
# quadratically in the worst case, so the ANN index takes over.
EXACT_MAX = 3000
# Neighbours fetched per article from the ANN index: storylines in the development sets hold up to
# ~40 articles, and average linkage needs most of a cluster's internal edges to hold it together.
NEIGHBOURS = 40
# Cosine below this is noise between unrelated articles (shared common words), not evidence.
MIN_EDGE = 0.04
PROJECTION_DIM = 256
PAIR_CHUNK = 20_000


class TermSpace:
    """Vocabulary, document frequencies and TF-IDF vectors over weighted term counts."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []  # term by index
        self.df: list[int] = []
        self.docs = 0
        self._idf: np.ndarray | None = None  # cached until the next add

    def add(self, bags: Sequence[dict[str, float]]) -> None:
        """Count these documents into the vocabulary and document frequencies."""
        self._idf = None
        for bag in bags:
            self.docs += 1
            for term in bag:
                idx = self.vocab.get(term)
                if idx is None:
                    idx = self.vocab[term] = len(self.df)
                    self.terms.append(term)
                    self.df.append(0)
                self.df[idx] += 1

    def idf(self) -> np.ndarray:
        """Smoothed inverse document frequency of every known term."""
        if self._idf is None or len(self._idf) != len(self.df):
            df = np.asarray(self.df, dtype=np.float64)
            self._idf = np.log((self.docs + 1.0) / (df + 1.0)) + 1.0
        return self._idf

    def matrix(self, bags: Sequence[dict[str, float]], idf: np.ndarray | None = None) -> sparse.csr_matrix:
        """L2-normalised sublinear TF-IDF rows for `bags` (unknown terms are ignored)."""
        idf = self.idf() if idf is None else idf
        rows, cols, vals = [], [], []
        for r, bag in enumerate(bags):
            for term, count in bag.items():
                idx = self.vocab.get(term)
                if idx is not None:
                    rows.append(r)
                    cols.append(idx)
                    vals.append((1.0 + math.log(count)) * idf[idx] if count >= 1 else count * idf[idx])
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(bags), len(self.df)), dtype=np.float64)
        return normalize_rows(m)


def tf_row(space: TermSpace, bag: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """(term indices, sublinear tf) of one bag over known terms, for `rows_matrix` later."""
    cols = [space.vocab[t] for t in bag if t in space.vocab]
    vals = [1.0 + math.log(c) if c >= 1 else c for t, c in bag.items() if t in space.vocab]
    return np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=np.float64)


def rows_matrix(rows: Sequence[tuple[np.ndarray, np.ndarray]], idf: np.ndarray) -> sparse.csr_matrix:
    """Unit TF-IDF rows from stored `tf_row`s and the current IDF (vectorised: no per-term Python)."""
    indptr = np.cumsum([0] + [len(c) for c, _ in rows])
    cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
    m = sparse.csr_matrix((vals * idf[cols], cols, indptr), shape=(len(rows), len(idf)))
    return normalize_rows(m)


def normalize_rows(m: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to unit L2 norm (zero rows stay zero)."""
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def term_codes(terms: Sequence[str]) -> np.ndarray:
    """A CRC of each term: where it lands in the projection, independent of vocabulary order."""
    return np.fromiter((zlib.crc32(t.encode()) for t in terms), dtype=np.uint64, count=len(terms))


def projection(m: sparse.csr_matrix, terms: Sequence[str] | np.ndarray) -> np.ndarray:
    """Hashed signed projection of sparse rows to PROJECTION_DIM dims (stable as the vocabulary grows).

    Each term lands in a bucket chosen by a CRC of the term itself, not its index, so a vector
    projected today and one projected after a thousand more articles live in the same space.
    `terms` may be the terms by index or their precomputed `term_codes`.
    """
    codes = terms if isinstance(terms, np.ndarray) else term_codes(terms)
    buckets = (codes % PROJECTION_DIM).astype(np.int64)
    signs = np.where((codes >> np.uint64(16)) & np.uint64(1), 1.0, -1.0)
    n_terms = m.shape[1]
    proj = sparse.csr_matrix(
        (signs[:n_terms], (np.arange(n_terms), buckets[:n_terms])), shape=(n_terms, PROJECTION_DIM)
    )
    dense = np.asarray((m @ proj).todense(), dtype=np.float32)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return dense / norms


def pair_cosines(m: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products of the given row pairs of a (unit-row) sparse matrix."""
    sims = np.empty(len(rows))
    # In chunks: slicing all pair rows at once would materialise ~k * n * (terms per article) values.
    for start in range(0, len(rows), PAIR_CHUNK):
        r, c = rows[start : start + PAIR_CHUNK], cols[start : start + PAIR_CHUNK]
        sims[start : start + PAIR_CHUNK] = np.asarray(m[r].multiply(m[c]).sum(axis=1)).ravel()
    return sims


def candidate_pairs(m: sparse.csr_matrix, terms: Sequence[str]) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for i < j over pairs likely to matter: exact when small, ANN otherwise."""
    n = m.shape[0]
    if n <= EXACT_MAX:
        sims = sparse.triu(m @ m.T, k=1).tocoo()
        keep = sims.data >= MIN_EDGE
        return list(zip(sims.row[keep].tolist(), sims.col[keep].tolist(), sims.data[keep].tolist(), strict=True))
    import hnswlib

    dense = projection(m, terms)
    index = hnswlib.Index(space="ip", dim=PROJECTION_DIM)
    # Fixed seed and single thread: the graph, hence the neighbours, are the same on every run.
    index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=7)
    index.set_num_threads(1)
    index.add_items(dense, np.arange(n))
    k = min(NEIGHBOURS, n)
    index.set_ef(max(2 * k, 50))
    labels, _ = index.knn_query(dense, k=k)
    pairs = {(min(i, int(j)), max(i, int(j))) for i in range(n) for j in labels[i] if int(j) != i}
    ordered = sorted(pairs)
    rows = np.fromiter((p[0] for p in ordered), dtype=np.int64, count=len(ordered))
    cols = np.fromiter((p[1] for p in ordered), dtype=np.int64, count=len(ordered))
    sims = pair_cosines(m, rows, cols)
    keep = sims >= MIN_EDGE
    return list(zip(rows[keep].tolist(), cols[keep].tolist(), sims[keep].tolist(), strict=True))
