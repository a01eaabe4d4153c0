import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

X = load_digits().data  # 1797 images of 8 x 8 pixels = 64 features
n = len(X)

# PCA from scratch: centre, then SVD. Rows of Vt are the principal directions.
mean = X.mean(0)
U, S, Vt = np.linalg.svd(X - mean, full_matrices=False)
explained_var = S**2 / (n - 1)  # eigenvalues of the covariance matrix
ratio = explained_var / explained_var.sum()
scores = (X - mean) @ Vt[:10].T  # = U[:, :10] * S[:10]

pca = PCA(n_components=10, svd_solver="full").fit(X)
signs = np.sign((Vt[:10] * pca.components_).sum(1))  # each axis is defined up to sign
print("same directions:", np.allclose(Vt[:10] * signs[:, None], pca.components_))
print(
    "same explained variance:", np.allclose(explained_var[:10], pca.explained_variance_)
)
print("same scores:", np.allclose(scores * signs, pca.transform(X)))

cum = np.cumsum(ratio)
for target in [0.5, 0.9, 0.95, 0.99]:
    print(
        f"components for {target:.0%} of the variance:",
        np.searchsorted(cum, target) + 1,
    )

# reconstruction error from k components = the variance left in the other ones
k = 10
X_hat = scores @ Vt[:k] + mean
mse = ((X - X_hat) ** 2).sum(1).mean()
print(
    f"squared error per image with {k} components {mse:.2f};"
    f" variance in the other components {explained_var[k:].sum() * (n - 1) / n:.2f}"
)

# whitening: divide each score by its standard deviation -> identity covariance
white = PCA(n_components=10, whiten=True).fit_transform(X)
print("whitened covariance is the identity:", np.allclose(np.cov(white.T), np.eye(10)))
