import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier

# flip_y=0.2 redraws 20% of labels at random (about 10% wrong): noise to memorise
X, y = make_classification(
    3000, 10, n_informative=4, flip_y=0.2, class_sep=1.0, random_state=0
)
X_train, y_train, X_test, y_test = X[:600], y[:600], X[600:], y[600:]

full = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
path = full.cost_complexity_pruning_path(X_train, y_train)

# The first weakest-link alpha by hand: g(t) = (R(t) - R(T_t)) / (leaves(T_t) - 1),
# where R is impurity weighted by the node's share of the training rows.
t = full.tree_
R = t.impurity * t.weighted_n_node_samples / t.weighted_n_node_samples[0]


def subtree(node):
    """(sum of R over the leaves under node, number of those leaves)."""
    if t.children_left[node] == -1:
        return R[node], 1
    (r1, l1), (r2, l2) = subtree(t.children_left[node]), subtree(t.children_right[node])
    return r1 + r2, l1 + l2


g = [
    (R[i] - subtree(i)[0]) / (subtree(i)[1] - 1)
    for i in range(t.node_count)
    if t.children_left[i] != -1
]
print(
    f"first alpha on the path {path.ccp_alphas[1]:.6f}, by hand {min(g):.6f}: "
    f"{np.isclose(path.ccp_alphas[1], min(g))}"
)
print(
    f"path: {len(path.ccp_alphas)} subtrees, alpha from 0 to {path.ccp_alphas[-1]:.4f}"
)

alphas = path.ccp_alphas[:-1]  # the last alpha prunes to the root alone
search = GridSearchCV(
    DecisionTreeClassifier(random_state=0), {"ccp_alpha": alphas}, cv=5
).fit(X_train, y_train)
depth = GridSearchCV(
    DecisionTreeClassifier(random_state=0), {"max_depth": range(1, 16)}, cv=5
).fit(X_train, y_train)
print(f"{'tree':<34}{'leaves':>7}{'train acc':>10}{'test acc':>9}")
for name, model in [
    ("fully grown", full),
    (
        f"pruned, CV alpha={search.best_params_['ccp_alpha']:.4f}",
        search.best_estimator_,
    ),
    (
        f"pre-pruned, CV max_depth={depth.best_params_['max_depth']}",
        depth.best_estimator_,
    ),
]:
    print(
        f"{name:<34}{model.get_n_leaves():7d}{model.score(X_train, y_train):10.3f}"
        f"{model.score(X_test, y_test):9.3f}"
    )
