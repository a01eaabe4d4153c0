import numpy as np

rng = np.random.default_rng(0)


def p_success(n):
    # P(r) for r = 1..n: reject the first r - 1, take the first candidate better
    # than all seen; P(1) = 1/n, P(r) = (r - 1)/n * sum_{i=r}^{n} 1/(i - 1)
    inv = 1.0 / np.arange(1, n)
    tail = np.cumsum(inv[::-1])[::-1]
    return np.concatenate([[1.0 / n], np.arange(1, n) / n * tail])


print("exact optimum of the cutoff rule")
for n in [10, 100, 1000]:
    p = p_success(n)
    r = int(np.argmax(p)) + 1
    print(
        f"  n = {n:4d}: best r = {r:3d} (reject {r - 1:3d}, {(r - 1) / n:.3f} of n)"
        f"  P(best) = {p[r - 1]:.4f}"
    )
print(f"  limit: reject 1/e = {1 / np.e:.4f} of n, P(best) = 1/e = {1 / np.e:.4f}")

# 20,000 random orders of n = 100 candidates; rank 1 is the best
n, trials = 100, 20_000
ranks = np.argsort(rng.random((trials, n)), axis=1) + 1
# A record is better than everyone before it; the cutoff rule that rejects the
# first k takes the first record after position k, or the last candidate
record = ranks == np.minimum.accumulate(ranks, axis=1)
pos = np.where(record, np.arange(n), n - 1)
next_record = np.minimum.accumulate(pos[:, ::-1], axis=1)[:, ::-1]
chosen_rank = np.take_along_axis(ranks, next_record, axis=1)

p = p_success(n)
print(f"\ncutoff rule, n = {n}, {trials:,} random orders")
for k in [10, 37, 60]:
    won = chosen_rank[:, k] == 1
    se = won.std() / np.sqrt(trials)
    print(
        f"  reject first {k:2d}: P(best) exact {p[k]:.3f}, "
        f"simulated {won.mean():.3f} (se {se:.3f})"
    )


def expected_rank_cutoff(n, k):
    # The best of the first k has overall rank t with prob C(n-t, k-1)/C(n, k).
    # t = 1: nobody beats it, you take the last one (mean rank (n + 2)/2);
    # t > 1: the first of the t - 1 better ones to arrive is uniform, mean t/2
    if k == 0:
        return (n + 1) / 2
    t = np.arange(1, n - k + 2)
    logc = np.array([np.sum(np.log(np.arange(n - s - k + 2, n - s + 1))) for s in t])
    prob = np.exp(logc - logc[0]) * k / n
    return prob[0] * (n + 2) / 2 + np.sum(prob[1:] * t[1:] / 2)


# Judge the same rule by the expected rank of the person hired
mean_rank = chosen_rank.mean(axis=0)
k_best = int(np.argmin(mean_rank))
print("\nexpected rank of the chosen candidate (1 = best), same orders")
for k in [10, 37, k_best]:
    se = chosen_rank[:, k].std() / np.sqrt(trials)
    print(
        f"  reject first {k:2d}: simulated {mean_rank[k]:6.2f} (se {se:.2f}), "
        f"exact {expected_rank_cutoff(n, k):6.2f}, P(best) {p[k]:.3f}"
    )
exact = [expected_rank_cutoff(n, k) for k in range(n)]
print(f"  cutoff minimising the simulated mean rank: reject {k_best}")
print(f"  cutoff minimising the exact mean rank:     reject {int(np.argmin(exact))}")


def optimal_rank_rule(n):
    # Chow-Moriguti-Robbins-Samuels: backward induction on relative ranks. At
    # step i a candidate of relative rank j has expected overall rank
    # j (n + 1)/(i + 1); stop when that is at most c[i], the value of going on
    c = np.zeros(n + 1)
    c[n - 1] = (n + 1) / 2
    for i in range(n - 1, 0, -1):
        a = (n + 1) / (i + 1)
        m = min(i, int(c[i] // a))
        c[i - 1] = (a * m * (m + 1) / 2 + (i - m) * c[i]) / i
    return c


c = optimal_rank_rule(n)
# Relative rank of candidate i among the first i, then the optimal rule
rel = np.stack([(ranks[:, : i + 1] <= ranks[:, i : i + 1]).sum(1) for i in range(n)], 1)
stop = rel * (n + 1) / np.arange(2, n + 2) <= c[1:]
stop[:, -1] = True
pick = np.take_along_axis(ranks, stop.argmax(1)[:, None], axis=1)[:, 0]
print(
    f"  optimal rank rule (Chow et al. 1964): exact {c[0]:.2f}, "
    f"simulated {pick.mean():.2f}, P(best) {np.mean(pick == 1):.3f}"
)
for m in [1000, 10_000, 100_000]:
    print(
        f"  optimal rank rule, n = {m:6d}: expected rank {optimal_rank_rule(m)[0]:.3f}"
    )

# Full information: values are Uniform(0, 1) and the distribution is known.
# With k candidates still to come, accept a record x >= b_k, where
# sum_{j=1}^{k} (b^-j - 1)/j = 1 (Gilbert and Mosteller 1966); solve by bisection
j = np.arange(1, n)
lo, hi = np.zeros(n - 1), np.ones(n - 1)
for _ in range(60):
    mid = (lo + hi) / 2
    # row k: sum over j <= k of (mid^-j - 1)/j, which falls as mid rises
    g = (np.where(j <= j[:, None], (mid[:, None] ** -j - 1) / j, 0)).sum(1)
    lo, hi = np.where(g > 1, mid, lo), np.where(g > 1, hi, mid)
# b[i] is the threshold at position i, with n - 1 - i candidates to come
b = np.concatenate([hi[::-1], [0.0]])
x = rng.random((trials, n))
is_record = x == np.maximum.accumulate(x, axis=1)
accept = is_record & (x >= b)
# Nobody accepted: you are left with the last candidate, who is not the best
stop_at = np.where(accept.any(1), accept.argmax(1), n - 1)
won_full = x[np.arange(trials), stop_at] == x.max(1)
# The ranks-only rule on the same values: first record after the first 37
after = np.where(is_record[:, 37:].any(1), is_record[:, 37:].argmax(1) + 37, n - 1)
won_rank = x[np.arange(trials), after] == x.max(1)
print(f"\nvalues seen, Uniform(0, 1) known, n = {n}")
print(f"  thresholds: b_1 = {b[-2]:.3f}, b_10 = {b[-11]:.3f}, b_99 = {b[0]:.3f}")
se = won_full.std() / np.sqrt(trials)
print(f"  P(best): threshold rule {won_full.mean():.3f} (se {se:.3f})")
print(f"  P(best): ranks-only rule rejecting 37 {won_rank.mean():.3f}")
