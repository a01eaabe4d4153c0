import sys
import time

import numpy as np

rng = np.random.default_rng(0)

# 1,000 items in 20 topics; 500 users whose long-run taste mixes two topics.
n_users, n_items, n_topics, k = 500, 1000, 20, 16
centers = rng.normal(0, 1, (n_topics, k))
topic = rng.integers(0, n_topics, n_items)
Q = centers[topic] + rng.normal(0, 0.5, (n_items, k))
P = np.array(
    [centers[rng.choice(n_topics, 2, replace=False)].mean(0) for _ in range(n_users)]
)


def draw(taste, n, exclude):
    w = np.exp(0.6 * Q @ taste)
    w[exclude] = 0
    return rng.choice(n_items, n, replace=False, p=w / w.sum())


# History (what last night's batch job trained on): 40 items per user, drawn from the
# long-run taste.
R = np.zeros((n_users, n_items))
for u in range(n_users):
    R[u, draw(P[u], 40, [])] = 1
# Today's session: the user has a new intent (a random topic) and clicks 10 items
# from it.
sessions = []
for u in range(n_users):
    intent = centers[rng.integers(n_topics)]
    sessions.append(draw(0.3 * P[u] + intent, 10, np.nonzero(R[u])[0]))


def fold_in(B, BtB, nz, conf, lam=20.0):
    """One implicit-ALS step for a single row: interactions nz with confidences conf."""
    Bn = B[nz]
    lhs = BtB + Bn.T @ ((conf - 1)[:, None] * Bn) + lam * np.eye(B.shape[1])
    return np.linalg.solve(lhs, Bn.T @ conf)


def wals(R, alpha=5.0, iters=8):
    r = np.random.default_rng(0)
    X, Y = r.normal(0, 0.1, (R.shape[0], k)), r.normal(0, 0.1, (R.shape[1], k))
    for _ in range(iters):
        for A, B, M in [(X, Y, R), (Y, X, R.T)]:
            BtB = B.T @ B
            for row in range(len(A)):
                nz = np.nonzero(M[row])[0]
                A[row] = fold_in(B, BtB, nz, np.full(len(nz), 1 + alpha))
    return X, Y


X, Y = wals(R)
YtY = Y.T @ Y
Yn = Y / np.linalg.norm(Y, axis=1, keepdims=True)


def recall(scores, seen, target):
    s = scores.copy()
    s[seen] = -np.inf
    return np.isin(np.argsort(-s, kind="stable")[:10], target).sum() / len(target)


print("session clicks seen  nightly vector  refit, equal weight", end="  ")
print("refit, recent x10  session only")
for m in [0, 1, 3, 5]:
    res = np.zeros(4)
    for u in range(n_users):
        hist = np.nonzero(R[u])[0]
        clicked, future = sessions[u][:m], sessions[u][m:]
        seen = np.r_[hist, clicked].astype(int)
        equal = fold_in(Y, YtY, seen, np.full(len(seen), 6.0))
        conf = np.r_[np.full(len(hist), 6.0), np.full(m, 51.0)]
        recent = fold_in(Y, YtY, seen, conf)
        session = Yn[clicked].sum(0) if m else X[u]
        for j, vec in enumerate([X[u], equal, recent, session]):
            res[j] += recall(Y @ vec, seen, future[:5]) / n_users
    print(f"{m:19d}  {res[0]:14.3f}  {res[1]:19.3f}  {res[2]:17.3f}  {res[3]:12.3f}")


def timed(fn, repeats=5):
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return np.median(runs)


t_fold = timed(lambda: fold_in(Y, YtY, seen, conf))
t_retrain = timed(lambda: wals(R, iters=1), repeats=3)
print(
    f"one fold-in at least 100x cheaper than one ALS sweep: {t_retrain / t_fold >= 100}"
)
print(
    f"fold-in {t_fold * 1e6:.0f} us, one sweep {t_retrain * 1e3:.0f} ms",
    file=sys.stderr,
)
