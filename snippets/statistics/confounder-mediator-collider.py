import math

import numpy as np

N = 20_000
rng = np.random.default_rng(0)

# One linear structural causal model per role of the third variable Z.
# Arrows "cause>effect" carry coefficients; every variable also gets its own
# N(0, 1) noise. T is the treatment, Y the outcome, U variables are unmeasured.
# The last field selects the sample on Z > threshold instead of adjusting for Z.
MODELS = [
    ("confounder", "Z T Y", {"Z>T": 1, "Z>Y": 2, "T>Y": 2}, None),
    ("proxy of confounder", "U Z T Y", {"U>Z": 1, "U>T": 1, "U>Y": 2, "T>Y": 2}, None),
    ("mediator", "T Z Y", {"T>Z": 1, "Z>Y": 1, "T>Y": 1}, None),
    ("collider", "T Y Z", {"T>Z": 1, "Y>Z": 1}, None),
    ("selection on collider", "T U Y Z", {"T>Z": 1, "U>Z": 1, "T>Y": 2, "U>Y": 2}, 1.0),
    ("M-bias", "A B Z T Y", {"A>Z": 2, "B>Z": 2, "A>T": 2, "B>Y": 2, "T>Y": 2}, None),
    ("descendant of outcome", "T Y Z", {"T>Y": 2, "Y>Z": 1}, None),
    ("descendant of treatment", "T Z Y", {"T>Z": 1, "T>Y": 2}, None),
    ("precision variable", "Z T Y", {"Z>Y": 3, "T>Y": 2}, None),
    ("instrument, hidden U", "Z U T Y", {"Z>T": 1, "U>T": 1, "U>Y": 1, "T>Y": 2}, None),
]


def total_effects(names, arrows):
    """A[i, j] = total effect of variable j on variable i: (I - B)^-1."""
    B = np.zeros((len(names), len(names)))
    for arrow, coef in arrows.items():
        cause, effect = arrow.split(">")
        B[names.index(effect), names.index(cause)] = coef
    return np.linalg.inv(np.eye(len(names)) - B)


def ols(y, *columns):
    """Least squares with an intercept: coefficient of the first column, its SE."""
    X = np.column_stack([np.ones(len(y)), *columns])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    resid = y - X @ beta
    cov = resid @ resid / (len(y) - X.shape[1]) * np.linalg.inv(X.T @ X)
    return beta[1], np.sqrt(cov[1, 1])


def population_slope(S, y, columns):
    """Closed form: the coefficient of columns[0] in the population regression."""
    return np.linalg.solve(S[np.ix_(columns, columns)], S[columns, y])[0]


def select(S, z, threshold):
    """Covariance after keeping Z > threshold, all variables jointly normal
    (Pearson-Aitken: only the direction of Z shrinks, by the truncated variance)."""
    a = threshold / math.sqrt(S[z, z])
    # inverse Mills ratio of the standard normal at a
    density = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    mills = density / (0.5 * math.erfc(a / math.sqrt(2)))
    shrink = mills * (mills - a)
    return S - shrink * np.outer(S[:, z], S[z, :]) / S[z, z]


print(f"n = {N:,} per model; adjusting = regressing Y on T and Z")
print("(selection on collider: regressing Y on T in the rows with Z > 1)")
print("theory = the same regression on an infinite sample, from the arrows")
print(f"{'':24}{'true':>7}{'not adjusting':>18}{'adjusting':>18}{'SE':>12}")
print(f"{'role of Z':24}{'effect':>7}" + "  estimate  theory" * 2 + "  no adj    adj")
worst = 0.0
for role, variables, arrows, threshold in MODELS:
    names = variables.split()
    A = total_effects(names, arrows)
    S = A @ A.T
    data = dict(zip(names, (rng.standard_normal((N, len(names))) @ A.T).T))
    t, y, z = names.index("T"), names.index("Y"), names.index("Z")
    raw, raw_se = ols(data["Y"], data["T"])
    raw_theory = population_slope(S, y, [t])
    if threshold is None:
        adj, adj_se = ols(data["Y"], data["T"], data["Z"])
        adj_theory = population_slope(S, y, [t, z])
    else:
        # Z is not in the regression: only the rows with Z > threshold are kept
        kept = data["Z"] > threshold
        adj, adj_se = ols(data["Y"][kept], data["T"][kept])
        adj_theory = population_slope(select(S, z, threshold), y, [t])
        share = kept.mean()
    gaps = (abs(raw - raw_theory) / raw_se, abs(adj - adj_theory) / adj_se)
    worst = max(worst, *gaps)
    print(f"{role:24}{A[y, t]:7.3f}{raw:10.3f}{raw_theory:8.3f}", end="")
    print(f"{adj:10.3f}{adj_theory:8.3f}{raw_se:8.4f}{adj_se:7.4f}")

arrows = MODELS[2][2]
direct, indirect = arrows["T>Y"], arrows["T>Z"] * arrows["Z>Y"]
print(f"mediator: direct effect {direct:.3f} + indirect {indirect:.3f}", end="")
print(f" = total {direct + indirect:.3f}")
print(f"selection on collider: rows kept (Z > 1) {share:.3f}")
print(f"largest gap between an estimate and its closed form: {worst:.1f} SE")
