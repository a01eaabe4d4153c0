import itertools

import numpy as np

rng = np.random.default_rng(0)
walks = 20_000


def absorb(Q, R):
    # Canonical form P = [[Q, R], [0, I]]: F = (I - Q)^-1 (expected visits),
    # t = F 1 (expected steps), B = F R (absorption probabilities).
    # Solve the linear systems rather than forming the inverse.
    eye = np.eye(len(Q))
    return np.linalg.solve(eye - Q, np.ones(len(Q))), np.linalg.solve(eye - Q, R)


def ruin_chain(p, n):
    # Transient states 1..n-1 (row k is fortune k + 1); absorbing 0 and n
    Q, R = np.zeros((n - 1, n - 1)), np.zeros((n - 1, 2))
    for k in range(n - 1):
        if k + 1 < n - 1:
            Q[k, k + 1] = p
        else:
            R[k, 1] = p
        if k > 0:
            Q[k, k - 1] = 1 - p
        else:
            R[k, 0] = 1 - p
    return Q, R


def closed_form(p, i, n):
    if p == 0.5:
        return i / n, i * (n - i)
    r = (1 - p) / p
    win = (1 - r**i) / (1 - r**n)
    # Wald's identity: E[S_T] - i = (p - q) E[T], and E[S_T] = n * P(win)
    return win, (n * win - i) / (2 * p - 1)


def simulate(p, i, n):
    pos, steps = np.full(walks, i), np.zeros(walks)
    alive = np.ones(walks, dtype=bool)
    while alive.any():
        pos[alive] += np.where(rng.random(alive.sum()) < p, 1, -1)
        steps[alive] += 1
        alive &= (pos > 0) & (pos < n)
    return pos == n, steps


n, i = 10, 5
print(f"gambler's ruin, N = {n}, start i = {i}, {walks:,} simulated walks")
for p in [0.5, 0.49, 0.45]:
    win_cf, dur_cf = closed_form(p, i, n)
    t, B = absorb(*ruin_chain(p, n))
    won, steps = simulate(p, i, n)
    se_win = np.sqrt(won.mean() * (1 - won.mean()) / walks)
    se_dur = steps.std() / np.sqrt(walks)
    print(
        f"p = {p:.2f}  P(win): formula {win_cf:.3f}, matrix {B[i - 1, 1]:.3f}, "
        f"MC {won.mean():.3f} (se {se_win:.3f})"
    )
    print(
        f"          E[steps]: formula {dur_cf:.3f}, matrix {t[i - 1]:.3f}, "
        f"MC {steps.mean():.3f} (se {se_dur:.3f})"
    )

Q, _ = ruin_chain(0.5, n)
# Row i of F without the inverse: solve (I - Q)^T x = e_i
visits = np.linalg.solve((np.eye(n - 1) - Q).T, np.eye(n - 1)[i - 1])
print("p = 0.50, expected visits to 1..9 from 5:", " ".join(f"{v:.3f}" for v in visits))

print("p = 0.49, double a bankroll of i (target 2i) before ruin:")
for stake in [10, 50, 100]:
    print(f"  i = {stake:>3}: P(win) {closed_form(0.49, stake, 2 * stake)[0]:.3f}")


# Penney's game: flip a fair coin until A or B appears as three flips in a row.
# State = longest suffix of the flips that is a prefix of A or B.
def penney(a, b):
    prefixes = {a[:k] for k in range(3)} | {b[:k] for k in range(3)}
    states = sorted(prefixes, key=lambda s: (len(s), s)) + [a, b]
    idx = {s: j for j, s in enumerate(states)}
    m = len(prefixes)
    P = np.zeros((m, m + 2))
    for s in states[:m]:
        for flip in "HT":
            w = s + flip
            nxt = next(w[k:] for k in range(len(w) + 1) if w[k:] in idx)
            P[idx[s], idx[nxt]] += 0.5
    t, B = absorb(P[:, :m], P[:, m:])
    # Row 0 is the empty history (start); column 1 is "B appears first"
    return B[0, 1], t[0]


def simulate_penney(a, b, n_flips=200):
    x = rng.integers(0, 2, size=(walks, n_flips))
    code = 4 * x[:, :-2] + 2 * x[:, 1:-1] + x[:, 2:]

    def first(s):
        hit = code == int(s.replace("H", "1").replace("T", "0"), 2)
        return np.where(hit.any(axis=1), hit.argmax(axis=1), n_flips)

    end = np.minimum(first(a), first(b))
    # Every game must have ended within n_flips
    assert (end < n_flips).all()
    return first(b) < first(a), end + 3


print("Penney's game: B's best reply to A (exact by B = F R, MC from 20,000 games)")
patterns = ["".join(s) for s in itertools.product("HT", repeat=3)]
for a in patterns:
    b = max((x for x in patterns if x != a), key=lambda x: penney(a, x)[0])
    pb, length = penney(a, b)
    b_first, flips = simulate_penney(a, b)
    se = np.sqrt(b_first.mean() * (1 - b_first.mean()) / walks)
    se_flips = flips.std() / np.sqrt(walks)
    print(
        f"  A {a}  B {b}  P(B first) {pb:.3f}, MC {b_first.mean():.3f} (se {se:.3f})"
        f"  flips {length:.3f}, MC {flips.mean():.3f} (se {se_flips:.3f})"
    )
