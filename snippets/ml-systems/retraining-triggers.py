import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
WEEKS = 26


def week_data(week: int, n: int = 400):
    """Two features; the true boundary rotates slowly, then jumps at week 14 (a new
    product launch changes what users write)."""
    angle = 0.03 * week + (0.9 if week >= 14 else 0.0)
    X = rng.normal(size=(n, 2)) + [0.5 * (week >= 14), 0]
    w = np.array([np.cos(angle), np.sin(angle)])
    y = (X @ w + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y


def psi(ref, cur, bins=10):
    edges = np.quantile(ref, np.linspace(0, 1, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    r = np.clip(np.histogram(ref, edges)[0] / len(ref), 1e-4, None)
    c = np.clip(np.histogram(cur, edges)[0] / len(cur), 1e-4, None)
    return float(np.sum((c - r) * np.log(c / r)))


data = [week_data(w) for w in range(WEEKS)]


def run(policy: str) -> tuple[float, int, float]:
    model = LogisticRegression().fit(*data[0])
    ref_X, trained_at = data[0][0], 0
    accs, retrains = [], 0
    baseline = model.score(*data[0])
    for week in range(1, WEEKS):
        X, y = data[week]
        acc = model.score(X, y)
        accs.append(acc)
        # The week is scored first; its labels arrive at its end and drive the decision.
        if policy == "never":
            trigger = False
        elif policy == "every 4 weeks":
            trigger = week - trained_at >= 4
        elif policy == "on drift (PSI > 0.2)":
            trigger = psi(ref_X[:, 0], X[:, 0]) > 0.2
        else:  # accuracy 5 points below the accuracy measured right after training
            trigger = acc < baseline - 0.05
        if trigger:
            # Retrain on the most recent 2 weeks of labelled data.
            recent = range(max(0, week - 1), week + 1)
            model = LogisticRegression().fit(
                np.vstack([data[w][0] for w in recent]),
                np.concatenate([data[w][1] for w in recent]),
            )
            ref_X, trained_at, retrains = X, week, retrains + 1
            baseline = model.score(X, y)
    return float(np.mean(accs)), retrains, float(np.min(accs))


print(f"{'policy':26} {'mean acc':>8} {'worst week':>10} {'retrains':>8}")
for policy in [
    "never",
    "every 4 weeks",
    "on drift (PSI > 0.2)",
    "on accuracy drop > 5 pts",
]:
    mean_acc, retrains, worst = run(policy)
    print(f"{policy:26} {mean_acc:8.3f} {worst:10.3f} {retrains:8d}")
