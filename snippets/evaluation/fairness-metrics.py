import numpy as np

rng = np.random.default_rng(0)
n = 200_000
group = rng.random(n) < 0.5  # two groups of equal size
# A calibrated score by construction: y ~ Bernoulli(score). Base rates differ by group.
score = np.where(group, rng.beta(3, 5, n), rng.beta(2, 6, n))
y = rng.random(n) < score


def report(name, decision):
    for g in (1, 0):
        m = group == g
        d, yy = decision[m], y[m]
        print(
            f"{name:<22} {g:>5} {yy.mean():>9.3f} {d.mean():>8.3f} "
            f"{d[yy].mean():>6.3f} {d[~yy].mean():>6.3f} {yy[d].mean():>9.3f}"
        )


print("rule                   group base rate selected    TPR    FPR precision")
# One threshold for everyone on a calibrated score.
report("one threshold 0.4", score > 0.4)

# Equalise TPR (equal opportunity): pick group 0's threshold to match group 1's TPR.
tpr1 = (score[group & y] > 0.4).mean()
t0 = np.quantile(score[~group & y], 1 - tpr1)
report(f"group 0 at {t0:.3f}", np.where(group, score > 0.4, score > t0))

# Calibration within groups: among people scored about 0.4, how many are positive?
band = (score > 0.38) & (score < 0.42)
print(
    "calibration check, scores in (0.38, 0.42): positive rate "
    f"group 1 {y[band & group].mean():.3f}, group 0 {y[band & ~group].mean():.3f}"
)
