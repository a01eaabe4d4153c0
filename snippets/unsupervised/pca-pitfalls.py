import numpy as np
from sklearn.datasets import load_wine, make_swiss_roll
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import Isomap
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# 1. units: on raw wine data the first component is one feature, proline
wine = load_wine()
names = list(wine.feature_names)
for label, Xw in [
    ("raw", wine.data),
    ("standardised", StandardScaler().fit_transform(wine.data)),
]:
    pca = PCA(2).fit(Xw)
    top = np.argmax(np.abs(pca.components_[0]))
    print(
        f"{label:<13} PC1 explains {pca.explained_variance_ratio_[0]:.3f};"
        f" largest loading {names[top]} ({abs(pca.components_[0, top]):.3f})"
    )

# 2. curved structure: a rolled-up sheet whose position along the roll is t
X, t = make_swiss_roll(1000, noise=0.05, random_state=0)
for name, method in [
    ("PCA", PCA(2)),
    ("Isomap", Isomap(n_neighbors=10, n_components=2)),
]:
    Z = method.fit_transform(X)
    r = max(abs(np.corrcoef(Z[:, j], t)[0, 1]) for j in range(2))
    print(f"swiss roll, {name:<6} best |correlation| of a 2-D axis with t: {r:.3f}")

# 3. variance is not relevance: the label lives in a low-variance direction
rng = np.random.default_rng(0)
n = 1000
y = rng.integers(2, size=n)
signal = (2 * y - 1) * 1.0 + rng.normal(0, 0.5, n)  # std about 1.1
noise = rng.normal(0, 5.0, (n, 9))  # nine loud, irrelevant features
Xs = np.column_stack([signal, noise])


def accuracy(*steps):
    model = make_pipeline(*steps, LogisticRegression())
    return cross_val_score(model, Xs, y, cv=5).mean()


print(f"logistic regression, all 10 features  {accuracy():.3f}")
print(f"after PCA to 2 components             {accuracy(PCA(2)):.3f}")
# a supervised projection (linear discriminant analysis) looks at y and keeps it
print(
    "after LDA to 1 component             ",
    f"{accuracy(LinearDiscriminantAnalysis(n_components=1)):.3f}",
)
pca = PCA().fit(Xs)
rank = np.argmax(np.abs(pca.components_[:, 0])) + 1
print(f"the label's feature dominates component {rank} of 10")
