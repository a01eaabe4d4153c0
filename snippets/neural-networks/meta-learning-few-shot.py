import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis as LDA
from sklearn.neural_network import MLPClassifier

N_EPISODES, N_QUERY = 600, 15


def episode(E, y, novel, rng, k_shot, n_way=5):
    """One N-way K-shot episode on novel classes, classified by the nearest
    class mean of the support set (a prototypical classifier, no training)."""
    classes = rng.choice(novel, n_way, replace=False)
    idx = [rng.permutation(np.flatnonzero(y == c))[: k_shot + N_QUERY] for c in classes]
    prototypes = np.stack([E[i[:k_shot]].mean(axis=0) for i in idx])
    query = np.concatenate([E[i[k_shot:]] for i in idx])
    dist = ((query[:, None, :] - prototypes[None]) ** 2).sum(-1)
    return np.mean(dist.argmin(1) == np.repeat(np.arange(n_way), N_QUERY))


def report(name, E, y, novel):
    row = f"{name:<30}"
    for k in (1, 5):
        rng = np.random.default_rng(0)
        acc = np.array([episode(E, y, novel, rng, k) for _ in range(N_EPISODES)])
        half = 1.96 * acc.std(ddof=1) / np.sqrt(N_EPISODES)
        row += f"{acc.mean():>9.3f} ± {half:.3f}"
    print(row)


# 1) Digits: embeddings learned on base classes 0-4, episodes on novel 5-9
X, y = load_digits(return_X_y=True)
X = X / 16.0
base = y < 5
mlp = MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)
mlp.fit(X[base], y[base])
hidden = np.maximum(X @ mlp.coefs_[0] + mlp.intercepts_[0], 0)
pca = PCA(20, random_state=0).fit(X[base])
print(f"{'digits, 5 base classes':<30}{'5-way 1-shot':>17}{'5-way 5-shot':>17}")
report("raw pixels", X, y, novel=[5, 6, 7, 8, 9])
report("PCA(20) fit on base", pca.transform(X), y, novel=[5, 6, 7, 8, 9])
report("MLP on base, hidden layer", hidden, y, novel=[5, 6, 7, 8, 9])

# 2) Synthetic: 120 classes whose means share a 10-d subspace; 4 high-variance
# nuisance directions (think lighting) are the same for every class
rng = np.random.default_rng(0)
Q = np.linalg.qr(rng.standard_normal((64, 64)))[0]
means = rng.standard_normal((120, 10)) @ Q[:, :10].T
Xs = np.concatenate(
    [
        m
        + rng.standard_normal((40, 10)) @ Q[:, :10].T * 0.6
        + rng.standard_normal((40, 4)) @ Q[:, 10:14].T * 3.0
        + rng.standard_normal((40, 50)) @ Q[:, 14:].T * 0.5
        for m in means
    ]
)
ys = np.repeat(np.arange(120), 40)
novel = np.arange(100, 120)
print(f"\n{'synthetic, 20 novel classes':<30}{'5-way 1-shot':>17}{'5-way 5-shot':>17}")
report("raw features", Xs, ys, novel)
for n_base in (5, 20, 100):
    seen = ys < n_base
    lda = LDA(n_components=min(n_base - 1, 10)).fit(Xs[seen], ys[seen])
    report(f"LDA fit on {n_base} base classes", lda.transform(Xs), ys, novel)
