import warnings

import numpy as np
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

# With 3 to 5 points the length-scale is poorly determined and a few fits end at a
# bound; the example shows one fitted kernel below instead of the warnings
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def objective(x):
    """Forrester et al. (2008): one global minimum near x = 0.757, one local."""
    return (6 * x - 2) ** 2 * np.sin(12 * x - 4)


grid = np.linspace(0, 1, 1001)
f_min = objective(grid).min()


def fit_gp(X, y):
    # amplitude * Matern 5/2; both fitted by maximising the marginal likelihood
    kernel = ConstantKernel(1.0, (1e-2, 1e2)) * Matern(0.2, (1e-2, 1.0), nu=2.5)
    gp = GaussianProcessRegressor(kernel, alpha=1e-6, normalize_y=True)
    return gp.fit(X[:, None], y)


def expected_improvement(mu, sd, best):
    # E[max(best - f(x), 0)] under the GP posterior f(x) ~ N(mu, sd^2)
    sd = np.maximum(sd, 1e-12)
    z = (best - mu) / sd
    return (best - mu) * stats.norm.cdf(z) + sd * stats.norm.pdf(z)


def bayes_opt(budget, rng, n_init=3):
    X = rng.random(n_init)
    y = objective(X)
    while len(X) < budget:
        mu, sd = fit_gp(X, y).predict(grid[:, None], return_std=True)
        x_next = grid[np.argmax(expected_improvement(mu, sd, y.min()))]
        X, y = np.append(X, x_next), np.append(y, objective(x_next))
    return y


budgets, seeds = [5, 10, 15], range(10)
regret = {"Bayesian optimisation (EI)": [], "random search": []}
for seed in seeds:
    rng = np.random.default_rng(seed)
    ys = {
        "Bayesian optimisation (EI)": bayes_opt(max(budgets), rng),
        "random search": objective(rng.random(max(budgets))),
    }
    for name, y in ys.items():
        regret[name].append([y[:b].min() - f_min for b in budgets])
x_min = grid[np.argmin(objective(grid))]
print(f"median regret over {len(seeds)} seeds; f_min = {f_min:.3f} at x = {x_min:.3f}")
print(f"{'evaluations':<28}" + "".join(f"{b:>8}" for b in budgets))
for name, r in regret.items():
    print(f"{name:<28}" + "".join(f"{v:8.3f}" for v in np.median(r, axis=0)))

# One step in detail: 4 evaluations so far, what does each acquisition pick?
rng = np.random.default_rng(3)
X = rng.random(4)
y = objective(X)
gp = fit_gp(X, y)
mu, sd = gp.predict(grid[:, None], return_std=True)
print(f"evaluated x: {np.round(np.sort(X), 3)}, best so far {y.min():.3f}")
print(f"fitted kernel: {gp.kernel_}")
choices = {
    "lowest mean (exploit)": np.argmin(mu),
    "highest sd (explore)": np.argmax(sd),
    "probability of improvement": np.argmax(stats.norm.cdf((y.min() - mu) / sd)),
    "lower confidence bound k=2": np.argmin(mu - 2 * sd),
    "expected improvement": np.argmax(expected_improvement(mu, sd, y.min())),
}
for name, i in choices.items():
    print(
        f"{name:<28} x = {grid[i]:.3f}  mean {mu[i]:7.3f}  sd {sd[i]:.3f}  "
        f"true f {objective(grid[i]):7.3f}"
    )
