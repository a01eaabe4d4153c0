import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier
from sklearn.tree import DecisionTreeClassifier


def adaboost(X, y, rounds, depth=1):
    """Discrete AdaBoost for labels in {-1, +1}: trees, their alphas, final weights."""
    w = np.full(len(y), 1 / len(y))
    trees, alphas = [], []
    for _ in range(rounds):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=0)
        h = tree.fit(X, y, sample_weight=w).predict(X)
        # weighted error (the weights sum to 1) and the learner's vote
        eps = w[h != y].sum()
        alpha = 0.5 * np.log((1 - eps) / eps)
        # mistakes are multiplied by e^alpha, correct rows by e^-alpha
        w = w * np.exp(-alpha * y * h)
        w /= w.sum()
        trees.append(tree)
        alphas.append(alpha)
    return trees, np.array(alphas), w


def score(trees, alphas, X):
    """F(x) = sum_t alpha_t h_t(x); the class is its sign."""
    return sum(a * t.predict(X) for t, a in zip(trees, alphas))


X, y01 = make_classification(
    5000, 10, n_informative=5, n_redundant=0, class_sep=1.0, random_state=0
)
y = 2 * y01 - 1
X_tr, y_tr, X_te, y_te = X[:1000], y[:1000], X[1000:], y[1000:]

# 1. The update in a few lines, against scikit-learn (SAMME, decision stumps)
trees, alphas, _ = adaboost(X_tr, y_tr, rounds=50)
sk = AdaBoostClassifier(
    DecisionTreeClassifier(max_depth=1), n_estimators=50, random_state=0
).fit(X_tr, y_tr)
pred = np.sign(score(trees, alphas, X_te))
print("same test predictions as scikit-learn:", np.array_equal(pred, sk.predict(X_te)))
print(
    "scikit-learn's tree weights = 2 alpha:",
    np.allclose(2 * alphas, sk.estimator_weights_),
)
print(f"stumps, 50 rounds: test accuracy {np.mean(pred == y_te):.3f}")

# 2. Flip 20% of the training labels; depth-3 trees, 40 rounds everywhere
flip = np.random.default_rng(0).random(1000) < 0.2
y_noisy = np.where(flip, -y_tr, y_tr)
trees, alphas, w = adaboost(X_tr, y_noisy, rounds=40, depth=3)
# AdaBoost's weight on a row is proportional to exp(-y F(x)): the exponential loss
F = score(trees, alphas, X_tr)
print(
    "final weights = exp(-y F) normalised:",
    np.allclose(w, np.exp(-y_noisy * F) / np.exp(-y_noisy * F).sum()),
)
heaviest = np.argsort(w)[-50:]
print(
    f"flipped rows: {flip.mean():.2f} of the rows, {w[flip].sum():.2f} of the weight,"
    f" {flip[heaviest].mean():.2f} of the 50 heaviest"
)
# AdaBoost at rate 1 is the function above (it matched scikit-learn in part 1)
clean_trees, clean_alphas, _ = adaboost(X_tr, y_tr, rounds=40, depth=3)
rows = {
    "AdaBoost, rate 1": [
        np.mean(np.sign(score(t, a, X_te)) == y_te)
        for t, a in ((clean_trees, clean_alphas), (trees, alphas))
    ]
}
models = {
    "AdaBoost, rate 0.1": AdaBoostClassifier(
        DecisionTreeClassifier(max_depth=3),
        n_estimators=40,
        learning_rate=0.1,
        random_state=0,
    ),
    # learning_rate=0.1 is GradientBoostingClassifier's default
    "GB exponential, 0.1": GradientBoostingClassifier(
        loss="exponential", max_depth=3, n_estimators=40, random_state=0
    ),
    "GB log loss, 0.1": GradientBoostingClassifier(
        max_depth=3, n_estimators=40, random_state=0
    ),
}
for name, model in models.items():
    rows[name] = [
        np.mean(model.fit(X_tr, t).predict(X_te) == y_te) for t in (y_tr, y_noisy)
    ]
print(f"{'test accuracy':<21}{'clean':>7}{'20% flipped':>12}{'change':>8}")
for name, (clean, noisy) in rows.items():
    print(f"{name:<21}{clean:7.3f}{noisy:12.3f}{noisy - clean:+8.3f}")
