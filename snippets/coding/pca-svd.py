# --8<-- [start:signature]
import numpy as np


def pca(X: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PCA by singular value decomposition (not by eigendecomposing the covariance).

    Returns (components, explained_variance_ratio, projected): components (k, d) are the
    unit principal directions, largest variance first, each with its largest-magnitude
    entry positive; explained_variance_ratio (k,) is each one's share of the total
    variance; projected (n, k) is the centred X in those coordinates.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def pca(X: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Xc = X - X.mean(axis=0)
    # Xc = U S Vt; the rows of Vt are the principal directions,
    # S^2 / (n-1) the variances
    U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    components = Vt[:n_components]
    # a direction's sign is arbitrary: fix it so that results are reproducible
    flip = np.sign(
        components[np.arange(n_components), np.abs(components).argmax(axis=1)]
    )
    components = components * flip[:, None]
    ratio = S[:n_components] ** 2 / np.sum(S**2)
    return components, ratio, Xc @ components.T


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA


def test_pca_worked_example():
    X = np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]])
    components, ratio, projected = pca(X, 2)
    np.testing.assert_allclose(components, [[1.0, 0.0], [0.0, 1.0]], atol=1e-12)
    np.testing.assert_allclose(ratio, [0.8, 0.2])
    np.testing.assert_allclose(projected, X, atol=1e-12)


def test_pca_matches_sklearn_up_to_sign():
    X = load_digits().data[:300]
    components, ratio, projected = pca(X, 5)
    ref = PCA(n_components=5).fit(X)
    np.testing.assert_allclose(ratio, ref.explained_variance_ratio_, rtol=1e-8)
    signs = np.sign(np.sum(components * ref.components_, axis=1))
    np.testing.assert_allclose(components, ref.components_ * signs[:, None], atol=1e-8)
    np.testing.assert_allclose(projected, ref.transform(X) * signs, atol=1e-6)


def test_pca_components_orthonormal_and_sign_fixed():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 6)) @ rng.normal(size=(6, 6))
    components, ratio, _ = pca(X, 4)
    np.testing.assert_allclose(components @ components.T, np.eye(4), atol=1e-10)
    assert np.all(np.diff(ratio) <= 0)
    biggest = components[np.arange(4), np.abs(components).argmax(axis=1)]
    assert np.all(biggest > 0)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_pca_worked_example,
    test_pca_matches_sklearn_up_to_sign,
    test_pca_components_orthonormal_and_sign_fixed,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
X = np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]])
components, ratio, projected = pca(X, 2)
print("components:", components.tolist())
print("explained variance ratio:", ratio.round(6).tolist())
# --8<-- [end:check]
