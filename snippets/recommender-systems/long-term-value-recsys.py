import numpy as np

rng = np.random.default_rng(0)

# 10,000 users, 200 items. Each item has a click appeal and a separate satisfaction
# value; appealing items tend to satisfy less (click-bait). Users have tastes too.
n_users, n_items, k, days = 10_000, 200, 5, 30
appeal = rng.normal(0, 1, n_items)
quality = 0.4 - 0.6 * appeal + rng.normal(0, 0.7, n_items)
taste = 0.5 * rng.normal(size=(n_users, 4)) @ rng.normal(size=(4, n_items))
click_logit = -4.0 + appeal + taste
# satisfaction from consuming an item (negative = regret)
sat = quality + 0.3 * taste
# The models: a click model, and a satisfaction model trained on sparse survey labels
# (noisier). Both are stand-ins: the truth plus noise.
p_hat = 1 / (1 + np.exp(-(click_logit + rng.normal(0, 0.3, click_logit.shape))))
s_hat = sat + rng.normal(0, 0.5, sat.shape)


def simulate(score, seed):
    """Each day every active user gets the top-k slate by `score` and clicks each item
    independently. The chance of returning tomorrow depends on today's satisfaction;
    a user who does not return has churned."""
    r = np.random.default_rng(seed)
    slate = np.argpartition(-score, k, axis=1)[:, :k]
    p = 1 / (1 + np.exp(-np.take_along_axis(click_logit, slate, 1)))
    value = np.take_along_axis(sat, slate, 1)
    active = np.ones(n_users, dtype=bool)
    clicks, joy = np.zeros((days, n_users)), np.zeros((days, n_users))
    alive = np.zeros((days, n_users), dtype=bool)
    for d in range(days):
        alive[d] = active
        c = (r.random(p.shape) < p) & active[:, None]
        clicks[d], joy[d] = c.sum(1), (c * value).sum(1)
        active &= r.random(n_users) < 1 / (1 + np.exp(-(3.0 + 2.0 * joy[d])))
    return clicks, joy, alive


BLEND_1, BLEND_3 = "pCTR x (1 + sat)", "pCTR x (1 + 3 sat)"
policies = {
    "click only (pCTR)": p_hat,
    BLEND_1: p_hat * (1 + s_hat),
    BLEND_3: p_hat * (1 + 3 * s_hat),
    "satisfaction only": s_hat,
}
print(
    f"{'policy':<20}{'day-1 clicks':>13}{'day-1 sat':>10}{'30-day clicks':>14}"
    f"{'retained d30':>13}"
)
runs = {}
for i, (name, score) in enumerate(policies.items()):
    runs[name] = clicks, joy, alive = simulate(score, seed=1 + i)
    c1, s1, c30 = clicks[0].mean(), joy[0].mean(), clicks.sum(0).mean()
    print(f"{name:<20}{c1:>13.3f}{s1:>10.3f}{c30:>14.2f}{alive[-1].mean():>13.3f}")
by_day1 = max(runs, key=lambda n: runs[n][0][0].mean())
by_total = max(runs, key=lambda n: runs[n][0].sum(0).mean())
print(f"most day-1 clicks: {by_day1}; most 30-day clicks: {by_total}")
daily = {n: runs[n][0].mean(1) for n in runs}
cross = np.argmax(daily[BLEND_1] > daily["click only (pCTR)"]) + 1
print(f"{BLEND_1} gets more clicks per day than click only from day {cross}")


# Surrogate index (Athey et al.): on a past experiment whose 30-day outcome is known,
# regress it on week-1 signals; then predict each new arm's 30-day retention from its
# own week 1. The past experiment served blends with a random weight per user.
def week1(run, cols):
    clicks, joy, alive = run
    s = {"active d7": alive[6], "clicks": clicks[:7].sum(0), "sat": joy[:7].sum(0)}
    return np.column_stack([np.ones(n_users)] + [s[c] for c in cols])


w = rng.uniform(0, 3, n_users)[:, None]
past = simulate(p_hat * (1 + w * s_hat), seed=99)
signals = {"clicks": ["active d7", "clicks"], "+ sat": ["active d7", "clicks", "sat"]}
coef = {
    key: np.linalg.lstsq(week1(past, cols), past[2][-1], rcond=None)[0]
    for key, cols in signals.items()
}
print(f"{'retained d30':<20}{'true':>7}{'index: clicks':>15}{'index: + sat':>14}")
for name, run in runs.items():
    pred = [(week1(run, cols) @ coef[key]).mean() for key, cols in signals.items()]
    print(f"{name:<20}{run[2][-1].mean():>7.3f}{pred[0]:>15.3f}{pred[1]:>14.3f}")
