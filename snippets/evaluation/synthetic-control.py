import numpy as np
from scipy.optimize import minimize, nnls

rng = np.random.default_rng(0)
UNITS, PERIODS, T0, EFFECT, NOISE = 30, 60, 45, 3.0, 0.5
DONORS = np.arange(1, UNITS)


def simulate(trend_loading):
    """Unit 0 is the treated market; units 1-29 are donors, never treated."""
    t = np.arange(PERIODS)
    # Three common factors: a growth trend, a 12-period cycle and a random walk.
    walk = np.cumsum(rng.normal(0, 0.3, PERIODS))
    factors = np.column_stack([0.2 * t, 2 * np.sin(2 * np.pi * t / 12), walk])
    # Each unit has its own loadings, so the units' trends are not parallel.
    loadings = rng.uniform(0, 1, (UNITS, 3))
    level = rng.normal(20, 2, UNITS)
    loadings[0], level[0] = [trend_loading, 0.4, 0.6], 20.5
    y = level[:, None] + loadings @ factors.T + rng.normal(0, NOISE, (UNITS, PERIODS))
    y[0, T0:] += EFFECT
    return y


def sc_weights(y_pre, donors_pre):
    """Weights >= 0 summing to 1 that best reproduce y_pre (least squares).

    Non-negative least squares with one extra, heavily weighted row that
    forces the weights to sum to 1."""
    big = 1e4
    a = np.vstack([donors_pre, np.full(donors_pre.shape[1], big)])
    return nnls(a, np.append(y_pre, big), maxiter=10_000)[0]


def sc_weights_slsqp(y_pre, donors_pre):
    """The same problem written as a constrained minimisation."""
    j = donors_pre.shape[1]
    res = minimize(
        lambda w: np.mean((y_pre - donors_pre @ w) ** 2),
        np.full(j, 1 / j),
        jac=lambda w: -2 * donors_pre.T @ (y_pre - donors_pre @ w) / len(y_pre),
        method="SLSQP",
        bounds=[(0, 1)] * j,
        constraints={"type": "eq", "fun": lambda w: w.sum() - 1},
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    return res.x


def synth(y, unit, donors, start=T0, end=PERIODS):
    """Weights, gap (actual - synthetic) and pre/post RMSPE for one unit."""
    w = sc_weights(y[unit, :start], y[donors, :start].T)
    gap = y[unit, :end] - w @ y[donors, :end]
    pre = np.sqrt(np.mean(gap[:start] ** 2))
    post = np.sqrt(np.mean(gap[start:] ** 2))
    return w, gap, pre, post


def did_all_donors(y):
    """Difference-in-differences against the average of all donors."""
    avg = y[DONORS].mean(0)
    treated_change = y[0, T0:].mean() - y[0, :T0].mean()
    return treated_change - (avg[T0:].mean() - avg[:T0].mean())


def placebo_test(y, treated_pre, treated_post):
    """Pretend each donor was treated; rank unit 0's post/pre RMSPE ratio."""
    ratios = [treated_post / treated_pre]
    placebo_pre = []
    for j in DONORS:
        # The treated unit is left out of every placebo's donor pool.
        _, _, pre, post = synth(y, j, np.setdiff1d(DONORS, [j]))
        ratios.append(post / pre)
        placebo_pre.append(pre)
    rank = int(np.sum(np.array(ratios) >= ratios[0]))
    return ratios[0], rank, max(ratios[1:]), np.median(placebo_pre)


print(f"{UNITS - 1} donors; unit 0 treated from period {T0} of {PERIODS}")
print(f"true effect {EFFECT:+.2f} in every treated period")
for title, trend_loading in [
    ("treated unit inside the donors' range", 0.75),
    ("treated unit's trend steeper than every donor's", 1.6),
]:
    y = simulate(trend_loading)
    w, gap, pre, post = synth(y, 0, DONORS)
    print(f"\n{title} (trend loading {trend_loading}, donors' 0 to 1)")
    same = np.allclose(w, sc_weights_slsqp(y[0, :T0], y[DONORS, :T0].T), atol=1e-4)
    print(f"  NNLS and SLSQP give the same weights: {same}")
    kept = np.flatnonzero(w > 0.01)
    print(f"  donors with weight above 0.01: {len(kept)} of {UNITS - 1} (donor:weight)")
    print("    " + " ".join(f"{DONORS[i]}:{w[i]:.2f}" for i in kept))
    before_after = y[0, T0:].mean() - y[0, :T0].mean()
    print(f"  before/after on the treated unit  {before_after:+.2f}")
    print(f"  DiD against the average donor     {did_all_donors(y):+.2f}")
    print(f"  synthetic control                 {gap[T0:].mean():+.2f}")
    ratio, rank, top_placebo, median_pre = placebo_test(y, pre, post)
    print(
        f"  pre-period RMSPE {pre:.2f} "
        f"(noise SD {NOISE}, placebos' median {median_pre:.2f})"
    )
    print(
        f"  post/pre RMSPE ratio {ratio:.1f} (largest placebo {top_placebo:.1f}): "
        f"rank {rank} of {UNITS}, p = {rank / UNITS:.3f}"
    )
    # In-time placebo: pretend the launch was at period 30, using data before 45.
    _, fake_gap, fake_pre, _ = synth(y, 0, DONORS, start=30, end=T0)
    print(
        f"  in-time placebo at period 30: mean gap {fake_gap[30:].mean():+.2f} "
        f"in periods 30-44 (pre-period RMSPE {fake_pre:.2f})"
    )

print("\n200 simulated panels per design: error of the estimate, mean (SD)")
print("design                      synthetic control   DiD vs average donor")
for label, trend_loading in [("inside the range", 0.75), ("steeper than all", 1.6)]:
    errors = []
    for _ in range(200):
        y = simulate(trend_loading)
        _, gap, _, _ = synth(y, 0, DONORS)
        errors.append([gap[T0:].mean() - EFFECT, did_all_donors(y) - EFFECT])
    m, s = np.mean(errors, 0), np.std(errors, 0)
    print(f"{label:<27} {m[0]:+.2f} ({s[0]:.2f})        {m[1]:+.2f} ({s[1]:.2f})")
