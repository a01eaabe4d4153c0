import numpy as np

rng = np.random.default_rng(0)

# 300 days of a catalogue where items come and go: each of 1,000 items is released on a
# random day and its appeal decays over about three weeks (news, videos, fashion).
n_items, n_days, per_day = 1000, 300, 300
release = rng.integers(-60, n_days, n_items)
peak = rng.lognormal(0, 1, n_items)
life = rng.uniform(10, 30, n_items)
days, items, users = [], [], []
for t in range(n_days):
    age = t - release
    appeal = np.where(age >= 0, peak * np.exp(-age / life), 0.0)
    items.append(rng.choice(n_items, per_day, p=appeal / appeal.sum()))
    days.append(np.full(per_day, t))
    # Users come and go too: user j is active on days [j / 10 - 20, j / 10 + 10). Draw
    # within [0, 3000) directly: clipping would pile the overflow onto users 0 and 2999.
    lo, hi = max(0, 10 * t - 100), min(3000, 10 * t + 200)
    users.append(rng.integers(lo, hi, per_day))
days, items, users = map(np.concatenate, (days, items, users))
print(f"{len(days)} events over {n_days} days")


def popularity(train_mask, since=None):
    m = train_mask if since is None else train_mask & (days >= since)
    return np.bincount(items[m], minlength=n_items) - 1e-6 * np.arange(n_items)


def hit_rate(scores, test_mask, k=10):
    top = np.argsort(-scores, kind="stable")[:k]
    return np.isin(items[test_mask], top).mean()


# Three ways to split the same log.
random_test = rng.random(len(days)) < 0.1
# Leave-last-out: each user's last event is the test item, wherever it falls in time.
last = np.zeros(len(days), dtype=bool)
order = np.lexsort((np.arange(len(days)), users))
last[order[np.r_[users[order][1:] != users[order][:-1], True]]] = True
# Temporal (global time) split: train on days < 270, test on days 270-299.
temporal_test = days >= 270
splits = {"random": random_test, "leave-last-out": last, "temporal": temporal_test}
print(f"{'model':32s}" + "".join(f"{s:>16s}" for s in splits))
for name, since in [("all-time popularity", None), ("last-14-days popularity", 256)]:
    row = []
    for split, test in splits.items():
        train = ~test
        if split == "temporal":
            # In the temporal split nothing after day 269 is in training.
            train = days < 270
        row.append(hit_rate(popularity(train, since), test))
    print(f"{name:32s}" + "".join(f"{v:16.3f}" for v in row))

# What actually happens after deployment: train on everything up to day 269 and serve
# days 270-299; only the temporal split measures this.
old = np.mean(days[last] < 270)
print(f"leave-last-out test events before day 270: {old:.0%}", end=" ")
print("(training holds their future)")
