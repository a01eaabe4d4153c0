import numpy as np

# A 4-state, 2-action MDP with a known model, so the target policy's true value is
# exact. Rewards are observed with Gaussian noise; episodes last H steps, no discount.
rng = np.random.default_rng(0)
nS, nA, NOISE, N_EPISODES, N_RUNS = 4, 2, 0.5, 100, 1_000
P = rng.dirichlet(np.ones(nS), size=(nS, nA))
R = rng.uniform(0, 1, size=(nS, nA))
# behaviour (logging) policy: uniform; target policy: 0.8 on the action with the
# higher mean immediate reward, 0.2 on the other
mu = np.full((nS, nA), 0.5)
pi = np.full((nS, nA), 0.2)
pi[np.arange(nS), R.argmax(1)] = 0.8


def true_value(H):
    V = np.zeros(nS)
    for _ in range(H):
        V = (pi * (R + P @ V)).sum(1)
    # the start state is uniform
    return V.mean()


def simulate(H, shape, rng):
    """Logged episodes from mu: arrays of shape (runs, episodes, H)."""
    cum = P.cumsum(-1).reshape(nS * nA, nS)[:, :-1]
    s, a, r = [], [], []
    st = rng.integers(0, nS, shape)
    for _ in range(H):
        at = (rng.random(shape) < mu[st, 1]).astype(np.int64)
        s.append(st)
        a.append(at)
        r.append(R[st, at] + NOISE * rng.standard_normal(shape))
        st = (rng.random(shape)[..., None] > cum[st * nA + at]).sum(-1)
    return np.stack(s, -1), np.stack(a, -1), np.stack(r, -1)


def fqe(s, a, r, phi):
    """Fitted Q evaluation, one fit per run, on the features phi(state) (one-hot
    groups). Q[run, t, state, action]: the value with H - t steps to go. With
    one-hot features the least-squares fit of r + V(s') is the average per cell."""
    runs, H, k = s.shape[0], s.shape[-1], phi.max() + 1
    cell = (np.arange(runs)[:, None, None] * k + phi[s]) * nA + a
    n = np.bincount(cell.ravel(), minlength=runs * k * nA).reshape(runs, k, nA)
    r_hat = np.bincount(cell.ravel(), r.ravel(), runs * k * nA).reshape(runs, k, nA)
    r_hat /= np.maximum(n, 1)
    nxt = np.bincount(
        (cell[..., :-1] * nS + s[..., 1:]).ravel(), minlength=runs * k * nA * nS
    ).reshape(runs, k, nA, nS)
    nxt = nxt / np.maximum(nxt.sum(-1, keepdims=True), 1)
    Q = np.empty((runs, H, nS, nA))
    V = np.zeros((runs, nS))
    for t in range(H - 1, -1, -1):
        Q[:, t] = (r_hat + np.einsum("rkax,rx->rka", nxt, V))[:, phi]
        V = (pi * Q[:, t]).sum(-1)
    return Q


def dr_terms(s, a, r, w, Q):
    """Per-episode doubly robust terms (Jiang and Li 2016, no discount)."""
    run, t = np.arange(s.shape[0])[:, None, None], np.arange(s.shape[-1])
    w_prev = np.concatenate([np.ones_like(w[..., :1]), w[..., :-1]], -1)
    V = (pi * Q).sum(-1)
    return (w * (r - Q[run, t, s, a]) + w_prev * V[run, t, s]).sum(-1)


def estimate(s, a, r, phi):
    """Each estimator's value per run, and a standard error where it is a mean."""
    # w[..., t] = product of the ratios pi / mu up to step t
    w = np.cumprod(pi[s, a] / mu[s, a], -1)
    per_episode = {"IS": w[..., -1] * r.sum(-1), "PDIS": (w * r).sum(-1)}
    # DR, cross-fitted: each half is corrected with the Q fitted on the other half
    h = s.shape[1] // 2
    one, two = (slice(None), slice(None, h)), (slice(None), slice(h, None))
    Q1, Q2 = fqe(s[one], a[one], r[one], phi), fqe(s[two], a[two], r[two], phi)
    dr_one = dr_terms(s[one], a[one], r[one], w[one], Q2)
    dr_two = dr_terms(s[two], a[two], r[two], w[two], Q1)
    per_episode["DR"] = np.concatenate([dr_one, dr_two], axis=1)
    out = {
        k: (v.mean(1), v.std(1, ddof=1) / np.sqrt(v.shape[1]))
        for k, v in per_episode.items()
    }
    out["WIS"] = ((w[..., -1] * r.sum(-1)).sum(1) / w[..., -1].sum(1), None)
    V0 = (pi * fqe(s, a, r, phi)[:, 0]).sum(-1)
    out["FQE"] = (V0[np.arange(len(s))[:, None], s[..., 0]].mean(1), None)
    return out


# FQE features: each state on its own, or states {0, 1} and {2, 3} merged
exact, grouped = np.arange(nS), np.array([0, 0, 1, 1])
log_rng = np.random.default_rng(1)
for H in [5, 10, 20]:
    v = true_value(H)
    s, a, r = simulate(H, (N_RUNS, N_EPISODES), log_rng)
    results = estimate(s, a, r, exact)
    misspecified = estimate(s, a, r, grouped)
    results["FQE, grouped"] = misspecified["FQE"]
    results["DR, grouped Q"] = misspecified["DR"]
    # the per-step ratio is 1.6 or 0.4 with equal chance, so E[w_H^2] = 1.36^H,
    # and N / E[w^2] approximates the effective number of episodes
    w2 = 1.36**H
    print(f"H={H}: true value {v:.3f}, E[w^2] {w2:.1f}, ", end="")
    print(f"effective episodes ~ {N_EPISODES / w2:.1f} of {N_EPISODES}")
    head = f"  {'estimator':14} {'bias':>7} {'(MC se)':>7} {'sd':>7} {'RMSE':>7}"
    print(head + f" {'CI cover':>8}")
    for name, (est, se) in results.items():
        err = est - v
        mc = err.std() / np.sqrt(N_RUNS)
        cover = "" if se is None else f" {np.mean(np.abs(err) <= 1.96 * se):8.2f}"
        rmse = np.sqrt(np.mean(err**2))
        row = f"  {name:14} {err.mean():+7.3f} ({mc:5.3f}) {est.std():7.3f} {rmse:7.3f}"
        print(row + cover)
