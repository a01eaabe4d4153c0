# --8<-- [start:kidney]
import pandas as pd

# Kidney stones (Charig et al. 1986): successes / patients by treatment and stone size
counts = pd.DataFrame(
    {
        "treatment": ["open surgery"] * 2 + ["PCNL"] * 2,
        "stone": ["< 2 cm", ">= 2 cm"] * 2,
        "success": [81, 192, 234, 55],
        "patients": [87, 263, 270, 80],
    }
)
table = counts.pivot(index="stone", columns="treatment", values=["success", "patients"])
rate = (table["success"] / table["patients"]).round(3)
total = table.sum()
rate.loc["all stones"] = (total["success"] / total["patients"]).round(3)
print(rate[["open surgery", "PCNL"]].to_string())
print("patients:", table["patients"][["open surgery", "PCNL"]].to_dict("list"))
# --8<-- [end:kidney]

# --8<-- [start:synthetic]
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

rng = np.random.default_rng(0)
n = 200_000

# Ground truth: severity drives both treatment and recovery; the treatment
# raises the chance of recovery by exactly 5 points in both groups
severe = rng.random(n) < 0.5
treated = rng.random(n) < np.where(severe, 0.8, 0.2)
p_recover = np.where(severe, 0.50, 0.90) + 0.05 * treated
recovered = rng.random(n) < p_recover
df = pd.DataFrame(
    {
        "severe": severe.astype(int),
        "treated": treated.astype(int),
        "recovered": recovered.astype(int),
    }
)

rates = df.groupby(["severe", "treated"])["recovered"].mean().unstack()
print("recovery rate by severity (rows) and treatment (columns):")
print(rates.round(3).to_string())
crude = df.groupby("treated")["recovered"].mean()
print(f"crude difference (treated - untreated):    {crude[1] - crude[0]:+.3f}")

# Adjust for the confounder: average the within-stratum differences,
# weighted by how common each stratum is (back-door adjustment)
weights = df["severe"].value_counts(normalize=True).sort_index()
adjusted = ((rates[1] - rates[0]) * weights).sum()
print(f"stratified (back-door) estimate:          {adjusted:+.3f}  (true +0.050)")

ols = smf.ols("recovered ~ treated + severe", data=df).fit()
print(f"regression with the confounder:           {ols.params['treated']:+.3f}")

# Adjusting for the wrong thing: a follow-up call happens more often for
# treated patients and for patients who did not recover (a collider)
called = rng.random(n) < 0.1 + 0.4 * df["treated"] + 0.4 * (1 - df["recovered"])
df["called"] = called.astype(int)
bad = smf.ols("recovered ~ treated + severe + called", data=df).fit()
print(f"regression also adjusting for a collider: {bad.params['treated']:+.3f}")
# --8<-- [end:synthetic]
