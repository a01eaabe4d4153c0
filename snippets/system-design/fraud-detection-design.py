# --8<-- [start:capacity]
# Illustrative assumptions: 20M card transactions a day, peak 4x the mean, a 100 ms
# budget inside authorisation, fraud on 0.1% of transactions, 40 analysts who each
# review 20 cases an hour for 7 hours.
tx_day, peak, fraud_rate = 20e6, 4, 0.001
reviews = 40 * 20 * 7
for name, value in [
    ("mean transactions/s", f"{tx_day / 86_400:,.0f}"),
    ("peak transactions/s", f"{tx_day / 86_400 * peak:,.0f}"),
    ("fraudulent transactions/day", f"{tx_day * fraud_rate:,.0f}"),
    ("manual reviews/day", f"{reviews:,}"),
    ("share of transactions reviewable", f"{reviews / tx_day:.5f}"),
]:
    print(f"{name:<34}{value:>10}")
# --8<-- [end:capacity]

# --8<-- [start:delay]
import numpy as np

rng = np.random.default_rng(0)
# 8 weeks of transactions, 0.1% fraud. A fraud is labelled when the chargeback or the
# customer's report arrives: an assumed lognormal delay with a median of 12 days.
days, per_day, rate = 56, 50_000, 0.001
day = np.repeat(np.arange(days), per_day)
fraud = rng.random(day.size) < rate
label_day = day + rng.lognormal(np.log(12), 0.8, day.size)
today = days
print(
    f"{'transactions made':<22}{'fraud labelled so far':>22}{'apparent fraud rate':>21}"
)
for week in range(8):
    in_week = (day >= 7 * week) & (day < 7 * week + 7)
    labelled = fraud & in_week & (label_day <= today)
    age = f"{today - 7 * week - 6}-{today - 7 * week} days ago"
    print(
        f"{age:<22}{labelled.sum() / (fraud & in_week).sum():22.3f}"
        f"{labelled.sum() / in_week.sum():21.5f}"
    )
# --8<-- [end:delay]

# --8<-- [start:queue]
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

rng = np.random.default_rng(0)


def transactions(n):
    # Known ground truth: fraud depends on a few risk signals; amounts are lognormal and
    # fraudsters favour larger ones.
    X = rng.normal(size=(n, 6))
    amount = rng.lognormal(3.5, 1.0, n)
    logit = -11 + 2.8 * X[:, 0] + 2.0 * X[:, 1] * X[:, 2] + 0.5 * np.log(amount / 30)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return np.column_stack([X, np.log(amount)]), amount, y


# Train on matured history (labels old enough to be complete), score one new day.
X_hist, _, y_hist = transactions(400_000)
model = HistGradientBoostingClassifier(max_iter=150, random_state=0).fit(X_hist, y_hist)
X_day, amount, y_day = transactions(200_000)
p = model.predict_proba(X_day)[:, 1]
capacity = 400  # analysts' reviews available for this day's traffic
print(f"fraud in the day: {y_day.sum()} cases, ${amount[y_day].sum():,.0f}")
print(
    f"{'queue ordered by':<22}{'precision@400':>14}{'cases caught':>14}{'$ caught':>10}"
)
for name, priority in (("P(fraud)", p), ("P(fraud) x amount", p * amount)):
    queue = np.argsort(-priority)[:capacity]
    hit = y_day[queue]
    print(
        f"{name:<22}{hit.mean():14.3f}{hit.sum() / y_day.sum():14.3f}"
        f"{amount[queue][hit].sum() / amount[y_day].sum():10.3f}"
    )
# --8<-- [end:queue]
