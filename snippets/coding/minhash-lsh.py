# --8<-- [start:signature]
import numpy as np

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


# --8<-- [end:signature]


# --8<-- [start:solution]
import hashlib
import itertools
import re
from collections import defaultdict

import numpy as np

MINHASH_PRIME = (1 << 31) - 1


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def shingles(text: str, k: int = 3) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def shingle_id(shingle: str) -> int:
    """32 bits of a cryptographic digest: the same in every process, unlike hash(),
    which Python salts per process for strings (PYTHONHASHSEED)."""
    digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little") % MINHASH_PRIME


def minhash_signatures(
    shingle_sets: list[set[str]], num_perm: int = 128, seed: int = 0
) -> np.ndarray:
    p = MINHASH_PRIME
    rng = np.random.default_rng(seed)
    a = rng.integers(1, p, size=num_perm, dtype=np.int64)[:, None]
    b = rng.integers(0, p, size=num_perm, dtype=np.int64)[:, None]
    signatures = np.empty((len(shingle_sets), num_perm), dtype=np.int64)
    for d, shingle_set in enumerate(shingle_sets):
        if not shingle_set:
            raise ValueError(f"document {d} has no shingles: its minimum is undefined")
        ids = np.fromiter(map(shingle_id, shingle_set), np.int64, len(shingle_set))
        # (num_perm, |set|) hash values; a * x + b < 2**62, no int64 overflow
        signatures[d] = ((a * ids + b) % p).min(axis=1)
    return signatures


def lsh_candidates(
    signatures: np.ndarray, bands: int, rows: int
) -> set[tuple[int, int]]:
    signatures = np.asarray(signatures)
    if bands * rows != signatures.shape[1]:
        raise ValueError(
            f"bands * rows = {bands * rows}, but signatures have "
            f"{signatures.shape[1]} values"
        )
    pairs = set()
    for t in range(bands):
        band = np.ascontiguousarray(signatures[:, t * rows : (t + 1) * rows])
        # one hash table per band: equal values in different bands never collide
        buckets = defaultdict(list)
        for d, key in enumerate(band):
            buckets[key.tobytes()].append(d)
        for docs in buckets.values():
            # documents were appended in increasing order, so i < j
            pairs.update(itertools.combinations(docs, 2))
    return pairs


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools
from collections import defaultdict

import numpy as np
import pytest


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_minhash_worked_example,
    test_minhash_estimates_jaccard_within_standard_errors,
    test_lsh_candidates_bands_by_hand,
    test_lsh_identical_documents_always_collide,
    test_lsh_candidate_rate_follows_the_s_curve,
    test_lsh_finds_planted_near_duplicates,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
a = shingles("The cat sat on the mat.", k=2)
b = shingles("The cat sat on a mat.", k=2)
sig = minhash_signatures([a, b], num_perm=128, seed=0)
agree = int((sig[0] == sig[1]).sum())
j = jaccard(a, b)
print(
    f"worked example: Jaccard 3/7 = {j:.3f}; signatures agree in {agree} of 128 "
    f"({agree / 128:.3f}), standard error {np.sqrt(j * (1 - j) / 128):.3f}"
)
texts, planted = planted_corpus()
sets = [shingles(t) for t in texts]
n = len(texts)
planted_j = np.array([jaccard(sets[i], sets[j]) for i, j in planted])
print(
    f"{n:,} documents, {n * (n - 1) // 2:,} pairs; {len(planted)} planted copies "
    f"with Jaccard {planted_j.min():.2f} to {planted_j.max():.2f}"
)
truth = pairs_above(sets, 0.5)
print(
    f"pairs with Jaccard >= 0.5 (exact, over all pairs): {len(truth)}, "
    f"all planted: {set(truth) <= set(planted)}"
)
sig = minhash_signatures(sets, num_perm=128, seed=0)
estimate = np.array([np.mean(sig[i] == sig[j]) for i, j in planted])
rmse = np.sqrt(np.mean((estimate - planted_j) ** 2))
predicted = np.sqrt(np.mean(planted_j * (1 - planted_j) / 128))
print(
    f"MinHash on the planted pairs: RMS error {rmse:.3f}, "
    f"sqrt(J(1 - J) / 128) predicts {predicted:.3f}"
)
truth_j = np.array(list(truth.values()))
print(
    "bands x rows  threshold  candidates  below 0.5  found  recall"
    "  S-curve recall  highest missed"
)
for bands, rows in [(32, 4), (16, 8)]:
    candidates = lsh_candidates(sig, bands, rows)
    verified = {(i, j) for i, j in candidates if jaccard(sets[i], sets[j]) >= 0.5}
    missed = [j for pair, j in truth.items() if pair not in candidates]
    # each true pair is found with the S-curve's probability, independently
    p_found = 1 - (1 - truth_j**rows) ** bands
    sd = np.sqrt(np.sum(p_found * (1 - p_found))) / len(truth)
    print(
        f"{bands:5d} x {rows:<5d} {(1 / bands) ** (1 / rows):10.3f}"
        f"  {len(candidates):10d}  {len(candidates) - len(verified):9d}"
        f"  {len(verified):5d}  {len(verified) / len(truth):6.3f}"
        f"  {p_found.mean():7.3f} ± {sd:.3f}  {max(missed, default=0):14.3f}"
    )
# --8<-- [end:check]
