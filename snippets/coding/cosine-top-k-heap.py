# --8<-- [start:signature]
from collections.abc import Iterable

import numpy as np


def cosine_top_k(
    query: np.ndarray, items: Iterable[tuple[str, np.ndarray]], k: int
) -> list[tuple[str, float]]:
    """The k items most cosine-similar to query, from a stream of (id, vector) pairs
    read once, keeping O(k) items in memory (a min-heap). A zero vector has
    similarity 0. Returns (id, similarity) pairs, most similar first (all items if
    fewer than k)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import heapq
from collections.abc import Iterable

import numpy as np


def cosine_top_k(
    query: np.ndarray, items: Iterable[tuple[str, np.ndarray]], k: int
) -> list[tuple[str, float]]:
    q_norm = np.linalg.norm(query)
    heap: list[
        tuple[float, str]
    ] = []  # the k best so far; heap[0] is the worst of them
    for item_id, vector in items:
        denominator = q_norm * np.linalg.norm(vector)
        score = float(query @ vector / denominator) if denominator > 0 else 0.0
        if len(heap) < k:
            heapq.heappush(heap, (score, item_id))
        elif score > heap[0][0]:
            heapq.heapreplace(heap, (score, item_id))  # pop the worst, push the new one
    return [(item_id, score) for score, item_id in sorted(heap, reverse=True)]


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def test_cosine_top_k_worked_example():
    items = [
        ("a", np.array([1.0, 0.0])),
        ("b", np.array([0.0, 1.0])),
        ("c", np.array([1.0, 1.0])),
        ("d", np.array([-1.0, 0.0])),
    ]
    result = cosine_top_k(np.array([1.0, 0.0]), items, k=2)
    assert [item_id for item_id, _ in result] == ["a", "c"]
    assert [s for _, s in result] == pytest.approx([1.0, 1 / np.sqrt(2)])


def test_cosine_top_k_matches_brute_force_on_a_stream():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2000, 16))
    query = rng.normal(size=16)
    sims = vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))
    best = np.argsort(-sims)[:10]
    stream = ((f"id{i}", v) for i, v in enumerate(vectors))  # a generator, read once
    result = cosine_top_k(query, stream, k=10)
    assert [item_id for item_id, _ in result] == [f"id{i}" for i in best]
    np.testing.assert_allclose([s for _, s in result], sims[best])


def test_cosine_top_k_fewer_items_than_k_and_zero_vectors():
    items = [("zero", np.zeros(3)), ("x", np.array([1.0, 2.0, 3.0]))]
    result = cosine_top_k(np.array([1.0, 2.0, 3.0]), items, k=5)
    assert [item_id for item_id, _ in result] == ["x", "zero"]
    assert result[1][1] == 0.0


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_cosine_top_k_worked_example,
    test_cosine_top_k_matches_brute_force_on_a_stream,
    test_cosine_top_k_fewer_items_than_k_and_zero_vectors,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
items = [("a", [1.0, 0.0]), ("b", [0.0, 1.0]), ("c", [1.0, 1.0]), ("d", [-1.0, 0.0])]
items = [(name, np.array(v)) for name, v in items]
for item_id, score in cosine_top_k(np.array([1.0, 0.0]), items, k=2):
    print(f"{item_id}: {score:.4f}")
# --8<-- [end:check]
