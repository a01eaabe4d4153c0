# --8<-- [start:models]
import warnings

import numpy as np
from sklearn.datasets import load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

# On raw features the iterative solvers stop at their iteration limit and warn.
warnings.simplefilter("ignore", ConvergenceWarning)

# 178 wines, 13 features: proline is in the hundreds to 1,680, hue between 0.5 and 1.7.
X, y = load_wine(return_X_y=True)
print(f"feature std: largest {X.std(0).max():.1f}, smallest {X.std(0).min():.3f}")
cv = StratifiedKFold(5, shuffle=True, random_state=0)
models = {
    "kNN (k=5)": KNeighborsClassifier(),
    "SVM (RBF)": SVC(),
    "logistic (lbfgs)": LogisticRegression(max_iter=100),
    "linear SGD": SGDClassifier(random_state=0),
    "decision tree": DecisionTreeClassifier(random_state=0),
    "gradient boosting": HistGradientBoostingClassifier(random_state=0),
}
print(f"{'model':<18}{'raw':>6}{'standardised':>14}")
for name, model in models.items():
    raw = cross_val_score(model, X, y, cv=cv).mean()
    scaled = cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=cv).mean()
    print(f"{name:<18}{raw:6.3f}{scaled:14.3f}")

# Trees split on thresholds, so a monotonic rescaling gives the same partition.
tree = DecisionTreeClassifier(random_state=0)
same = np.array_equal(
    tree.fit(X, y).predict(X),
    tree.fit(StandardScaler().fit_transform(X), y).predict(
        StandardScaler().fit_transform(X)
    ),
)
print(f"decision tree: same predictions raw and standardised: {same}")
# --8<-- [end:models]

# --8<-- [start:gd]
import numpy as np
from sklearn.datasets import load_wine

# Plain gradient descent on least squares (predict alcohol from the other 12 features):
# the safe step size is 1 / (largest eigenvalue of X^T X / n), and the number of steps
# needed grows with the condition number, max / min eigenvalue.
data = load_wine().data
X, y = data[:, 1:], data[:, 0] - data[:, 0].mean()


def gradient_descent(X, y, tol=1e-6, max_steps=200_000):
    X = X - X.mean(axis=0)
    H = X.T @ X / len(y)
    eig = np.linalg.eigvalsh(H)
    w_star = np.linalg.solve(H, X.T @ y / len(y))
    w, step = np.zeros(X.shape[1]), 1 / eig[-1]
    for t in range(1, max_steps + 1):
        w -= step * (H @ w - X.T @ y / len(y))
        if np.linalg.norm(w - w_star) <= tol * np.linalg.norm(w_star):
            return t, eig[-1] / eig[0]
    return None, eig[-1] / eig[0]


for name, Z in [("raw", X), ("standardised", (X - X.mean(0)) / X.std(0))]:
    steps, cond = gradient_descent(Z, y)
    result = f"{steps:,} steps" if steps else "not converged in 200,000 steps"
    print(f"{name:<13} condition number {cond:12,.0f}: {result}")
# --8<-- [end:gd]
