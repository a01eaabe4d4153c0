# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not YouTube's figures: 500M daily users, 10 home and
# watch-next requests each, peak 2x the mean; 500M recommendable videos with 128-d
# embeddings; 1,000 candidates per request; a ranker costing 50 MFLOPs per candidate;
# accelerators sustaining 100 TFLOP/s; 20 impressions logged per request at 100 bytes.
users, per_user, peak = 500e6, 10, 2
videos, dim = 500e6, 128
candidates, ranker_flops, chip = 1_000, 50e6, 100e12
peak_qps = users * per_user / 86_400 * peak
rows = [
    ("peak requests/s", si(peak_qps)),
    ("ANN index, fp16 vectors (bytes)", si(videos * dim * 2)),
    ("ANN index, 64-byte PQ codes (bytes)", si(videos * 64)),
    ("ranker FLOP/s at peak", si(peak_qps * candidates * ranker_flops)),
    ("accelerators for ranking", f"{peak_qps * candidates * ranker_flops / chip:.0f}"),
    ("impression log per day (bytes)", si(users * per_user * 20 * 100)),
]
for name, value in rows:
    print(f"{name:<38}{value:>10}")
# --8<-- [end:capacity]

# --8<-- [start:objective]
import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
# 2,000 videos with two observable features: how clicky the thumbnail is (a) and how
# good the video is (q). Clicks follow a; minutes watched after a click follow q, and
# clickbait (high a) is abandoned sooner. This is the known ground truth.
n_videos = 2_000
a, q = rng.normal(size=n_videos), rng.normal(size=n_videos)
p_click = 1 / (1 + np.exp(-(-3.0 + 1.2 * a)))
minutes = np.exp(1.0 + 0.8 * q - 0.4 * a)
X_video = np.column_stack([a, q])

# Training log: 300,000 impressions of uniformly random videos (an exploration slice).
shown = rng.integers(n_videos, size=300_000)
clicked = rng.random(shown.size) < p_click[shown]
watch = np.where(clicked, rng.exponential(minutes[shown]), 0.0)
X = X_video[shown]

# Model 1: plain logistic regression on clicks.
ctr_model = LogisticRegression().fit(X, clicked)
# Model 2 (Covington et al. 2016): positives weighted by watch time, negatives by 1.
# The learned odds then estimate watch time per impression.
weights = np.where(clicked, watch, 1.0)
watch_model = LogisticRegression().fit(X, clicked, sample_weight=weights)
odds = np.exp(watch_model.decision_function(X_video))
true_watch = p_click * minutes
ratio = odds / true_watch
print(f"weighted-LR odds / true minutes per impression: median {np.median(ratio):.2f}")
print(f"Spearman correlation of the two: {spearmanr(odds, true_watch)[0]:.3f}")

# Serving: each request gets 200 random candidates; each policy shows its top 5.
requests = rng.integers(n_videos, size=(2_000, 200))
scores = {
    "random order": rng.random(n_videos),
    "rank by pCTR": ctr_model.predict_proba(X_video)[:, 1],
    "rank by expected watch time": odds,
}
print(f"{'policy':<30}{'CTR':>7}{'min/impression':>16}{'min/click':>11}")
for name, s in scores.items():
    top = np.take_along_axis(requests, np.argsort(-s[requests], axis=1)[:, :5], axis=1)
    ctr = p_click[top].mean()
    per_impression = true_watch[top].mean()
    print(f"{name:<30}{ctr:7.3f}{per_impression:16.3f}{per_impression / ctr:11.2f}")
# --8<-- [end:objective]
