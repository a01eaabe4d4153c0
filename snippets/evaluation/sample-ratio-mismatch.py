import numpy as np
from scipy import optimize, stats

rng = np.random.default_rng(7)
ALPHA_SRM = 0.0005
CRIT = stats.chi2.isf(ALPHA_SRM, df=1)


def srm_p(a, b):
    # Chi-square goodness of fit of the two arms' unit counts to a 50/50 design
    expected = (np.asarray(a) + np.asarray(b)) / 2
    chi2 = (a - expected) ** 2 / expected + (b - expected) ** 2 / expected
    return stats.chi2.sf(chi2, df=1)


def srm_power(n, loss):
    # Closed form: chi2 is noncentral, lambda = n * loss^2 / (2 - loss)
    return stats.ncx2.sf(CRIT, 1, n * loss**2 / (2 - loss))


# 1. Power of the SRM check: each treatment user is lost with probability `loss`
reps = 200_000
sizes = [10_000, 100_000, 1_000_000]
losses = [0.0, 0.005, 0.01, 0.02]
labels = ["no loss", "0.5% lost", "1% lost", "2% lost"]
print(f"SRM check at p < {ALPHA_SRM}: share of {reps:,} simulated experiments flagged")
print(f"{'users per arm':>13} " + " ".join(f"{x:>9}" for x in labels))
gap = 0.0
for n in sizes:
    row = []
    for loss in losses:
        a = rng.binomial(2 * n, 0.5, size=reps)
        b = rng.binomial(2 * n - a, 1 - loss)
        row.append(np.mean(srm_p(a, b) < ALPHA_SRM))
        gap = max(gap, abs(row[-1] - (srm_power(n, loss) if loss else ALPHA_SRM)))
    print(f"{n:>13,} " + " ".join(f"{x:>9.4f}" for x in row))
print(f"largest gap to the noncentral chi-square formula: {gap:.4f}")
need = [optimize.brentq(lambda f, n=n: srm_power(n, f) - 0.8, 1e-6, 0.9) for n in sizes]
print(
    "loss flagged with 80% power: "
    + ", ".join(f"{f:.2%} at {n:,}" for f, n in zip(need, sizes))
)

# 2. A change with no effect on anyone; its treatment loses some of its least
# engaged users on one browser before they are logged. Users are kept as counts
# per (browser, weekly sessions) cell: the same data as one row per user.
browsers = ["chrome", "safari", "edge", "other"]
share = np.array([0.50, 0.28, 0.10, 0.12])
sessions = np.arange(151)
# Weekly sessions: negative binomial, mean 4; many light users, a few heavy ones
p_sessions = stats.nbinom.pmf(sessions, 0.8, 0.8 / 4.8)
p_cell = (share[:, None] * p_sessions / p_sessions.sum()).ravel()
# Treatment on "other": a user with s sessions goes unlogged w.p. 0.45 * 0.5^s
p_lost = np.zeros((len(browsers), sessions.size))
p_lost[3] = 0.45 * 0.5**sessions
p_lost = p_lost.ravel()
y = np.tile(sessions, len(browsers)).astype(float)


def experiment(n_total, size):
    # Random 50/50 assignment, users spread over cells, then the logging loss
    n_c = rng.binomial(n_total, 0.5, size=size)
    control = rng.multinomial(n_c, p_cell)
    assigned_t = rng.multinomial(n_total - n_c, p_cell)
    return control, rng.binomial(assigned_t, 1 - p_lost), assigned_t


def welch(c, t, y=y):
    # Difference in mean sessions per logged user, from the cell counts
    n_c, n_t = c.sum(-1), t.sum(-1)
    m_c, m_t = c @ y / n_c, t @ y / n_t
    v_c = (c @ y**2 - n_c * m_c**2) / (n_c - 1)
    v_t = (t @ y**2 - n_t * m_t**2) / (n_t - 1)
    se = np.sqrt(v_c / n_c + v_t / n_t)
    diff = m_t - m_c
    return m_c, m_t, diff, se, 2 * stats.norm.sf(np.abs(diff / se))


N = 200_000
c1, t1, assigned = experiment(N, None)
n_c, n_t, lost = c1.sum(), t1.sum(), assigned - t1
print(f"\none experiment, {N:,} users, true effect 0 for every user")
print(
    f"logged users: control {n_c:,}, treatment {n_t:,} "
    f"(treatment share {n_t / (n_c + n_t):.4f}), SRM p = {srm_p(n_c, n_t):.1e}"
)
mean_all, sd_all = y.repeat(assigned).mean(), y.repeat(assigned).std()
mean_lost = lost @ y / lost.sum()
print(
    f"users missing from treatment: {lost.sum():,}, averaging {mean_lost:.2f} sessions"
)
print(
    f"all users: {mean_all:.2f} sessions (SD {sd_all:.2f}); "
    f"the missing are {(mean_all - mean_lost) / sd_all:.2f} SD below"
)
m_c, m_t, diff, se, p = welch(c1, t1)
print(f"sessions per user: control {m_c:.3f}, treatment {m_t:.3f}")
print(
    f"difference {diff:+.3f}, 95% CI [{diff - 1.96 * se:+.3f}, {diff + 1.96 * se:+.3f}]"
    f", t = {diff / se:.2f}, p = {p:.4f}"
)
check = stats.ttest_ind(y.repeat(t1), y.repeat(c1), equal_var=False)
print(
    f"scipy's Welch t-test on one row per user: "
    f"t = {check.statistic:.2f}, p = {check.pvalue:.4f}"
)

R = 2_000
c, t, _ = experiment(N, R)
*_, diff, se, p = welch(c, t)
win = (p < 0.05) & (diff > 0)
flag = srm_p(c.sum(-1), t.sum(-1)) < ALPHA_SRM
c0 = rng.multinomial(rng.binomial(N, 0.5, size=R), p_cell)
t0 = rng.multinomial(N - c0.sum(-1), p_cell)
*_, diff0, se0, p0 = welch(c0, t0)
print(f"{R:,} such experiments: treatment 'wins' (p < 0.05, up) {win.mean():.3f}")
print(f"  the same design, logged correctly: {np.mean((p0 < 0.05) & (diff0 > 0)):.3f}")
print(f"  SRM flagged (p < {ALPHA_SRM}) {flag.mean():.3f}")
print(f"  a 'win' the SRM check did not flag {np.mean(win & ~flag):.3f}")
# Signed SRM z-score: positive when treatment has fewer users than control
z_srm = (c.sum(-1) - t.sum(-1)) / np.sqrt(c.sum(-1) + t.sum(-1))
print(
    f"  mean t of the metric {np.mean(diff / se):.2f}, mean SRM z {z_srm.mean():.2f}, "
    f"ratio {np.mean(diff / se) / z_srm.mean():.2f}"
)

# 3. Localise the one experiment's SRM: the same check within each browser
c_b, t_b = c1.reshape(len(browsers), -1), t1.reshape(len(browsers), -1)
print(f"\n{'browser':<8} {'control':>8} {'treatment':>9} {'share T':>8} {'SRM p':>8}")
for name, cb, tb in zip(browsers, c_b.sum(1), t_b.sum(1)):
    print(f"{name:<8} {cb:>8,} {tb:>9,} {tb / (cb + tb):>8.4f} {srm_p(cb, tb):>8.1e}")
c_k, t_k = c_b[:3].ravel(), t_b[:3].ravel()
m_c, m_t, diff, se, p = welch(c_k, t_k, np.tile(sessions, 3).astype(float))
print(
    f"without 'other', both arms: SRM p = {srm_p(c_k.sum(), t_k.sum()):.2f}, "
    f"difference {diff:+.3f} [{diff - 1.96 * se:+.3f}, {diff + 1.96 * se:+.3f}]"
)
