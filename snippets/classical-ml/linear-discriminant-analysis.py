# --8<-- [start:projection]
import numpy as np
from scipy.special import ndtr
from sklearn.datasets import load_wine
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

# two features correlated 0.9 within each class; the classes differ by 1 in
# feature 1 only, so feature 2 carries no class signal of its own
rng = np.random.default_rng(0)
cov = np.array([[1.0, 0.9], [0.9, 1.0]])
mean_gap = np.array([1.0, 0.0])


def sample(n):
    y = np.arange(n) % 2
    X = rng.multivariate_normal([0.0, 0.0], cov, n) + np.outer(y - 0.5, mean_gap)
    return X, y


X, y = sample(200)
means = np.array([X[y == k].mean(axis=0) for k in (0, 1)])
# pooled within-class covariance and Fisher's direction S_W^-1 (m1 - m0)
S_w = sum(np.cov(X[y == k].T) * (np.sum(y == k) - 1) for k in (0, 1)) / (len(y) - 2)
fisher = np.linalg.solve(S_w, means[1] - means[0])
lda = LinearDiscriminantAnalysis().fit(X, y)
cosine = fisher @ lda.coef_[0] / np.linalg.norm(fisher) / np.linalg.norm(lda.coef_[0])
print(f"Fisher direction by hand = scikit-learn's coef_: {np.isclose(cosine, 1.0)}")

directions = {
    "PCA, first component": PCA(1).fit(X).components_[0],
    "difference of class means": means[1] - means[0],
    "Fisher / LDA": fisher,
}
total_var = np.trace(np.cov(X.T))
print(
    f"{'1-D projection':<27}{'variance share':>15}{'Fisher ratio':>13}{'accuracy':>9}"
)
for name, w in directions.items():
    w = w / np.linalg.norm(w)
    z = X @ w
    share = z.var(ddof=1) / total_var
    # between-class over within-class scatter along w
    ratio = (w @ (means[1] - means[0])) ** 2 / (w @ S_w @ w)
    # threshold fitted on the projected training data; accuracy exact on the
    # population: the projection of each class is normal
    rule = LinearDiscriminantAnalysis().fit(z[:, None], y)
    a, b = rule.coef_[0, 0], rule.intercept_[0]
    sd = abs(a) * np.sqrt(w @ cov @ w)
    score = a * (w @ mean_gap) / 2
    acc = 0.5 * ndtr((score + b) / sd) + 0.5 * ndtr((score - b) / sd)
    print(f"{name:<27}{share:15.3f}{ratio:13.3f}{acc:9.3f}")
delta = np.sqrt(mean_gap @ np.linalg.solve(cov, mean_gap))
print(f"Bayes accuracy: {ndtr(delta / 2):.3f}")

X_wine, y_wine = load_wine(return_X_y=True)
Z = LinearDiscriminantAnalysis().fit(X_wine, y_wine).transform(X_wine)
print(f"wine, 3 classes and 13 features: LDA keeps {Z.shape[1]} components (K - 1)")
# --8<-- [end:projection]

# --8<-- [start:versus-logistic]
import warnings

import numpy as np
from scipy.special import ndtr
from sklearn.discriminant_analysis import (
    LinearDiscriminantAnalysis,
    QuadraticDiscriminantAnalysis,
)
from sklearn.linear_model import LogisticRegression

# unpenalised fits on separable small samples warn; they are compared as they are
warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
p, delta = 10, 2.5
# shared covariance, correlation 0.5^|i-j|; class means -mu and +mu differ in
# feature 1 only, scaled so that the Mahalanobis distance between them is 2.5
cov = 0.5 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
chol = np.linalg.cholesky(cov)
mu = np.eye(p)[0] * delta / 2 / np.sqrt(np.linalg.inv(cov)[0, 0])


def sample(n, kind="shared", train=True):
    y = np.arange(n) % 2
    Z = rng.standard_normal((n, p))
    if kind == "t, 2 df":
        # multivariate t: same shape, heavy tails
        Z /= np.sqrt(rng.chisquare(2, n) / 2)[:, None]
    X = Z @ chol.T
    if kind == "covariances differ":
        X[y == 1] *= 1.5
    X += np.where(y[:, None] == 1, mu, -mu)
    if kind == "5% outliers" and train:
        # 5% of class 1 moved 20 further out on feature 1 (sd 1): on their own side,
        # easy to classify, but they drag the class mean and the covariance
        far = (y == 1) & (rng.random(n) < 0.05)
        X[far, 0] += 20
    return X, y


def accuracy(model):
    """Exact accuracy of a linear rule on the two Gaussian classes."""
    w, b = model.coef_[0], model.intercept_[0]
    s = np.sqrt(w @ cov @ w)
    return 0.5 * ndtr((w @ mu + b) / s) + 0.5 * ndtr((w @ mu - b) / s)


models = {
    "LDA": LinearDiscriminantAnalysis(),
    "LDA, LW": LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"),
    "LR none": LogisticRegression(C=np.inf),
    "LR C=1": LogisticRegression(),
}
print(f"p = {p}, Bayes accuracy {ndtr(delta / 2):.3f}")
print("exact accuracy, mean over 30 training sets (10 for n >= 300)")
print(
    f"{'n':>5}"
    + "".join(f"{m:>9}" for m in models)
    + f"{'LDA - LR none':>16}{'LW - LR C=1':>16}"
)
for n in [20, 50, 100, 300, 1000]:
    acc = []
    # small samples are noisier: more repeats
    for _ in range(30 if n <= 100 else 10):
        X, y = sample(n)
        # every model is fitted on the same sample: a paired comparison
        acc.append([accuracy(m.fit(X, y)) for m in models.values()])
    acc = np.array(acc)
    row = f"{n:5d}" + "".join(f"{a:9.3f}" for a in acc.mean(axis=0))
    for diff in [acc[:, 0] - acc[:, 2], acc[:, 1] - acc[:, 3]]:
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        row += f"  {diff.mean():+.3f} ± {2 * se:.3f}"
    print(row)

models = {
    "LDA": LinearDiscriminantAnalysis(),
    "QDA": QuadraticDiscriminantAnalysis(),
    "LR": LogisticRegression(),
}
print("n = 1000, test accuracy, mean over 3 training sets")
print(f"{'data':<20}" + "".join(f"{m:>7}" for m in models))
for kind in ["shared", "covariances differ", "t, 2 df", "5% outliers"]:
    acc = []
    for _ in range(3):
        X, y = sample(1000, kind)
        X_test, y_test = sample(10_000, kind, train=False)
        acc.append([m.fit(X, y).score(X_test, y_test) for m in models.values()])
    print(f"{kind:<20}" + "".join(f"{a:7.3f}" for a in np.mean(acc, axis=0)))
# --8<-- [end:versus-logistic]
