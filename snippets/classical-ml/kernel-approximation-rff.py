import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification
from sklearn.kernel_approximation import Nystroem, RBFSampler
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

n_features = 8
X, y = make_classification(
    n_samples=10_000,
    n_features=n_features,
    n_informative=n_features,
    n_redundant=0,
    n_clusters_per_class=8,
    class_sep=1.5,
    flip_y=0.02,
    random_state=0,
)
X = StandardScaler().fit_transform(X)
X_train, y_train, X_test, y_test = X[:8000], y[:8000], X[8000:], y[8000:]
# gamma = 1 / n_features is scikit-learn's gamma="scale" on standardised features
gamma = 1 / n_features
feature_counts = (50, 200, 800)


def nystroem_features(X_new, landmarks):
    eigval, eigvec = np.linalg.eigh(rbf_kernel(landmarks, gamma=gamma))
    inv_sqrt = (eigvec / np.sqrt(np.maximum(eigval, 1e-12))) @ eigvec.T
    return rbf_kernel(X_new, landmarks, gamma=gamma) @ inv_sqrt


def fit_nystroem_ridge(X_fit, y_fit, n_components):
    nystroem = Nystroem(gamma=gamma, n_components=n_components, random_state=0)
    features = nystroem.fit_transform(X_fit)
    return nystroem, RidgeClassifier(alpha=1e-2).fit(features, y_fit)


def seconds(fit, n_rows, repeats=1):
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fit(X_train[:n_rows], y_train[:n_rows])
        times.append(time.process_time() - start)
    return min(times)


# The feature maps, checked by hand against scikit-learn.
rff = RBFSampler(gamma=gamma, n_components=200, random_state=0).fit(X_train)
rff_by_hand = np.sqrt(2 / 200) * np.cos(
    X_test @ rff.random_weights_ + rff.random_offset_
)
nys = Nystroem(gamma=gamma, n_components=200, random_state=0).fit(X_train)
print("RFF by hand = RBFSampler:", np.allclose(rff_by_hand, rff.transform(X_test)))
print(
    f"variance of the frequencies w: {rff.random_weights_.var():.3f} (2 gamma = 0.250)"
)
nys_by_hand = nystroem_features(X_test, nys.components_)
print("Nystrom by hand = Nystroem:", np.allclose(nys_by_hand, nys.transform(X_test)))

# Kernel approximation error on 1,000 test points, against the exact RBF Gram matrix.
X_eval = X_test[:1000]
K = rbf_kernel(X_eval, gamma=gamma)
K_norm = np.linalg.norm(K)
# Variance of one cos(w.x + b) feature's estimate of k: 1 - k^2 + k^4 / 2.
rff_variance_sum = (1 - K**2 + K**4 / 2).sum()
print("\nrelative error ||K - Z Z^T||_F / ||K||_F")
print("    D    RFF  RFF theory  Nystrom uniform  Nystrom k-means")
for D in feature_counts:
    rff = RBFSampler(gamma=gamma, n_components=D, random_state=0).fit(X_train)
    nys = Nystroem(gamma=gamma, n_components=D, random_state=0).fit(X_train)
    kmeans = KMeans(n_clusters=D, n_init=1, random_state=0).fit(X_train)
    errors = [
        np.linalg.norm(K - Z @ Z.T) / K_norm
        for Z in (
            rff.transform(X_eval),
            nys.transform(X_eval),
            nystroem_features(X_eval, kmeans.cluster_centers_),
        )
    ]
    theory = np.sqrt(rff_variance_sum / D) / K_norm
    rff_error, uniform_error, kmeans_error = errors
    print(f"{D:5d}  {rff_error:5.3f}  {theory:10.3f}", end="")
    print(f"  {uniform_error:15.3f}  {kmeans_error:15.3f}")

# Accuracy: exact SVC against ridge on the approximate features, same 8,000 rows.
start = time.process_time()
svc = SVC(C=10, gamma=gamma).fit(X_train, y_train)
svc_seconds = time.process_time() - start
raw = LogisticRegression().fit(X_train, y_train)
print(f"\nexact RBF SVC (C=10), 8,000 rows: accuracy {svc.score(X_test, y_test):.3f}")
print(f"logistic regression on the raw features: {raw.score(X_test, y_test):.3f}")
print("    D  RFF + ridge  Nystrom + ridge")
nystroem_seconds = {}
for D in feature_counts:
    rff = RBFSampler(gamma=gamma, n_components=D, random_state=0)
    ridge = RidgeClassifier(alpha=1e-2).fit(rff.fit_transform(X_train), y_train)
    rff_accuracy = ridge.score(rff.transform(X_test), y_test)
    start = time.process_time()
    nys, ridge = fit_nystroem_ridge(X_train, y_train, D)
    nystroem_seconds[D] = time.process_time() - start
    nys_accuracy = ridge.score(nys.transform(X_test), y_test)
    print(f"{D:5d}  {rff_accuracy:11.3f}  {nys_accuracy:15.3f}")

# Fit time as the training set grows from 1,000 to 8,000 rows.
svc_small = seconds(lambda X_, y_: SVC(C=10, gamma=gamma).fit(X_, y_), 1000, repeats=3)
nys_small = seconds(lambda X_, y_: fit_nystroem_ridge(X_, y_, 200), 1000, repeats=3)
nys_large = seconds(lambda X_, y_: fit_nystroem_ridge(X_, y_, 200), 8000, repeats=3)
print("\nfit time, 1,000 -> 8,000 rows (8x the rows)")
print("  exact SVC grows more than 12x:", svc_seconds > 12 * svc_small)
print("  Nystrom 200 + ridge grows less than 8x:", nys_large < 8 * nys_small)
print("at 8,000 rows")
print(
    "  Nystrom 200 + ridge at least 3x faster than exact SVC:",
    3 * nys_large < svc_seconds,
)
print(
    "  Nystrom 800 + ridge at least 2x faster than exact SVC:",
    2 * nystroem_seconds[800] < svc_seconds,
)
