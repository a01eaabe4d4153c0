import numpy as np

# the true effect of treatment, the same for every unit
TAU = 1.0


def simulate(rng, n, spread=1.0):
    """Confounders x0, x1, x2 drive both treatment and outcome. A larger
    `spread` pushes propensities towards 0 and 1: poor overlap."""
    # uniform with mean 0 and variance 1: bounded, so good overlap is really good
    X = rng.uniform(-np.sqrt(3), np.sqrt(3), size=(n, 3))
    x0, x1, x2 = X.T
    # treatment is likelier for high x0, extreme x1 and low x2
    e = 1 / (1 + np.exp(-spread * (0.8 * x0 + 0.6 * (x1**2 - 1) - 0.5 * x2)))
    t = (rng.random(n) < e).astype(float)
    y = 2 * x0 + x1**2 - x2 + TAU * t + rng.standard_normal(n)
    return X, t, y


def linear(X):
    return X


def quad(X):
    # squares and pairwise products: the true models are in this family
    i, j = np.triu_indices(X.shape[1])
    return np.column_stack([X, X[:, i] * X[:, j]])


def design(X, form):
    return np.column_stack([np.ones(len(X)), form(X)])


def fit_e(X, t, form=quad):
    """Propensity model e(x) = P(t = 1 | x): logistic regression, Newton's method."""
    F = design(X, form)
    b = np.zeros(F.shape[1])
    for _ in range(12):
        p = 1 / (1 + np.exp(-F @ b))
        hessian = F.T @ (F * (p * (1 - p))[:, None]) + 1e-6 * np.eye(len(b))
        b += np.linalg.solve(hessian, F.T @ (t - p))
    return lambda Xnew: 1 / (1 + np.exp(-design(Xnew, form) @ b))


def fit_m(X, y, form=quad):
    """Outcome model m(x) = E[y | x], fitted within one arm by least squares."""
    b = np.linalg.lstsq(design(X, form), y, rcond=None)[0]
    return lambda Xnew: design(Xnew, form) @ b


def aipw(X, t, y, m_form=quad, e_form=quad, seed=0):
    """Cross-fitted AIPW (the DML estimator of the ATE): the nuisance models that
    score a unit are fitted on the other fold. Returns the estimate and its SE."""
    psi = np.empty_like(y)
    fold = np.random.default_rng(seed).permutation(len(y)) % 2
    for k in (0, 1):
        fit, out = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        e = np.clip(fit_e(X[fit], t[fit], e_form)(X[out]), 0.01, 0.99)
        arm = {a: fit[t[fit] == a] for a in (0, 1)}
        m1 = fit_m(X[arm[1]], y[arm[1]], m_form)(X[out])
        m0 = fit_m(X[arm[0]], y[arm[0]], m_form)(X[out])
        # outcome-model difference plus the IPW-weighted residuals of each arm
        r1, r0 = t[out] * (y[out] - m1) / e, (1 - t[out]) * (y[out] - m0) / (1 - e)
        psi[out] = m1 - m0 + r1 - r0
    return psi.mean(), psi.std() / np.sqrt(len(psi))


def nn_match(score, t, y):
    """ATE by 1-nearest-neighbour matching on `score`, with replacement."""
    imputed = np.empty_like(y)
    for a in (0, 1):
        donors = np.flatnonzero(t != a)
        donors = donors[np.argsort(score[donors])]
        units = np.flatnonzero(t == a)
        i = np.clip(np.searchsorted(score[donors], score[units]), 1, len(donors) - 1)
        lo, hi = donors[i - 1], donors[i]
        use_lo = np.abs(score[lo] - score[units]) < np.abs(score[hi] - score[units])
        imputed[units] = y[np.where(use_lo, lo, hi)]
    return np.mean(np.where(t == 1, y - imputed, imputed - y))


def estimates(X, t, y):
    e = fit_e(X, t)(X)
    w1, w0 = t / e, (1 - t) / (1 - e)
    inside = (e > 0.1) & (e < 0.9)
    m1, m0 = fit_m(X[t == 1], y[t == 1]), fit_m(X[t == 0], y[t == 0])
    ols = np.linalg.lstsq(design(np.column_stack([t, X]), linear), y, rcond=None)
    return {
        "naive difference": y[t == 1].mean() - y[t == 0].mean(),
        "OLS of y on t and X (linear)": ols[0][1],
        "regression, quadratic, per arm": np.mean(m1(X) - m0(X)),
        "1-NN matching on logit(e)": nn_match(np.log(e / (1 - e)), t, y),
        "IPW": np.mean(w1 * y - w0 * y),
        "IPW normalised (Hajek)": w1 @ y / w1.sum() - w0 @ y / w0.sum(),
        "IPW trimmed to 0.1 < e < 0.9": np.mean((w1 * y - w0 * y)[inside]),
        "AIPW, cross-fitted": aipw(X, t, y)[0],
        "AIPW, outcome models linear": aipw(X, t, y, m_form=linear)[0],
        "AIPW, propensity linear": aipw(X, t, y, e_form=linear)[0],
        "AIPW, both linear": aipw(X, t, y, linear, linear)[0],
        "largest IPW weight": max(w1.max(), w0.max()),
    }


rng = np.random.default_rng(0)
runs = {}
for overlap, spread in (("good", 1.0), ("poor", 3.0)):
    runs[overlap] = [estimates(*simulate(rng, 2000, spread)) for _ in range(100)]
print("100 simulated studies of 2,000 units each; true effect +1.000 for every unit")
print(f"{'':31}{'good overlap':>15}{'poor overlap':>19}")
print(f"{'estimator':31}{'bias':>9}{'sd':>6}{'bias':>13}{'sd':>6}")
for key in runs["good"][0]:
    values = [np.array([r[key] for r in runs[o]]) for o in runs]
    if key.startswith("largest"):
        cells = [f"{np.median(v):15.0f}" for v in values]
        print(f"{key + ' (median)':31}{cells[0]}    {cells[1]}")
    else:
        cells = [f"{v.mean() - TAU:+9.3f}{v.std():6.3f}" for v in values]
        print(f"{key:31}{cells[0]}    {cells[1]}")

# Balance in one study: standardised mean differences before and after weighting
X, t, y = simulate(rng, 2000)
e = fit_e(X, t)(X)
w = t / e + (1 - t) / (1 - e)


def smd(z, weight):
    """(weighted) mean difference over the pooled (weighted) standard deviation"""
    mean, var = [], []
    for a in (1, 0):
        mean.append(np.average(z[t == a], weights=weight[t == a]))
        var.append(np.average((z[t == a] - mean[-1]) ** 2, weights=weight[t == a]))
    return np.round((mean[0] - mean[1]) / np.sqrt((var[0] + var[1]) / 2), 2) + 0.0


names = ["x0", "x1", "x2", "x1^2"]
print(f"{'standardised mean difference':29}" + "".join(f"{c:>7}" for c in names))
for name, weight in (("raw", np.ones_like(w)), ("IPW-weighted", w)):
    cols = [X[:, 0], X[:, 1], X[:, 2], X[:, 1] ** 2]
    print(f"{name:29}" + "".join(f"{smd(z, weight):+7.2f}" for z in cols))

# One large study: the adjustment set decides, whichever estimator you use
X, t, y = simulate(rng, 20_000)
# a collider: a post-treatment record caused by both treatment and outcome
C = t + 0.5 * y + rng.standard_normal(len(y))
est, se = aipw(X, t, y)
print(f"AIPW adjusting for x0, x1, x2:         {est:+.3f} (SE {se:.3f})")
collider = aipw(np.column_stack([X, C]), t, y)[0]
print(f"AIPW also adjusting for a collider C:  {collider:+.3f}")
print(f"AIPW with x0 unmeasured:               {aipw(X[:, 1:], t, y)[0]:+.3f}")
# E-value (VanderWeele and Ding 2017) via the approximate conversion of a
# standardised difference d to a risk ratio, RR = exp(0.91 d)
d, se_d = est / y.std(), se / y.std()
rr, rr_low = np.exp(0.91 * d), np.exp(0.91 * d - 1.78 * se_d)
e_value = rr + np.sqrt(rr * (rr - 1))
e_value_ci = rr_low + np.sqrt(rr_low * (rr_low - 1))
print(f"E-value: d {d:.3f}, RR {rr:.2f}, E-value {e_value:.2f}", end="")
print(f" (for the CI limit {e_value_ci:.2f})")
