import numpy as np
from sklearn.ensemble import BaggingRegressor
from sklearn.tree import DecisionTreeRegressor

rng = np.random.default_rng(0)
SIGMA, N, DATASETS = 0.3, 80, 100


def f(x):
    return np.sin(
        2 * np.pi * x
    )  # the true function, known because we generate the data


def draw(n):
    x = rng.uniform(0, 1, n)
    return x[:, None], f(x) + rng.normal(0, SIGMA, n)


x_test = np.linspace(0.01, 0.99, 200)[:, None]
f_test = f(x_test[:, 0])
# 100 independent training sets of 80 points from the same distribution.
train_sets = [draw(N) for _ in range(DATASETS)]


def decompose(make_model):
    preds = np.array([make_model().fit(X, t).predict(x_test) for X, t in train_sets])
    mean_pred = preds.mean(axis=0)
    bias2 = np.mean((mean_pred - f_test) ** 2)
    variance = np.mean(preds.var(axis=0))
    # Identity behind the decomposition: E[(pred - f)^2] = bias^2 + variance.
    assert np.allclose(np.mean((preds - f_test) ** 2), bias2 + variance)
    # Expected error on new noisy targets, measured directly.
    y_new = f_test + rng.normal(0, SIGMA, preds.shape)
    return bias2, variance, np.mean((preds - y_new) ** 2)


print(f"noise sigma^2 = {SIGMA**2:.3f}; {DATASETS} training sets of {N} points")
print("model                bias^2  variance  sum+noise  measured test MSE")
variances = {}
for depth in (1, 2, 3, 4, 6, 10):
    name = f"tree depth {depth}"
    b2, var, mse = decompose(
        lambda depth=depth: DecisionTreeRegressor(max_depth=depth, random_state=0)
    )
    print(f"{name:<20}{b2:8.3f}{var:10.3f}{b2 + var + SIGMA**2:11.3f}{mse:19.3f}")
    variances[depth] = var
bagged = lambda: BaggingRegressor(  # noqa: E731
    DecisionTreeRegressor(max_depth=10), n_estimators=30, random_state=0
)
b2, var, mse = decompose(bagged)
print(
    f"{'bagged depth 10':<20}{b2:8.3f}{var:10.3f}{b2 + var + SIGMA**2:11.3f}{mse:19.3f}"
)

# In practice there is one training set: bootstrap resamples of it stand in for new
# draws from the distribution and give an estimate of the variance term.
X, t = train_sets[0]
for depth, true_var in ((3, variances[3]), (10, variances[10])):
    boot = []
    for _ in range(200):
        i = rng.integers(0, N, N)
        model = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X[i], t[i])
        boot.append(model.predict(x_test))
    estimate = np.mean(np.var(boot, axis=0))
    print(
        f"depth {depth:>2} variance: true {true_var:.3f}, bootstrap of one set "
        f"{estimate:.3f}"
    )
