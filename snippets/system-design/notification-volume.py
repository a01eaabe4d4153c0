# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 200M users eligible for push, 30 candidate notifications per
# user per day (new posts, replies, recommendations), 3 sent per user per day, sends
# squeezed into a 3-hour local morning window (8x the daily mean rate), a GBDT scorer at
# 20 microseconds per candidate on one core.
users, candidates, sent, window_peak, cpu_s = 200e6, 30, 3, 8, 20e-6
scored = users * candidates
for name, value in [
    ("candidates scored/day", si(scored)),
    ("CPU cores for scoring (mean rate)", f"{scored / 86_400 * cpu_s:.1f}"),
    ("pushes sent/day", si(users * sent)),
    ("push sends/s in the morning peak", si(users * sent / 86_400 * window_peak)),
]:
    print(f"{name:<36}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:fatigue]
import numpy as np

rng = np.random.default_rng(0)
n_users, days, per_day = 20_000, 56, 6
# Known ground truth. Each user visits on their own with probability `organic`. Each day
# brings 6 candidate notifications whose open probabilities spread around the user's
# interest. Users habituate: opens fall by exp(-0.05 x recent sends). Every notification
# sent and not opened raises the chance that the user turns notifications off for good.
organic = rng.beta(4, 3, n_users)
interest = rng.beta(1.5, 12, n_users)
habituation, hazard_per_ignored = 0.05, 0.003


def run(threshold):
    rng_run = np.random.default_rng(1)  # same users, same candidates for every policy
    enabled = np.ones(n_users, bool)
    recent = np.zeros(n_users)  # exponentially decayed count of recent sends
    active = np.zeros((days, n_users), bool)
    sends = 0
    for day in range(days):
        shape = (n_users, per_day)
        p_open = np.clip(interest[:, None] * rng_run.lognormal(0, 0.6, shape), 0, 1)
        # The model estimates p_open with noise; send when the estimate clears the bar.
        estimate = p_open * rng_run.lognormal(0, 0.3, shape)
        send = (estimate > threshold) & enabled[:, None]
        p_now = p_open * np.exp(-habituation * recent)[:, None]
        opened = send & (rng_run.random(shape) < p_now)
        active[day] = (rng_run.random(n_users) < organic) | opened.any(1)
        ignored = (send & ~opened).sum(1)
        enabled &= rng_run.random(n_users) > 1 - (1 - hazard_per_ignored) ** ignored
        recent = 0.8 * recent + send.sum(1)
        sends += send.sum()
    return active, sends / (n_users * days), 1 - enabled.mean()


holdout, _, _ = run(np.inf)  # no notifications at all
print(
    f"{'threshold':>9}{'sent/user/day':>15}{'DAU lift wk 1':>15}{'DAU lift wk 8':>15}"
    f"{'turned off':>12}"
)
for threshold in (0.02, 0.05, 0.1, 0.2, 0.3):
    active, rate, off = run(threshold)
    lift = active.mean(1) / holdout.mean(1) - 1
    print(
        f"{threshold:9.2f}{rate:15.2f}{lift[:7].mean():15.3f}{lift[-7:].mean():15.3f}"
        f"{off:12.3f}"
    )
# --8<-- [end:fatigue]
