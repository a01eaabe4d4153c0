import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
true = np.array(
    [1250, 1190, 1160, 1100, 1080, 1030, 1000, 940.0]
)  # Elo scale: 400 points = 10:1 odds
m, n_battles = len(true), 4000


def p_win(ra, rb):  # Bradley-Terry on the Elo scale
    return 1 / (1 + 10 ** ((rb - ra) / 400))


# Simulated arena: random pairs, the winner drawn from the true strengths.
a = rng.integers(0, m, n_battles)
b = (a + rng.integers(1, m, n_battles)) % m  # a different model
a_wins = rng.random(n_battles) < p_win(true[a], true[b])


def online_elo(order, k=4.0):
    r = np.full(m, 1000.0)
    for i in order:
        e = p_win(r[a[i]], r[b[i]])
        r[a[i]] += k * (a_wins[i] - e)
        r[b[i]] -= k * (a_wins[i] - e)
    return r


def bradley_terry_mm(iters=500):
    """Hunter's (2004) MM algorithm: Bradley-Terry maximum-likelihood strengths."""
    wins = np.zeros(m)
    np.add.at(wins, np.where(a_wins, a, b), 1)
    games = np.zeros((m, m))
    np.add.at(games, (a, b), 1)
    games += games.T
    p = np.ones(m)
    for _ in range(iters):
        p = wins / (games / (p[:, None] + p[None, :])).sum(axis=1)
        p /= p.sum()
    return 400 * np.log10(p)


def bradley_terry_logreg(idx):
    """The same model as a logistic regression: P(a beats b) = sigmoid(b_a - b_b)."""
    X = np.zeros((len(idx), m))
    X[np.arange(len(idx)), a[idx]], X[np.arange(len(idx)), b[idx]] = 1, -1
    fit = LogisticRegression(fit_intercept=False, C=1e6).fit(X, a_wins[idx])
    return 400 / np.log(10) * fit.coef_[0]


def centre(
    r,
):  # ratings are identified only up to a shift: align the means for comparison
    return r - r.mean() + true.mean()


elo = [
    centre(online_elo(rng.permutation(n_battles))) for _ in range(5)
]  # 5 battle orders
bt_mm, bt_lr = (
    centre(bradley_terry_mm()),
    centre(bradley_terry_logreg(np.arange(n_battles))),
)
print(
    "Bradley-Terry: MM algorithm matches logistic regression: "
    f"{np.allclose(bt_mm, bt_lr, atol=0.1)}"
)
boot = np.array(
    [
        centre(bradley_terry_logreg(rng.integers(0, n_battles, n_battles)))
        for _ in range(100)
    ]
)
lo, hi = np.percentile(boot, [2.5, 97.5], axis=0)

print(f"{'model':<6} {'true':>5} {'Elo (5 orders)':>15} {'BT':>6} {'BT 95% CI':>13}")
for i in range(m):
    e = [r[i] for r in elo]
    print(
        f"m{i:<5} {true[i]:>5.0f} {min(e):>7.0f}-{max(e):<7.0f} {bt_lr[i]:>6.0f} "
        f"{lo[i]:>8.0f}-{hi[i]:.0f}"
    )
print(
    "Spearman with truth: Elo "
    f"{np.mean([spearmanr(true, r).statistic for r in elo]):.3f}, BT "
    f"{spearmanr(true, bt_lr).statistic:.3f}"
)
print(
    f"mean |error|: Elo {np.mean(np.abs(np.array(elo) - true)):.1f}, BT "
    f"{np.mean(np.abs(bt_lr - true)):.1f} rating points"
)
print("BT ranking:", " > ".join(f"m{i}" for i in np.argsort(-bt_lr)))
