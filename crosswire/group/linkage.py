"""Average-linkage clustering over a sparse similarity graph, in near-linear memory.

scipy's linkage needs the full n*n distance matrix (80 GB at 100k articles). Here only candidate
pairs carry a similarity; a pair never retrieved counts as similarity 0, which is what TF-IDF cosine
gives unrelated articles anyway. The average similarity of two clusters is then
sum(edge similarities) / (|A| * |B|), exactly average linkage on the completed matrix.
Negative edges (evidence that two articles report different events) pull the average down.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence


def average_linkage(
    n: int, edges: Iterable[tuple[int, int, float]], threshold: float, sizes: Sequence[int] | None = None
) -> list[int]:
    """Cluster label (the smallest member index) for each of `n` items; merge while avg sim >= threshold.

    With `sizes`, item i is itself a group of sizes[i] items and an edge carries the SUM of the
    similarities between the two groups, so clustering can start from stories instead of articles.
    """
    adj: list[dict[int, float]] = [dict() for _ in range(n)]
    for i, j, s in edges:
        if i == j:
            continue
        adj[i][j] = adj[i].get(j, 0.0) + s
        adj[j][i] = adj[j].get(i, 0.0) + s
    size = list(sizes) if sizes is not None else [1] * n
    alive = [True] * n
    heap: list[tuple[float, int, int]] = []
    for i in range(n):
        for j, s in adj[i].items():
            avg = s / (size[i] * size[j])
            if i < j and avg >= threshold:
                heap.append((-avg, i, j))
    heapq.heapify(heap)
    parent = list(range(n))
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        current = adj[a].get(b, 0.0) / (size[a] * size[b])
        if abs(current + neg) > 1e-12:
            continue  # stale entry; a fresher one is in the heap
        if current < threshold:
            break
        # Merge b into a (a < b always): the kept id is the smaller one, so labels are deterministic.
        alive[b] = False
        parent[b] = a
        size[a] += size[b]
        for c, s in adj[b].items():
            if c == a:
                continue
            adj[a][c] = adj[a].get(c, 0.0) + s
            adj[c][a] = adj[c].get(a, 0.0) + s
            del adj[c][b]
        del adj[a][b]
        adj[b] = {}
        for c, s in adj[a].items():
            avg = s / (size[a] * size[c])
            if avg >= threshold:
                lo, hi = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-avg, lo, hi))
    return [_root(parent, i) for i in range(n)]


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i
