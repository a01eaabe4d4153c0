import numpy as np
from scipy.optimize import minimize_scalar
from scipy.stats import chi2_contingency
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

rng = np.random.default_rng(0)
# Three classes with fixed class-conditional Gaussians p(x | y) and a shared covariance,
# so multinomial logistic regression is well specified (calibrated). Only p(y) moves.
MEANS = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.8]])
SRC, TGT = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.3, 0.5])


def sample(n, priors):
    y = rng.choice(3, size=n, p=priors)
    return MEANS[y] + rng.normal(size=(n, 2)), y


X_tr, y_tr = sample(20_000, SRC)
# Held-out source data: for the confusion matrix and calibration, never for training.
X_val, y_val = sample(10_000, SRC)
model = LogisticRegression().fit(X_tr, y_tr)
pi_src = np.bincount(y_tr, minlength=3) / len(y_tr)
P_val = model.predict_proba(X_val)
# Joint confusion matrix C[i, j] = P_source(prediction i, label j).
C = np.zeros((3, 3))
np.add.at(C, (P_val.argmax(1), y_val), 1 / len(y_val))


def mean_prob(P):
    return P.mean(0)


def count_predictions(P):
    return np.bincount(P.argmax(1), minlength=3) / len(P)


def em(P, tol=1e-10):
    """Saerens et al. (2002): posteriors under the current prior guess (E-step), then
    the prior as the mean of those posteriors (M-step), until nothing moves."""
    pi = pi_src.copy()
    for _ in range(10_000):
        Q = P * (pi / pi_src)
        new = (Q / Q.sum(1, keepdims=True)).mean(0)
        if np.abs(new - pi).max() < tol:
            break
        pi = new
    return new


def bbse(P):
    """Lipton et al. (2018): solve C w = mu, with mu the shares of predicted labels on
    the target; w = p_target(y) / p_source(y)."""
    w = np.clip(np.linalg.solve(C, count_predictions(P)), 0, None)
    pi = w * C.sum(0)
    return pi / pi.sum()


def correct(P, pi_new):
    """Bayes' rule under label shift: multiply by p_new(y) / p_old(y), renormalise."""
    Q = P * (pi_new / pi_src)
    return Q / Q.sum(1, keepdims=True)


def ece(P, y, n_bins=10):
    conf, hit = P.max(1), P.argmax(1) == y
    b = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    return sum(
        (b == k).mean() * abs(hit[b == k].mean() - conf[b == k].mean())
        for k in range(n_bins)
        if (b == k).any()
    )


methods = {
    "mean probability": mean_prob,
    "count predictions": count_predictions,
    "EM (Saerens)": em,
    "BBSE": bbse,
}
print(f"source priors {SRC}, target priors {TGT}")
print(f"source validation accuracy {(P_val.argmax(1) == y_val).mean():.3f}")
for n in (500, 20_000):
    # 100 unlabelled target samples of size n; "true label counts" is what a labelled
    # sample of the same size would give (the sampling-noise floor).
    est = {name: [] for name in [*methods, "true label counts"]}
    for _ in range(100):
        X_t, y_t = sample(n, TGT)
        P_t = model.predict_proba(X_t)
        for name, estimate in methods.items():
            est[name].append(estimate(P_t))
        est["true label counts"].append(np.bincount(y_t, minlength=3) / n)
    print(f"\ntarget n = {n:,}, 100 samples")
    print(f"{'estimator':18s} {'first sample':21s} mean L1  L1 of the mean")
    for name, e in est.items():
        e = np.array(e)
        l1, bias = np.abs(e - TGT).sum(1).mean(), np.abs(e.mean(0) - TGT).sum()
        first = np.array2string(e[0], precision=3)
        print(f"{name:18s} {first:21s} {l1:7.3f} {bias:7.3f}")

# Correct the posteriors of one new target sample with each estimated prior.
X_t, y_t = sample(20_000, TGT)
P_t = model.predict_proba(X_t)
print("\ncorrected posteriors on 20,000 target cases")
print(f"{'prior used':20s} accuracy log loss   ECE")
priors_used = {"none (source prior)": pi_src}
priors_used.update({name: f(P_t) for name, f in methods.items()})
priors_used["oracle (true prior)"] = TGT
for name, pi in priors_used.items():
    Q = correct(P_t, pi)
    acc = (Q.argmax(1) == y_t).mean()
    print(f"{name:20s} {acc:8.3f} {log_loss(y_t, Q):8.3f} {ece(Q, y_t):.3f}")

# Detection: two-sample chi-square test on predicted-label counts, source vs 500 new.
print()
for label, priors in (("no shift", SRC), ("label shift", TGT)):
    X_new, _ = sample(500, priors)
    table = [
        np.bincount(P_val.argmax(1), minlength=3),
        np.bincount(model.predict(X_new), minlength=3),
    ]
    p = chi2_contingency(table)[1]
    print(f"{label:11s}: chi-square test on predicted labels, p = {p:.2g}")

# EM needs calibrated probabilities. Make the model overconfident (logits x 3): BBSE
# uses only the argmax, which does not change; temperature scaling on the source
# validation set repairs EM.
Z_val, Z_t = 3 * model.decision_function(X_val), 3 * model.decision_function(X_t)


def softmax(Z):
    E = np.exp(Z - Z.max(1, keepdims=True))
    return E / E.sum(1, keepdims=True)


T = minimize_scalar(
    lambda T: log_loss(y_val, softmax(Z_val / T)), bounds=(0.1, 10), method="bounded"
).x
ece_hot = ece(softmax(Z_val), y_val)
print(f"\noverconfident model (logits x 3), ECE on source {ece_hot:.3f}")
print(f"  EM   L1 error {np.abs(em(softmax(Z_t)) - TGT).sum():.3f}")
print(f"  BBSE L1 error {np.abs(bbse(softmax(Z_t)) - TGT).sum():.3f}")
em_ts = np.abs(em(softmax(Z_t / T)) - TGT).sum()
print(f"  EM after temperature scaling (T = {T:.2f}) L1 error {em_ts:.3f}")


# Binary: at a fixed threshold recall and FPR stay put; precision moves with prevalence.
def binary(n, prevalence):
    y = (rng.random(n) < prevalence).astype(int)
    return np.c_[2.0 * y + rng.normal(size=n), rng.normal(size=n)], y


clf = LogisticRegression().fit(*binary(20_000, 0.05))
X_s, y_s = binary(100_000, 0.05)
flag = clf.predict_proba(X_s)[:, 1] >= 0.5
tpr, fpr = flag[y_s == 1].mean(), flag[y_s == 0].mean()
print("\nbinary model trained at prevalence 0.05, threshold 0.5 kept fixed")
print(f"source validation: recall {tpr:.3f}, FPR {fpr:.4f}")
print("prevalence recall    FPR precision  precision from source recall and FPR")
for prevalence in (0.01, 0.05, 0.20):
    X, y = binary(100_000, prevalence)
    flag = clf.predict_proba(X)[:, 1] >= 0.5
    predicted = tpr * prevalence / (tpr * prevalence + fpr * (1 - prevalence))
    print(
        f"{prevalence:10.2f} {flag[y == 1].mean():6.3f} {flag[y == 0].mean():.4f}"
        f" {y[flag].mean():9.3f} {predicted:9.3f}"
    )
