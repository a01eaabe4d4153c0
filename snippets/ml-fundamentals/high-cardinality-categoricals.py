import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

rng = np.random.default_rng(0)
N_CAT, N_TRAIN, N_TEST = (
    5000,
    20_000,
    20_000,
)  # e.g. merchant ids, Zipf-like frequencies
freq = 1 / np.arange(1, N_CAT + 1) ** 0.8
effect = rng.normal(0, 1.0, N_CAT)  # each category's true log-odds shift


def draw(n):
    cat = rng.choice(N_CAT, n, p=freq / freq.sum())
    x = rng.normal(size=(n, 2))
    logit = -1.0 + effect[cat] + x @ np.array([0.8, -0.5])
    return cat, x, logit, rng.random(n) < 1 / (1 + np.exp(-logit))


cat_tr, x_tr, _, y_tr = draw(N_TRAIN)
cat_te, x_te, logit_te, y_te = draw(N_TEST)
unseen = np.mean(~np.isin(cat_te, cat_tr))
print(f"categories seen in training: {len(np.unique(cat_tr))} of {N_CAT}")
print(f"test rows whose category never appears in training: {unseen:.3f}")
results = {"oracle (true probabilities)": (np.nan, roc_auc_score(y_te, logit_te))}


def fit(name, f_tr, f_te, **kw):
    model = LogisticRegression(max_iter=2000, **kw).fit(f_tr, y_tr)
    auc_tr = roc_auc_score(y_tr, model.decision_function(f_tr))
    results[name] = (auc_tr, roc_auc_score(y_te, model.decision_function(f_te)))


# Naive target encoding: each category's mean target on the same rows the model trains
# on.
sums = np.bincount(cat_tr, y_tr, N_CAT)
counts = np.bincount(cat_tr, minlength=N_CAT)
naive_map = np.where(counts > 0, sums / np.maximum(counts, 1), y_tr.mean())
fit(
    "target encoding, in-sample",
    np.c_[x_tr, naive_map[cat_tr]],
    np.c_[x_te, naive_map[cat_te]],
)

# Out-of-fold target encoding: fit_transform cross-fits (5 folds) and shrinks to the
# mean.
te = TargetEncoder(target_type="binary", cv=KFold(5, shuffle=True, random_state=0))
f_tr = np.c_[x_tr, te.fit_transform(cat_tr[:, None], y_tr)]
fit("target encoding, out-of-fold", f_tr, np.c_[x_te, te.transform(cat_te[:, None])])

# One-hot (sparse) with L2: one weight per category, shrunk towards 0 when rare.
oh = OneHotEncoder(handle_unknown="ignore").fit(cat_tr[:, None])
f_tr = hstack([x_tr, oh.transform(cat_tr[:, None])]).tocsr()
f_te = hstack([x_te, oh.transform(cat_te[:, None])]).tocsr()
fit("one-hot + L2", f_tr, f_te, C=0.5)

# Hashing trick: no vocabulary to store; categories that collide share a weight.
for buckets in (512, 8192):
    fh = FeatureHasher(n_features=buckets, input_type="string")
    h_tr = hstack([x_tr, fh.transform([[f"m{c}"] for c in cat_tr])]).tocsr()
    h_te = hstack([x_te, fh.transform([[f"m{c}"] for c in cat_te])]).tocsr()
    fit(f"hashing, {buckets} buckets + L2", h_tr, h_te, C=0.5)

print(f"{'encoding':<30} {'train AUC':>9} {'test AUC':>8}")
for name, (tr, te_auc) in results.items():
    train = "-" if np.isnan(tr) else f"{tr:.3f}"
    print(f"{name:<30} {train:>9} {te_auc:>8.3f}")
