# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 2B ad requests a day, peak 2.5x the mean, 300 eligible ads
# scored per request, 3 ads shown per request, CTR 1%, 500 bytes per logged impression,
# negatives kept with probability w = 0.1 for training.
requests, peak, scored, shown, ctr, row_bytes, w = 2e9, 2.5, 300, 3, 0.01, 500, 0.1
impressions = requests * shown
rows_kept = impressions * (ctr + (1 - ctr) * w)
for name, value in [
    ("peak ad requests/s", si(requests / 86_400 * peak)),
    ("pCTR predictions/s at peak", si(requests / 86_400 * peak * scored)),
    ("impressions/day", si(impressions)),
    ("impression log bytes/day", si(impressions * row_bytes)),
    ("training rows/day after downsampling", si(rows_kept)),
    ("share of rows that are clicks, before", f"{ctr:.3f}"),
    ("share of rows that are clicks, after", f"{impressions * ctr / rows_kept:.3f}"),
]:
    print(f"{name:<40}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:calibration]
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

rng = np.random.default_rng(0)
n = 600_000
X = rng.normal(size=(n, 6))
# True click probability (known ground truth): mean about 2%, with a curved term the
# linear model cannot represent, so it is miscalibrated in the tails.
logit = -4.6 + X @ np.array([0.8, 0.5, -0.4, 0.3, 0.2, 0.0]) + 0.35 * X[:, 0] ** 2
p_true = 1 / (1 + np.exp(-logit))
y = rng.random(n) < p_true
train, calib, test = np.split(rng.permutation(n), [300_000, 400_000])

# Train on all clicks and 10% of non-clicks (He et al. 2014).
w = 0.1
keep = train[y[train] | (rng.random(train.size) < w)]
model = LogisticRegression().fit(X[keep], y[keep])
raw = lambda idx: model.predict_proba(X[idx])[:, 1]  # noqa: E731
# The correction for negative downsampling: q = p / (p + (1 - p) / w).
corrected = lambda idx: raw(idx) / (raw(idx) + (1 - raw(idx)) / w)  # noqa: E731
# Platt scaling and isotonic regression fitted on an untouched calibration split.
score = lambda idx: model.decision_function(X[idx]).reshape(-1, 1)  # noqa: E731
platt = LogisticRegression().fit(score(calib), y[calib])
iso = IsotonicRegression(out_of_bounds="clip", y_min=1e-6).fit(
    corrected(calib), y[calib]
)
preds = {
    "raw (trained on downsampled)": raw(test),
    "downsampling correction": corrected(test),
    "Platt on held-out data": platt.predict_proba(score(test))[:, 1],
    "isotonic on held-out data": iso.predict(corrected(test)),
}


def ece(p, y, bins=20):
    # Equal-mass bins: |mean prediction - click rate| weighted by bin size.
    order = np.argsort(p)
    return sum(
        abs(p[b].mean() - y[b].mean()) * b.size for b in np.array_split(order, bins)
    )


yt = y[test]
base = yt.mean()
entropy = -(base * np.log(base) + (1 - base) * np.log(1 - base))
print(f"{'model':<30}{'AUC':>7}{'NE':>7}{'pred/actual':>12}{'ECE':>8}")
for name, p in preds.items():
    ne = log_loss(yt, p) / entropy
    ratio = p.sum() / yt.sum()
    print(
        f"{name:<30}{roc_auc_score(yt, p):7.3f}{ne:7.3f}{ratio:12.2f}"
        f"{ece(p, yt) / yt.size:8.4f}"
    )

# An advertiser values a click at $1 and bids $1 x pCTR per impression in a second-price
# auction against the best competing bid (lognormal, median $0.05 per impression).
competitor = rng.lognormal(np.log(0.05), 0.8, size=test.size)
print(
    f"{'pCTR used for bidding':<30}{'win rate':>9}{'spend':>8}{'clicks':>8}"
    f"{'$/click':>8}{'surplus':>9}"
)
for name, p in preds.items():
    won = p > competitor
    spend = competitor[won].sum()
    clicks = p_true[test][won].sum()
    print(
        f"{name:<30}{won.mean():9.3f}{spend:8.0f}{clicks:8.0f}{spend / clicks:8.2f}"
        f"{clicks - spend:9.0f}"
    )
# --8<-- [end:calibration]
