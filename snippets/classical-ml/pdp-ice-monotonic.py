# --8<-- [start:pdp-ice]
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.inspection import partial_dependence

rng = np.random.default_rng(0)
n = 2000
X = rng.uniform(-1, 1, size=(n, 3))
# x0 pushes y up when x1 > 0 and down when x1 < 0: an interaction, no main effect
y = 3 * X[:, 0] * np.sign(X[:, 1]) + X[:, 2] + rng.normal(0, 0.3, n)
model = HistGradientBoostingRegressor(random_state=0).fit(X, y)

grid = np.linspace(-0.9, 0.9, 10)
pd_result = partial_dependence(model, X, [0], kind="both", custom_values={0: grid})

# By hand: set x0 to each grid value for every row, predict, then average over rows
ice = np.empty((n, len(grid)))
for k, v in enumerate(grid):
    Xv = X.copy()
    Xv[:, 0] = v
    ice[:, k] = model.predict(Xv)
print(
    "ICE and PD by hand match scikit-learn:",
    np.allclose(ice, pd_result["individual"][0]),
    np.allclose(ice.mean(0), pd_result["average"][0]),
)


def slope(curves):
    """Least-squares slope of each curve over the grid."""
    return np.polyfit(grid, np.asarray(curves).T, 1)[0]


print(f"partial dependence of x0: slope {slope(ice.mean(0)):+.2f} (flat)")
print(f"ICE slopes, rows with x1 > 0: mean {slope(ice[X[:, 1] > 0]).mean():+.2f}")
print(f"ICE slopes, rows with x1 < 0: mean {slope(ice[X[:, 1] < 0]).mean():+.2f}")
# --8<-- [end:pdp-ice]

# --8<-- [start:monotonic]
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.inspection import partial_dependence

rng = np.random.default_rng(1)


def make(n):
    """y rises with x0 (think: price of a flat with its floor area), plus noise."""
    X = rng.uniform(0, 1, size=(n, 4))
    y = np.log1p(5 * X[:, 0]) + X[:, 1] - X[:, 2] + rng.normal(0, 0.5, n)
    return X, y


X, y = make(500)
X_test, y_test = make(5000)
print(f"{'model':<24}{'test R2':>8}{'ICE curves that ever decrease':>31}")
for name, cst in [("unconstrained", None), ("monotone in x0", [1, 0, 0, 0])]:
    model = HistGradientBoostingRegressor(monotonic_cst=cst, random_state=0).fit(X, y)
    ice = partial_dependence(
        model, X_test[:500], [0], kind="individual", grid_resolution=30
    )["individual"][0]
    decreasing = np.mean((np.diff(ice, axis=1) < -1e-9).any(axis=1))
    print(f"{name:<24}{model.score(X_test, y_test):8.3f}{decreasing:31.3f}")
# --8<-- [end:monotonic]
