# --8<-- [start:signature]
import numpy as np


def kfold_indices(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k-fold splits of range(n), without shuffling: consecutive test folds, the first
    n % k of them one sample larger. Returns [(train_idx, test_idx), ...], k pairs."""
    raise NotImplementedError


def cross_val_mse(X: np.ndarray, y: np.ndarray, k: int, alpha: float) -> np.ndarray:
    """Test MSE on each of the k folds of kfold_indices(len(X), k) for ridge regression
    (penalty alpha * ||w||^2, intercept not penalised) on standardised features.

    Nothing may be learnt from a test fold: the means and standard deviations used to
    standardise come from the training rows of each fold only. Returns (k,) MSEs.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def kfold_indices(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    edges = np.concatenate([[0], np.cumsum(sizes)])
    idx = np.arange(n)
    return [
        (np.concatenate([idx[:a], idx[b:]]), idx[a:b])
        for a, b in zip(edges[:-1], edges[1:])
    ]


def cross_val_mse(X: np.ndarray, y: np.ndarray, k: int, alpha: float) -> np.ndarray:
    scores = []
    for train, test in kfold_indices(len(X), k):
        # fitted on the training rows only: the test fold plays unseen data
        mean, std = X[train].mean(axis=0), X[train].std(axis=0)
        std[std == 0] = 1.0
        Xtr, Xte = (X[train] - mean) / std, (X[test] - mean) / std
        # Xtr has mean 0, so the intercept is mean(y_train) and w solves centred ridge
        b = y[train].mean()
        d = X.shape[1]
        w = np.linalg.solve(Xtr.T @ Xtr + alpha * np.eye(d), Xtr.T @ (y[train] - b))
        scores.append(np.mean((Xte @ w + b - y[test]) ** 2))
    return np.array(scores)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def test_kfold_worked_example():
    folds = kfold_indices(7, 3)
    assert [test.tolist() for _, test in folds] == [[0, 1, 2], [3, 4], [5, 6]]
    assert folds[1][0].tolist() == [0, 1, 2, 5, 6]


def test_kfold_indices_match_sklearn():
    for n, k in [(10, 5), (11, 3), (100, 7)]:
        ours = kfold_indices(n, k)
        assert len(ours) == k
        for (train, test), (ref_train, ref_test) in zip(
            ours, KFold(k).split(np.zeros(n))
        ):
            np.testing.assert_array_equal(np.sort(train), ref_train)
            np.testing.assert_array_equal(np.sort(test), ref_test)


def test_cross_val_mse_matches_a_sklearn_pipeline():
    X, y = load_diabetes(return_X_y=True)
    X = X * np.linspace(1, 50, X.shape[1])  # features on different scales
    model = make_pipeline(StandardScaler(), Ridge(alpha=10.0))
    ref = -cross_val_score(model, X, y, cv=KFold(5), scoring="neg_mean_squared_error")
    np.testing.assert_allclose(cross_val_mse(X, y, 5, 10.0), ref, rtol=1e-8)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_kfold_worked_example,
    test_kfold_indices_match_sklearn,
    test_cross_val_mse_matches_a_sklearn_pipeline,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(
    "test folds of kfold_indices(7, 3):", [t.tolist() for _, t in kfold_indices(7, 3)]
)
X, y = load_diabetes(return_X_y=True)
X = X * np.linspace(1, 50, X.shape[1])
honest = cross_val_mse(X, y, 5, 10.0)
print("fold MSEs:", honest.round(1).tolist())
# the leak: standardise with the statistics of all rows, then cross-validate
X_all = (X - X.mean(axis=0)) / X.std(axis=0)
leaky = -cross_val_score(
    Ridge(alpha=10.0), X_all, y, cv=KFold(5), scoring="neg_mean_squared_error"
)
print(
    "largest relative change when the scaler sees the test fold: "
    f"{np.max(np.abs(leaky / honest - 1)):.1e}"
)
# --8<-- [end:check]
