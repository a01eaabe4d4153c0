import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

D = 10
X, y = make_classification(
    12000, n_features=D, n_informative=6, n_redundant=2, flip_y=0.03, random_state=0
)
idx = np.random.default_rng(0).permutation(len(X))
# the owner's training rows, the test rows (what real users send), and
# unlabelled rows from the same distribution that an attacker might hold
train, test, public = idx[:6000], idx[6000:8000], idx[8000:]
mu, sd = X[train].mean(axis=0), X[train].std(axis=0)


def logit(p):
    return np.log(p / (1 - p))


def solve(queries, answers):
    """Least squares for w.x + b = logit(p); exact with d + 1 exact answers."""
    A = np.c_[queries, np.ones(len(queries))]
    return np.linalg.lstsq(A, logit(answers), rcond=None)[0]


# 1) Equation solving (Tramèr et al. 2016) against a logistic-regression API
#    that returns P(y=1|x): each answer is one linear equation in (w, b).
lr = LogisticRegression(max_iter=1000, tol=1e-10).fit(X[train], y[train])
w_true = np.r_[lr.coef_[0], lr.intercept_]
rng = np.random.default_rng(1)
Q = rng.standard_normal((D + 1, D))
w_hat = solve(Q, lr.predict_proba(Q)[:, 1])
print(f"[1] logistic-regression API, {D} weights + bias")
print(f"    {'true':<15}:", np.round(w_true[:4], 4), "...")
print(f"    from {D + 1} answers:", np.round(w_hat[:4], 4), "...")
print(f"    max |error| < 1e-6: {np.abs(w_hat - w_true).max() < 1e-6}")
print(f"    largest |weight| {np.abs(w_true).max():.3f}; answers rounded to 2 dp:")
w_r = solve(Q, np.round(lr.predict_proba(Q)[:, 1], 2))
print(f"      {D + 1} rounded answers: max |error| = {np.abs(w_r - w_true).max():.3f}")
Q = rng.standard_normal((1000, D))
w_r = solve(Q, np.round(lr.predict_proba(Q)[:, 1], 2))
agree = np.mean((X[test] @ w_r[:D] + w_r[D] > 0) == lr.predict(X[test]))
print(
    f"      1,000 rounded answers: max |error| = {np.abs(w_r - w_true).max():.3f}, "
    f"same test labels {agree:.3f}"
)

# 2) Learning-based extraction of a model with no closed form: a gradient-
#    boosted victim. The attacker has no data: it samples queries from a rough
#    prior (each feature's mean and spread, independently) and fits a surrogate.
victim = HistGradientBoostingClassifier(max_iter=200, random_state=0)
victim.fit(X[train], y[train])
v_test = victim.predict(X[test])


def api(queries, mode):
    p = victim.predict_proba(queries)[:, 1]
    if mode == "probabilities":
        return p
    if mode == "rounded 2 dp":
        return np.round(p, 2)
    return (p > 0.5).astype(float)


def steal(queries, mode):
    """Cubic logistic regression fitted to the API's answers as soft targets."""
    t = api(queries, mode)
    # cross-entropy with a soft target t: the query once as label 1 with weight
    # t and once as label 0 with weight 1 - t (a hard label drops one copy)
    Xs, ys, ws = np.r_[queries, queries], np.r_[t * 0 + 1, t * 0], np.r_[t, 1 - t]
    keep = ws > 0
    surrogate = make_pipeline(
        StandardScaler(),
        PolynomialFeatures(3),
        StandardScaler(),
        LogisticRegression(max_iter=10000, tol=1e-8),
    )
    surrogate.fit(Xs[keep], ys[keep], logisticregression__sample_weight=ws[keep])
    pred = surrogate.predict(X[test])
    # fidelity: agreement with the victim; accuracy: agreement with the truth
    return np.mean(pred == v_test), np.mean(pred == y[test])


MODES = ["probabilities", "rounded 2 dp", "label only"]
print(f"\n[2] gradient-boosted victim, test accuracy {np.mean(v_test == y[test]):.3f}")
print("    surrogate fidelity / accuracy on the real test rows")
print(f"    {'queries':>7}" + "".join(f"{m:>17}" for m in MODES))
for n in [100, 300, 1000, 3000, 10000]:
    Q = mu + sd * np.random.default_rng(n).standard_normal((n, D))
    cells = [steal(Q, m) for m in MODES]
    print(f"    {n:>7,}" + "".join(f"{f:>11.3f} / {a:.3f}" for f, a in cells))
rng = np.random.default_rng(7)
for name, Q in [
    ("a uniform box [-4, 4]", rng.uniform(-4, 4, (1000, D))),
    ("unlabelled real rows", X[rng.choice(public, 1000, replace=False)]),
]:
    f, a = steal(Q, "probabilities")
    print(f"    1,000 queries from {name}, probabilities: {f:.3f} / {a:.3f}")

# 3) Detection by query distribution: score an account by the mean distance of
#    its queries to the nearest training row (standardised features).
nn = NearestNeighbors(n_neighbors=1, algorithm="kd_tree").fit((X[train] - mu) / sd)
N_Q = 50
rng = np.random.default_rng(3)


def score(queries):
    return nn.kneighbors((queries - mu) / sd)[0].mean()


def accounts(n_accounts, source):
    if source == "prior":
        return [mu + sd * rng.standard_normal((N_Q, D)) for _ in range(n_accounts)]
    rows = test if source == "user" else public
    return [X[rng.choice(rows, N_Q, replace=False)] for _ in range(n_accounts)]


thr = np.quantile([score(q) for q in accounts(200, "user")], 0.99)
print(f"\n[3] detector: mean distance of an account's {N_Q} queries to training rows")
print(f"    threshold (99th percentile of 200 benign accounts): {thr:.2f}")
for label, source in [
    ("benign users", "user"),
    ("attacker, Gaussian prior", "prior"),
    ("attacker, unlabelled real rows", "public"),
]:
    s = np.array([score(q) for q in accounts(200, source)])
    print(f"    {label:<30} mean score {s.mean():.2f}, flagged {np.mean(s > thr):.3f}")
