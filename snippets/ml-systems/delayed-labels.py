import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from scipy.stats import lognorm, rankdata

DAYS, PER_DAY = 30, 20_000
# Conversions more than 30 days after the click are never attributed.
ATTRIBUTION = 30.0
MEAN_DELAY = 3.0
# Training uses clicks from the last 14 days; "mature" means older than 7 days.
WINDOW, MATURE, SHORT, FRESH = 14.0, 7.0, 5.0, 2.0
W_TRUE = np.array([-2.9, 0.8, 0.5])


def simulate(shift=0.0, heavy=False, seed=0):
    """Clicks over 30 days; "now" is day 30. Returns what is known now and the truth."""
    rng = np.random.default_rng(seed)
    n = DAYS * PER_DAY
    t = rng.uniform(0, DAYS, n)
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.random(n) < 0.3])
    # The conversion rate jumps by `shift` logits on day 25 (drift scenario).
    p = expit(X @ W_TRUE + shift * (t >= 25))
    if heavy:
        sigma = 1.5
        mu = np.log(MEAN_DELAY) - sigma**2 / 2
        delay = rng.lognormal(mu, sigma, n)
        in_window = lognorm.cdf(ATTRIBUTION, sigma, scale=np.exp(mu))
    else:
        delay = rng.exponential(MEAN_DELAY, n)
        in_window = 1 - np.exp(-ATTRIBUTION / MEAN_DELAY)
    label = (rng.random(n) < p) & (delay <= ATTRIBUTION)
    elapsed = DAYS - t
    seen = label & (delay <= elapsed)
    return dict(
        X=X,
        elapsed=elapsed,
        seen=seen,
        delay=np.where(seen, delay, 0.0),
        label=label,
        rate=p * in_window,
    )


def fit_naive(X, y):
    """Logistic regression by maximum likelihood; y is what has been seen so far."""

    def nll(w):
        z = X @ w
        ll = y * log_expit(z) + (1 - y) * log_expit(-z)
        return -ll.mean(), -X.T @ (y - expit(z)) / len(y)

    return minimize(nll, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B").x


def fit_delayed_feedback(X, seen, delay, elapsed):
    """Chapelle's model: P(convert) = sigmoid(x.w), delay ~ Exponential(rate lam).
    Seen conversion: p * lam * exp(-lam * d). Pending: 1 - p + p * exp(-lam * e)."""

    def nll(theta):
        w, log_lam = theta[:-1], theta[-1]
        lam, z = np.exp(log_lam), X @ w
        p, s = expit(z), np.exp(-lam * elapsed)
        pending = 1 - p * (1 - s)
        ll = np.where(seen, log_expit(z) + log_lam - lam * delay, np.log(pending))
        g_z = np.where(seen, 1 - p, -p * (1 - p) * (1 - s) / pending)
        g_log_lam = np.where(seen, 1 - lam * delay, -p * lam * elapsed * s / pending)
        grad = np.append(X.T @ g_z, g_log_lam.sum())
        return -ll.mean(), -grad / len(ll)

    theta0 = np.zeros(X.shape[1] + 1)
    theta = minimize(nll, theta0, jac=True, method="L-BFGS-B").x
    return theta[:-1], float(np.exp(-theta[-1]))


def auc(y, score):
    ranks, n1 = rankdata(score), y.sum()
    return (ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * (len(y) - n1))


def run(title, **kwargs):
    d = simulate(**kwargs)
    X, e, seen, delay = d["X"], d["elapsed"], d["seen"], d["delay"]
    train, short = e <= WINDOW, e <= SHORT
    mature = train & (e > MATURE)
    fresh = e <= FRESH
    y = d["label"][fresh]
    print(f"== {title}")
    print(
        f"clicks of the last 2 days: {fresh.sum():,d}; true rate "
        f"{d['rate'][fresh].mean():.4f}"
    )
    print(
        f"their eventual conversions: {y.sum():,d} (rate {y.mean():.4f}), "
        f"seen by now: {seen[fresh].sum() / y.sum():.3f}"
    )
    models = {
        "naive, pending = negative": (fit_naive(X[train], seen[train]), train),
        "mature only (> 7 days old)": (fit_naive(X[mature], seen[mature]), mature),
    }
    delays = []
    for name, rows in [
        ("delayed feedback, 14 days", train),
        ("delayed feedback, 5 days", short),
    ]:
        w, mean_delay = fit_delayed_feedback(X[rows], seen[rows], delay[rows], e[rows])
        models[name] = (w, rows)
        delays.append(f"{mean_delay:.2f}")
    print(
        f"{'model':27} {'train n':>8} {'pred rate':>9} {'pred/actual':>11} "
        f"{'log loss':>8} {'AUC':>5}"
    )
    for name, (w, rows) in models.items():
        q = expit(X[fresh] @ w)
        log_loss = -np.mean(np.where(y, np.log(q), np.log(1 - q)))
        print(
            f"{name:27} {rows.sum():8,d} {q.mean():9.4f} {q.sum() / y.sum():11.3f} "
            f"{log_loss:8.4f} {auc(y, q):5.3f}"
        )
    print(f"fitted mean delay (14 days, 5 days): {', '.join(delays)} days")


base = simulate()
print("share of eventual conversions seen by now, by click age:")
for lo, hi in [(0, 2), (2, 7), (7, 14), (14, 30)]:
    rows = (base["elapsed"] > lo) & (base["elapsed"] <= hi)
    share = base["seen"][rows].sum() / base["label"][rows].sum()
    print(f"  {lo:2d}-{hi:2d} days: {share:.3f}")
run("stationary, delays exponential with mean 3 days")
run("rate jumps on day 25 (+0.6 logits)", shift=0.6)
run("same mean delay, heavy-tailed (lognormal, sigma 1.5)", heavy=True)
