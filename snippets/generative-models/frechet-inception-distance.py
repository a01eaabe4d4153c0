# --8<-- [start:check]
import numpy as np
from scipy import linalg


def frechet_from_stats(mu_a, c_a, mu_b, c_b):
    """Squared Frechet (2-Wasserstein) distance between N(mu_a, C_a) and N(mu_b, C_b):
    |mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a C_b)^(1/2)).

    tr((C_a C_b)^(1/2)) is the sum of the square roots of the eigenvalues of C_a C_b,
    which are those of the symmetric C_a^(1/2) C_b C_a^(1/2): no complex sqrtm
    needed."""
    w, v = np.linalg.eigh(c_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = np.linalg.eigvalsh(root_a @ c_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(
        ((mu_a - mu_b) ** 2).sum() + np.trace(c_a) + np.trace(c_b) - 2 * trace_root
    )


def frechet_distance(a, b):
    """FID's formula on two feature sets (rows = samples)."""
    stats = [(f.mean(0), np.cov(f, rowvar=False)) for f in (a, b)]
    return frechet_from_stats(*stats[0], *stats[1])


rng = np.random.default_rng(0)
d = 16
mu_a, mu_b = rng.normal(size=d), rng.normal(size=d)

# 1. Diagonal covariances commute, so the formula has a closed form per dimension.
var_a, var_b = rng.uniform(0.5, 2, d), rng.uniform(0.5, 2, d)
closed = ((mu_a - mu_b) ** 2).sum() + ((np.sqrt(var_a) - np.sqrt(var_b)) ** 2).sum()
ours = frechet_from_stats(mu_a, np.diag(var_a), mu_b, np.diag(var_b))
print(f"diagonal: closed form {closed:.6f}, ours {ours:.6f}")

# 2. General covariances, against the scipy.linalg.sqrtm route that FID code uses.
a, b = rng.normal(size=(d, d)), rng.normal(size=(d, d))
c_a, c_b = a @ a.T / d, b @ b.T / d
cross = linalg.sqrtm(c_a @ c_b).real
via_sqrtm = ((mu_a - mu_b) ** 2).sum() + np.trace(c_a + c_b - 2 * cross)
ours = frechet_from_stats(mu_a, c_a, mu_b, c_b)
print(f"general:  sqrtm {via_sqrtm:.6f}, ours {ours:.6f}")
ok = np.isclose(closed, frechet_from_stats(mu_a, np.diag(var_a), mu_b, np.diag(var_b)))
print("both match:", bool(ok and np.isclose(via_sqrtm, ours)))
# --8<-- [end:check]

# --8<-- [start:bias]
import sys

import numpy as np

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
from genlab import frechet_distance

# 64-D Gaussian features. A perfect model samples the reference distribution itself;
# a flawed one is shifted so that its true Frechet distance is exactly 1.0.
rng = np.random.default_rng(0)
d = 64
chol = np.linalg.cholesky(np.cov(rng.normal(size=(4 * d, d)), rowvar=False))
shift = np.full(d, 1 / np.sqrt(d))  # |shift|^2 = 1


def draw(n, mean=0.0):
    return mean + rng.standard_normal((n, d)) @ chol.T


print(f"{'n':>6}{'perfect model':>15}{'flawed model':>14}   (true values 0 and 1)")
for n in [250, 1000, 4000, 16000]:
    ref = draw(n)
    print(f"{n:>6}{frechet_distance(draw(n), ref):>15.3f}"
          f"{frechet_distance(draw(n, shift), ref):>14.3f}")  # fmt: skip
# --8<-- [end:bias]

# --8<-- [start:features]
import sys

import numpy as np

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# Two flawed "generators" of 8x8 digits, both built from real training digits:
# noisy = pixel noise (std 0.5 on the [-1, 1] scale); dropped = no 0s, 1s or 2s.
x_train, y_train, x_test, _ = gl.digits()
rng = np.random.default_rng(0)
n = len(x_test)
real = x_train[rng.choice(len(x_train), n, replace=False)]
noisy = np.clip(real + 0.5 * rng.standard_normal(real.shape), -1, 1)
kept = x_train[y_train >= 3]
dropped = kept[rng.choice(len(kept), n, replace=False)]

# Two feature extractors: raw pixels, and the 10 logits of a digit classifier.
clf = gl.digits_classifier()
spaces = {"pixels (64-D)": lambda x: x, "classifier logits": clf.decision_function}
print(f"{'feature space':<19}{'real':>7}{'noisy':>7}{'dropped':>9}  worse")
for name, f in spaces.items():
    fd = {k: gl.frechet_distance(f(v), f(x_test)) for k, v in
          [("real", real), ("noisy", noisy), ("dropped", dropped)]}  # fmt: skip
    worse = max(["noisy", "dropped"], key=fd.get)
    # Two significant figures: the classifier's L-BFGS fit stops at its tolerance after
    # a CPU-dependent number of iterations, which moves the logits' FDs in the third.
    print(
        f"{name:<19}{fd['real']:>7.2g}{fd['noisy']:>7.2g}{fd['dropped']:>9.2g}  {worse}"
    )
# --8<-- [end:features]
