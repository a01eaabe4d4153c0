import numpy as np

rng = np.random.default_rng(0)
N, n, draws = 20_000, 300, 2_000
z = 1.959964

# A population of 20,000 prompts with a latent difficulty; model A answers
# each one correctly or not (1/0), model B is a little weaker on the same items.
difficulty = rng.normal(size=N)
y_a = (rng.random(N) < 1 / (1 + np.exp(-(1.3 - 1.5 * difficulty)))).astype(float)
y_b = (rng.random(N) < 1 / (1 + np.exp(-(1.1 - 1.5 * difficulty)))).astype(float)


def judge(y, says_right_if_right, says_right_if_wrong):
    p = np.where(y == 1, says_right_if_right, says_right_if_wrong)
    return (rng.random(y.size) < p).astype(float)


def var(x, axis=-1):
    return np.var(x, axis=axis, ddof=1)


def estimators(y, f, samples):
    """Point estimates and 95% half-widths of four estimators, one row per draw."""
    ys, fs = y[samples], f[samples]
    f_mean, f_var = f.mean(), var(f)
    est, half = {}, {}
    est["human only"] = ys.mean(1)
    half["human only"] = z * np.sqrt(var(ys) / n)
    est["judge only"] = np.full(len(samples), f_mean)
    half["judge only"] = np.full(len(samples), z * np.sqrt(f_var / N))
    rectifier = ys - fs
    est["PPI"] = f_mean + rectifier.mean(1)
    half["PPI"] = z * np.sqrt(f_var / N + var(rectifier) / n)
    # PPI++: the weight on the judge that minimises the variance, from this draw.
    y_centred = ys - ys.mean(1, keepdims=True)
    f_centred = fs - fs.mean(1, keepdims=True)
    cov_yf = (y_centred * f_centred).sum(1) / (n - 1)
    lam = np.clip(cov_yf / ((1 + n / N) * f_var), 0, 1)[:, None]
    est["PPI++"] = lam[:, 0] * f_mean + (ys - lam * fs).mean(1)
    half["PPI++"] = z * np.sqrt(lam[:, 0] ** 2 * f_var / N + var(ys - lam * fs) / n)
    return est, half, lam[:, 0]


def report(title, y, f, samples):
    truth = y.mean()
    est, half, lam = estimators(y, f, samples)
    print(f"{title}: truth {truth:.3f}")
    print("estimator     bias     sd  CI width  coverage  worth (human labels)")
    for name in est:
        bias = est[name].mean() - truth
        sd = est[name].std()
        width = 2 * half[name].mean()
        cover = (np.abs(est[name] - truth) <= half[name]).mean()
        worth = n * est["human only"].var() / est[name].var() if sd > 0 else np.inf
        worth_text = "-" if name == "judge only" else f"{worth:,.0f}"
        print(
            f"{name:<11} {bias:+.3f}  {sd:.3f}     {width:.3f}     {cover:.3f}"
            f"  {worth_text:>8}"
        )
    return est, half, lam


samples = np.array([rng.choice(N, n, replace=False) for _ in range(draws)])

print(f"{N:,} items judged, {n} human-labelled per draw, {draws:,} draws\n")
strong = judge(y_a, 0.97, 0.25)
agree = (strong == y_a).mean()
report(
    f"strong judge (agrees with humans on {agree:.3f}), model A", y_a, strong, samples
)

# How many human labels a 95% interval of +-0.03 needs, from population variances.
target = 0.03
need_human = z**2 * var(y_a) / target**2
need_ppi = z**2 * var(y_a - strong) / (target**2 - z**2 * var(strong) / N)
print(
    f"labels for a +-{target} interval: human only {need_human:.0f}, PPI {need_ppi:.0f}"
)

print("\njudge only, judging a random subset of the items")
print("items judged  CI width  coverage")
for size in (50, 200, 1_000, 20_000):
    subsets = np.array([rng.choice(N, size, replace=False) for _ in range(200)])
    means = strong[subsets].mean(1)
    halves = z * np.sqrt(var(strong[subsets]) / size)
    cover = (np.abs(means - y_a.mean()) <= halves).mean()
    print(f"{size:>12,}  {2 * halves.mean():.3f}     {cover:.3f}")

print()
weak = judge(y_a, 0.85, 0.75)
agree = (weak == y_a).mean()
_, _, lam = report(f"weak judge (agrees on {agree:.3f}), model A", y_a, weak, samples)
print(f"PPI++ weight lambda: median {np.median(lam):.2f}")

# Paired comparison A - B on the same items; the judge is lenient with B's style.
judged_b = judge(y_b, 0.97, 0.40)
print()
unpaired = 2 * z * np.sqrt((var(y_a) + var(y_b)) / n)
print(f"accuracy of A {y_a.mean():.3f}, of B {y_b.mean():.3f}")
print(f"human only, A and B labelled on separate items: CI width {unpaired:.3f}")
est, half, _ = report("A minus B, paired", y_a - y_b, strong - judged_b, samples)
print("estimator   CI says A better  CI says B better")
for name in est:
    a_better = (est[name] - half[name] > 0).mean()
    b_better = (est[name] + half[name] < 0).mean()
    print(f"{name:<11}            {a_better:.3f}             {b_better:.3f}")
