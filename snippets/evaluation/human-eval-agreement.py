import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix

rng = np.random.default_rng(0)


def kappa(a, b, labels, weights=None):
    """Cohen's kappa: (observed - chance agreement) / (1 - chance), with optional
    ordinal weights.
    """
    k = len(labels)
    obs = confusion_matrix(a, b, labels=labels) / len(
        a
    )  # joint distribution of the two raters
    exp = np.outer(
        obs.sum(axis=1), obs.sum(axis=0)
    )  # what independent raters with these marginals give
    i, j = np.indices((k, k))
    w = {
        None: (i != j).astype(float),
        "linear": np.abs(i - j),
        "quadratic": (i - j) ** 2,
    }[weights]
    return (
        1 - (w * obs).sum() / (w * exp).sum()
    )  # unweighted: 1 - (1 - p_o) / (1 - p_e)


# Rubric score 1-5 for 300 answers: both raters see the true quality with noise; B is
# more lenient.
true = rng.integers(1, 6, 300)
rater_a = np.clip(np.rint(true + rng.normal(0, 0.7, 300)), 1, 5).astype(int)
rater_b = np.clip(np.rint(true + 0.5 + rng.normal(0, 0.7, 300)), 1, 5).astype(int)
labels = [1, 2, 3, 4, 5]
print(f"raw agreement {np.mean(rater_a == rater_b):.3f}")
for w in [None, "linear", "quadratic"]:
    ours, lib = (
        kappa(rater_a, rater_b, labels, w),
        cohen_kappa_score(rater_a, rater_b, weights=w),
    )
    print(
        f"kappa weights={str(w):<9}: by hand {ours:.4f}, sklearn {lib:.4f}, match "
        f"{np.isclose(ours, lib)}"
    )
print(f"mean score: rater A {rater_a.mean():.2f}, rater B {rater_b.mean():.2f}")

# The prevalence trap: 5% of answers contain a factual error. Rater C checks carefully;
# rater D almost never flags anything. Raw agreement looks excellent; kappa does not.
has_error = rng.random(1000) < 0.05
u = rng.random(1000)
rater_c = np.where(
    has_error, u < 0.9, u < 0.02
)  # catches 90% of errors, 2% false alarms
rater_d = rng.random(1000) < 0.02  # flags 2% at random, unrelated to the answer
print(
    f"C vs D: raw agreement {np.mean(rater_c == rater_d):.3f}, kappa "
    f"{cohen_kappa_score(rater_c, rater_d):.3f}"
)
