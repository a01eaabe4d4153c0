# --8<-- [start:signature]
import hashlib
import math


def bloom_parameters(n: int, p: float) -> tuple[int, int]:
    """(m, k) for n items at a false-positive rate p: m = ceil(-n ln p / (ln 2)**2)
    bits and k = max(1, round((m / n) ln 2)) index functions. ValueError unless
    n >= 1 and 0 < p < 1."""
    raise NotImplementedError


def predicted_fp_rate(m: int, k: int, n: int) -> float:
    """The false-positive rate of a filter of m bits and k index functions after n
    distinct items: (1 - e^(-k n / m))**k."""
    raise NotImplementedError


class BloomFilter:
    """m >= 2 bits, packed in self.bits, a bytearray of ceil(m / 8) bytes: bit j is
    (self.bits[j // 8] >> (j % 8)) & 1. k >= 1 index functions by double hashing.

    indexes(item): d = hashlib.blake2b(item.encode("utf-8"), digest_size=16).digest();
    h1, h2 = the first and the last 8 bytes of d, read as big-endian unsigned ints;
    a = h1 mod m, b = 1 + h2 mod (m - 1) (never 0: the k indexes cannot collapse
    into one); return [(a + i * b) mod m for i in 0..k-1], in that order.
    add(item) sets the k bits; `item in f` is True iff all k bits are set.
    BloomFilter.for_capacity(n, p) sizes a filter with bloom_parameters.
    union(other): a new filter whose bits are the bitwise OR of the two (the filter
    of the union of the two sets); ValueError unless m and k are equal. Neither
    input changes."""

    def __init__(self, m: int, k: int):
        raise NotImplementedError

    @classmethod
    def for_capacity(cls, n: int, p: float) -> "BloomFilter":
        raise NotImplementedError

    def indexes(self, item: str) -> list[int]:
        raise NotImplementedError

    def add(self, item: str) -> None:
        raise NotImplementedError

    def __contains__(self, item: str) -> bool:
        raise NotImplementedError

    def union(self, other: "BloomFilter") -> "BloomFilter":
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import hashlib
import math


def bloom_parameters(n: int, p: float) -> tuple[int, int]:
    if n < 1 or not 0 < p < 1:
        raise ValueError(f"need n >= 1 and 0 < p < 1, got n = {n}, p = {p}")
    m = math.ceil(-n * math.log(p) / math.log(2) ** 2)
    k = max(1, round(m / n * math.log(2)))
    return m, k


def predicted_fp_rate(m: int, k: int, n: int) -> float:
    # a given bit stays 0 after k * n index draws with probability ~ e^(-k n / m);
    # a non-member is reported present when all k of its bits are 1
    return (1 - math.exp(-k * n / m)) ** k


class BloomFilter:
    def __init__(self, m: int, k: int):
        if m < 2 or k < 1:
            raise ValueError(f"need m >= 2 and k >= 1, got m = {m}, k = {k}")
        self.m, self.k = m, k
        self.bits = bytearray((m + 7) // 8)

    @classmethod
    def for_capacity(cls, n: int, p: float) -> "BloomFilter":
        return cls(*bloom_parameters(n, p))

    def indexes(self, item: str) -> list[int]:
        digest = hashlib.blake2b(item.encode("utf-8"), digest_size=16).digest()
        # one strong hash split in two (Kirsch and Mitzenmacher): g_i = h1 + i h2
        a = int.from_bytes(digest[:8], "big") % self.m
        b = 1 + int.from_bytes(digest[8:], "big") % (self.m - 1)
        return [(a + i * b) % self.m for i in range(self.k)]

    def add(self, item: str) -> None:
        for j in self.indexes(item):
            self.bits[j >> 3] |= 1 << (j & 7)

    def __contains__(self, item: str) -> bool:
        bits = self.bits
        return all(bits[j >> 3] >> (j & 7) & 1 for j in self.indexes(item))

    def union(self, other: "BloomFilter") -> "BloomFilter":
        if (self.m, self.k) != (other.m, other.k):
            raise ValueError(
                f"shapes differ: (m, k) = {(self.m, self.k)} and {(other.m, other.k)}"
            )
        merged = BloomFilter(self.m, self.k)
        merged.bits = bytearray(x | y for x, y in zip(self.bits, other.bits))
        return merged


# --8<-- [end:solution]


# --8<-- [start:tests]
import builtins
import hashlib
import math

import numpy as np
import pytest


def bloom_items(prefix: str, n: int) -> list[str]:
    """n distinct strings: prefix-0, prefix-1, ..."""
    return [f"{prefix}-{i}" for i in range(n)]


def bit_vector(f) -> np.ndarray:
    """The filter's m bits as a 0/1 array, bit j at position j."""
    packed = np.frombuffer(bytes(f.bits), dtype=np.uint8)
    return np.unpackbits(packed, bitorder="little")[: f.m]


def test_bloom_worked_example():
    assert bloom_parameters(100_000, 0.01) == (958_506, 7)
    assert bloom_parameters(1_000, 0.001) == (14_378, 10)
    assert bloom_parameters(10, 0.5) == (15, 1)
    with pytest.raises(ValueError):
        bloom_parameters(100, 1.0)
    assert math.isclose(predicted_fp_rate(958_506, 7, 100_000), 0.01, rel_tol=0.01)
    f = BloomFilter(m=20, k=3)
    assert len(f.bits) == 3 and f.bits == bytearray(3)
    assert "apple" not in f  # an empty filter holds nothing
    digest = hashlib.blake2b(b"apple", digest_size=16).digest()
    a = int.from_bytes(digest[:8], "big") % 20
    b = 1 + int.from_bytes(digest[8:], "big") % 19
    assert f.indexes("apple") == [a, (a + b) % 20, (a + 2 * b) % 20]
    f.add("apple")
    assert "apple" in f
    for fruit in ["banana", "cherry"]:
        f.add(fruit)
    # a false positive: guava's three indexes are banana's
    assert "guava" in f and sorted(f.indexes("guava")) == sorted(f.indexes("banana"))
    fruits = ["apple", "banana", "cherry"]
    assert set(np.flatnonzero(bit_vector(f))) == {
        j for x in fruits for j in f.indexes(x)
    }
    g = BloomFilter.for_capacity(1_000, 0.001)
    assert (g.m, g.k, len(g.bits)) == (14_378, 10, 1_798)


def test_bloom_has_no_false_negatives_even_overfilled():
    f = BloomFilter.for_capacity(2_000, 0.01)
    added = bloom_items("member", 8_000)  # four times the planned capacity
    for i, item in enumerate(added):
        f.add(item)
        if i % 997 == 0:
            assert all(x in f for x in added[: i + 1])
    assert all(x in f for x in added)


def test_bloom_sizing_formula_and_fill():
    for n, p in [(1_000, 0.1), (10_000, 0.01), (5_000, 0.001)]:
        f = BloomFilter.for_capacity(n, p)
        # bits per item -ln p / (ln 2)^2 = 1.44 log2(1 / p); k = log2(1 / p)
        assert abs(f.m / n - math.log2(1 / p) / math.log(2)) < 0.01
        assert f.k == round(math.log2(1 / p))
        assert len(f.bits) == math.ceil(f.m / 8)
        for item in bloom_items(f"fill-{n}", n):
            f.add(item)
        # at the optimal k about half of the bits are set: 1 - e^(-k n / m)
        fill = bit_vector(f).mean()
        assert abs(fill - (1 - math.exp(-f.k * n / f.m))) < 0.01
        assert abs(fill - 0.5) < 0.06


def test_bloom_measured_fp_rate_matches_the_prediction():
    n, queries = 10_000, 50_000
    f = BloomFilter.for_capacity(n, 0.01)
    for item in bloom_items("in", n):
        f.add(item)
    for load in [1, 2]:
        if load == 2:
            for item in bloom_items("more", n):
                f.add(item)
        predicted = predicted_fp_rate(f.m, f.k, load * n)
        measured = np.mean([x in f for x in bloom_items(f"out{load}", queries)])
        # tolerance: 5 binomial standard errors of the measured rate
        se = math.sqrt(predicted * (1 - predicted) / queries)
        assert abs(measured - predicted) < 5 * se


def test_bloom_union_is_the_bitwise_or():
    a, b = BloomFilter(50_000, 5), BloomFilter(50_000, 5)
    both = BloomFilter(50_000, 5)
    left, right = bloom_items("left", 3_000), bloom_items("right", 2_000)
    for item in left:
        a.add(item)
        both.add(item)
    for item in right:
        b.add(item)
        both.add(item)
    before = bytes(a.bits)
    u = a.union(b)
    assert (bit_vector(u) == (bit_vector(a) | bit_vector(b))).all()
    assert u.bits == both.bits  # the same as one filter built from both sets
    assert all(x in u for x in left + right)
    assert bytes(a.bits) == before  # the inputs are unchanged
    with pytest.raises(ValueError):
        a.union(BloomFilter(50_000, 6))
    with pytest.raises(ValueError):
        a.union(BloomFilter(50_001, 5))


def test_bloom_is_deterministic_and_never_calls_hash():
    items = bloom_items("stable", 500)
    original = builtins.hash
    builtins.hash = None  # calling the salted hash() now fails
    try:
        f, g = BloomFilter(4_096, 4), BloomFilter(4_096, 4)
        for item in items:
            f.add(item)
        for item in reversed(items):
            g.add(item)
        found = all(x in f for x in items)
    finally:
        builtins.hash = original
    assert found and f.bits == g.bits


# --8<-- [end:tests]


# --8<-- [start:check]
import os
import subprocess
import sys

tests = [
    test_bloom_worked_example,
    test_bloom_has_no_false_negatives_even_overfilled,
    test_bloom_sizing_formula_and_fill,
    test_bloom_measured_fp_rate_matches_the_prediction,
    test_bloom_union_is_the_bitwise_or,
    test_bloom_is_deterministic_and_never_calls_hash,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

m, k = bloom_parameters(100_000, 0.01)
print(f"sizing n = 100,000, p = 0.01: m = {m:,} bits ({m / 8 / 1024:.1f} KiB), k = {k}")
print(
    f"  {m / 100_000:.3f} bits per item, predicted rate"
    f" {predicted_fp_rate(m, k, 100_000):.5f}"
)

# worked example: a 20-bit filter with 3 index functions
tiny = BloomFilter(m=20, k=3)
for fruit in ["apple", "banana", "cherry"]:
    tiny.add(fruit)
    print(f"  add {fruit:7s} indexes {tiny.indexes(fruit)}")
print(f"  bits set {np.flatnonzero(bit_vector(tiny)).tolist()}")
for fruit in ["fig", "grape", "guava", "kiwi", "lemon"]:
    print(f"  query {fruit:7s} indexes {tiny.indexes(fruit)}: {fruit in tiny}")

# (1) planned for n = 20,000 at p = 0.01; filled to 0.5x ... 4x of that
planned = 20_000
f = BloomFilter.for_capacity(planned, 0.01)
print(f"planned n = {planned:,}, p = 0.01: m = {f.m:,} bits, k = {f.k}")
print("  items added  load  bits set  predicted  measured (50,000 never added)")
members = bloom_items("user", 4 * planned)
strangers = bloom_items("visitor", 50_000)
added = 0
for load in [0.5, 1, 2, 4]:
    while added < load * planned:
        f.add(members[added])
        added += 1
    measured = np.mean([x in f for x in strangers])
    print(
        f"  {added:11,}  {load:4.1f}  {bit_vector(f).mean():8.3f}"
        f"  {predicted_fp_rate(f.m, f.k, added):9.4f}  {measured:8.4f}"
    )
print(
    f"  false negatives among the {added:,} added: {sum(x not in f for x in members)}"
)

# (2) memory: the filter's bytes against a set of the same 20,000 strings
sized = BloomFilter.for_capacity(planned, 0.01)
urls = [f"https://example.com/item/{i}" for i in range(planned)]
for url in urls:
    sized.add(url)
# CPython: the set's own table plus each str object; what the set points to counts
set_bytes = sys.getsizeof(set(urls)) + sum(map(sys.getsizeof, urls))
print(f"memory for {planned:,} URLs of {len(urls[0])} to {len(urls[-1])} characters:")
print(f"  set {set_bytes:,} bytes ({set_bytes / planned:.1f} per item)")
ratio = set_bytes / len(sized.bits)
print(
    f"  Bloom filter {len(sized.bits):,} bytes ({len(sized.bits) / planned:.2f} per"
    f" item, {8 * len(sized.bits) / planned:.2f} bits), {ratio:.0f} times smaller"
)

# (3) hash() of a str is salted per process: a filter built with it and saved
# cannot be queried by a process started with another PYTHONHASHSEED
SALTED = """
import sys
m, k, words = 9_586, 7, [f"word-{i}" for i in range(1_000)]
def idx(w):
    a, b = hash(w) % m, 1 + hash(w + "#") % (m - 1)
    return [(a + i * b) % m for i in range(k)]
if sys.argv[1] == "build":
    bits = bytearray((m + 7) // 8)
    for w in words:
        for j in idx(w):
            bits[j >> 3] |= 1 << (j & 7)
    print(hash("x"), bits.hex())
else:
    bits = bytes.fromhex(sys.stdin.read())
    found = sum(all(bits[j >> 3] >> (j & 7) & 1 for j in idx(w)) for w in words)
    print(hash("x"), found)
"""


def run(seed: str, mode: str, stdin: str = "") -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-c", SALTED, mode]
    done = subprocess.run(command, input=stdin, env=env, capture_output=True, text=True)
    return done.stdout.split()


hash_1, saved = run("1", "build")
same = run("1", "query", saved)
other = run("2", "query", saved)
print(f"hash('x') equal under PYTHONHASHSEED=1 and 2: {hash_1 == other[0]}")
print(
    f"  filter of 1,000 words built with hash() under seed 1: {int(same[1]):,}"
    f" found under seed 1, {int(other[1]):,} under seed 2"
)


# (4) a counting Bloom filter: a 4-bit counter per position instead of a bit
class CountingBloomFilter:
    def __init__(self, m: int, k: int):
        self.shape = BloomFilter(m, k)  # only for its indexes()
        # one uint8 per counter here; packed two to a byte it takes m / 2 bytes
        self.counters = np.zeros(m, dtype=np.uint8)

    def add(self, item: str) -> None:
        for j in self.shape.indexes(item):
            # a 4-bit counter sticks at 15: it is never decremented again
            if self.counters[j] < 15:
                self.counters[j] += 1

    def remove(self, item: str) -> None:
        for j in self.shape.indexes(item):
            if 0 < self.counters[j] < 15:
                self.counters[j] -= 1

    def __contains__(self, item: str) -> bool:
        return all(self.counters[j] > 0 for j in self.shape.indexes(item))


plain = BloomFilter.for_capacity(planned, 0.01)
counting = CountingBloomFilter(plain.m, plain.k)
kept, deleted = members[: planned // 2], members[planned // 2 : planned]
for item in kept + deleted:
    plain.add(item)
    counting.add(item)
for item in deleted:
    counting.remove(item)
    # the only way to "delete" from a plain filter: clear the item's bits
    for j in plain.indexes(item):
        plain.bits[j >> 3] &= ~(1 << (j & 7)) & 0xFF
print(
    f"delete {len(deleted):,} of {planned:,}; largest counter"
    f" {int(counting.counters.max())}; counters {plain.m // 2:,} bytes at 4 bits,"
    f" bits {len(plain.bits):,}"
)
print("  filter              kept still found  deleted still found  strangers found")
for name, filt in [("counting (4-bit)", counting), ("plain, bits cleared", plain)]:
    print(
        f"  {name:19s}  {np.mean([x in filt for x in kept]):16.4f}"
        f"  {np.mean([x in filt for x in deleted]):19.4f}"
        f"  {np.mean([x in filt for x in strangers]):15.4f}"
    )
print(
    f"  predicted rate for {len(kept):,} items in that filter:"
    f" {predicted_fp_rate(plain.m, plain.k, len(kept)):.4f}"
)
# --8<-- [end:check]
