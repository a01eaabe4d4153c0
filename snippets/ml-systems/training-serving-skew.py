import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

rng = np.random.default_rng(0)
NUMERIC = ["sessions_7d", "days_since_order", "basket_value"]
COLUMNS = NUMERIC + ["country"]
# alert thresholds: a distance between distributions, a share of rows that differ
MAX_DISTANCE, MAX_DIFFERING = 0.05, 0.01


def user_days(n):
    """n (user, day) rows of raw data, and whether the user buys on that day."""
    activity = rng.gamma(4.0, 0.5, n)
    never = rng.random(n) < 0.3
    days_since = np.where(never, np.nan, rng.exponential(10.0, n))
    basket = rng.lognormal(3.0, 0.5, n)
    country = rng.choice(["DE", "FR", "GB", "US"], n, p=[0.3, 0.2, 0.2, 0.3])
    recency = np.where(never, -2.0, 2.0 - 0.2 * np.nan_to_num(days_since))
    buys = rng.random(n) < 1 / (1 + np.exp(-(-4.5 + 0.5 * activity + recency)))
    # sessions on the 7 days before the prediction day (0-6) and on the day itself
    # (7), where a buyer browses more: the day's sessions carry the label
    sessions = rng.poisson(activity[:, None], (n, 8))
    sessions[:, 7] += rng.poisson(6.0 * buys)
    raw = {"sessions": sessions, "days_since": days_since, "basket": basket}
    return raw | {"country": country}, buys


def build(raw, today_included, fill=None):
    """Feature rows as one code path computes them; the paths differ in two places."""
    s = raw["sessions"]
    window = s[:, 1:8] if today_included else s[:, 0:7]
    days = raw["days_since"]
    if fill is not None:
        days = np.nan_to_num(days, nan=fill)
    cols = [window.mean(axis=1), days, raw["basket"], raw["country"]]
    return pd.DataFrame(dict(zip(COLUMNS, cols)))


def new_model():
    num = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    prep = ColumnTransformer(
        [("num", num, NUMERIC), ("cat", OneHotEncoder(), ["country"])]
    )
    return make_pipeline(prep, LogisticRegression(max_iter=1000))


def auc(model, X, y):
    return roc_auc_score(y, model.predict_proba(X)[:, 1])


raw_train, y_train = user_days(20_000)
raw_test, y_test = user_days(10_000)
raw_live, y_live = user_days(10_000)

# Offline: the batch job runs after the day is over, so its "last 7 days" includes the
# day being predicted; missing values are imputed inside the model pipeline (median).
X_train = build(raw_train, today_included=True)
leaky = new_model().fit(X_train, y_train)
# Online: the day has not happened yet, so serving averages the 7 days before it; the
# serving code was written separately and fills a missing value with 0.
X_served = build(raw_live, today_included=False, fill=0.0)
X_shared = build(raw_live, today_included=False)
# The fix: train on what serving sees (logged serving features, or a point-in-time
# window) and send raw values through the same fitted pipeline.
honest = new_model().fit(build(raw_train, today_included=False), y_train)

print(f"{'training window':22}{'serving path':16}{'offline AUC':>12}{'online AUC':>12}")
for name, model, today, X_live, path in [
    ("7 days incl. today", leaky, True, X_served, "fillna(0)"),
    ("7 days incl. today", leaky, True, X_shared, "same pipeline"),
    ("7 days before today", honest, False, X_shared, "same pipeline"),
]:
    offline = auc(model, build(raw_test, today_included=today), y_test)
    print(f"{name:22}{path:16}{offline:12.3f}{auc(model, X_live, y_live):12.3f}")

# Check 1, distributions: training features (as the model saw them, imputed by the
# training pipeline) against the logged serving features. KS for numeric features,
# L-infinity distance between category frequencies for the categorical one.
median = np.nanmedian(raw_train["days_since"])
train_seen = build(raw_train, today_included=True, fill=median)
# Check 2, per example: join the logged serving features with what the training
# pipeline computes for the same (user, day) rows, and count the rows that differ.
recomputed = build(raw_live, today_included=True, fill=median)
n, m = len(train_seen), len(X_served)
noise = 1.36 * np.sqrt((n + m) / (n * m))
print(f"\n95% critical value of KS (sampling noise): {noise:.3f}")
print(f"{'feature':18}{'distance':>14}{'':7}{'rows that differ':>16}")
for col in COLUMNS:
    a, b, r = (df[col].to_numpy() for df in (train_seen, X_served, recomputed))
    if col == "country":
        kind = "L-inf"
        dist = max(abs(np.mean(a == c) - np.mean(b == c)) for c in np.unique(a))
        differ = np.mean(r != b)
    else:
        kind = "KS"
        dist = ks_2samp(a, b).statistic
        differ = np.mean(~np.isclose(r, b))
    flag_dist = "SKEW" if dist > MAX_DISTANCE else "ok"
    flag_rows = "SKEW" if differ > MAX_DIFFERING else "ok"
    print(f"{col:18}{kind:>6}{dist:8.3f}  {flag_dist:5}{differ:11.3f}  {flag_rows}")
