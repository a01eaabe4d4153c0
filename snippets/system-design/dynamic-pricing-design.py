# --8<-- [start:sizing]
import numpy as np


# How many store-days must a price test run to pin the elasticity down to +/-0.2 (95%)?
# The slope of log units on log price has standard error noise / (sqrt(n) sd(log p)).
# Illustrative assumptions: log units per store-day vary with sd 0.4 around the store
# and day effects (0.8 for a slow seller); demand has elasticity 2 and the unit cost
# is 5, so the best price is 10 and the margin at price p is proportional to
# (p - 5) / p^2.
def margin_share(prices):
    return np.mean((prices - 5) / prices**2) / ((10 - 5) / 10**2)


wide, narrow = np.array([7.0, 8.5, 10.0, 12.0, 14.0]), np.linspace(9.5, 10.5, 5)
print(f"{'5 test prices':<16}{'noise sd':>9}{'store-days':>12}{'margin kept':>13}")
for name, prices, noise in [
    ("7 to 14", wide, 0.4),
    ("7 to 14", wide, 0.8),
    ("9.5 to 10.5", narrow, 0.4),
]:
    n = (1.96 * noise / (0.2 * np.log(prices).std())) ** 2
    print(f"{name:<16}{noise:9.1f}{n:12,.0f}{margin_share(prices):13.3f}")
# --8<-- [end:sizing]

# --8<-- [start:confounding]
import numpy as np

rng = np.random.default_rng(0)
# Known ground truth: one product, log units = a + u - 2 log p + noise, where u is a
# daily demand shock (sd 0.3). Unit cost today is 5; prices must stay in [6, 18].
eps, cost_now, lo, hi = 2.0, 5.0, 6.0, 18.0
a, sd_u, sd_e = np.log(100_000), 0.3, 0.05


def units(p):
    return np.exp(a + (sd_u**2 + sd_e**2) / 2) * p**-eps


def margin(p):
    return (p - cost_now) * units(p)


grid = np.linspace(lo, hi, 1201)
p_best = grid[np.argmax(margin(grid))]

# Two years of history. The supplier's cost moves every 30 days; the pricing team sets
# 1.6x cost, and raises prices on days it expects high demand (it sees the shock u).
n = 730
cost = np.repeat(rng.uniform(4.0, 6.0, n // 30 + 1), 30)[:n]
u = sd_u * rng.standard_normal(n)
log_p = np.log(1.6 * cost) + 0.5 * u + 0.05 * rng.standard_normal(n)
log_q = a + u - eps * log_p + sd_e * rng.standard_normal(n)


def ols(y, X, X_resid=None):
    # Coefficients and standard errors; for 2SLS pass the fitted regressor as X and
    # the actual one as X_resid, so the residuals are those of the structural equation.
    X = np.column_stack([np.ones(len(y)), X])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    Xr = X if X_resid is None else np.column_stack([np.ones(len(y)), X_resid])
    resid = y - Xr @ beta
    cov = resid @ resid / (len(y) - X.shape[1]) * np.linalg.inv(X.T @ X)
    return beta, np.sqrt(np.diag(cov))


naive, naive_se = ols(log_q, log_p)
# 2SLS: supplier cost moves the price but not demand (the exclusion restriction).
first, _ = ols(log_p, np.log(cost))
fitted = first[0] + first[1] * np.log(cost)
iv, iv_se = ols(log_q, fitted, X_resid=log_p)

# A price test: 40 of the chain's 400 stores for 28 days, each store-day priced at one
# of five levels at random; regression with store and day effects.
stores, days = 40, 28
store, day = np.repeat(np.arange(stores), days), np.tile(np.arange(days), stores)
p_test = rng.choice([7.0, 8.5, 10.0, 12.0, 14.0], stores * days)
log_q_test = (
    a
    - np.log(400)
    + 0.3 * rng.standard_normal(stores)[store]
    + sd_u * rng.standard_normal(days)[day]
    - eps * np.log(p_test)
    + 0.4 * rng.standard_normal(stores * days)
)
dummies = np.column_stack([np.eye(stores)[store][:, 1:], np.eye(days)[day][:, 1:]])
test, test_se = ols(log_q_test, np.column_stack([np.log(p_test), dummies]))


def best_price(elasticity):
    # Constant elasticity e > 1: margin peaks at cost x e / (e - 1); at e <= 1 demand
    # looks inelastic and every price increase looks profitable, up to the cap.
    if elasticity <= 1:
        return hi
    return float(np.clip(cost_now * elasticity / (elasticity - 1), lo, hi))


print(
    f"{'price set by':<32}{'elast.':>7}{'s.e.':>6}{'price':>7}{'units':>7}"
    f"{'revenue':>9}{'margin':>8}{'of best':>9}"
)
for name, e, se in [
    ("current rule, 1.6 x cost", None, None),
    ("regression on 2 years of sales", -naive[1], naive_se[1]),
    ("2SLS, supplier cost instrument", -iv[1], iv_se[1]),
    ("price test, 40 stores x 28 days", -test[1], test_se[1]),
    ("true demand curve", eps, None),
]:
    price = 1.6 * cost_now if e is None else best_price(e)
    est = f"{'':>13}" if e is None else f"{e:7.2f}" + (f"{se:6.2f}" if se else " " * 6)
    print(
        f"{name:<32}{est}{price:7.2f}{units(price):7.0f}{price * units(price):9.0f}"
        f"{margin(price):8.0f}{margin(price) / margin(p_best):9.3f}"
    )
print(
    f"test stores' margin during the test: {margin(p_test).mean() / margin(p_best):.3f}"
    f" of the best price's (current rule {margin(1.6 * cost_now) / margin(p_best):.3f})"
)
# --8<-- [end:confounding]
