import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import spearmanr
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import cohen_kappa_score, confusion_matrix, log_loss
from statsmodels.miscmodels.ordinal_model import OrderedModel

rng = np.random.default_rng(0)
K = 5
LEVELS = np.arange(1, K + 1)

# A 1-5 rating from a latent linear score (4 useful features, 4 useless ones) plus
# logistic noise, cut at unequal thresholds: the gaps are 3.0, 1.4 and 3.6, so the
# levels are not equally spaced. With logistic noise the ordered logit is the true
# model.
beta = np.array([2.0, -1.6, 1.2, 0.8, 0, 0, 0, 0])
cuts = np.array([-4.0, -1.0, 0.4, 4.0])


def make(n):
    X = rng.normal(size=(n, len(beta)))
    latent = X @ beta + rng.logistic(size=n)
    return X, 1 + np.searchsorted(cuts, latent)


X_tr, y_tr = make(500)
X_val, y_val = make(1000)
X_te, y_te = make(10000)
print(f"train/validation/test: {len(y_tr)}/{len(y_val)}/{len(y_te)}")
print("test label shares:", " ".join(f"{np.mean(y_te == k):.2f}" for k in LEVELS))


def qwk(y, pred):
    # labels=: the weights use positions in this list, so a level missing from both
    # arrays would otherwise shrink the distances.
    return cohen_kappa_score(y, pred, labels=LEVELS, weights="quadratic")


def rps(y, proba):
    # Ranked probability score: squared gaps between the predicted and the observed
    # cumulative distributions, summed over the K - 1 cut points, averaged over rows.
    observed = (y[:, None] <= LEVELS[None, :-1]).astype(float)
    return np.mean(np.sum((proba.cumsum(axis=1)[:, :-1] - observed) ** 2, axis=1))


def median_level(proba):
    # The smallest level whose cumulative probability reaches 0.5.
    return 1 + np.argmax(proba.cumsum(axis=1) >= 0.5, axis=1)


def cut(score, thresholds):
    return 1 + np.searchsorted(np.sort(thresholds), score)


# (a) Multinomial logistic regression: 5 unordered classes, 5 x 9 parameters.
multi = LogisticRegression(max_iter=1000).fit(X_tr, y_tr)
p_multi = multi.predict_proba(X_te)

# (b) Linear regression on the ranks 1..5, rounded and clipped.
lin = LinearRegression().fit(X_tr, y_tr)
raw = lin.predict(X_te)

# (c) Ordered logit (proportional odds): P(y <= k) = sigmoid(theta_k - x'beta),
# 8 + 4 parameters. statsmodels wants no intercept: the thresholds play its role.
ordered = OrderedModel(y_tr, X_tr, distr="logit").fit(
    method="bfgs", maxiter=1000, disp=False
)
p_ord = ordered.predict(X_te)
b_hat = ordered.params[: len(beta)]
theta_hat = ordered.model.transform_threshold_params(ordered.params)[1:-1]
# The same probabilities by hand: differences of the cumulative sigmoids.
cdf = expit(theta_hat[None, :] - (X_te @ b_hat)[:, None])
cdf = np.hstack([np.zeros((len(X_te), 1)), cdf, np.ones((len(X_te), 1))])
by_hand = np.allclose(np.diff(cdf, axis=1), p_ord)

# Frank & Hall: K - 1 independent binary models for P(y > k), differenced.
p_gt = np.column_stack(
    [
        LogisticRegression(max_iter=1000).fit(X_tr, y_tr > k).predict_proba(X_te)[:, 1]
        for k in LEVELS[:-1]
    ]
)
p_fh = -np.diff(np.hstack([np.ones((len(X_te), 1)), p_gt, np.zeros((len(X_te), 1))]))
crossed = np.mean((p_fh < 0).any(axis=1))
p_fh = np.clip(p_fh, 0, None)
p_fh /= p_fh.sum(axis=1, keepdims=True)

# (d) The regression score cut at 4 thresholds tuned for QWK on the validation split.
score_val = lin.predict(X_val)
res = minimize(
    lambda t: -qwk(y_val, cut(score_val, t)),
    x0=[1.5, 2.5, 3.5, 4.5],
    method="Nelder-Mead",
)
t_qwk = np.sort(res.x)

# Each row: name, predicted levels, predicted probabilities (None for a point model).
rows = [
    ("multinomial, mode", multi.predict(X_te), p_multi),
    ("multinomial, median", median_level(p_multi), p_multi),
    ("linear, round + clip", np.clip(np.rint(raw), 1, K).astype(int), None),
    ("linear, QWK-tuned cuts", cut(raw, t_qwk), None),
    ("ordered logit, mode", 1 + p_ord.argmax(axis=1), p_ord),
    ("ordered logit, median", median_level(p_ord), p_ord),
    ("Frank & Hall, median", median_level(p_fh), p_fh),
]
print(
    f"{'model':<23}{'acc':>6}{'MAE':>7}{'QWK':>7}{'rho':>7}{'RPS':>7}{'NLL':>7}{'sd':>6}"
)
for name, pred, proba in rows:
    if proba is None:
        # Spearman on the continuous score: it does not depend on the cut points.
        rho, probs = spearmanr(y_te, raw)[0], f"{'-':>7}{'-':>7}"
    else:
        rho = spearmanr(y_te, proba @ LEVELS)[0]
        probs = f"{rps(y_te, proba):7.3f}{log_loss(y_te, proba, labels=LEVELS):7.3f}"
    print(
        f"{name:<23}{np.mean(pred == y_te):6.3f}{np.mean(np.abs(pred - y_te)):7.3f}"
        f"{qwk(y_te, pred):7.3f}{rho:7.3f}{probs}{pred.std():6.2f}"
    )
print(f"true labels: sd {y_te.std():.2f}")
print(f"raw linear predictions outside [1, 5]: {np.mean((raw < 1) | (raw > K)):.1%}")
print("QWK-tuned cuts on the linear score:", " ".join(f"{t:.2f}" for t in t_qwk))
print(f"Frank & Hall rows with crossing P(y > k), clipped: {crossed:.1%}")

print("ordered logit probabilities by hand match statsmodels:", by_hand)
print("true cuts   ", " ".join(f"{c:6.2f}" for c in cuts))
print("fitted cuts ", " ".join(f"{c:6.2f}" for c in theta_hat))
print("true beta   ", " ".join(f"{b:6.2f}" for b in beta))
print("fitted beta ", " ".join(f"{b:6.2f}" for b in b_hat))

# QWK in closed form: 1 - MSE / (var y + var pred + (mean y - mean pred)^2).
pred = median_level(p_ord)
closed = 1 - np.mean((y_te - pred) ** 2) / (
    y_te.var() + pred.var() + (y_te.mean() - pred.mean()) ** 2
)
print("QWK closed form matches sklearn:", np.isclose(closed, qwk(y_te, pred)))
# Same model, same kind of errors, fewer extreme labels: QWK drops.
mid = (y_te >= 2) & (y_te <= 4)
for label, m in [("all test rows", np.ones_like(mid)), ("true levels 2-4", mid)]:
    print(
        f"ordered logit median, {label:<15}: MAE "
        f"{np.mean(np.abs(pred[m] - y_te[m])):.3f}  QWK {qwk(y_te[m], pred[m]):.3f}"
    )
print("confusion matrix, ordered logit median (rows true 1-5, columns predicted 1-5):")
print(confusion_matrix(y_te, pred, labels=LEVELS))
