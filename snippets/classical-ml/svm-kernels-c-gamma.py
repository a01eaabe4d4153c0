# --8<-- [start:mechanism]
import numpy as np
from sklearn.datasets import make_blobs, make_moons
from sklearn.svm import SVC

# Linear kernel: margin width 2/||w||; support vectors on the margin have y f(x) = 1
X, y = make_blobs(n_samples=200, centers=2, cluster_std=1.5, random_state=3)
ys = 2 * y - 1
for C in [0.01, 1.0, 100.0]:
    svm = SVC(kernel="linear", C=C).fit(X, y)
    f = svm.decision_function(X)
    hinge = np.maximum(0, 1 - ys * f)
    alpha = np.abs(svm.dual_coef_[0])
    on_margin = alpha < C - 1e-8  # 0 < alpha < C: exactly on the margin
    margin_ok = np.allclose(np.abs(f[svm.support_][on_margin]), 1, atol=1e-3)
    print(
        f"C={C:<6} margin {2 / np.linalg.norm(svm.coef_):.3f}  "
        f"support vectors {len(svm.support_):3d}  hinge sum {hinge.sum():6.2f}  "
        f"|f|=1 on margin: {margin_ok}"
    )

# RBF kernel: f(x) = sum_i alpha_i y_i k(x_i, x) + b over the support vectors only
X, y = make_moons(n_samples=300, noise=0.3, random_state=0)
gamma = 2.0
svm = SVC(kernel="rbf", C=1.0, gamma=gamma).fit(X, y)
sq_dist = ((X[:, None, :] - svm.support_vectors_[None, :, :]) ** 2).sum(-1)
f_manual = np.exp(-gamma * sq_dist) @ svm.dual_coef_[0] + svm.intercept_[0]
print(
    "kernel expansion by hand = decision_function:",
    np.allclose(f_manual, svm.decision_function(X)),
)
# --8<-- [end:mechanism]

# --8<-- [start:grid]
import numpy as np
from sklearn.datasets import make_moons
from sklearn.svm import SVC

X, y = make_moons(n_samples=2300, noise=0.3, random_state=0)
X_train, y_train, X_test, y_test = X[:300], y[:300], X[300:], y[300:]
Cs, gammas = [0.01, 1.0, 100.0, 10_000.0], [0.01, 1.0, 100.0]
rows = {}
for gamma in gammas:
    for C in Cs:
        svm = SVC(C=C, gamma=gamma).fit(X_train, y_train)
        rows[gamma, C] = (
            svm.score(X_train, y_train),
            svm.score(X_test, y_test),
            len(svm.support_),
        )
for label, k in [("train accuracy", 0), ("test accuracy", 1), ("support vectors", 2)]:
    print(f"{label:<16}" + "".join(f"{'C=' + format(C, 'g'):>9}" for C in Cs))
    for gamma in gammas:
        cells = [rows[gamma, C][k] for C in Cs]
        fmt = "{:9d}" if k == 2 else "{:9.3f}"
        print(f"  gamma={gamma:<8g}" + "".join(fmt.format(v) for v in cells))
# --8<-- [end:grid]
