import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

rng = np.random.default_rng(0)
# P(y=1 | x) = sigmoid(3 (w.x - 0.6)); x3 is noise. Concept drift rotates w.
W_REF, W_NEW = np.array([1.0, 0.5, 0.0]), np.array([1.0, -0.5, 0.0])


def sample(n, mean=(0, 0, 0), scale=(1, 1, 1), w=W_REF):
    X = rng.normal(size=(n, 3)) * np.asarray(scale) + np.asarray(mean)
    y = (rng.random(n) < 1 / (1 + np.exp(-3 * (X @ w - 0.6)))).astype(int)
    return X, y


def label_shift(n, prior):
    # Resample reference data by class: p(x | y) fixed, p(y) moved.
    X, y = sample(20 * n)
    k = round(prior * n)
    pos = rng.choice(np.flatnonzero(y == 1), k, replace=False)
    neg = rng.choice(np.flatnonzero(y == 0), n - k, replace=False)
    idx = rng.permutation(np.concatenate([pos, neg]))
    return X[idx], y[idx]


def psi(ref, cur, bins=10):
    edges = np.quantile(ref, np.linspace(0, 1, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    r = np.clip(np.histogram(ref, edges)[0] / len(ref), 1e-4, None)
    c = np.clip(np.histogram(cur, edges)[0] / len(cur), 1e-4, None)
    return float(np.sum((c - r) * np.log(c / r)))


def wilson(k, n, z=1.96):
    p, d = k / n, 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / d
    return centre - half, centre + half


# Reference period: train, calibration (isotonic) and labelled validation sets.
X_tr, y_tr = sample(10_000)
X_cal, y_cal = sample(5_000)
X_val, y_val = sample(5_000)
forest = RandomForestClassifier(200, min_samples_leaf=5, random_state=0, n_jobs=1)
forest.fit(X_tr, y_tr)
model = CalibratedClassifierCV(FrozenEstimator(forest), method="isotonic")
model.fit(X_cal, y_cal)

p_val = model.predict_proba(X_val)[:, 1]
pred_val = (p_val >= 0.5).astype(int)
ok_val = pred_val == y_val
conf_val = np.maximum(p_val, 1 - p_val)
# ATC: threshold t with share(conf > t) = validation accuracy; isotonic output has
# ties, so a share `frac` of the cases exactly at t counts (a randomised threshold).
t_atc = np.quantile(conf_val, 1 - ok_val.mean())
frac = (ok_val.mean() - np.mean(conf_val > t_atc)) / np.mean(conf_val == t_atc)
# BBSE (binary form): validation TPR and FPR at the decision threshold.
tpr, fpr = pred_val[y_val == 1].mean(), pred_val[y_val == 0].mean()

scenarios = {
    "no shift": sample(5_000),
    "covariate, harder region": sample(5_000, mean=(0.6, 0, 0), scale=(0.5, 1, 1)),
    "covariate, easier region": sample(5_000, mean=(-1.5, 0, 0)),
    "covariate, unseen region": sample(5_000, mean=(-1.4, 4.0, 0)),
    "label shift, 60% positive": label_shift(5_000, 0.6),
    "concept drift": sample(5_000, w=W_NEW),
}

rows = []
for name, (X, y) in scenarios.items():
    p = model.predict_proba(X)[:, 1]
    pred = (p >= 0.5).astype(int)
    conf = np.maximum(p, 1 - p)
    r = {"name": name, "true": np.mean(pred == y), "pos": pred.mean()}
    # CBPE: with calibrated probabilities, P(correct) = max(p, 1 - p).
    r["cbpe"] = conf.mean()
    r["atc"] = np.mean(conf > t_atc) + frac * np.mean(conf == t_atc)
    # Importance weights w(x) = p(prod | x) / p(ref | x) from a domain classifier
    # (quadratic features: the log density ratio of two Gaussians is quadratic).
    domain = make_pipeline(
        StandardScaler(), PolynomialFeatures(2), LogisticRegression(max_iter=1000)
    )
    domain.fit(np.vstack([X_val, X]), np.r_[np.zeros(len(X_val)), np.ones(len(X))])
    d = domain.predict_proba(X_val)[:, 1]
    w = d / (1 - d)
    r["iw"] = np.sum(w * ok_val) / w.sum()
    r["ess"] = w.sum() ** 2 / np.sum(w**2)
    # BBSE: invert the predicted-positive rate to a prior, then reweight the recalls.
    prior = np.clip((pred.mean() - fpr) / (tpr - fpr), 0, 1)
    r["bbse"] = prior * tpr + (1 - prior) * (1 - fpr)
    r["psi"] = max(psi(X_val[:, j], X[:, j]) for j in range(3))
    # A labelled audit: 200 random production cases, Wilson 95% interval.
    audit = rng.choice(len(y), 200, replace=False)
    r["audit"] = np.mean(pred[audit] == y[audit])
    r["lo"], r["hi"] = wilson(200 * r["audit"], 200)
    rows.append(r)
    if name == "covariate, harder region":
        # CBPE's expected confusion matrix: each case adds p to "truly positive".
        tp, fp, fn = p[pred == 1].sum(), (1 - p[pred == 1]).sum(), p[pred == 0].sum()
        cbpe_pr = (tp / (tp + fp), tp / (tp + fn))
        true_pr = (y[pred == 1].mean(), pred[y == 1].mean())

print(f"reference: validation accuracy {ok_val.mean():.3f}, ", end="")
print(f"predicted positive {pred_val.mean():.3f}")
print(f"{'scenario':26} {'true acc':>8} {'CBPE':>6} {'ATC':>6} {'IW':>6} {'BBSE':>6}")
for r in rows:
    print(f"{r['name']:26} {r['true']:8.3f}", end="")
    print("".join(f" {r[k]:6.3f}" for k in ["cbpe", "atc", "iw", "bbse"]))

print()
print(f"{'scenario':26} {'max PSI':>7} {'pred pos':>8} {'IW ESS':>6}", end="")
print("  audit of 200 [95% CI]")
for r in rows:
    inside = "inside" if r["lo"] <= r["cbpe"] <= r["hi"] else "OUTSIDE"
    print(
        f"{r['name']:26} {r['psi']:7.2f} {r['pos']:8.3f} {r['ess']:6.0f}  "
        f"{r['audit']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}] CBPE {inside}"
    )

print()
print("harder region, CBPE precision {:.3f}, recall {:.3f}".format(*cbpe_pr), end="")
print("; true {:.3f}, {:.3f}".format(*true_pr))
