# --8<-- [start:scratch]
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.tree import DecisionTreeRegressor


class Booster:
    """Gradient boosting for squared error: each tree fits the current residuals."""

    def __init__(self, n_trees=100, learning_rate=0.1, max_depth=3, random_state=0):
        self.n_trees, self.lr, self.max_depth = n_trees, learning_rate, max_depth
        # scikit-learn hands one RandomState to all its trees; it only decides which
        # of two equally good splits wins, so sharing it makes the trees identical
        self.rng = np.random.RandomState(random_state)

    def fit(self, X, y):
        self.f0 = y.mean()  # the constant that minimises squared error
        F = np.full(len(y), self.f0)
        self.trees = []
        for _ in range(self.n_trees):
            residual = y - F  # = minus the gradient of (y - F)^2 / 2 with respect to F
            tree = DecisionTreeRegressor(
                max_depth=self.max_depth, random_state=self.rng
            )
            tree.fit(X, residual)
            F += self.lr * tree.predict(X)  # shrinkage: a small step along the tree
            self.trees.append(tree)
        return self

    def predict(self, X):
        return self.f0 + self.lr * sum(tree.predict(X) for tree in self.trees)


# y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise; x6..x10 unused
X, y = make_friedman1(2000, noise=1.0, random_state=0)
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
mine = Booster().fit(X_train, y_train)
sk = GradientBoostingRegressor(random_state=0).fit(X_train, y_train)
print(
    "same predictions as scikit-learn:",
    np.allclose(mine.predict(X_test), sk.predict(X_test)),
)
print(
    f"test MSE {np.mean((mine.predict(X_test) - y_test) ** 2):.3f} "
    f"(noise variance 1.0, variance of y {y_test.var():.3f})"
)
# --8<-- [end:scratch]

# --8<-- [start:shrinkage]
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor

X, y = make_friedman1(2000, noise=1.0, random_state=0)
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
print(f"{'learning rate':>13}{'best test MSE':>14}{'at trees':>9}{'MSE at 1000':>12}")
for lr in [1.0, 0.3, 0.1, 0.03]:
    gbm = HistGradientBoostingRegressor(
        learning_rate=lr,
        max_iter=1000,
        max_leaf_nodes=8,
        early_stopping=False,
        random_state=0,
    ).fit(X_train, y_train)
    mse = np.array([np.mean((p - y_test) ** 2) for p in gbm.staged_predict(X_test)])
    print(f"{lr:13.2f}{mse.min():14.3f}{mse.argmin() + 1:9d}{mse[-1]:12.3f}")
# --8<-- [end:shrinkage]
