import numpy as np

rng = np.random.default_rng(0)

# 10 user segments x 100 items with known click rates (mostly 2-10%, a few much higher).
n_seg, n_items = 10, 100
ctr = 1 / (1 + np.exp(-(-3.2 + rng.normal(0, 0.8, (n_seg, n_items)))))
best = ctr.max(1)
# The log the first model is trained on came from an old system that only ever showed
# the same 10 items (editorial picks), 200 impressions per segment each.
start_items = rng.choice(n_items, 10, replace=False)
logged_best = ctr[:, start_items].max(1).mean()
print(f"oracle CTR {best.mean():.3f}; best of the 10 logged items {logged_best:.3f}")


def simulate(policy, rounds=100, per_round=500, seed=1):
    """Each round: serve one item to each arriving user, log the clicks, retrain on
    all logs so far."""
    r = np.random.default_rng(seed)
    clicks = np.zeros((n_seg, n_items))
    shows = np.zeros((n_seg, n_items))
    shows[:, start_items] = 200
    clicks[:, start_items] = r.binomial(200, ctr[:, start_items])
    served = np.zeros(n_items, dtype=bool)
    total, last = 0.0, 0.0
    for t in range(rounds):
        segs = r.integers(0, n_seg, per_round)
        # Beta(1, 19) prior: an unseen item is assumed to have a 5% click rate.
        a, b = 1 + clicks, 19 + shows - clicks
        if policy == "greedy":
            chosen = np.argmax(a / (a + b), axis=1)[segs]
        elif policy == "epsilon-greedy (10%)":
            chosen = np.argmax(a / (a + b), axis=1)[segs]
            explore = r.random(per_round) < 0.1
            chosen[explore] = r.integers(0, n_items, explore.sum())
        elif policy == "Thompson sampling":
            chosen = np.argmax(r.beta(a[segs], b[segs]), axis=1)
        y = r.random(per_round) < ctr[segs, chosen]
        np.add.at(shows, (segs, chosen), 1)
        np.add.at(clicks, (segs, chosen), y)
        served[chosen] = True
        total += y.mean() / rounds
        if t >= rounds - 10:
            last += ctr[segs, chosen].mean() / 10
    return total, last, served.sum()


print(f"{'policy':22s} {'CTR, all rounds':>15s}", end=" ")
print(f"{'true CTR, last 10':>18s} {'items tried':>12s}")
for policy in ["greedy", "epsilon-greedy (10%)", "Thompson sampling"]:
    total, last, shown = simulate(policy)
    print(f"{policy:22s} {total:15.3f} {last:18.3f} {shown:12d}")
