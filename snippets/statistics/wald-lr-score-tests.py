import numpy as np
from scipy import optimize, stats
from scipy.special import expit, logit, xlogy

rng = np.random.default_rng(0)
CRIT = stats.chi2.ppf(0.95, df=1)
Z = np.sqrt(CRIT)


def binom_loglik(k, n, p):
    return xlogy(k, p) + xlogy(n - k, 1 - p)


def intervals(n):
    """95% Wald, Wilson (inverted score) and LR intervals for k = 0..n."""
    k = np.arange(n + 1)
    p_hat = k / n
    half = Z * np.sqrt(p_hat * (1 - p_hat) / n)
    wald = np.stack([p_hat - half, p_hat + half], axis=1)
    centre = (p_hat + Z**2 / (2 * n)) / (1 + Z**2 / n)
    spread = Z / (1 + Z**2 / n) * np.sqrt(p_hat * (1 - p_hat) / n + Z**2 / (4 * n**2))
    wilson = np.stack([centre - spread, centre + spread], axis=1)
    lr = np.zeros((n + 1, 2))
    for j in k:
        top = binom_loglik(j, n, p_hat[j])

        def drop(p, j=j, top=top):
            return 2 * (top - binom_loglik(j, n, p)) - CRIT

        eps = 1e-12
        lr[j, 0] = 0.0 if j == 0 else optimize.brentq(drop, eps, p_hat[j])
        lr[j, 1] = 1.0 if j == n else optimize.brentq(drop, p_hat[j], 1 - eps)
    return {"Wald": wald, "Wilson": wilson, "LR": lr}


# (1) Coverage of 95% intervals for a proportion, 20,000 samples per cell
print("coverage of 95% intervals, 20,000 samples per (n, p)")
print("   n      p    Wald  Wilson      LR   Wald lower < 0")
largest_gap = 0.0
for n in [10, 30, 100]:
    table = intervals(n)
    for p in [0.01, 0.05, 0.2]:
        k = rng.binomial(n, p, size=20_000)
        pmf = stats.binom.pmf(np.arange(n + 1), n, p)
        row = []
        for lo_hi in table.values():
            covers = (lo_hi[:, 0] <= p) & (p <= lo_hi[:, 1])
            row.append(covers[k].mean())
            largest_gap = max(largest_gap, abs(covers[k].mean() - pmf[covers].sum()))
        below = (table["Wald"][k, 0] < 0).mean()
        cells = "".join(f"{c:>8.3f}" for c in row)
        print(f"{n:>4} {p:>6.2f}{cells}{below:>17.3f}")
print(f"simulated coverage within 0.01 of the exact binomial sum: {largest_gap < 0.01}")

# Same data, same null, two parameterisations: only Wald changes
k, n, p0 = 3, 20, 0.4
p_hat = k / n
wald_p = (p_hat - p0) ** 2 / (p_hat * (1 - p_hat) / n)
wald_logit = (logit(p_hat) - logit(p0)) ** 2 * n * p_hat * (1 - p_hat)
lr = 2 * (binom_loglik(k, n, p_hat) - binom_loglik(k, n, p0))
score = (p_hat - p0) ** 2 / (p0 * (1 - p0) / n)
print(
    f"\n{k} of {n}, H0: p = {p0}: Wald on p {wald_p:.2f}, Wald on log-odds "
    f"{wald_logit:.2f}, LR {lr:.2f}, score {score:.2f}"
)


# (2) Logistic regression with one binary feature, fitted by Newton's method
def fisher_info(X, beta):
    eta = X @ beta
    # p(1 - p) written so that it keeps its precision when p is within 1e-9 of 1
    weight = expit(eta) * expit(-eta)
    return X.T @ (X * weight[:, None])


def newton_logistic(X, y, max_iter=25, tol=1e-8):
    """Newton-Raphson (= IRLS for the logit link); stops like R's glm()."""
    beta = np.zeros(X.shape[1])
    deviance = np.inf
    for _ in range(max_iter):
        gradient = X.T @ (y - expit(X @ beta))
        beta = beta + np.linalg.solve(fisher_info(X, beta), gradient)
        new_deviance = -2 * binom_loglik(y, 1, expit(X @ beta)).sum()
        if abs(new_deviance - deviance) / (abs(new_deviance) + 0.1) < tol:
            break
        deviance = new_deviance
    loglik = binom_loglik(y, 1, expit(X @ beta)).sum()
    return beta, fisher_info(X, beta), loglik


def three_tests(X, y):
    """Wald, LR and score tests of the last coefficient being 0."""
    beta, info, loglik_full = newton_logistic(X, y)
    se = np.sqrt(np.linalg.inv(info)[-1, -1])
    wald = (beta[-1] / se) ** 2
    beta0, _, loglik_null = newton_logistic(X[:, :-1], y)
    # score and information of the full model, evaluated at the null fit
    beta_null = np.append(beta0, 0.0)
    gradient = X.T @ (y - expit(X @ beta_null))
    score = gradient @ np.linalg.solve(fisher_info(X, beta_null), gradient)
    return beta[-1], se, wald, 2 * (loglik_full - loglik_null), score


group_size, control_events = 50, 25
treated = np.repeat([0.0, 1.0], group_size)
X = np.column_stack([np.ones(2 * group_size), treated])
print(
    f"\nlogistic regression, 2 groups of {group_size}, control "
    f"{control_events} events; test of the group coefficient"
)
print("treated                   chi-squared statistic          p-value")
print("events  log OR      SE    Wald      LR   score     Wald       LR    score")
checks = []
for events in [30, 35, 40, 45, 47, 48, 49, 50]:
    y = np.concatenate(
        [
            np.repeat([1.0, 0.0], [control_events, group_size - control_events]),
            np.repeat([1.0, 0.0], [events, group_size - events]),
        ]
    )
    beta, se, wald, lr, score = three_tests(X, y)
    p_values = stats.chi2.sf([wald, lr, score], df=1)
    print(
        f"{events:>6} {beta:>7.2f} {se:>7.2f} {wald:>7.2f} {lr:>7.2f} {score:>7.2f}"
        + "".join(f"{p:>9.1e}" for p in p_values)
    )
    table = np.array(
        [[events, group_size - events], [control_events, group_size - control_events]]
    )
    pearson = stats.chi2_contingency(table, correction=False).statistic
    g_test = stats.chi2_contingency(
        table, correction=False, lambda_="log-likelihood"
    ).statistic
    checks.append(np.isclose(score, pearson) and np.isclose(lr, g_test))
    if events < group_size:
        odds_ratio = (events / (group_size - events)) / (
            control_events / (group_size - control_events)
        )
        checks.append(np.isclose(beta, np.log(odds_ratio)))
print(f"Newton = log odds ratio, score = Pearson, LR = G-test: {all(checks)}")


# Profile-likelihood interval for the group coefficient against Wald's
def profile_loglik(y, slope):
    def intercept_score(b0):
        return (y - expit(b0 + slope * treated)).sum()

    b0 = optimize.brentq(intercept_score, -40, 40)
    return binom_loglik(y, 1, expit(b0 + slope * treated)).sum()


for events in [45, 50]:
    y = np.concatenate(
        [
            np.repeat([1.0, 0.0], [control_events, group_size - control_events]),
            np.repeat([1.0, 0.0], [events, group_size - events]),
        ]
    )
    beta, info, top = newton_logistic(X, y)
    se = np.sqrt(np.linalg.inv(info)[1, 1])

    def deficit(slope, y=y, top=top):
        return 2 * (top - profile_loglik(y, slope)) - CRIT

    lower = optimize.brentq(deficit, -10, beta[1])
    upper = np.inf if deficit(30.0) < 0 else optimize.brentq(deficit, beta[1], 30.0)
    print(
        f"{events} of 50: Wald 95% CI [{beta[1] - Z * se:.2f}, {beta[1] + Z * se:.2f}],"
        f" profile-likelihood [{lower:.2f}, {upper:.2f}]"
    )

# (3) Type I error at alpha = 0.05, exact over every 2x2 table (no simulation)
print("\nsize of the nominal 5% tests, two groups of m, same event rate q")
print("   m     q    Wald      LR   score")
for m in [10, 25, 100]:
    for q in [0.1, 0.3]:
        a, c = np.meshgrid(np.arange(m + 1), np.arange(m + 1), indexing="ij")
        weight = stats.binom.pmf(a, m, q) * stats.binom.pmf(c, m, q)
        events = a + c
        pooled = events / (2 * m)
        lr = 2 * (
            binom_loglik(a, m, a / m)
            + binom_loglik(c, m, c / m)
            - binom_loglik(events, 2 * m, pooled)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (a - c) ** 2 / (2 * m) / (pooled * (1 - pooled))
            inv_var = 1 / a + 1 / (m - a) + 1 / c + 1 / (m - c)
            wald = (logit(a / m) - logit(c / m)) ** 2 / inv_var
        # an empty cell: infinite MLE, software reports z near 0, so no rejection
        wald = np.where(np.isfinite(inv_var), wald, 0.0)
        score = np.nan_to_num(score)
        sizes = [(weight * (s > CRIT)).sum() for s in (wald, lr, score)]
        print(f"{m:>4} {q:>5.1f}" + "".join(f"{s:>8.3f}" for s in sizes))
