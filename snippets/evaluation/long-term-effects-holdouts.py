import numpy as np

rng = np.random.default_rng(7)
WEEKS = 8
N_OLD, N_NEW_PER_WEEK = 1_000_000, 50_000
# Treatment effect on weekly sessions, by weeks since the user's first exposure w:
# a novelty lift for users who knew the old product, fading with time constant 1 week,
# and a learned effect that builds up to -1.5% (time constant 2 weeks).
NOVELTY, TAU, LEARNED, KAPPA = 0.06, 1.0, -0.015, 2.0

# Users active before the test (arrival 0) and new sign-ups arriving each week.
arrival = np.concatenate(
    [np.zeros(N_OLD, int), np.repeat(np.arange(1, WEEKS + 1), N_NEW_PER_WEEK)]
)
n = arrival.size
new_user = np.arange(n) >= N_OLD
# Baseline sessions per week differ a lot between users (mean 5).
rate = rng.gamma(2.0, 2.5, n)
# Arms: T treated from week 1; C is the A/B control, launched in week 3;
# H is a 5% long-term holdout that never gets the change.
arm = rng.choice(np.array(["T", "C", "H"]), n, p=[0.475, 0.475, 0.05])
start = np.where(arm == "T", 1, np.where(arm == "C", 3, 99))
start = np.maximum(start, arrival)
# Novelty only for users who used the product before their first exposure.
saw_old = arrival < start

week = np.arange(1, WEEKS + 1)
exposed = week[None, :] >= start[:, None]
w = np.maximum(week[None, :] - start[:, None], 0)
mult = 1 + exposed * (
    saw_old[:, None] * NOVELTY * np.exp(-w / TAU)
    + LEARNED * (1 - np.exp(-(w + 1) / KAPPA))
)
present = week[None, :] >= arrival[:, None]
sessions = np.where(present, rng.poisson(rate[:, None] * mult), 0)


def lift(y, treat, ctrl):
    """Relative lift of the mean of y, treat vs ctrl, with a delta-method 95% CI."""
    a, b = y[treat], y[ctrl]
    ma, mb = a.mean(), b.mean()
    se = np.sqrt(a.var() / a.size / mb**2 + ma**2 * b.var() / b.size / mb**4)
    d = ma / mb - 1
    return f"{d:+.2%} [{d - 1.96 * se:+.2%}, {d + 1.96 * se:+.2%}]"


# 1. The usual two-week A/B test: T vs C, mean weekly sessions over weeks 1-2.
in_test = arrival <= 2
weeks_in = np.clip(3 - arrival, 1, 2)
y2 = sessions[:, :2].sum(1) / weeks_in
t, c = in_test & (arm == "T"), in_test & (arm == "C")
print("two-week A/B test, all users  :", lift(y2, t, c))
print("  returning users only        :", lift(y2, t & ~new_user, c & ~new_user))
print("  new users only (no novelty) :", lift(y2, t & new_user, c & new_user))

# 2. Effect by week since exposure: returning T users vs the holdout.
old = ~new_user
print("effect by week since exposure (returning users, T vs holdout):")
for k in range(WEEKS):
    print(
        f"  week {k + 1}:", lift(sessions[:, k], old & (arm == "T"), old & (arm == "H"))
    )

# 3. Long-term holdout in week 8: everyone launched (T and C) vs the 5% holdout.
launched = arm != "H"
print("holdout estimate, week 8     :", lift(sessions[:, 7], launched, arm == "H"))
# The truth for the same users and week, from the simulation's own parameters.
truth = (rate * mult[:, 7])[launched].sum() / rate[launched].sum() - 1
print(f"true week-8 effect (model)   : {truth:+.2%}, long run {LEARNED:+.2%}")
