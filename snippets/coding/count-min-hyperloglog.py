# --8<-- [start:signature]
import hashlib
from collections.abc import Iterable

# a Mersenne prime: the Count-Min row hashes are computed modulo it
CMS_PRIME = (1 << 61) - 1


def hash64(item: str) -> int:
    """A stable 64-bit hash of a string: BLAKE2b with an 8-byte digest, read as an
    unsigned big-endian integer. The same in every process and on every machine;
    Python's hash() of a str is salted per process (PYTHONHASHSEED), so two workers,
    or today's and tomorrow's run, would put the same item in different counters."""
    digest = hashlib.blake2b(item.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def cms_dimensions(epsilon: float, delta: float) -> tuple[int, int]:
    """(width, depth) = (ceil(e / epsilon), ceil(ln(1 / delta))): a Count-Min sketch
    of that size overestimates a count by more than epsilon * N (N the total count
    added) with probability at most delta."""
    raise NotImplementedError


class CountMinSketch:
    """depth rows of width counters: self.table, int64, shape (depth, width).

    Row j sends an item to column ((a_j * x + b_j) mod CMS_PRIME) mod width, where
    x = hash64(item) mod CMS_PRIME and a_j in [1, CMS_PRIME), b_j in [0, CMS_PRIME)
    are drawn once from np.random.default_rng(seed): the same seed gives the same
    columns. buckets(item) returns the depth columns, one per row. add(item, count)
    adds count >= 0 to the item's counter in every row and returns the item's new
    estimate; estimate(item) is the minimum of its depth counters."""

    def __init__(self, width: int, depth: int, seed: int = 0):
        raise NotImplementedError

    def buckets(self, item: str) -> list[int]:
        raise NotImplementedError

    def add(self, item: str, count: int = 1) -> int:
        raise NotImplementedError

    def estimate(self, item: str) -> int:
        raise NotImplementedError


def top_k_heavy_hitters(
    stream: Iterable[str], k: int, sketch: CountMinSketch
) -> list[tuple[str, int]]:
    """One pass over the stream: add each item to the sketch, and keep the k items
    with the largest estimates as candidates in a min-heap (heapq), so memory is the
    sketch plus k items. Return (item, sketch.estimate(item)) for the candidates,
    largest estimate first, ties by item; all items if there are fewer than k."""
    raise NotImplementedError


class HyperLogLog:
    """m = 2**p one-byte registers, self.registers (uint8, length m), 4 <= p <= 16.

    add(item): x = hash64(item); its top p bits choose register j = x >> (64 - p);
    the other 64 - p bits w give rank = (leading zeros of w, as a (64 - p)-bit number)
    + 1, so 64 - p + 1 when w == 0; registers[j] = max(registers[j], rank).
    count(): E = alpha_m * m**2 / sum(2.0 ** -registers), with alpha_m = 0.673,
    0.697, 0.709 for m = 16, 32, 64 and 0.7213 / (1 + 1.079 / m) above; if E <= 2.5 m
    and V > 0 registers are 0, return the linear-counting estimate m * ln(m / V)
    instead. merge(other): a new sketch whose registers are the element-wise maximum
    (the sketch of the union); ValueError if the two p differ. Neither input changes."""

    def __init__(self, p: int):
        raise NotImplementedError

    def add(self, item: str) -> None:
        raise NotImplementedError

    def count(self) -> float:
        raise NotImplementedError

    def merge(self, other: "HyperLogLog") -> "HyperLogLog":
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import hashlib
import heapq
import math
from collections.abc import Iterable

import numpy as np

CMS_PRIME = (1 << 61) - 1


def hash64(item: str) -> int:
    digest = hashlib.blake2b(item.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def cms_dimensions(epsilon: float, delta: float) -> tuple[int, int]:
    return math.ceil(math.e / epsilon), math.ceil(math.log(1 / delta))


class CountMinSketch:
    def __init__(self, width: int, depth: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        # Python ints: a * x reaches 2**122, which int64 cannot hold
        self.a = [int(v) for v in rng.integers(1, CMS_PRIME, size=depth)]
        self.b = [int(v) for v in rng.integers(0, CMS_PRIME, size=depth)]
        self.width, self.depth = width, depth
        self.table = np.zeros((depth, width), dtype=np.int64)

    def buckets(self, item: str) -> list[int]:
        x = hash64(item) % CMS_PRIME
        # Carter-Wegman: for x != y, P[same column] <= 1 / width in each row
        return [(a * x + b) % CMS_PRIME % self.width for a, b in zip(self.a, self.b)]

    def add(self, item: str, count: int = 1) -> int:
        new = []
        for row, column in enumerate(self.buckets(item)):
            self.table[row, column] += count
            new.append(int(self.table[row, column]))
        return min(new)

    def estimate(self, item: str) -> int:
        return min(int(self.table[row, c]) for row, c in enumerate(self.buckets(item)))


def top_k_heavy_hitters(
    stream: Iterable[str], k: int, sketch: CountMinSketch
) -> list[tuple[str, int]]:
    heap = []  # (estimate when pushed, item): one entry per candidate
    latest = {}  # candidate -> its latest estimate (estimates only grow)
    for item in stream:
        estimate = sketch.add(item)
        if item in latest:
            # its heap entry is now too low; fixed when it reaches the top
            latest[item] = estimate
        elif len(latest) < k:
            latest[item] = estimate
            heapq.heappush(heap, (estimate, item))
        else:
            # refresh stale entries until the top is the true minimum
            while heap[0][0] != latest[heap[0][1]]:
                _, stale = heap[0]
                heapq.heapreplace(heap, (latest[stale], stale))
            if estimate > heap[0][0]:
                # the sketch counted this item all along, even while it was not
                # a candidate: it enters with its full count
                _, evicted = heapq.heapreplace(heap, (estimate, item))
                del latest[evicted]
                latest[item] = estimate
    found = [(item, sketch.estimate(item)) for item in latest]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


class HyperLogLog:
    def __init__(self, p: int):
        if not 4 <= p <= 16:
            raise ValueError(f"p = {p}: use 4 <= p <= 16")
        self.p, self.m = p, 1 << p
        self.registers = np.zeros(self.m, dtype=np.uint8)

    def add(self, item: str) -> None:
        x = hash64(item)
        bits = 64 - self.p
        j = x >> bits
        w = x & ((1 << bits) - 1)
        # position of the first 1 in the bits-bit number w: leading zeros + 1
        rank = bits - w.bit_length() + 1
        if rank > self.registers[j]:
            self.registers[j] = rank

    def count(self) -> float:
        m = self.m
        alpha = {16: 0.673, 32: 0.697, 64: 0.709}.get(m, 0.7213 / (1 + 1.079 / m))
        raw = alpha * m * m / np.sum(np.exp2(-self.registers.astype(np.float64)))
        empty = int(np.count_nonzero(self.registers == 0))
        if raw <= 2.5 * m and empty > 0:
            # small range: few registers are set, and the share left empty is a
            # better clue (linear counting); 64-bit hashes need no large-range fix
            return m * math.log(m / empty)
        return float(raw)

    def merge(self, other: "HyperLogLog") -> "HyperLogLog":
        if other.p != self.p:
            raise ValueError(f"cannot merge p = {self.p} with p = {other.p}")
        union = HyperLogLog(self.p)
        union.registers = np.maximum(self.registers, other.registers)
        return union


# --8<-- [end:solution]


# --8<-- [start:tests]
import builtins
import math
from collections import Counter

import numpy as np
import pytest


def zipf_stream(n: int, n_items: int = 100_000, s: float = 1.1, seed: int = 0):
    """n draws from items "item-0" ... with P(item-i) proportional to 1 / (i + 1)**s."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_items + 1) ** s
    ids = rng.choice(n_items, size=n, p=weights / weights.sum())
    return [f"item-{i}" for i in ids]


def test_sketch_worked_example():
    assert cms_dimensions(0.01, 0.01) == (272, 5)
    assert cms_dimensions(0.001, 0.001) == (2719, 7)
    cms = CountMinSketch(width=4, depth=2, seed=0)
    true = {"apple": 3, "banana": 2, "cherry": 1}
    for item, count in true.items():
        assert cms.add(item, count) == cms.estimate(item)
    assert (cms.table.sum(axis=1) == 6).all()  # each row holds the whole stream
    for item in [*true, "grape"]:
        columns = cms.buckets(item)
        assert len(columns) == 2 and all(0 <= c < 4 for c in columns)
        assert cms.estimate(item) == min(cms.table[r, c] for r, c in enumerate(columns))
        assert cms.estimate(item) >= true.get(item, 0)
    # an item that arrives only after the heap is full still enters with its count
    stream = ["a"] * 6 + ["b"] * 5 + ["c"] * 4 + ["d"] * 7
    top = top_k_heavy_hitters(stream, 3, CountMinSketch(1000, 4, seed=0))
    assert top == [("d", 7), ("a", 6), ("b", 5)]
    assert top_k_heavy_hitters(["x", "y", "x"], 5, CountMinSketch(100, 2)) == [
        ("x", 2),
        ("y", 1),
    ]
    # HyperLogLog(4): hash64("user-38") = 0x90e5...: top 4 bits 1001 -> register 9;
    # the next bits 0000 1110 ... -> 4 leading zeros -> rank 5
    hll = HyperLogLog(4)
    assert hll.registers.shape == (16,) and hll.count() == 0.0
    hll.add("user-38")
    assert hash64("user-38") >> 48 == 0x90E5
    assert hll.registers[9] == 5 and np.count_nonzero(hll.registers) == 1
    hll.add("user-38")  # a repeat changes nothing
    assert hll.registers[9] == 5 and np.count_nonzero(hll.registers) == 1


def test_count_min_never_underestimates_and_meets_the_bound():
    stream = zipf_stream(100_000, seed=1)
    exact = Counter(stream)
    n = len(stream)
    epsilon, delta = 0.01, 0.01
    width, depth = cms_dimensions(epsilon, delta)
    for d, allowed in [(depth, delta), (1, 1 / math.e)]:
        cms = CountMinSketch(width, d, seed=1)
        for item in stream:
            cms.add(item)
        assert (cms.table.sum(axis=1) == n).all()
        over = np.array([cms.estimate(item) - c for item, c in exact.items()])
        assert over.min() >= 0  # never an underestimate
        # each distinct item is over by more than epsilon * N with probability
        # <= delta (1 / e for one row, by Markov's inequality)
        assert np.mean(over > epsilon * n) <= allowed


def test_heavy_hitters_match_the_exact_top_k():
    # the 10th item is seen 1,100 times, the 11th 926 times
    stream = zipf_stream(100_000, seed=4)
    exact = Counter(stream)
    epsilon = 0.002
    width, depth = cms_dimensions(epsilon, 0.01)
    top = top_k_heavy_hitters(stream, 10, CountMinSketch(width, depth, seed=4))
    assert len(top) == 10
    assert {item for item, _ in top} == {item for item, _ in exact.most_common(10)}
    estimates = [estimate for _, estimate in top]
    assert estimates == sorted(estimates, reverse=True)
    for item, estimate in top:
        assert exact[item] <= estimate <= exact[item] + epsilon * len(stream)


def test_hyperloglog_error_within_standard_errors():
    hll_p = 12
    se = 1.04 / math.sqrt(2**hll_p)
    for n in [100, 1_000, 10_000, 100_000]:
        hll = HyperLogLog(hll_p)
        for i in range(n):
            hll.add(f"user-{n}-{i}")
        registers = hll.registers.copy()
        for i in range(0, n, 7):
            hll.add(f"user-{n}-{i}")  # duplicates change nothing
        assert (hll.registers == registers).all()
        assert abs(hll.count() / n - 1) < 4 * se
    # 30 sketches of different items: small (linear counting), middle and large n
    hll_p = 8
    m, se = 2**hll_p, 1.04 / math.sqrt(2**hll_p)
    for ratio in [0.5, 2.5, 10]:
        n = int(ratio * m)
        errors = []
        for r in range(30):
            hll = HyperLogLog(hll_p)
            for i in range(n):
                hll.add(f"run-{r}-{n}-{i}")
            errors.append(hll.count() / n - 1)
        rms = math.sqrt(np.mean(np.square(errors)))
        assert abs(np.mean(errors)) < se / 2  # bias well below one standard error
        assert rms < 1.4 * se
        if ratio == 10:
            assert rms > 0.6 * se  # 1.04 / sqrt(m) is the size of the error


def test_hyperloglog_merge_equals_the_sketch_of_the_union():
    a, b, union = HyperLogLog(10), HyperLogLog(10), HyperLogLog(10)
    for i in range(30_000):
        a.add(f"visitor-{i}")
        union.add(f"visitor-{i}")
    for i in range(20_000, 50_000):
        b.add(f"visitor-{i}")
        union.add(f"visitor-{i}")
    before = a.registers.copy()
    merged = a.merge(b)
    assert (merged.registers == union.registers).all()
    assert (b.merge(a).registers == merged.registers).all()
    assert (a.registers == before).all()  # the inputs are unchanged
    assert abs(merged.count() / 50_000 - 1) < 4 * 1.04 / math.sqrt(1024)
    with pytest.raises(ValueError):
        a.merge(HyperLogLog(11))


def test_sketches_are_deterministic_and_never_call_hash():
    stream = zipf_stream(2_000, seed=3)
    original = builtins.hash
    builtins.hash = None  # calling the salted hash() now fails
    try:
        cms = [CountMinSketch(64, 4, seed=3), CountMinSketch(64, 4, seed=3)]
        hll = [HyperLogLog(8), HyperLogLog(8)]
        for i, order in enumerate([stream, stream[::-1]]):
            for item in order:
                cms[i].add(item)
                hll[i].add(item)
        estimate, count = cms[0].estimate(stream[0]), hll[0].count()
    finally:
        builtins.hash = original
    assert (cms[0].table == cms[1].table).all() and estimate >= 1
    assert (hll[0].registers == hll[1].registers).all() and count > 0
    other = CountMinSketch(64, 4, seed=4)
    assert any(other.buckets(item) != cms[0].buckets(item) for item in stream[:50])


# --8<-- [end:tests]


# --8<-- [start:check]
import sys

tests = [
    test_sketch_worked_example,
    test_count_min_never_underestimates_and_meets_the_bound,
    test_heavy_hitters_match_the_exact_top_k,
    test_hyperloglog_error_within_standard_errors,
    test_hyperloglog_merge_equals_the_sketch_of_the_union,
    test_sketches_are_deterministic_and_never_call_hash,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
cms = CountMinSketch(width=4, depth=2, seed=0)
for item, count in [("apple", 3), ("banana", 2), ("cherry", 1)]:
    cms.add(item, count)
columns = {item: cms.buckets(item) for item in ["apple", "banana", "cherry", "grape"]}
print(f"worked example: columns {columns}")
print(f"  table {cms.table.tolist()}")
x = hash64("user-38")
rank = 60 - (x & (2**60 - 1)).bit_length() + 1
print(f"hash64('user-38') = {x:#018x}: register {x >> 60}, rank {rank}")

stream = zipf_stream(100_000, seed=0)
exact = Counter(stream)
n = len(stream)
top10 = {item for item, _ in exact.most_common(10)}
# CPython's footprint of the exact counts: the dict, its str keys and int values
dict_bytes = sys.getsizeof(exact) + sum(
    sys.getsizeof(k) + sys.getsizeof(v) for k, v in exact.items()
)
print(
    f"Zipf stream: N = {n:,}, {len(exact):,} distinct items, "
    f"exact dict {dict_bytes / 1e6:.2f} MB"
)
print(
    "epsilon  width x depth   bytes    e^-d  share > eps*N  mean over  max over"
    "  once: median  top 10"
)
once = [item for item, c in exact.items() if c == 1]
# depth 5 = ceil(ln(1 / 0.01)); one row for comparison
for epsilon, d in [(0.01, 5), (0.01, 1), (0.002, 5)]:
    width = cms_dimensions(epsilon, math.exp(-d))[0]
    cms = CountMinSketch(width, d, seed=0)
    top = top_k_heavy_hitters(stream, 10, cms)
    over = np.array([cms.estimate(item) - c for item, c in exact.items()])
    found = len({item for item, _ in top} & top10)
    top_over = max(estimate - exact[item] for item, estimate in top)
    print(
        f"{epsilon:7.3f}  {width:5d} x {d:<5d} {cms.table.nbytes:7,}"
        f"  {math.exp(-d):6.4f}"
        f"  {np.mean(over > epsilon * n):13.4f}  {over.mean():9.1f}  {over.max():8d}"
        f"  {np.median([cms.estimate(i) for i in once]):13.0f}  {found:3d}/10"
    )
counts = sorted(exact.values(), reverse=True)
print(
    f"top 10 from 1360 x 5 and a heap: exact counts {counts[0]:,} to {counts[9]:,} "
    f"(11th: {counts[10]:,}), overestimated by at most {top_over}"
)

print("HyperLogLog(8), 30 sketches each: mean and RMS relative error")
print("  n / m       n  raw E mean  count() mean  count() RMS  1.04/sqrt(m)")
m = 256
alpha = 0.7213 / (1 + 1.079 / m)
for ratio in [0.5, 1, 2.5, 5, 10]:
    n = int(ratio * m)
    raw, corrected = [], []
    for r in range(30):
        hll = HyperLogLog(8)
        for i in range(n):
            hll.add(f"check-{r}-{n}-{i}")
        raw.append(
            alpha * m * m / np.sum(np.exp2(-hll.registers.astype(float))) / n - 1
        )
        corrected.append(hll.count() / n - 1)
    rms = math.sqrt(np.mean(np.square(corrected)))
    print(
        f"  {ratio:5.1f}  {n:6,}  {np.mean(raw):10.3f}  {np.mean(corrected):12.3f}"
        f"  {rms:11.3f}  {1.04 / math.sqrt(m):12.3f}"
    )

a, b = HyperLogLog(12), HyperLogLog(12)
for i in range(60_000):
    a.add(f"visitor-{i}")
for i in range(40_000, 100_000):
    b.add(f"visitor-{i}")
union = a.merge(b).count()
visitors = [f"visitor-{i}" for i in range(100_000)]
set_bytes = sys.getsizeof(set(visitors)) + sum(map(sys.getsizeof, visitors))
print(
    f"HyperLogLog(12): {a.registers.nbytes:,} bytes, 1.04/sqrt(m) = "
    f"{1.04 / math.sqrt(a.m):.4f}; an exact set of 100,000: {set_bytes / 1e6:.2f} MB"
)
print(
    f"  |A| = 60,000 -> {a.count():,.0f}, |B| = 60,000 -> {b.count():,.0f}, "
    f"merged |A u B| = 100,000 -> {union:,.0f}"
)
print(
    f"  |A n B| = 20,000 by inclusion-exclusion: {a.count() + b.count() - union:,.0f}"
)
# --8<-- [end:check]
