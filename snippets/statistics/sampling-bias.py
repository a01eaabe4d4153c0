import numpy as np

rng = np.random.default_rng(0)

# Survivorship: 10,000 funds with zero true skill, 10 years of returns;
# a fund is closed (and vanishes from the database) after a year that leaves it
# more than 20% below its starting value
returns = rng.normal(0.0, 0.15, size=(10_000, 10))
value = np.cumprod(1 + returns, axis=1)
survived = (value > 0.8).all(axis=1)
print(f"funds surviving 10 years: {survived.mean():.3f}")
print(f"mean annual return, all funds      {returns.mean():+.4f}")
print(f"mean annual return, survivors only {returns[survived].mean():+.4f}")

# Berkson's paradox: two independent traits, and we only see the people
# selected on their sum (admitted, hired, famous)
talent, looks = rng.normal(size=(2, 100_000))
selected = talent + looks > 1.5
print(
    f"corr(talent, looks): everyone {np.corrcoef(talent, looks)[0, 1]:+.3f}, "
    f"selected {np.corrcoef(talent[selected], looks[selected])[0, 1]:+.3f}"
)

# Selecting on x versus on y: y = 2x + noise, fit a line on a subsample
x = rng.normal(size=100_000)
y = 2 * x + rng.normal(size=100_000)
for name, keep in [
    ("all rows", np.ones_like(x, bool)),
    ("rows with x > 0", x > 0),
    ("rows with y > 0", y > 0),
]:
    slope = np.polyfit(x[keep], y[keep], 1)[0]
    print(f"slope fitted on {name:<16} {slope:.3f}  (true 2)")
