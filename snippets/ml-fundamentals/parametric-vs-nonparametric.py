import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

rng = np.random.default_rng(0)
noise_sd = 1.0
repeats = 3
neighbour_counts = [1, 3, 5, 10, 20, 50, 100, 200, 500]


def cubic_truth(x):
    # Only the first feature matters; any others are irrelevant
    return x[:, 0] ** 3 - 3 * x[:, 0]


def wiggly_truth(x):
    return np.sin(3 * x[:, 0]) + 2 * (x[:, 0] > 0.5)


def make_models(n):
    return {
        "linear": LinearRegression(),
        "cubic": make_pipeline(
            PolynomialFeatures(3, include_bias=False), LinearRegression()
        ),
        # k chosen by 5-fold cross-validation, so the neighbourhood adapts to n
        "kNN": GridSearchCV(
            KNeighborsRegressor(),
            {"n_neighbors": [k for k in neighbour_counts if k < 0.8 * n]},
            cv=5,
            scoring="neg_mean_squared_error",
        ),
        # Trees are added until a 10% validation split stops improving
        "boosting": GradientBoostingRegressor(
            n_estimators=2000,
            max_depth=3,
            n_iter_no_change=20,
            validation_fraction=0.1,
            random_state=0,
        ),
    }


def numbers_stored(name, model, n, d):
    """How many numbers the fitted model keeps in order to predict."""
    if name == "linear":
        return d + 1
    if name == "cubic":
        return model[-1].coef_.size + 1
    if name == "kNN":
        # every training row: d features and a target
        return n * (d + 1)
    # a value per leaf, a feature index and a threshold per split
    total = 1
    for tree in model.estimators_[:, 0]:
        leaves = int((tree.tree_.children_left == -1).sum())
        total += leaves + 2 * (tree.tree_.node_count - leaves)
    return total


def run(truth, n, d):
    """Mean excess test MSE (squared distance to the truth) and model sizes."""
    x_test = rng.uniform(-2, 2, (10_000, d))
    errors, sizes, ks = [], [], []
    for _ in range(repeats):
        x = rng.uniform(-2, 2, (n, d))
        y = truth(x) + noise_sd * rng.normal(size=n)
        errors.append([])
        sizes.append([])
        for name, model in make_models(n).items():
            model.fit(x, y)
            errors[-1].append(np.mean((model.predict(x_test) - truth(x_test)) ** 2))
            sizes[-1].append(numbers_stored(name, model, n, d))
            if name == "kNN":
                ks.append(model.best_params_["n_neighbors"])
    return np.mean(errors, 0), np.mean(sizes, 0), int(np.median(ks))


names = list(make_models(100))
header = "".join(f"{name:>10}" for name in names)
# The best any straight line can do: E[(f - b x)^2] with b = Cov(x, f) / Var(x),
# from the moments of U(-2, 2): E x^2 = 4/3, E x^4 = 16/5, E x^6 = 64/7
slope = (16 / 5 - 3 * 4 / 3) / (4 / 3)
line_bias = 64 / 7 - 2 * (3 + slope) * 16 / 5 + (3 + slope) ** 2 * 4 / 3
print(f"truth x^3 - 3x, x ~ U(-2, 2), noise variance {noise_sd**2:.2f}, {repeats} runs")
print(f"closed-form bias^2 of the best straight line: {line_bias:.3f}")

print("\nexcess test MSE, 1 feature")
print(f"{'n':>6}{header}   kNN's k   cubic p/n")
all_sizes = {}
for n in [100, 300, 1_000, 3_000, 10_000]:
    errors, all_sizes[n], k = run(cubic_truth, n, 1)
    row = "".join(f"{e:10.3f}" for e in errors)
    print(f"{n:>6}{row}   {k:>7}   {all_sizes[n][1] / n:9.4f}")

print("\nnumbers stored to predict, 1 feature")
print(f"{'n':>6}{header}")
for n, sizes in all_sizes.items():
    print(f"{n:>6}" + "".join(f"{s:>10,.0f}" for s in sizes))

print("\nexcess test MSE, n = 2,000, d - 1 irrelevant features")
print(f"{'d':>6}{header}   cubic's p   p/n")
for d in [1, 2, 4, 8]:
    errors, sizes, _ = run(cubic_truth, 2_000, d)
    p = sizes[1]
    row = "".join(f"{e:10.3f}" for e in errors)
    print(f"{d:>6}{row}   {p:>9.0f}   {p / 2_000:.3f}")

print("\ntruth sin(3x) + 2 [x > 0.5]: the cubic is now misspecified")
print(f"{'n':>6}{header}")
for n in [300, 3_000]:
    errors, _, _ = run(wiggly_truth, n, 1)
    print(f"{n:>6}" + "".join(f"{e:10.3f}" for e in errors))
