# --8<-- [start:signature]
import numpy as np


def hinge_objective(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float
) -> float:
    """(lam / 2) * ||w||^2 + mean_i max(0, 1 - y_i * (x_i @ w + b)).

    X: (n, d), y: (n,) in {-1, +1}. The bias b is not regularised.
    """
    raise NotImplementedError


def hinge_subgradient(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float
) -> tuple[np.ndarray, float]:
    """A subgradient (g_w, g_b) of hinge_objective at (w, b). Only the points with
    y_i * (x_i @ w + b) < 1 contribute (at exactly 1, contributing nothing is a valid
    subgradient)."""
    raise NotImplementedError


def pegasos(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    n_iters: int = 1000,
    batch_size: int | None = None,
    project: bool = True,
    seed: int = 0,
) -> tuple[np.ndarray, float]:
    """Minimise hinge_objective by Pegasos, from w = 0, b = 0.

    Step t = 1, 2, ..., n_iters: draw batch_size distinct rows at random (batch_size
    None: all n rows every step, i.e. full-batch subgradient descent), take a
    subgradient step of size 1 / (lam * t) on the objective restricted to those rows,
    then, if project, shrink w onto the ball ||w|| <= 1 / sqrt(lam). Raise ValueError
    unless every label is -1 or +1. Returns (w, b) after the last step.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def hinge_objective(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float
) -> float:
    hinge = np.maximum(0.0, 1.0 - y * (X @ w + b))
    return float(0.5 * lam * w @ w + hinge.mean())


def hinge_subgradient(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float
) -> tuple[np.ndarray, float]:
    violates = y * (X @ w + b) < 1.0
    n = len(y)
    g_w = lam * w - y[violates] @ X[violates] / n
    g_b = -y[violates].sum() / n
    return g_w, float(g_b)


def pegasos(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    n_iters: int = 1000,
    batch_size: int | None = None,
    project: bool = True,
    seed: int = 0,
) -> tuple[np.ndarray, float]:
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError("labels must be -1 or +1")
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    radius = 1.0 / np.sqrt(lam)
    for t in range(1, n_iters + 1):
        rows = slice(None) if batch_size is None else rng.choice(n, batch_size, False)
        g_w, g_b = hinge_subgradient(w, b, X[rows], y[rows], lam)
        step = 1.0 / (lam * t)
        w = w - step * g_w
        b = b - step * g_b
        norm = np.linalg.norm(w)
        if project and norm > radius:
            w = w * (radius / norm)
    return w, b


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC


def svm_data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian classes in 5 standardised features, labels -1/+1."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    X = rng.normal(size=(n, 5)) + 0.8 * y[:, None] * np.array([1, 0.5, 0, 0, 0])
    return (X - X.mean(0)) / X.std(0), y


def separable_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two correlated Gaussian classes, 100 rows, linearly separable for seed 0."""
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(100) < 50, 1.0, -1.0)
    X = rng.normal(size=(100, 2)) @ np.array([[1.0, 0.0], [1.5, 0.5]])
    X += 1.5 * y[:, None]
    return (X - X.mean(0)) / X.std(0), y


def svc_solution(X, y, lam) -> tuple[np.ndarray, float, SVC]:
    # SVC minimises ||w||^2 / 2 + C * sum(hinge): the objective times 1 / (lam n)
    svc = SVC(kernel="linear", C=1 / (lam * len(y)), tol=1e-10).fit(X, y)
    return svc.coef_[0], float(svc.intercept_[0]), svc


def geometric_margin(w, b, X, y) -> float:
    return float(np.min(y * (X @ w + b)) / np.linalg.norm(w))


def test_hinge_worked_example():
    X = np.array([[2.0, 2.0], [1.0, 0.0], [0.0, -1.0], [-2.0, -1.0]])
    y = np.array([1.0, 1.0, 1.0, -1.0])
    w, b = np.array([0.5, 0.5]), 0.0
    assert hinge_objective(w, b, X, y, lam=1.0) == pytest.approx(0.75)
    g_w, g_b = hinge_subgradient(w, b, X, y, lam=1.0)
    np.testing.assert_allclose(g_w, [0.25, 0.75])
    assert g_b == pytest.approx(-0.5)


def test_hinge_subgradient_matches_finite_differences():
    X, y = svm_data(50, seed=1)
    rng = np.random.default_rng(2)
    w, b, lam = rng.normal(size=5), 0.3, 0.1
    # away from the kink the objective is differentiable: no margin within 1e-3 of 1
    assert np.min(np.abs(y * (X @ w + b) - 1)) > 1e-3
    g_w, g_b = hinge_subgradient(w, b, X, y, lam)
    eps = 1e-6
    numeric = [
        (
            hinge_objective(w + eps * e, b, X, y, lam)
            - hinge_objective(w - eps * e, b, X, y, lam)
        )
        / (2 * eps)
        for e in np.eye(5)
    ]
    np.testing.assert_allclose(g_w, numeric, atol=1e-6)
    numeric_b = (
        hinge_objective(w, b + eps, X, y, lam) - hinge_objective(w, b - eps, X, y, lam)
    ) / (2 * eps)
    assert g_b == pytest.approx(numeric_b, abs=1e-6)


def test_hinge_subgradient_uses_only_margin_violators():
    X, y = svm_data(100)
    w, b, lam = np.array([1.0, 0.5, 0.0, 0.0, 0.0]), 0.1, 0.05
    g_w, g_b = hinge_subgradient(w, b, X, y, lam)
    beyond = y * (X @ w + b) > 1
    assert 0 < beyond.sum() < len(y)
    # push the points beyond the margin further out: the subgradient must not move
    moved = X.copy()
    moved[beyond] += 3.0 * y[beyond, None] * w / np.linalg.norm(w)
    g_w_moved, g_b_moved = hinge_subgradient(w, b, moved, y, lam)
    np.testing.assert_allclose(g_w_moved, g_w, atol=1e-12)
    assert g_b_moved == pytest.approx(g_b, abs=1e-12)
    # with every point beyond the margin only the regulariser is left
    g_w_all, g_b_all = hinge_subgradient(10 * w, b, X[beyond], y[beyond], lam)
    np.testing.assert_allclose(g_w_all, lam * 10 * w, atol=1e-12)
    assert g_b_all == pytest.approx(0.0, abs=1e-12)


def test_pegasos_objective_decreases():
    X, y = svm_data()
    lam = 0.01
    full = [
        hinge_objective(*pegasos(X, y, lam, t), X, y, lam) for t in (1, 10, 100, 1000)
    ]
    assert all(a >= b for a, b in zip(full, full[1:]))
    # a stochastic run is noisy step to step: average five seeds at each checkpoint
    mean = [
        np.mean(
            [
                hinge_objective(
                    *pegasos(X, y, lam, t, batch_size=10, seed=s), X, y, lam
                )
                for s in range(5)
            ]
        )
        for t in (10, 100, 1000)
    ]
    assert mean[0] > mean[1] > mean[2]


def test_pegasos_matches_sklearn_svc():
    X, y = svm_data()
    lam = 0.01
    w_ref, b_ref, svc = svc_solution(X, y, lam)
    best = hinge_objective(w_ref, b_ref, X, y, lam)
    w, b = pegasos(X, y, lam, 2000)
    assert hinge_objective(w, b, X, y, lam) == pytest.approx(best, rel=1e-4)
    assert np.mean(np.sign(X @ w + b) == np.sign(X @ w_ref + b_ref)) >= 0.99
    support = np.flatnonzero(y * (X @ w + b) <= 1 + 1e-3)
    assert len(set(support) ^ set(svc.support_)) <= 3
    w_sgd, b_sgd = pegasos(X, y, lam, 10000, batch_size=10)
    assert hinge_objective(w_sgd, b_sgd, X, y, lam) == pytest.approx(best, rel=0.02)
    assert np.mean(np.sign(X @ w_sgd + b_sgd) == np.sign(X @ w_ref + b_ref)) >= 0.95


def test_pegasos_rejects_labels_0_1():
    X, y = svm_data(20)
    with pytest.raises(ValueError):
        pegasos(X, (y > 0).astype(float), lam=0.1, n_iters=10)


def test_pegasos_margin_beats_logistic_on_separable_data():
    X, y = separable_data()
    lam = 1e-3
    w_ref, b_ref, _ = svc_solution(X, y, lam)
    assert np.all(y * (X @ w_ref + b_ref) > 1 - 1e-6)
    w, b = pegasos(X, y, lam, 20000)
    svm_margin = geometric_margin(w, b, X, y)
    assert svm_margin == pytest.approx(geometric_margin(w_ref, b_ref, X, y), rel=2e-3)
    logistic = LogisticRegression(tol=1e-10).fit(X, y)
    assert svm_margin > geometric_margin(
        logistic.coef_[0], logistic.intercept_[0], X, y
    )


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_hinge_worked_example,
    test_hinge_subgradient_matches_finite_differences,
    test_hinge_subgradient_uses_only_margin_violators,
    test_pegasos_objective_decreases,
    test_pegasos_matches_sklearn_svc,
    test_pegasos_rejects_labels_0_1,
    test_pegasos_margin_beats_logistic_on_separable_data,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")


def report(name, w, b, X, y, lam, best, w_ref, b_ref):
    score = X @ w + b
    objective = hinge_objective(w, b, X, y, lam)
    print(
        f"{name:<27}{objective:>9.4f}{objective - best:>9.4f}"
        f"{np.mean(np.sign(score) == y):>6.3f}{np.sum(y * score <= 1 + 1e-3):>5}"
        f"{2 / np.linalg.norm(w):>7.3f}"
        f"{np.mean(np.sign(score) == np.sign(X @ w_ref + b_ref)):>7.3f}"
    )


X, y = svm_data()
lam = 0.01
w_ref, b_ref, svc = svc_solution(X, y, lam)
best = hinge_objective(w_ref, b_ref, X, y, lam)
print(f"200 rows, 5 features, lam = {lam}, SVC's C = 1 / (lam n) = {1 / (lam * 200)}")
print("solver                     objective      gap   acc  SVs  2/|w|  agree")
report('SVC(kernel="linear")', w_ref, b_ref, X, y, lam, best, w_ref, b_ref)
w, b = pegasos(X, y, lam, 2000)
report("full batch, 2000 steps", w, b, X, y, lam, best, w_ref, b_ref)
w_sgd, b_sgd = pegasos(X, y, lam, 10000, batch_size=10)
report("Pegasos k=10, 10000 steps", w_sgd, b_sgd, X, y, lam, best, w_ref, b_ref)
unscaled = X * np.array([1, 1, 100, 1, 1])
w_u, b_u, _ = svc_solution(unscaled, y, lam)
best_u = hinge_objective(w_u, b_u, unscaled, y, lam)
w_bad, b_bad = pegasos(unscaled, y, lam, 2000)
report("feature 3 x100, 2000 steps", w_bad, b_bad, unscaled, y, lam, best_u, w_u, b_u)
support = np.flatnonzero(y * (X @ w + b) <= 1 + 1e-3)
only_one = sorted(set(support) ^ set(svc.support_))
print(
    f"SVC's support_ {len(svc.support_)} rows, margin <= 1.001 {len(support)} rows, ",
    end="",
)
print(f"in one set only {len(only_one)}")

print("full batch: steps, objective gap, subgradient norm")
for steps in (10, 100, 1000, 10000):
    w, b = pegasos(X, y, lam, steps)
    g_w, g_b = hinge_subgradient(w, b, X, y, lam)
    gap = hinge_objective(w, b, X, y, lam) - best
    print(f"{steps:>6}{gap:>10.1e}{np.sqrt(g_w @ g_w + g_b**2):>9.3f}")

X, y = separable_data()
lam = 1e-3
print(f"separable, 100 rows, lam = {lam}: geometric margin min y f(x) / |w|")
w_ref, b_ref, _ = svc_solution(X, y, lam)
print(f"  SVC(kernel='linear')   {geometric_margin(w_ref, b_ref, X, y):.3f}")
w, b = pegasos(X, y, lam, 20000)
print(f"  Pegasos, full batch    {geometric_margin(w, b, X, y):.3f}")
for C in (1.0, 100.0):
    logistic = LogisticRegression(C=C, tol=1e-10).fit(X, y)
    margin = geometric_margin(logistic.coef_[0], logistic.intercept_[0], X, y)
    print(f"  logistic, C = {C:<6g}   {margin:.3f}")
# --8<-- [end:check]
