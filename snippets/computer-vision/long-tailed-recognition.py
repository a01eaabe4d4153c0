import numpy as np
from sklearn.linear_model import LogisticRegression

# 50 classes with an exponential long tail: 400 training examples for the largest
# class down to 4 for the smallest (imbalance ratio 100); the test set is balanced
C, D, N_HEAD, RATIO = 50, 16, 400, 100
counts = np.round(N_HEAD * RATIO ** (-np.arange(C) / (C - 1))).astype(int)
prior = counts / counts.sum()
# the usual splits by training examples: many-shot > 100, medium 20-100, few < 20
many, few = counts > 100, counts < 20
splits = {"many": many, "medium": ~many & ~few, "few": few}
print(f"train: {counts.sum()} examples, {counts[0]} to {counts[-1]} per class")
print("classes per split:", ", ".join(f"{k} {v.sum()}" for k, v in splits.items()))

recalls, few_share = {}, {}
for seed in range(3):
    rng = np.random.default_rng(seed)
    # one Gaussian per class with unit noise: classes overlap, so the prior matters
    means = rng.normal(0, 1.0, (C, D))
    y_tr = np.repeat(np.arange(C), counts)
    X_tr = means[y_tr] + rng.standard_normal((len(y_tr), D))
    y_te = np.repeat(np.arange(C), 100)
    X_te = means[y_te] + rng.standard_normal((len(y_te), D))

    plain = LogisticRegression(max_iter=1000).fit(X_tr, y_tr)
    logits = plain.decision_function(X_te)
    weighted = LogisticRegression(max_iter=1000, class_weight="balanced")
    weighted.fit(X_tr, y_tr)
    preds = {
        "plain logistic regression": logits.argmax(1),
        # logit adjustment (Menon et al. 2021): subtract tau * log(prior), post hoc
        "logit adjustment, tau=0.5": (logits - 0.5 * np.log(prior)).argmax(1),
        "logit adjustment, tau=1": (logits - np.log(prior)).argmax(1),
        "logit adjustment, tau=2": (logits - 2 * np.log(prior)).argmax(1),
        "class_weight='balanced'": weighted.predict(X_te),
    }
    for name, pred in preds.items():
        # recall of each class; their mean is the balanced accuracy
        rec = np.array([np.mean(pred[y_te == c] == c) for c in range(C)])
        recalls.setdefault(name, []).append(rec)
        few_share.setdefault(name, []).append(np.mean(few[pred]))

print("balanced test set, 100 per class; mean of 3 seeds")
cols = ["bal acc", "range", "many", "medium", "few"]
print(f"{'method':28}" + "".join(f"{c:>7}" for c in cols) + f"{'few share':>10}")
bal = {}
for name, rec in recalls.items():
    r = np.array(rec)
    bal[name] = r.mean(axis=1)
    parts = "".join(f"{r[:, m].mean():7.3f}" for m in splits.values())
    print(f"{name:28}{bal[name].mean():7.3f}{np.ptp(bal[name]):7.3f}{parts}", end="")
    print(f"{np.mean(few_share[name]):10.3f}")
print("range: max - min of balanced accuracy over the seeds")
print(f"few share: predictions naming a few-shot class (true share {few.mean():.2f})")
# paired by seed: every method saw the same training and test data
for other in ["plain logistic regression", "class_weight='balanced'"]:
    diff = bal["logit adjustment, tau=1"] - bal[other]
    print(f"tau=1 minus {other}, per seed:", " ".join(f"{d:+.3f}" for d in diff))
