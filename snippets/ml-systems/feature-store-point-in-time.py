import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)
n_users, horizon = 3_000, 100.0

# Ground truth: each user has a hidden risk; a transaction is fraud with a probability
# that rises with it. The feature store logs two features over time:
#   risk_score  - a noisy reading of the risk, refreshed at random times;
#   chargebacks - fraud reports, which arrive 5 days after each fraud.
risk = rng.normal(size=n_users)
tx = pd.DataFrame(
    {
        "user_id": rng.integers(0, n_users, 20_000),
        "ts": rng.uniform(0, horizon, 20_000),
    }
)
p_fraud = 1 / (1 + np.exp(-(-3.0 + 1.5 * risk[tx.user_id])))
tx["fraud"] = (rng.random(len(tx)) < p_fraud).astype(int)

score_log = pd.DataFrame(
    {"user_id": rng.integers(0, n_users, 30_000), "ts": rng.uniform(0, horizon, 30_000)}
)
score_log["risk_score"] = risk[score_log.user_id] + rng.normal(0, 1.0, len(score_log))
frauds = tx[tx.fraud == 1]
cb_log = pd.DataFrame({"user_id": frauds.user_id, "ts": frauds.ts + 5.0})
cb_log = cb_log.sort_values("ts")
cb_log["chargebacks"] = cb_log.groupby("user_id").cumcount() + 1

tx = tx.sort_values("ts").reset_index(drop=True)


def point_in_time(events, log, value):
    """Each event gets the latest feature value logged strictly before it."""
    return pd.merge_asof(
        events,
        log.sort_values("ts")[["user_id", "ts", value]],
        on="ts",
        by="user_id",
        direction="backward",
        allow_exact_matches=False,
    )[value]


def latest_snapshot(events, log, value):
    """The leaky join: today's value of the feature, whatever the event's time."""
    last = log.sort_values("ts").groupby("user_id")[value].last()
    return events.user_id.map(last)


features = {}
for name, join in [("point-in-time", point_in_time), ("snapshot", latest_snapshot)]:
    features[name] = pd.DataFrame(
        {
            "risk_score": join(tx, score_log, "risk_score").fillna(0.0),
            "chargebacks": join(tx, cb_log, "chargebacks").fillna(0),
        }
    )

# A from-scratch as-of lookup agrees with merge_asof on the first 300 events.
check = []
for _, row in tx.head(300).iterrows():
    past = score_log[(score_log.user_id == row.user_id) & (score_log.ts < row.ts)]
    check.append(past.sort_values("ts").risk_score.iloc[-1] if len(past) else 0.0)
same = np.allclose(check, features["point-in-time"].risk_score.head(300))
print(f"merge_asof matches a from-scratch as-of lookup: {same}")

# Train on days 0-70, test on days 70-100. Online, the model only ever sees the
# point-in-time values, so that is what "online AUC" uses.
train, test = tx.ts < 70, tx.ts >= 70
y = tx.fraud
print(f"{'training data':14} {'offline AUC':>11} {'online AUC':>10}  chargeback weight")
for name, X in features.items():
    model = LogisticRegression().fit(X[train], y[train])
    offline = roc_auc_score(y[test], model.predict_proba(X[test])[:, 1])
    served = features["point-in-time"][test]
    online = roc_auc_score(y[test], model.predict_proba(served)[:, 1])
    print(f"{name:14} {offline:11.3f} {online:10.3f}  {model.coef_[0][1]:+.2f}")
