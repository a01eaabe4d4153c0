# --8<-- [start:signature]
def mean_average_precision(
    rankings: list[list[str]], relevant: list[set[str]], k: int | None = None
) -> float:
    """MAP over queries. rankings[q] is the system's ranked list of item ids for query
    q, relevant[q] the (non-empty) set of ids relevant to it. For one query,
    AP@k = (1 / min(|relevant|, k)) * sum of precision@i over the ranks i <= k that
    hold a relevant item; k=None means the whole list and the denominator |relevant|.
    Returns the mean of AP@k over queries."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
def mean_average_precision(
    rankings: list[list[str]], relevant: list[set[str]], k: int | None = None
) -> float:
    aps = []
    for ranked, rel in zip(rankings, relevant):
        cutoff = len(ranked) if k is None else k
        hits, total = 0, 0.0
        for i, item in enumerate(ranked[:cutoff], start=1):
            if item in rel:
                hits += 1
                total += hits / i  # precision at this rank
        aps.append(total / min(len(rel), cutoff) if k is not None else total / len(rel))
    return sum(aps) / len(aps)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.metrics import average_precision_score


def test_mean_average_precision_worked_example():
    rankings = [["a", "b", "c", "d", "e"], ["x", "y", "z"]]
    relevant = [{"a", "c", "f"}, {"y"}]
    # query 1: (1/1 + 2/3) / 3; query 2: (1/2) / 1
    expected = ((1 + 2 / 3) / 3 + 0.5) / 2
    assert mean_average_precision(rankings, relevant) == pytest.approx(expected)


def test_average_precision_of_a_full_ranking_matches_sklearn():
    rng = np.random.default_rng(0)
    for _ in range(10):
        items = [f"i{j}" for j in range(30)]
        labels = rng.random(30) < 0.2
        labels[0] = True
        scores = rng.random(30)
        ranked = [items[j] for j in np.argsort(-scores)]
        rel = {items[j] for j in np.flatnonzero(labels)}
        expected = average_precision_score(labels, scores)
        assert mean_average_precision([ranked], [rel]) == pytest.approx(expected)


def test_mean_average_precision_at_k_denominator():
    # 3 relevant items, k = 2, both top items relevant: AP@2 = (1 + 1) / min(3, 2) = 1
    assert mean_average_precision([["a", "b", "c"]], [{"a", "b", "z"}], k=2) == 1.0
    # without k, the unretrieved relevant item counts as a miss
    assert mean_average_precision(
        [["a", "b", "c"]], [{"a", "b", "z"}]
    ) == pytest.approx(2 / 3)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_mean_average_precision_worked_example,
    test_average_precision_of_a_full_ranking_matches_sklearn,
    test_mean_average_precision_at_k_denominator,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
rankings = [["a", "b", "c", "d", "e"], ["x", "y", "z"]]
relevant = [{"a", "c", "f"}, {"y"}]
print(f"MAP: {mean_average_precision(rankings, relevant):.4f}")
print(f"MAP@2: {mean_average_precision(rankings, relevant, k=2):.4f}")
# --8<-- [end:check]
