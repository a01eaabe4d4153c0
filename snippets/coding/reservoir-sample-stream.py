# --8<-- [start:signature]
from collections.abc import Iterable

import numpy as np


def reservoir_sample(stream: Iterable, k: int, rng: np.random.Generator) -> list:
    """A uniform random sample of k items from a stream of unknown length, in one pass
    and O(k) memory (Vitter's Algorithm R): every item ends up in the sample with
    probability k / n. If the stream has fewer than k items, return all of them."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Iterable

import numpy as np


def reservoir_sample(stream: Iterable, k: int, rng: np.random.Generator) -> list:
    reservoir = []
    for i, item in enumerate(stream):
        if i < k:
            reservoir.append(item)
        else:
            # item i (0-based) enters with probability k / (i + 1),
            # evicting a random slot
            j = rng.integers(0, i + 1)
            if j < k:
                reservoir[j] = item
    return reservoir


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def test_reservoir_sample_worked_example():
    assert reservoir_sample(range(5), 10, np.random.default_rng(0)) == [0, 1, 2, 3, 4]
    sample = reservoir_sample(range(1000), 5, np.random.default_rng(0))
    assert len(sample) == 5 and len(set(sample)) == 5


def test_reservoir_sample_is_uniform():
    rng = np.random.default_rng(1)
    counts = np.zeros(10)
    for _ in range(10000):
        for item in reservoir_sample(range(10), 3, rng):
            counts[item] += 1
    # each of the 10 items should be kept in 3/10 of the runs (sd 0.005 per item)
    np.testing.assert_allclose(counts / 10000, 0.3, atol=0.025)


def test_reservoir_sample_reads_a_generator_once():
    reads = []

    def stream():
        for i in range(100):
            reads.append(i)
            yield i

    sample = reservoir_sample(stream(), 7, np.random.default_rng(2))
    assert reads == list(range(100))
    assert len(sample) == 7 and set(sample) <= set(range(100))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_reservoir_sample_worked_example,
    test_reservoir_sample_is_uniform,
    test_reservoir_sample_reads_a_generator_once,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
rng = np.random.default_rng(3)
counts = np.zeros(10)
for _ in range(10000):
    for item in reservoir_sample(range(10), 3, rng):
        counts[item] += 1
print(
    "inclusion rate of items 0..9 (expected 0.3):", (counts / 10000).round(3).tolist()
)
# --8<-- [end:check]
