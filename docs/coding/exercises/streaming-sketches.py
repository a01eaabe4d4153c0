"""The ML coding round: Streams and sketches. Practice file with 7 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy pytest
    pytest streaming-sketches.py                 # every exercise
    pytest streaming-sketches.py -k <function>   # one exercise, e.g. -k reservoir_sample

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import builtins
import hashlib
import itertools
import math
from collections import Counter
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pytest


# --------------------------------------------------------------------------------------
# 1. How do you sample k items uniformly from a stream of unknown length?
# Handbook: coding/streaming-sketches/#reservoir-sample-stream
# --------------------------------------------------------------------------------------


def reservoir_sample(stream: Iterable, k: int, rng: np.random.Generator) -> list:
    """A uniform random sample of k items from a stream of unknown length, in one pass
    and O(k) memory (Vitter's Algorithm R): every item ends up in the sample with
    probability k / n. If the stream has fewer than k items, return all of them."""
    raise NotImplementedError


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


# --------------------------------------------------------------------------------------
# 2. Implement MinHash and locality-sensitive hashing to find near-duplicate documents.
# Handbook: coding/streaming-sketches/#minhash-lsh
# --------------------------------------------------------------------------------------


# a Mersenne prime: hash values are in [0, p), and a * x + b < 2**63 fits in int64
MINHASH_PRIME = (1 << 31) - 1


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity |A & B| / |A | B| of two non-empty sets."""
    return len(a & b) / len(a | b)


def shingles(text: str, k: int = 3) -> set[str]:
    """The set of word k-grams of text: lowercase it, split it into words (runs of
    letters, digits and underscores; punctuation dropped), join each run of k
    consecutive words with one space. A text of fewer than k words (but at least
    one) is one shingle; a text with no words has none."""
    raise NotImplementedError


def minhash_signatures(
    shingle_sets: list[set[str]], num_perm: int = 128, seed: int = 0
) -> np.ndarray:
    """A (len(shingle_sets), num_perm) int64 matrix: entry [d, i] is the minimum of
    h_i(x) = (a_i * x + b_i) mod MINHASH_PRIME over the ids x of document d's shingles.

    Each shingle's id is a stable integer in [0, MINHASH_PRIME): the same for the same
    string in every process and on every machine (not Python's hash()). With
    p = MINHASH_PRIME, the a_i in [1, p) and b_i in [0, p) are drawn once from
    np.random.default_rng(seed), so the same seed gives the same hash functions and
    comparable signatures. Compute each document's row for all num_perm functions at
    once (no loop over i). Raise ValueError for an empty set."""
    raise NotImplementedError


def lsh_candidates(
    signatures: np.ndarray, bands: int, rows: int
) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of documents whose signatures agree exactly on all `rows`
    values of at least one of `bands` bands (band t is columns t * rows to
    (t + 1) * rows - 1). Raise ValueError unless bands * rows == signatures.shape[1]."""
    raise NotImplementedError


def sets_with_jaccard(common: int, own: int, name: str) -> tuple[set, set]:
    """Two sets of `common` shared and `own` private strings each: Jaccard
    common / (common + 2 * own). `name` keeps different pairs' strings apart."""
    shared = {f"{name} shared {i}" for i in range(common)}
    left = {f"{name} left {i}" for i in range(own)}
    right = {f"{name} right {i}" for i in range(own)}
    return shared | left, shared | right


def planted_corpus(n_docs: int = 1000, n_planted: int = 150, seed: int = 0):
    """Documents of 40 to 120 words from a random vocabulary of 5,000 words; the last
    n_planted copy an earlier document with 1 to 15 of its words replaced. Returns
    the texts and the planted pairs (original, copy)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, rng.integers(3, 9))) for _ in range(5000)]
    n_base = n_docs - n_planted
    words = [list(rng.choice(vocab, rng.integers(40, 121))) for _ in range(n_base)]
    planted = []
    for original in rng.choice(n_base, n_planted, replace=False):
        copy = list(words[original])
        edits = rng.integers(1, 16)
        for position in rng.choice(len(copy), edits, replace=False):
            copy[position] = vocab[rng.integers(len(vocab))]
        planted.append((int(original), len(words)))
        words.append(copy)
    return [" ".join(w) for w in words], planted


def pairs_above(sets: list[set], threshold: float) -> dict[tuple[int, int], float]:
    """Every pair with exact Jaccard >= threshold > 0, with its Jaccard. Such a pair
    shares a shingle, so an inverted index (shingle -> documents) lists it."""
    postings = defaultdict(list)
    for d, shingle_set in enumerate(sets):
        for s in shingle_set:
            postings[s].append(d)
    sharing = {
        pair for docs in postings.values() for pair in itertools.combinations(docs, 2)
    }
    found = {(i, j): jaccard(sets[i], sets[j]) for i, j in sharing}
    return {pair: j for pair, j in found.items() if j >= threshold}


def test_minhash_worked_example():
    a = shingles("The cat sat on the mat.", k=2)
    b = shingles("the cat sat, on a MAT", k=2)
    assert a == {"the cat", "cat sat", "sat on", "on the", "the mat"}
    assert b == {"the cat", "cat sat", "sat on", "on a", "a mat"}
    assert jaccard(a, b) == pytest.approx(3 / 7)
    assert shingles("Hello, world!", k=3) == {"hello world"}
    assert shingles(" ... ", k=3) == set()
    sig = minhash_signatures([a, b], num_perm=128, seed=0)
    assert sig.shape == (2, 128) and np.issubdtype(sig.dtype, np.integer)
    assert ((sig >= 0) & (sig < MINHASH_PRIME)).all()
    # the same seed gives the same hash functions, whatever the order of the set
    again = minhash_signatures([set(sorted(b)), set(sorted(a, reverse=True))], 128, 0)
    assert (again == sig[::-1]).all()
    agreement = np.mean(sig[0] == sig[1])
    assert abs(agreement - 3 / 7) < 4 * np.sqrt(3 / 7 * 4 / 7 / 128)
    with pytest.raises(ValueError):
        minhash_signatures([a, set()])


def test_minhash_estimates_jaccard_within_standard_errors():
    for common, own in [(20, 40), (50, 25), (80, 10)]:
        a, b = sets_with_jaccard(common, own, "pair")
        j = jaccard(a, b)  # 0.2, 0.5, 0.8
        # one seed, 256 functions: within four standard errors of the exact value
        sig = minhash_signatures([a, b], num_perm=256, seed=7)
        assert abs(np.mean(sig[0] == sig[1]) - j) < 4 * np.sqrt(j * (1 - j) / 256)
        # 100 seeds: the mean is j (unbiased) and the spread is sqrt(j (1 - j) / k)
        for num_perm in (16, 64, 256):
            estimates = []
            for seed in range(100):
                sig = minhash_signatures([a, b], num_perm, seed)
                estimates.append(np.mean(sig[0] == sig[1]))
            se = np.sqrt(j * (1 - j) / num_perm)
            assert abs(np.mean(estimates) - j) < 4 * se / np.sqrt(100)
            assert 0.7 * se < np.std(estimates, ddof=1) < 1.3 * se


def test_lsh_candidates_bands_by_hand():
    signatures = np.array(
        [
            [1, 2, 3, 4],
            [1, 2, 9, 9],  # band 0 equals document 0's
            [0, 2, 3, 4],  # band 1 equals document 0's
            [3, 4, 1, 2],  # document 0's bands, swapped: no band matches
            [1, 9, 9, 4],  # one value in each band: not enough
        ]
    )
    assert lsh_candidates(signatures, bands=2, rows=2) == {(0, 1), (0, 2)}
    assert lsh_candidates(signatures, bands=1, rows=4) == set()
    pairs = lsh_candidates(signatures, bands=4, rows=1)
    assert (0, 1) in pairs and (0, 4) in pairs and (0, 3) not in pairs
    with pytest.raises(ValueError):
        lsh_candidates(signatures, bands=3, rows=1)


def test_lsh_identical_documents_always_collide():
    texts, _ = planted_corpus(n_docs=200, n_planted=0, seed=1)
    texts += [texts[5], texts[17].upper(), texts[17].replace(" ", ", ")]
    sig = minhash_signatures([shingles(t) for t in texts], num_perm=64, seed=3)
    assert (sig[5] == sig[200]).all() and (sig[17] == sig[201]).all()
    for bands, rows in [(64, 1), (16, 4), (4, 16), (1, 64)]:
        pairs = lsh_candidates(sig, bands, rows)
        assert {(5, 200), (17, 201), (17, 202), (201, 202)} <= pairs


def test_lsh_candidate_rate_follows_the_s_curve():
    bands, rows, m = 20, 5, 400
    for common, own in [(18, 21), (30, 15), (42, 9)]:
        sets = []
        for p in range(m):
            sets += sets_with_jaccard(common, own, f"{common} {p}")
        s = common / (common + 2 * own)  # 0.3, 0.5, 0.7
        sig = minhash_signatures(sets, num_perm=bands * rows, seed=common)
        pairs = lsh_candidates(sig, bands, rows)
        # pairs (2p, 2p + 1) share shingles; all other pairs share none
        assert all(i % 2 == 0 and j == i + 1 for i, j in pairs)
        expected = 1 - (1 - s**rows) ** bands  # 0.047, 0.470, 0.975
        rate = len(pairs) / m
        assert abs(rate - expected) < 4 * np.sqrt(expected * (1 - expected) / m)


def test_lsh_finds_planted_near_duplicates():
    texts, planted = planted_corpus()
    sets = [shingles(t) for t in texts]
    truth = pairs_above(sets, 0.5)
    planted_near = {pair for pair in planted if pair in truth}
    assert len(planted_near) >= 50
    sig = minhash_signatures(sets, num_perm=128, seed=0)
    candidates = lsh_candidates(sig, bands=32, rows=4)
    n = len(texts)
    assert len(candidates) < 0.001 * n * (n - 1) / 2
    verified = {(i, j) for i, j in candidates if jaccard(sets[i], sets[j]) >= 0.5}
    # verification removes every false positive; LSH can only miss pairs
    assert verified <= set(truth)
    assert len(verified & planted_near) >= 0.9 * len(planted_near)


# --------------------------------------------------------------------------------------
# 3. Implement a Count-Min sketch for heavy hitters and HyperLogLog for distinct counts.
# Handbook: coding/streaming-sketches/#count-min-hyperloglog
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 4. Implement a Bloom filter and size it for a target false-positive rate
# Handbook: coding/streaming-sketches/#bloom-filter
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 5. How do you compute a running mean and variance in one pass?
# Handbook: coding/streaming-sketches/#welford-variance
# --------------------------------------------------------------------------------------


class RunningStats:
    """Mean and sample variance of a stream in one pass and O(1) memory, numerically
    stable (Welford's algorithm). update(x) adds one value; mean and variance (ddof=1,
    nan with fewer than two values) are read at any time; count is the number seen."""

    def __init__(self):
        raise NotImplementedError

    def update(self, x: float) -> None:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def variance(self) -> float:
        raise NotImplementedError


def test_running_stats_worked_example():
    stats = RunningStats()
    for x in [2, 4, 4, 4, 5, 5, 7, 9]:
        stats.update(x)
    assert stats.count == 8
    assert stats.mean == pytest.approx(5.0)
    assert stats.variance == pytest.approx(32 / 7)


def test_running_stats_matches_numpy_with_a_huge_offset():
    rng = np.random.default_rng(0)
    x = 1e9 + rng.normal(size=10000)  # naive sum-of-squares formulas lose every digit
    stats = RunningStats()
    for value in x:
        stats.update(value)
    assert stats.mean == pytest.approx(np.mean(x), rel=1e-12)
    assert stats.variance == pytest.approx(np.var(x, ddof=1), rel=1e-6)


def test_running_stats_too_few_values():
    stats = RunningStats()
    assert math.isnan(stats.variance)
    stats.update(3.0)
    assert stats.mean == 3.0 and math.isnan(stats.variance)


# --------------------------------------------------------------------------------------
# 6. Implement a running median of a stream with two heaps, then a median over a sliding window.
# Handbook: coding/streaming-sketches/#streaming-median-heaps
# --------------------------------------------------------------------------------------


class RunningMedian:
    """Median of every value added so far, with two heaps (heapq).

    self.low holds the lower half as a max-heap of negated values (-self.low[0] is
    its largest value) and self.high the upper half as a min-heap; every value in
    low is <= every value in high, and len(low) is len(high) or len(high) + 1.
    add(x) inserts x in O(log n) and returns the new median; median() returns it
    (the middle value for an odd count, the mean of the two middle values for an
    even count, always a float, nan before the first value)."""

    def __init__(self):
        raise NotImplementedError

    def add(self, x: float) -> float:
        raise NotImplementedError

    def median(self) -> float:
        raise NotImplementedError


class SlidingMedian:
    """Median of the last k values of a stream (k >= 1, else ValueError).

    add(x) appends x and returns the median of the last min(k, count) values, in
    O(log k) amortised time and O(k) memory: the same two heaps as RunningMedian,
    self.low and self.high, but a value that leaves the window stays in its heap
    until it reaches a top (lazy deletion). Tag each entry with its position in
    the stream, (value, i), so that equal values are distinct entries and an entry
    is stale when i <= count - 1 - k; rebuild both heaps from their live entries
    when the stale entries outnumber the live ones, so that len(self.low) +
    len(self.high) never exceeds 2k after add returns."""

    def __init__(self, k: int):
        raise NotImplementedError

    def add(self, x: float) -> float:
        raise NotImplementedError

    def median(self) -> float:
        raise NotImplementedError


def median_test_streams(n: int, seed: int = 0) -> dict[str, list]:
    """Streams with duplicates, negative numbers and floats, and sorted ones."""
    rng = np.random.default_rng(seed)
    return {
        "small integers": rng.integers(-5, 6, size=n).tolist(),
        "rounded floats": np.round(rng.normal(0, 3, size=n), 1).tolist(),
        "heavy tails": rng.standard_cauchy(size=n).tolist(),
        "increasing": np.sort(rng.normal(size=n)).tolist(),
        "decreasing with ties": sorted(rng.integers(0, 50, size=n).tolist())[::-1],
    }


def test_running_median_worked_example():
    rm = RunningMedian()
    assert math.isnan(rm.median())
    medians = [rm.add(x) for x in [5, 15, 1, 3, 8, 7, 9, 10]]
    assert medians == [5.0, 10.0, 5.0, 4.0, 5.0, 6.0, 7.0, 7.5]
    assert all(isinstance(m, float) for m in medians)
    rm = RunningMedian()
    for x in [5, 15, 1, 3, 8]:
        rm.add(x)
    assert sorted(-v for v in rm.low) == [1, 3, 5] and sorted(rm.high) == [8, 15]


def test_sliding_median_worked_example():
    sm = SlidingMedian(3)
    assert math.isnan(sm.median())
    medians = [sm.add(x) for x in [5, 15, 1, 3, 8, 7, 9, 10]]
    # windows of 1 and 2 values while the first window fills
    assert medians == [5.0, 10.0, 5.0, 3.0, 3.0, 7.0, 8.0, 9.0]
    one = SlidingMedian(1)
    assert [one.add(x) for x in [4, -2, 4, 0.5]] == [4.0, -2.0, 4.0, 0.5]
    two = SlidingMedian(2)
    assert [two.add(x) for x in [1, 3, 3, -1]] == [1.0, 2.0, 3.0, 1.0]
    with pytest.raises(ValueError):
        SlidingMedian(0)


def test_running_median_matches_numpy_on_every_prefix():
    for name, stream in median_test_streams(1001).items():
        rm = RunningMedian()
        for i, x in enumerate(stream):
            got = rm.add(x)
            assert got == pytest.approx(np.median(stream[: i + 1]), rel=1e-12), name
            # the two heaps: balanced, and every low value <= every high value
            assert 0 <= len(rm.low) - len(rm.high) <= 1
            assert not rm.high or -rm.low[0] <= rm.high[0]
        assert len(rm.low) + len(rm.high) == len(stream)


def test_sliding_median_matches_numpy_on_every_window():
    n = 600
    for name, stream in median_test_streams(n, seed=1).items():
        x = np.asarray(stream, dtype=float)
        for k in [1, 2, 3, 10, 51, 100, n - 1, n]:
            sm = SlidingMedian(k)
            got = np.array([sm.add(v) for v in stream])
            # every full window, and the growing windows before the first is full
            full = np.median(np.lib.stride_tricks.sliding_window_view(x, k), axis=1)
            head = [np.median(x[: i + 1]) for i in range(k - 1)]
            np.testing.assert_allclose(got, [*head, *full], rtol=1e-12, err_msg=name)


def test_sliding_median_memory_stays_within_twice_the_window():
    # on an increasing stream every leaving value is buried under low's top
    stream = np.sort(np.random.default_rng(4).normal(size=5000)).tolist()
    for k in [1, 10, 101]:
        sm = SlidingMedian(k)
        for x in stream:
            sm.add(x)
            assert len(sm.low) + len(sm.high) <= 2 * k


def test_sliding_median_with_k_equal_to_n_is_the_running_median():
    stream = median_test_streams(500, seed=2)["rounded floats"]
    rm, sm = RunningMedian(), SlidingMedian(len(stream))
    assert [rm.add(x) for x in stream] == [sm.add(x) for x in stream]


class CountingFloat(float):
    """A float that counts the comparisons made on it (heapq only uses <)."""

    comparisons = 0

    def __lt__(self, other):
        CountingFloat.comparisons += 1
        return float(self) < float(other)

    def __gt__(self, other):
        CountingFloat.comparisons += 1
        return float(self) > float(other)

    def __le__(self, other):
        CountingFloat.comparisons += 1
        return float(self) <= float(other)

    def __ge__(self, other):
        CountingFloat.comparisons += 1
        return float(self) >= float(other)

    def __neg__(self):
        return CountingFloat(-float(self))


def test_running_median_does_logarithmic_work():
    # re-sorting the prefix for the i-th value costs about i log2(i) comparisons;
    # two heaps cost O(log i) per value
    n = 2**14
    stream = np.random.default_rng(3).normal(size=n).tolist()
    rm = RunningMedian()
    CountingFloat.comparisons = 0
    for x in stream:
        rm.add(CountingFloat(x))
    assert CountingFloat.comparisons / n <= 3 * math.log2(n)


# --------------------------------------------------------------------------------------
# 7. Estimate the p99 latency of a stream in bounded memory: implement a merging t-digest
# Handbook: coding/streaming-sketches/#streaming-quantiles-t-digest
# --------------------------------------------------------------------------------------


class TDigest:
    """A merging t-digest (Dunning and Ertl 2019) with the k1 scale function
    k(q) = delta / (2 pi) * asin(2q - 1), delta >= 1.

    add(x) appends x to a buffer of buffer_size values (default 2 * delta); when
    the buffer is full, it is merged into the centroids. A merge sorts the old
    centroids and the buffered values (weight 1) by mean and sweeps them in that
    order: the open centroid takes the next item while the cumulative weight
    after that item, as a share q_right of the total, keeps
    k(q_right) - k(q_left) <= 1 (q_left: the share before the open centroid);
    otherwise the open centroid is closed and the item opens the next one.
    A centroid is (mean, weight); centroids() merges the buffer and returns
    (means, weights), two float arrays, means non-decreasing. count, min and max
    are exact. merge(other) folds other's centroids and buffer into self (other
    unchanged) and returns self.

    quantile(q), 0 <= q <= 1 (else ValueError), nan on an empty digest: with n
    values, centroid i holds the ranks around its centre c_i = (weight before
    it) + w_i / 2; for t = q * n interpolate linearly between (0, min),
    (c_0, mean_0), ..., (c_last, mean_last), (n, max). quantile(0) is min and
    quantile(1) is max, exactly."""

    def __init__(self, delta: float = 100, buffer_size: int | None = None):
        raise NotImplementedError

    def add(self, x: float) -> None:
        raise NotImplementedError

    def merge(self, other: "TDigest") -> "TDigest":
        raise NotImplementedError

    def centroids(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def quantile(self, q: float) -> float:
        raise NotImplementedError


TDIGEST_QS = [0.5, 0.9, 0.99, 0.999]


def tdigest_streams(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    bimodal = np.where(
        rng.random(n) < 0.8, rng.normal(50, 5, size=n), rng.normal(300, 30, size=n)
    )
    return {
        "uniform": rng.uniform(0, 1, size=n),
        "lognormal": rng.lognormal(3, 1, size=n),
        "bimodal": bimodal,
    }


def rank_of(sorted_data: np.ndarray, value: float) -> float:
    """Share of the data below value, counting ties as half (a continuous CDF)."""
    below = np.searchsorted(sorted_data, value, "left")
    at_most = np.searchsorted(sorted_data, value, "right")
    return (below + at_most) / 2 / len(sorted_data)


def centroid_width(q: float, delta: float) -> float:
    """Share of ranks a centroid at q may span: dq/dk = 2 pi sqrt(q(1-q)) / delta."""
    return 2 * math.pi * math.sqrt(q * (1 - q)) / delta


def test_tdigest_worked_example():
    td = TDigest(delta=100)
    assert math.isnan(td.quantile(0.5))
    values = [7, 1, 9, 3, 10, 2, 8, 4, 6, 5]
    for x in values:
        td.add(x)
    means, weights = td.centroids()
    # ten values, delta 100: every value is its own centroid
    assert means.tolist() == list(range(1, 11)) and weights.tolist() == [1.0] * 10
    for q in [0, 0.04, 0.25, 0.5, 0.9, 0.97, 1]:
        expected = np.quantile(values, q, method="hazen")
        assert td.quantile(q) == pytest.approx(expected, abs=1e-12)
    # delta 8: k(q) = (4 / pi) asin(2q - 1) runs from -2 to 2
    small = TDigest(delta=8, buffer_size=100)
    for x in range(1, 21):
        small.add(x)
    means, weights = small.centroids()
    assert weights.tolist() == [2.0, 6.0, 7.0, 4.0, 1.0]
    assert means.tolist() == [1.5, 5.5, 12.0, 17.5, 20.0]
    assert small.quantile(0.05) == pytest.approx(1.5)
    assert small.quantile(0.5) == pytest.approx(10.5)
    assert small.quantile(0.9) == pytest.approx(18.5)
    with pytest.raises(ValueError):
        small.quantile(1.5)


def test_tdigest_rank_error_on_three_streams():
    delta = 100
    for name, data in tdigest_streams(50_000).items():
        td = TDigest(delta)
        for x in data:
            td.add(x)
        ordered = np.sort(data)
        for q in TDIGEST_QS:
            estimate = td.quantile(q)
            error = abs(rank_of(ordered, estimate) - q)
            # within the width of one centroid at q (plus one value)
            assert error <= centroid_width(q, delta) + 1 / len(data), (name, q, error)
            assert estimate == pytest.approx(np.quantile(data, q), rel=0.05), (name, q)
        assert td.count == len(data)
        assert (td.min, td.max) == (data.min(), data.max())


def test_tdigest_centroid_count_is_bounded():
    # any two neighbours together span more than 1 in k, and k spans delta / 2
    rng = np.random.default_rng(1)
    stream = rng.lognormal(0, 2, size=100_000)
    for delta in [20, 100]:
        for name, values in [("random", stream), ("sorted", np.sort(stream))]:
            td = TDigest(delta)
            for i, x in enumerate(values, start=1):
                td.add(x)
                if i % 4_999 == 0 or i == len(values):
                    means, weights = td.centroids()
                    assert len(means) <= delta + 1, (delta, name, i, len(means))
                    assert weights.sum() == i
                    assert np.all(np.diff(means) >= 0)


def test_tdigest_merge_of_shards_matches_one_digest():
    delta = 100
    data = np.concatenate(list(tdigest_streams(30_000, seed=2).values()))
    # shards of different sizes, each with different values
    cuts = [0, 1_000, 5_000, 20_000, 50_000, 90_000]
    one, merged = TDigest(delta), TDigest(delta)
    for x in data:
        one.add(x)
    for lo, hi in zip(cuts, [*cuts[1:], len(data)]):
        shard = TDigest(delta)
        for x in data[lo:hi]:
            shard.add(x)
        merged.merge(shard)
    merged.merge(TDigest(delta))  # an empty digest changes nothing
    assert merged.count == len(data)
    assert (merged.min, merged.max) == (data.min(), data.max())
    assert len(merged.centroids()[0]) <= delta + 1
    ordered = np.sort(data)
    for q in TDIGEST_QS:
        width = centroid_width(q, delta)
        rank_merged = rank_of(ordered, merged.quantile(q))
        rank_one = rank_of(ordered, one.quantile(q))
        assert abs(rank_merged - q) <= width, q
        assert abs(rank_merged - rank_one) <= width, q


def test_tdigest_quantile_is_monotone():
    data = tdigest_streams(20_000, seed=3)["bimodal"]
    for delta in [10, 100]:
        td = TDigest(delta)
        for x in data:
            td.add(x)
        estimates = [td.quantile(q) for q in np.linspace(0, 1, 2001)]
        assert np.all(np.diff(estimates) >= 0)
        assert estimates[0] == data.min() and estimates[-1] == data.max()
