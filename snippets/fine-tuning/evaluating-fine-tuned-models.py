import numpy as np
from scipy.stats import binomtest

rng = np.random.default_rng(0)


def simulate(n, p_base, p_tuned, difficulty_sd=1.5):
    """Per-item 0/1 results for base and fine-tuned model on the same items. Items vary
    in difficulty, so the two models' results are correlated (as in real evals)."""
    d = rng.normal(0, difficulty_sd, n)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    # each model's mean accuracy lands near p (the 1.6 offsets the difficulty spread)
    base = rng.random(n) < 1 / (1 + np.exp(-(logit(p_base) * 1.6 + d)))
    tuned = rng.random(n) < 1 / (1 + np.exp(-(logit(p_tuned) * 1.6 + d)))
    return base, tuned


def paired_bootstrap(a, b, reps=5000):
    idx = rng.integers(0, len(a), (reps, len(a)))
    diffs = b[idx].mean(1) - a[idx].mean(1)
    return np.percentile(diffs, [2.5, 97.5])


def unpaired_ci(a, b):
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    diff = b.mean() - a.mean()
    return diff - 1.96 * se, diff + 1.96 * se


suites = {  # name: (items, base accuracy, fine-tuned accuracy) -- the ground truth
    "target task": (400, 0.55, 0.70),
    "general: reasoning": (500, 0.60, 0.60),
    "general: knowledge": (500, 0.65, 0.65),
    "general: math": (300, 0.50, 0.42),
}
print(f"{'suite':20s} {'base':>5s} {'tuned':>5s} {'unpaired 95% CI':>16s} "
      f"{'paired 95% CI':>16s} {'McNemar p':>9s}")  # fmt: skip
results = {}
for name, (n, pb, pt) in suites.items():
    a, b = simulate(n, pb, pt)
    results[name] = (a, b)
    lo_u, hi_u = unpaired_ci(a, b)
    lo_p, hi_p = paired_bootstrap(a, b)
    only_b, only_a = int((b & ~a).sum()), int((a & ~b).sum())
    p = binomtest(only_b, only_b + only_a, 0.5).pvalue  # exact McNemar test
    print(f"{name:20s} {a.mean():>5.3f} {b.mean():>5.3f} "
          f"[{lo_u:+.3f}, {hi_u:+.3f}] [{lo_p:+.3f}, {hi_p:+.3f}] "
          f"{p:>9.4f}")  # fmt: skip
general = [results[k] for k in suites if k.startswith("general")]
a = np.concatenate([x for x, _ in general])
b = np.concatenate([y for _, y in general])
lo, hi = paired_bootstrap(a, b)
print(f"general average: base {a.mean():.3f}, tuned {b.mean():.3f}, "
      f"paired 95% CI [{lo:+.3f}, {hi:+.3f}]")  # fmt: skip
