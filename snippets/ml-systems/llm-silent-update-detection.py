import numpy as np
from scipy import stats

rng = np.random.default_rng(0)
n_prompts, days, change_day = 300, 40, 25
# A fixed canary set: each prompt has its own difficulty (logit of being answered
# correctly). The provider silently swaps the model on day 25: 0.35 logits worse.
difficulty = rng.normal(1.6, 1.2, n_prompts)


def run_canary(day):
    shift = -0.35 if day >= change_day else 0.0
    p = 1 / (1 + np.exp(-(difficulty + shift)))
    return rng.random(n_prompts) < p  # graded against reference answers


results = np.array([run_canary(day) for day in range(days)])
acc = results.mean(1)
print(
    f"mean canary accuracy before / after the update: "
    f"{acc[:change_day].mean():.3f} / {acc[change_day:].mean():.3f}"
)

# Baseline: the first 14 days. Daily test: is today's accuracy below the baseline?
base = results[:14].mean()
z = (acc - base) / np.sqrt(base * (1 - base) / n_prompts)
daily_alarm = stats.norm.cdf(z) < 0.01
print(
    f"daily z-test (alpha 0.01): false alarms on days 14-24: "
    f"{daily_alarm[14:change_day].sum()}, alarms on days 25-39: "
    f"{daily_alarm[change_day:].sum()} of {days - change_day}"
)

# CUSUM accumulates small daily shortfalls: S = max(0, S + (base - acc) - k).
k, h = 0.01, 0.05  # allowance: half the smallest drop worth catching; threshold
s, cusum_day = 0.0, None
for day in range(14, days):
    s = max(0.0, s + (base - acc[day]) - k)
    if s > h and cusum_day is None:
        cusum_day = day
print(
    f"CUSUM (k={k}, h={h}) alarm on day {cusum_day}, {cusum_day - change_day} "
    f"days after the change"
)

# Pairing: the same prompts every day, so compare per-prompt pass rates of the
# last 7 days with the baseline (a paired test uses the prompts' own difficulty).
before, after = results[:14].mean(0), results[days - 7 :].mean(0)
paired = stats.wilcoxon(after, before, alternative="less")
print(f"paired per-prompt test, last 7 days vs baseline: p = {paired.pvalue:.1e}")
