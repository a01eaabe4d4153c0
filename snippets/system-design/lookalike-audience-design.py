# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not any platform's figures. One large country: 250M users
# with a 128-d user embedding stored in float16. 5,000 new audiences a day, 50,000
# active ones refreshed weekly; seeds of 10,000 users; audiences up to 10% of the
# country, 4% on average. A linear scorer costs 2 x 128 flops per user; a CPU core
# sustains 20 GFLOP/s on batched matrix products. Membership is kept as a bitmap
# over the country's users, and as user -> audience-ID lists (4 bytes each) for
# targeting.
users, dim, new_per_day, active, refresh_days = 250e6, 128, 5_000, 50_000, 7
seed_size, max_share, mean_share, core_flops = 10_000, 0.10, 0.04, 20e9
builds = new_per_day + active / refresh_days
linear_flops = users * 2 * dim
knn_flops = users * seed_size * 2 * dim
memberships = active * users * mean_share
rows = [
    ("users in the country", si(users)),
    ("embedding table bytes (float16)", si(users * dim * 2)),
    ("audience builds/day (new + refresh)", si(builds)),
    ("users scored/day", si(builds * users)),
    (
        "core-hours/day, linear scorer",
        f"{builds * linear_flops / core_flops / 3600:.0f}",
    ),
    ("core-hours/day, exact k-NN to seed", si(builds * knn_flops / core_flops / 3600)),
    ("users in a 10% audience", si(users * max_share)),
    ("bitmap bytes per audience", si(users / 8)),
    ("bitmap bytes, all active audiences", si(active * users / 8)),
    ("audience memberships per user", f"{memberships / users:.0f}"),
    ("user -> audience list bytes", si(memberships * 4)),
]
for name, value in rows:
    print(f"{name:<38}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:methods]
import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
n, d = 50_000, 16


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


# A known world. Each user has a taste vector and an activity level (log sessions).
# The engagement embedding is a noisy view of taste plus an "active user" direction,
# as embeddings learned from engagement encode how much a user engages. The chance
# to buy the advertiser's product depends on taste, and only a little on activity.
taste = rng.normal(size=(n, d))
activity = rng.normal(size=n)
active_direction = np.eye(d)[0]
emb = taste + 0.7 * rng.normal(size=(n, d)) + 1.2 * np.outer(activity, active_direction)
buyer_direction = np.zeros(d)
buyer_direction[1:5] = 0.5
p_buy = sigmoid(-3.6 + 1.6 * taste @ buyer_direction + 0.2 * activity)
customers = np.flatnonzero(rng.random(n) < p_buy)
features = np.column_stack([emb, activity])
unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)


def seed_draw():
    # The seed set: 400 of the advertiser's customers, matched with a bias towards very
    # active users (hashed e-mails of active users match more often).
    weight = np.exp(1.5 * activity[customers])
    return rng.choice(customers, size=400, replace=False, p=weight / weight.sum())


def centroid_cosine(train):
    return unit @ unit[train].mean(axis=0)


def knn_seed(train, k=10):
    # Mean cosine to the k most similar seed members.
    sims = unit @ unit[train].T
    return np.sort(np.partition(sims, -k, axis=1)[:, -k:], axis=1).mean(axis=1)


def pu_classifier(train, match_activity):
    # Positive-unlabelled: the seed set against 5,000 random users, who are mostly (not
    # all) non-buyers. The correction reweights the unlabelled users so that their
    # activity distribution matches that of the seed set (activity deciles).
    unlabelled = rng.choice(np.setdiff1d(np.arange(n), train), 5_000, replace=False)
    weights = np.ones(unlabelled.size)
    if match_activity:
        edges = np.quantile(activity, np.linspace(0, 1, 11)[1:-1])
        seed_bins = np.bincount(np.digitize(activity[train], edges), minlength=10)
        unl_bins = np.digitize(activity[unlabelled], edges)
        unl_counts = np.bincount(unl_bins, minlength=10)
        ratio = (seed_bins / train.size) / np.maximum(
            unl_counts / unlabelled.size, 1e-9
        )
        weights = ratio[unl_bins] * unlabelled.size / ratio[unl_bins].sum()
    x = np.vstack([features[train], features[unlabelled]])
    y = np.r_[np.ones(train.size), np.zeros(unlabelled.size)]
    w = np.r_[np.ones(train.size), weights]
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000)
    return model.fit(x, y, sample_weight=w).decision_function(features)


methods = {
    "cosine to seed centroid": centroid_cosine,
    "k-NN to seed members (k=10)": knn_seed,
    "PU classifier, random negatives": lambda t: pu_classifier(t, False),
    "PU classifier, activity-matched": lambda t: pu_classifier(t, True),
    "oracle: true purchase probability": lambda t: p_buy.copy(),
}
shares, repeats = (0.01, 0.05, 0.10), 10
recall = {name: np.zeros((repeats, 3)) for name in methods}
conversion = {name: np.zeros((repeats, 3)) for name in methods}
audience_activity = {name: np.zeros(repeats) for name in methods}
seed_activity = np.zeros(repeats)
for r in range(repeats):
    seed = seed_draw()
    held_out, train = seed[:100], seed[100:]
    seed_activity[r] = activity[seed].mean()
    candidates = np.setdiff1d(np.arange(n), train)
    for name, method in methods.items():
        order = candidates[np.argsort(-method(train)[candidates], kind="stable")]
        for j, share in enumerate(shares):
            audience = order[: int(share * candidates.size)]
            recall[name][r, j] = np.isin(held_out, audience).mean()
            conversion[name][r, j] = p_buy[audience].mean()
        audience_activity[name][r] = activity[
            order[: int(0.05 * candidates.size)]
        ].mean()

print(f"{len(customers)} customers in {n} users; seed 300 + 100 held out, 10 draws")
print(f"buy rate of all users {p_buy.mean():.3f}")
customer_activity = activity[customers].mean()
print(f"mean activity (users 0.00): customers {customer_activity:.2f}", end="")
print(f", seeds {seed_activity.mean():.2f}")
print("                                   held-out seed recall  true buy rate")
print(f"{'method':<34}" + "     1%    5%   10%" * 2)
for name in methods:
    cells = [f"{v:6.3f}" for v in recall[name].mean(axis=0)]
    cells += [f"{v:6.3f}" for v in conversion[name].mean(axis=0)]
    print(f"{name:<34}" + "".join(cells))
print("mean activity of the 5% audience (users 0.00):")
for name in methods:
    print(f"  {name:<34}{audience_activity[name].mean():5.2f}")
# --8<-- [end:methods]
