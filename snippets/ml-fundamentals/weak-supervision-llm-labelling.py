import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
N, N_TEST, D, ABSTAIN = 5000, 5000, 100, -1
# Labelling functions, simulated by (coverage, accuracy when they vote). LF5 is a
# variant of LF4 (say, the same keyword list with one word changed): where both
# vote, it copies LF4's vote 70% of the time, errors included.
LFS = {
    "LF1 precise rule": (0.10, 0.95),
    "LF2 keyword list": (0.20, 0.85),
    "LF3 lexicon score": (0.35, 0.75),
    "LF4 weak heuristic": (0.40, 0.65),
    "LF5 variant of LF4": (0.40, 0.65),
}


def sample(n):
    y = rng.integers(0, 2, n)
    # What the end model sees: 100 weak features (class means +-0.12) and a binary
    # "slice" feature (15% of rows, unrelated to y) used by the LLM part below
    X = rng.standard_normal((n, D)) + 0.12 * (2 * y[:, None] - 1)
    X = np.column_stack([X, rng.random(n) < 0.15])
    L = np.full((n, len(LFS)), ABSTAIN)
    for j, (coverage, accuracy) in enumerate(LFS.values()):
        votes = rng.random(n) < coverage
        L[votes, j] = np.where(rng.random(n) < accuracy, y, 1 - y)[votes]
    both = (L[:, 3] != ABSTAIN) & (L[:, 4] != ABSTAIN) & (rng.random(n) < 0.7)
    L[both, 4] = L[both, 3]
    return X, y, L


def signed(L):
    return np.where(L == 1, 1.0, np.where(L == 0, -1.0, 0.0))


def majority_vote(L):
    s = signed(L).sum(1)
    # ties and rows where every LF abstains get a coin flip
    return np.where(s > 0, 1, np.where(s < 0, 0, rng.integers(0, 2, len(L))))


def fit_label_model(L, iters=50):
    # EM for one accuracy per LF, assuming LFs independent given y and balanced
    # classes: E-step = posterior of y from accuracy-weighted votes, M-step = each
    # LF's expected agreement with it. No ground truth is used.
    v, acc = signed(L), np.full(L.shape[1], 0.7)
    for _ in range(iters):
        p = label_model_proba(L, acc)
        agree = (v > 0) * p[:, None] + (v < 0) * (1 - p[:, None])
        acc = np.clip(agree.sum(0) / (v != 0).sum(0), 0.51, 0.99)
    return acc


def label_model_proba(L, acc):
    # P(y = 1 | votes): each vote adds +-log(acc / (1 - acc)) to the log-odds
    return 1 / (1 + np.exp(-signed(L) @ np.log(acc / (1 - acc))))


X, y, L = sample(N)
Xt, yt, Lt = sample(N_TEST)
gold_acc = [
    np.mean(L[L[:, j] != ABSTAIN, j] == y[L[:, j] != ABSTAIN]) for j in range(5)
]
acc_all = fit_label_model(L)
acc_4 = fit_label_model(L[:, :4])
print(f"{'labelling function':<20} coverage  gold acc  EM est.  EM est. without LF5")
for j, name in enumerate(LFS):
    est_4 = f"{acc_4[j]:.3f}" if j < 4 else "-"
    cov = np.mean(L[:, j] != ABSTAIN)
    print(f"{name:<20} {cov:>8.3f} {gold_acc[j]:>9.3f} {acc_all[j]:>8.3f} {est_4:>20}")
agree = {}
for a in range(5):
    for b in range(a + 1, 5):
        both = (L[:, a] != ABSTAIN) & (L[:, b] != ABSTAIN)
        agree[a, b] = np.mean(L[both, a] == L[both, b])
others = [v for k, v in agree.items() if k != (3, 4)]
print(
    f"agreement where both vote: LF4-LF5 {agree[3, 4]:.2f}, "
    f"other pairs {min(others):.2f} to {max(others):.2f}"
)

covered = (L != ABSTAIN).any(1)
p_lm = label_model_proba(L[:, :4], acc_4)
training_labels = {
    "majority vote": majority_vote(L),
    "label model, all 5 LFs": (label_model_proba(L, acc_all) > 0.5).astype(int),
    "label model, LF5 dropped": (p_lm > 0.5).astype(int),
}
print(
    f"\nweak labels on the {covered.mean():.3f} of rows with a vote: accuracy vs gold"
)
for name, labels in training_labels.items():
    print(f"  {name:<26} {np.mean(labels[covered] == y[covered]):.3f}")


# End models: logistic regression on the features, trained on covered rows only
def end_model(X, labels, weights=None):
    return LogisticRegression(max_iter=1000).fit(X, labels, sample_weight=weights)


Xc, pc = X[covered], p_lm[covered]
models = {
    # probabilistic labels: each row twice, weighted by P(y = 1) and P(y = 0)
    "LR on label-model labels": end_model(
        np.vstack([Xc, Xc]),
        np.r_[np.ones(len(Xc)), np.zeros(len(Xc))],
        np.r_[pc, 1 - pc],
    ),
    "LR on majority-vote labels": end_model(
        Xc, training_labels["majority vote"][covered]
    ),
    "LR on 200 gold labels": end_model(X[:200], y[:200]),
    "LR on 5000 gold labels": end_model(X, y),
}
vote_t = (Lt != ABSTAIN).any(1)
lm_t = (label_model_proba(Lt[:, :4], acc_4) > 0.5).astype(int)
print(f"\ntest accuracy; every LF abstains on {1 - vote_t.mean():.3f} of test rows")
print(f"{'':<27} {'all':>6} {'LFs vote':>9} {'LFs abstain':>12}")
print(f"{'label model alone':<27} {'-':>6} {np.mean(lm_t[vote_t] == yt[vote_t]):>9.3f}")
for name, model in models.items():
    ok = model.predict(Xt) == yt
    vote_acc, abstain_acc = ok[vote_t].mean(), ok[~vote_t].mean()
    print(f"{name:<27} {ok.mean():>6.3f} {vote_acc:>9.3f} {abstain_acc:>12.3f}")


# An LLM labels every row, train and test. Its errors are either systematic (on the
# slice it answers 0 whatever the truth, 80% of the time) or the same number of
# errors on rows picked at random.
def llm_labels(X, y, kind):
    biased = np.where((X[:, -1] == 1) & (rng.random(len(y)) < 0.8), 0, y)
    if kind == "systematic":
        return biased
    flip = rng.permutation(len(y)) < np.sum(biased != y)
    return np.where(flip, 1 - y, y)


s = Xt[:, -1] == 1
print(f"\nLLM labels; {s.mean():.3f} of test rows are in the slice")
head = f"{'errors':<11} {'label acc':>9} {'end model vs gold: all':>23} {'slice':>6}"
print(head + f" {'vs LLM: slice':>14}")
for kind in ["random", "systematic"]:
    labels, llm_t = llm_labels(X, y, kind), llm_labels(Xt, yt, kind)
    pred = end_model(X, labels).predict(Xt)
    print(
        f"{kind:<11} {np.mean(labels == y):>9.3f} {np.mean(pred == yt):>23.3f} "
        f"{np.mean(pred[s] == yt[s]):>6.3f} {np.mean(pred[s] == llm_t[s]):>14.3f}"
    )
