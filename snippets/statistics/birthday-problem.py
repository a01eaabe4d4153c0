import math

import numpy as np

rng = np.random.default_rng(0)
LN2 = math.log(2)


def log_no_match(n, N):
    # Exact: log of prod_{i<n} (1 - i/N), summed in logs
    return np.sum(np.log1p(-np.arange(n) / N))


def pairs_in_rooms(birthdays):
    # Matching pairs per row: a run of c equal sorted values holds c(c-1)/2 pairs
    s = np.sort(birthdays, axis=1)
    eq = s[:, 1:] == s[:, :-1]
    k = np.cumsum(eq, axis=1)
    run_start = np.maximum.accumulate(np.where(eq, 0, k), axis=1)
    return (k - run_start).sum(axis=1)


# 1. N = 365: exact product, exponential approximation, simulation
N, rooms = 365, 100_000
print(f"N = {N} days, {rooms:,} simulated rooms per n")
print("         matching pairs         P(match)")
print("  n  pairs  C(n,2)/N    sim    exact  approx    sim")
for n in [10, 20, 23, 30, 40, 50, 57, 70]:
    pairs = pairs_in_rooms(rng.integers(N, size=(rooms, n)))
    exact = -math.expm1(log_no_match(n, N))
    approx = -math.expm1(-n * (n - 1) / (2 * N))
    print(
        f"{n:>3} {math.comb(n, 2):>6} {math.comb(n, 2) / N:>9.3f} {pairs.mean():>6.3f}"
        f" {exact:>8.3f} {approx:>7.3f} {(pairs > 0).mean():>6.3f}"
    )

# Someone shares MY birthday: 1 - (364/365)^m for m other people
m = math.ceil(LN2 / -math.log1p(-1 / N))
print(f"others needed so that one shares MY birthday (p >= 0.5): {m}")
print(f"pairs among 23 people: {math.comb(23, 2)}")
# Expected people until the first shared birthday: sum over n of P(first n distinct)
first_repeat = np.exp(np.cumsum(np.log1p(-np.arange(N) / N))).sum() + 1
print(
    f"expected people until the first shared birthday: {first_repeat:.3f} "
    f"(sqrt(pi N / 2) = {math.sqrt(math.pi * N / 2):.3f})"
)

# Non-uniform birthdays: P(all distinct) = n! * e_n(p), e_n the elementary
# symmetric polynomial of the day probabilities (computed by recursion)
days = np.arange(N)
for amp in [0.0, 0.2, 0.5]:
    p = 1 + amp * np.cos(2 * np.pi * days / N)
    p /= p.sum()
    e = np.zeros(24)
    e[0] = 1.0
    for pd in p:
        e[1:] = e[1:] + pd * e[:-1]
    no_match = math.factorial(23) * e[23]
    print(
        f"seasonal birthdays, amplitude {amp:.1f}: P(match among 23) = "
        f"{1 - no_match:.3f}, effective days 1/sum(p^2) = {1 / np.sum(p**2):.1f}"
    )


# 2. Where P(match) crosses 50%: exact product versus sqrt(2 N ln 2)
def log_no_match_series(n, N):
    # log prod (1 - i/N) = -sum_k S_k / (k N^k), S_k = sum_{i<n} i^k; exact
    # integers, and the terms after k = 3 are below 1e-20 for N = 2^64
    s1 = n * (n - 1) // 2
    s2 = (n - 1) * n * (2 * n - 1) // 6
    s3 = s1 * s1
    return -(s1 / N + s2 / (2 * N**2) + s3 / (3 * N**3))


def n50_series(N):
    lo, hi = 1, 2 * math.isqrt(N) + 2
    while lo < hi:
        mid = (lo + hi) // 2
        if log_no_match_series(mid, N) <= -LN2:
            hi = mid
        else:
            lo = mid + 1
    return lo


def n50_direct(N):
    cum = np.cumsum(np.log1p(-np.arange(2 * math.isqrt(N) + 2) / N))
    # cum[n - 1] is the log-probability that n draws are all distinct
    return int(np.argmax(cum <= -LN2)) + 1


print(f"\nsqrt(2 ln 2) = {math.sqrt(2 * LN2):.4f}")
print("50% point      exact product   sqrt(2 N ln 2)")
for label, N in [("365", 365), ("2^32", 2**32), ("2^64", 2**64)]:
    exact = n50_direct(N) if N < 2**40 else n50_series(N)
    print(f"N = {label:<5} {exact:>18,} {math.sqrt(2 * N * LN2):>16,.1f}")
n32 = n50_direct(2**32)
gap = abs(log_no_match(n32, 2**32) - log_no_match_series(n32, 2**32))
print(f"series and direct sum agree at N = 2^32: {gap < 1e-9}")

# 3. Random IDs: P(any collision) = 1 - exp(-n(n-1)/(2N))
print("\nrandom IDs  50% point      P(any collision) among n IDs")
print("bits   sqrt(2 N ln 2)     n = 1e6    n = 1e9   n = 1e12")
for bits in [32, 64, 122, 128]:
    probs = [-math.expm1(-n * (n - 1) / 2 ** (bits + 1)) for n in [1e6, 1e9, 1e12]]
    half = math.sqrt(2 * 2**bits * LN2)
    print(f"{bits:>4} {half:>16.3g} " + " ".join(f"{q:>10.3g}" for q in probs))

# 4. Deduplication by a truncated content hash: expected false-match pairs
docs = 10**9
print("\ndedup 10^9 documents by a truncated hash")
print("bits  colliding pairs  share in a collision  dropped if one kept per key")
for bits in [32, 64, 128]:
    N = 2**bits
    pairs = math.comb(docs, 2) / N
    shared = -math.expm1((docs - 1) * math.log1p(-1 / N))
    # n - E[distinct keys] = sum_{k>=2} (-1)^k C(n, k) / N^(k-1), exact in integers
    dropped = sum((-1) ** k * math.comb(docs, k) / N ** (k - 1) for k in range(2, 40))
    print(f"{bits:>4} {pairs:>16.3g} {shared:>21.3g} {dropped:>28.3g}")

# 5. Feature hashing: a 50,000-word vocabulary into 2^18 and 2^20 buckets
vocab, trials = 50_000, 200
print(f"\nfeature hashing, {vocab:,} features, {trials} simulated hash functions")
print("            colliding pairs    features sharing a bucket")
print(f"{'buckets':<7}{'formula':>10}{'sim':>9}{'formula':>13}{'sim':>9}")
for bits in [18, 20]:
    B = 2**bits
    sim_pairs, sim_shared = [], []
    for _ in range(trials):
        counts = np.bincount(rng.integers(B, size=vocab), minlength=B)
        sim_pairs.append(np.sum(counts * (counts - 1) // 2))
        sim_shared.append(counts[counts >= 2].sum())
    pairs = math.comb(vocab, 2) / B
    shared = vocab * -math.expm1((vocab - 1) * math.log1p(-1 / B))
    print(
        f"{'2^' + str(bits):<7}{pairs:>10,.1f}{np.mean(sim_pairs):>9,.1f}"
        f"{shared:>13,.1f}{np.mean(sim_shared):>9,.1f}"
    )
