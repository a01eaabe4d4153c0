import numpy as np

rng = np.random.default_rng(0)
CITIES, RIDERS = 200, 100  # riders in one city compete for the same drivers
Q_CONTROL, Q_TREAT = 0.40, 0.50  # a discount makes a rider more likely to request
DRIVERS = rng.gamma(4.0, 11.25, CITIES)  # mean supply per city: cities differ a lot


def run(treated_share_by_city, n_sims):
    """Rides per rider for treated and control riders; drivers are shared in a city."""
    supply = rng.poisson(DRIVERS, (n_sims, CITIES))
    n_t = rng.binomial(RIDERS, treated_share_by_city, (n_sims, CITIES))
    req_t = rng.binomial(n_t, Q_TREAT)
    req_c = rng.binomial(RIDERS - n_t, Q_CONTROL)
    rides = np.minimum(supply, req_t + req_c)
    # Which requesters get one of the rides: a random subset of all requesters.
    got_t = rng.hypergeometric(np.maximum(req_t, 0), req_c, rides)
    return n_t, got_t, rides - got_t


# Ground truth: everyone treated against no one treated (the launch decision).
_, all_t, _ = run(np.ones(CITIES), 200)
_, _, all_c = run(np.zeros(CITIES), 200)
truth = (all_t.sum(1) - all_c.sum(1)).mean() / (CITIES * RIDERS)
print(f"true effect of launching, rides per rider: {truth:+.4f}")

# A: randomise riders within every city (50/50), 500 simulated experiments.
n_t, got_t, got_c = run(np.full(CITIES, 0.5), 500)
user_est = got_t.sum(1) / n_t.sum(1) - got_c.sum(1) / (CITIES * RIDERS - n_t.sum(1))

# B: randomise whole cities (100 treated, 100 control), 500 simulated experiments.
est = []
for _ in range(500):
    arm = rng.permutation(np.repeat([0.0, 1.0], CITIES // 2))
    _, g_t, g_c = run(arm, 1)
    per_city = (g_t + g_c)[0] / RIDERS
    est.append(per_city[arm == 1].mean() - per_city[arm == 0].mean())
city_est = np.array(est)
for name, e in [("riders randomised", user_est), ("cities randomised", city_est)]:
    print(
        f"{name:<18}: mean estimate {e.mean():+.4f}, SD over experiments {e.std():.4f}"
    )
