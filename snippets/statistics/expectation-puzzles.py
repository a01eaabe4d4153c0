import numpy as np

rng = np.random.default_rng(0)
runs = 20_000

# Coupon collector: draws until all n = 50 coupon types are seen
n = 50
harmonic = np.sum(1 / np.arange(1, n + 1))
exact_mean = n * harmonic
exact_var = n**2 * np.sum(1 / np.arange(1, n + 1) ** 2) - exact_mean
# Simulate stage by stage: with k types seen, the wait for a new one is
# Geometric((n - k) / n)
stages = rng.geometric((n - np.arange(n)) / n, size=(runs, n))
draws = stages.sum(axis=1)
print(
    f"coupon collector n=50: mean {draws.mean():.1f} (n*H_n = {exact_mean:.1f}), "
    f"sd {draws.std():.1f} (exact {np.sqrt(exact_var):.1f})"
)

# The same by brute force for a smaller n, drawing coupons one at a time
small = []
for _ in range(2_000):
    seen, count = set(), 0
    while len(seen) < 10:
        seen.add(int(rng.integers(10)))
        count += 1
    small.append(count)
print(
    f"coupon collector n=10 brute force: {np.mean(small):.2f} "
    f"(n*H_n = {10 * np.sum(1 / np.arange(1, 11)):.2f})"
)

# Linearity of expectation: fixed points of a random permutation
for m in [5, 50, 500]:
    perms = rng.permuted(np.tile(np.arange(m), (runs, 1)), axis=1)
    fixed = (perms == np.arange(m)).sum(axis=1)
    print(
        f"fixed points of a random permutation of {m:>3}: "
        f"mean {fixed.mean():.3f}, var {fixed.var():.3f}"
    )


# Waiting for a pattern in fair coin flips: HH takes longer than HT
def wait_for(pattern, runs=20_000, length=200):
    flips = rng.integers(0, 2, size=(runs, length))
    a, b = pattern
    hit = (flips[:, :-1] == a) & (flips[:, 1:] == b)
    return (hit.argmax(axis=1) + 2).mean()


print(
    f"mean flips until HH: {wait_for((1, 1)):.2f} (exact 6), "
    f"until HT: {wait_for((1, 0)):.2f} (exact 4)"
)
