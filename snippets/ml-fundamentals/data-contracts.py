import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype, is_string_dtype
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

rng = np.random.default_rng(0)
CATEGORIES = ["books", "electronics", "grocery", "toys"]
BASE_PRICE = {"books": 15.0, "electronics": 120.0, "grocery": 6.0, "toys": 25.0}
BASE_DEMAND = {"books": 40.0, "electronics": 25.0, "grocery": 80.0, "toys": 35.0}


def listings(n):
    """Features (price in dollars, category) and weekly units sold (the label)."""
    cat = rng.choice(CATEGORIES, n, p=[0.3, 0.2, 0.3, 0.2])
    rel = rng.lognormal(0.0, 0.4, n)
    price = np.round(np.array([BASE_PRICE[c] for c in cat]) * rel, 2)
    units = np.array([BASE_DEMAND[c] for c in cat]) * rel**-1.5 + rng.normal(0, 3, n)
    return pd.DataFrame({"price_usd": price, "category": cat}), units


model = make_pipeline(
    make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["category"]),
        remainder="passthrough",
    ),
    HistGradientBoostingRegressor(early_stopping=False, random_state=0),
)
X_train, y_train = listings(5000)
model.fit(X_train, y_train)
# Next week's batch; its labels arrive later and are used here only to score.
X_new, y_new = listings(1000)


def mae(X, y=y_new):
    return mean_absolute_error(y, model.predict(X))


# The pipeline is silent by construction: unknown categories become all-zero
# one-hot columns, and the gradient-boosting model routes NaN down the tree.
# Upstream release 2.0: prices sent in cents, a category renamed, 5% nulls.
def cents(X):
    return X.assign(price_usd=X["price_usd"] * 100)


def renamed(X):
    return X.assign(category=X["category"].replace("electronics", "consumer_elec"))


def nulls(X):
    mask = np.random.default_rng(1).random(len(X)) < 0.05
    return X.assign(price_usd=X["price_usd"].mask(mask))


X_bad = nulls(renamed(cents(X_new)))
med = X_new["price_usd"].median()
print(f"release 1.9 batch: median price {med:.2f} USD, MAE {mae(X_new):.2f} units/week")
print("no contract: every batch below is scored without an error")
for name, X in [
    ("prices in cents", cents(X_new)),
    ("category renamed", renamed(X_new)),
    ("5% null prices", nulls(X_new)),
    ("all three (release 2.0)", X_bad),
]:
    print(f"  {name:<24} MAE {mae(X):6.2f}")

# The contract: owned by the producer, versioned, checked on every batch at ingestion.
CONTRACT = {
    "name": "listings",
    "version": "1.2.0",
    "owner": "team-catalog",
    "schema": {"price_usd": "number", "category": "string"},
    "price_usd": {"unit": "USD", "minimum": 0.5, "maximum": 1000.0, "max_null": 0.01},
    "category": {"validValues": CATEGORIES},
    "rowCount": (800, 1200),
}
IS_TYPE = {"number": is_numeric_dtype, "string": is_string_dtype}


def check(X, c=CONTRACT):
    """One (clause, passed, message) per clause of the contract."""
    bad_cols = [k for k, t in c["schema"].items() if k not in X or not IS_TYPE[t](X[k])]
    extra = sorted(set(X) - set(c["schema"]))
    yield "schema (names, types)", not bad_cols + extra, f"{bad_cols + extra}"
    p, spec = X["price_usd"], c["price_usd"]
    lo, hi = spec["minimum"], spec["maximum"]
    n_out = int(((p < lo) | (p > hi)).sum())
    msg = f"{n_out} rows outside, median {p.median():.2f}"
    yield f"price_usd in [{lo}, {hi}] {spec['unit']}", n_out == 0, msg
    unknown = ~X["category"].isin(c["category"]["validValues"])
    vals = sorted(X.loc[unknown, "category"].unique())
    yield "category in allowed set", not unknown.any(), f"{unknown.sum()} rows {vals}"
    n_null = int(p.isna().sum())
    ok = n_null <= spec["max_null"] * len(X)
    yield (
        f"price_usd nulls <= {spec['max_null']:.0%}",
        ok,
        f"{n_null} null rows ({n_null / len(X):.1%})",
    )
    a, b = c["rowCount"]
    yield f"row count in [{a}, {b}]", a <= len(X) <= b, f"{len(X)} rows"


quarantine, scored = [], []


def ingest(X, name):
    results = list(check(X))
    failed = [clause for clause, ok, _ in results if not ok]
    print(f"contract {CONTRACT['name']} v{CONTRACT['version']}, {name}:")
    for clause, ok, msg in results:
        print(f"  {'PASS' if ok else 'FAIL'} {clause}" + ("" if ok else f": {msg}"))
    if failed:
        quarantine.append((name, X, failed))
        print(f"  -> rejected: {len(failed)} clauses failed, {len(X)} rows quarantined")
    else:
        scored.append(name)
        print(f"  -> accepted: {len(X)} rows scored, MAE {mae(X):.2f}")


ingest(X_new, "release 1.9 batch")
ingest(X_bad, "release 2.0 batch")
print(f"scored: {scored}; quarantined: {[q[0] for q in quarantine]}")
# Why reject the whole batch: rows that pass every row-level clause are in cents too.
keep = X_bad["price_usd"].between(0.5, 1000.0) & X_bad["category"].isin(CATEGORIES)
kept_mae = mae(X_bad[keep], y_new[keep])
print(f"a row-level filter would keep {keep.sum()} rows, MAE {kept_mae:.2f}")
