import math

import numpy as np

rng = np.random.default_rng(0)
D = 2**18  # hashed weight buckets
DAYS, PER_DAY, DRIFT_DAY, WINDOW = 12, 15_000, 7, 3
# Fields of an ad impression: (number of values, Zipf exponent of how often each
# value appears, std of the true weights). The request id has no effect on clicks.
FIELDS = {
    "user": (50_000, 1.05, 0.6),
    "ad": (2_000, 1.1, 1.0),
    "site": (300, 1.2, 0.5),
    "device": (4, 0.5, 0.3),
    "hour": (24, 0.2, 0.2),
    "request id": (10**6, 0.0, 0.0),
}
freq, before = {}, {}
for f, (size, zipf, sd) in FIELDS.items():
    p = 1.0 / np.arange(1, size + 1) ** zipf
    freq[f], before[f] = p / p.sum(), rng.normal(0, sd, size)
# Concept drift: from day 7 on, half of the ads have new true weights.
after = {f: w.copy() for f, w in before.items()}
changed = rng.random(FIELDS["ad"][0]) < 0.5
after["ad"][changed] = rng.normal(0, FIELDS["ad"][2], changed.sum())


def bucket(field_no, values):
    # The hashing trick: a multiplicative hash of (field, value) picks one of D
    # buckets; no vocabulary is stored, and unrelated values may share a bucket.
    key = (np.uint64(field_no) << np.uint64(40)) + values.astype(np.uint64)
    return ((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(46)).astype(np.int64)


def sample(n, truth):
    """n impressions: (n, 7) active buckets (bias + one per field), clicks, and
    the true click probabilities (known here, used only to measure excess loss)."""
    cols, logit = [np.zeros(n, dtype=np.int64)], np.full(n, -2.6)
    for k, f in enumerate(FIELDS, start=1):
        v = rng.choice(len(freq[f]), n, p=freq[f])
        cols.append(bucket(k, v))
        logit += truth[f][v]
    p_true = 1 / (1 + np.exp(-logit))
    return np.stack(cols, axis=1), (rng.random(n) < p_true).astype(np.int64), p_true


Xs, ys, p_true = zip(
    *[sample(PER_DAY, before if d < DRIFT_DAY else after) for d in range(1, DAYS + 1)]
)
holdout = sample(100_000, before)  # fresh pre-drift impressions, never trained on


def predict(w, X):
    return 1 / (1 + np.exp(-np.clip(w[X].sum(axis=1), -30, 30)))


def log_losses(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def fit_batch(X, y, l2=2.0, iters=150):
    """L2-regularised logistic regression fitted on a whole window, many passes."""
    used, Xl = np.unique(X, return_inverse=True)
    Xl, k = Xl.reshape(X.shape), X.shape[1]
    v = np.zeros(len(used))
    for _ in range(iters):
        p = predict(v, Xl)
        g = np.bincount(Xl.ravel(), np.repeat(p - y, k), len(used)) + l2 * v
        h = np.bincount(Xl.ravel(), np.repeat(p * (1 - p), k), len(used)) + l2
        # Diagonal Newton step, damped by 1/k: each example's k active features
        # share its curvature.
        v -= g / (k * h)
    w = np.zeros(D)
    w[used] = v
    return w


class SGD:
    """Online logistic regression; one global step, decaying like 1/sqrt(t)."""

    def __init__(self, eta0=0.2):
        self.w, self.t, self.eta0 = [0.0] * D, 0, eta0

    def weights(self):
        return np.array(self.w)

    def step(self, ids, y):
        w = self.w
        p = 1 / (1 + math.exp(-max(min(sum(w[i] for i in ids), 30), -30)))
        self.t += 1
        g = (p - y) * self.eta0 / math.sqrt(1 + self.t / 1000)
        for i in ids:
            w[i] -= g
        return p


class FTRL:
    """FTRL-Proximal with per-coordinate rates (McMahan et al. 2013, Algorithm 1)."""

    def __init__(self, alpha=0.4, beta=1.0, l1=1.0, l2=1.0):
        self.z, self.n = [0.0] * D, [0.0] * D
        self.alpha, self.beta, self.l1, self.l2 = alpha, beta, l1, l2

    def weight(self, i):
        z = self.z[i]
        if abs(z) <= self.l1:
            return 0.0  # L1 holds this weight at exactly zero
        # (beta + sqrt(sum of squared gradients)) / alpha: 1 / this coordinate's rate
        inv_rate = (self.beta + math.sqrt(self.n[i])) / self.alpha
        return -(z - math.copysign(self.l1, z)) / (inv_rate + self.l2)

    def weights(self):
        z, n = np.array(self.z), np.array(self.n)
        inv_rate = (self.beta + np.sqrt(n)) / self.alpha
        w = -(z - np.sign(z) * self.l1) / (inv_rate + self.l2)
        return np.where(np.abs(z) <= self.l1, 0.0, w)

    def step(self, ids, y):
        ws = [self.weight(i) for i in ids]
        p = 1 / (1 + math.exp(-max(min(sum(ws), 30), -30)))
        g = p - y  # log-loss gradient for each active (binary) feature
        for i, w in zip(ids, ws):
            n = self.n[i]
            sigma = (math.sqrt(n + g * g) - math.sqrt(n)) / self.alpha
            self.z[i] += g - sigma * w
            self.n[i] = n + g * g
        return p


def progressive(model, snapshot_at=()):
    """Predict each impression, then train on it; snapshot at (day, position)."""
    preds, snapshots = [], {}
    for day, (X, y) in enumerate(zip(Xs, ys), start=1):
        p = np.empty(PER_DAY)
        for t, (ids, label) in enumerate(zip(X.tolist(), y.tolist())):
            if (day, t) in snapshot_at:
                snapshots[day, t] = model.weights()
            p[t] = model.step(ids, label)
        preds.append(p)
    return preds, snapshots


# Batch models: each day is scored by a model fitted on earlier days only.
once = fit_batch(np.concatenate(Xs[:WINDOW]), np.concatenate(ys[:WINDOW]))
preds = {"batch, trained once on days 1-3": [None] * WINDOW}
preds["batch, retrained daily on 3 days"] = [None] * WINDOW
for d in range(WINDOW, DAYS):
    daily = fit_batch(
        np.concatenate(Xs[d - WINDOW : d]), np.concatenate(ys[d - WINDOW : d])
    )
    preds["batch, trained once on days 1-3"].append(predict(once, Xs[d]))
    preds["batch, retrained daily on 3 days"].append(predict(daily, Xs[d]))
finals = {"batch, trained once on days 1-3": once}
finals["batch, retrained daily on 3 days"] = daily

online = {
    "online SGD, global step": SGD(eta0=0.2),
    "FTRL-Proximal, no L1": FTRL(l1=0.0),
    "FTRL-Proximal, L1 = 1": FTRL(l1=1.0),
}
# Snapshots in the middle of days 4, 5, 6 and at the end of day 6 (start of day 7).
middays = [(d, PER_DAY // 2) for d in (4, 5, 6)]
snapshots = {}
for name, model in online.items():
    preds[name], snapshots[name] = progressive(model, [*middays, (7, 0)])
    finals[name] = model.weights()

print(f"{PER_DAY * DAYS:,} impressions, click rate {np.mean(ys):.3f}, drift on day 7")
print("log loss of each day's predictions, all made before training on that day")
header = ["days 4-6", "day 7", "day 8", "days 9-12", "non-zero"]
widths = [9, 7, 7, 10, 10]
print(f"{'model':<33}" + "".join(f"{h:>{w}}" for h, w in zip(header, widths)))
for name, p in preds.items():
    row = f"{name:<33}"
    for (a, b), width in zip([(4, 6), (7, 7), (8, 8), (9, 12)], widths):
        loss = log_losses(np.concatenate(p[a - 1 : b]), np.concatenate(ys[a - 1 : b]))
        row += f"{loss.mean():{width}.3f}"
    print(row + f"{np.count_nonzero(finals[name]):10,}")

# Buckets that only request ids, which carry no signal, ever hit.
X_all = np.concatenate(Xs)
noise = np.setdiff1d(X_all[:, -1], X_all[:, :-1])
counts = [np.count_nonzero(finals[m][noise]) for m in online]
print(f"buckets hit only by request ids (no signal): {noise.size:,}")
sgd, no_l1, l1 = (f"{c:,}" for c in counts)
print(f"  non-zero after SGD {sgd}, FTRL without L1 {no_l1}, FTRL with L1 {l1}")

# Stationary check on days 4-6 (before the drift), FTRL with L1: progressive
# validation against a holdout of fresh impressions scored by the model as it was
# in the middle of each day; then the end-of-day-6 model, which has trained on
# days 4-6, scored on the holdout and on days 4-6 again. "Excess" subtracts the
# log loss of the true probabilities on the same impressions, which removes most of
# the sampling noise of the labels.
X46, y46, p46 = (np.concatenate(a[3:6]) for a in (Xs, ys, p_true))
Xh, yh, ph = holdout
snaps = snapshots["FTRL-Proximal, L1 = 1"]
ref46, ref_h = log_losses(p46, y46), log_losses(ph, yh)  # true probabilities
pv = log_losses(np.concatenate(preds["FTRL-Proximal, L1 = 1"][3:6]), y46)
mid = np.mean([log_losses(predict(snaps[s], Xh), yh) for s in middays], axis=0)
end = snaps[7, 0]
rows = {
    f"progressive validation, {y46.size:,} impressions": (pv, ref46),
    f"holdout, {yh.size:,} fresh impressions": (mid, ref_h),
    "end-of-day-6 model, holdout": (log_losses(predict(end, Xh), yh), ref_h),
    "end-of-day-6 model, days 4-6 again": (log_losses(predict(end, X46), y46), ref46),
}
title = "FTRL with L1, days 4-6 (stationary)"
print(f"{title:<44}{'log loss':>9}{'(s.e.)':>10}{'excess':>8}")
for name, (loss, ref) in rows.items():
    se = loss.std() / math.sqrt(loss.size)
    print(f"  {name:<42}{loss.mean():9.4f}  ({se:.4f}){loss.mean() - ref.mean():8.4f}")
