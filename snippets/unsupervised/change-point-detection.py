import numpy as np

N, MIN_SIZE, TOL, PHI = 1000, 5, 10, 0.6
TRUE_CPS = [150, 300, 450, 650, 800]
# mean shifts of +2, -1, +0.5 and -1.5 sd, then the sd grows from 1 to 2.5 at 800
SEG_MEAN = [0.0, 2.0, 1.0, 1.5, 0.0, 0.0]
SEG_SD = [1.0, 1.0, 1.0, 1.0, 1.0, 2.5]


def ar1_noise(rng, shape, phi):
    # AR(1) noise with unit marginal variance; phi = 0 gives independent noise
    e = rng.standard_normal((*shape[:-1], shape[-1] + 200))
    out = np.empty_like(e)
    out[..., 0] = e[..., 0]
    for t in range(1, e.shape[-1]):
        out[..., t] = phi * out[..., t - 1] + np.sqrt(1 - phi**2) * e[..., t]
    return out[..., 200:]


def make_series(rng, phi):
    lengths = np.diff([0, *TRUE_CPS, N])
    mean, sd = np.repeat(SEG_MEAN, lengths), np.repeat(SEG_SD, lengths)
    return mean + sd * ar1_noise(rng, (N,), phi)


def mad(v):
    return 1.4826 * np.median(np.abs(v - np.median(v)))


def noise_scales(x):
    # robust to the jumps: differences cancel the piecewise-constant mean
    d1, d2 = np.diff(x), x[2:] - x[:-2]
    var_iid = mad(d1) ** 2 / 2
    # for AR(1), var(x_t - x_t-2) / var(x_t - x_t-1) = 1 + phi
    phi = float(np.clip((mad(d2) / mad(d1)) ** 2 - 1, 0.0, 0.95))
    var_long_run = var_iid / (1 - phi) * (1 + phi) / (1 - phi)
    return var_iid, var_long_run, phi


def segment_cost(x, kind, var=1.0):
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def cost(start, end):
        m = end - start
        total, total_sq = s1[end] - s1[start], s2[end] - s2[start]
        if kind == "mean":
            # Gaussian, known variance: residual sum of squares / variance
            return (total_sq - total**2 / m) / var
        # Gaussian, mean and variance estimated: m log(segment variance)
        return m * np.log(np.maximum(total_sq / m - (total / m) ** 2, 1e-12))

    return cost


def pelt(cost, n, beta, prune=True):
    # F[t] = min over tau of F[tau] + cost(tau, t) + beta (optimal partitioning)
    best = np.full(n + 1, np.inf)
    best[0], last = -beta, np.zeros(n + 1, dtype=int)
    cands, failed = np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    evaluations = 0
    for t in range(MIN_SIZE, n + 1):
        new = t - MIN_SIZE
        if new == 0 or new >= MIN_SIZE:
            cands, failed = np.append(cands, new), np.append(failed, n + MIN_SIZE)
        # a pruned tau can still win for MIN_SIZE steps, then never again
        keep = failed + MIN_SIZE > t
        cands, failed = cands[keep], failed[keep]
        values = best[cands] + cost(cands, t)
        evaluations += len(cands)
        i = np.argmin(values)
        best[t], last[t] = values[i] + beta, cands[i]
        if prune:
            failed = np.where((values > best[t]) & (failed > n), t, failed)
    cps, t = [], n
    while t > 0:
        t = last[t]
        cps.append(int(t))
    return sorted(cps)[1:], best[n], evaluations


def binary_segmentation(cost, n, beta):
    cps, stack = [], [(0, n)]
    while stack:
        s, e = stack.pop()
        taus = np.arange(s + MIN_SIZE, e - MIN_SIZE + 1)
        if len(taus) == 0:
            continue
        gain = cost(s, e) - cost(s, taus) - cost(taus, e)
        i = np.argmax(gain)
        if gain[i] > beta:
            cps.append(int(taus[i]))
            stack += [(s, int(taus[i])), (int(taus[i]), e)]
    return sorted(cps)


def matches(cps):
    # one-to-one: each detection can claim at most one true change point
    used, hit = set(), np.zeros(len(TRUE_CPS))
    for i, c in enumerate(TRUE_CPS):
        near = [d for d in cps if abs(d - c) <= TOL and d not in used]
        if near:
            used.add(min(near, key=lambda d: abs(d - c)))
            hit[i] = 1
    return hit


rng = np.random.default_rng(0)
log_n = np.log(N)
print(f"n = {N}, true change points {TRUE_CPS} (at 800 the sd goes 1 -> 2.5)")

# 1. Online: two-sided CUSUM on standardised data, in-control mean and sd known
k, streams, length = 0.5, 200, 5000


def cusum_alarms(z, h):
    up, down = np.zeros(len(z)), np.zeros(len(z))
    alarms = np.zeros(z.shape, dtype=bool)
    for t in range(z.shape[1]):
        up = np.maximum(0.0, up + z[:, t] - k)
        down = np.maximum(0.0, down - z[:, t] - k)
        alarms[:, t] = (up > h) | (down > h)
        # restart after an alarm
        up[alarms[:, t]], down[alarms[:, t]] = 0.0, 0.0
    return alarms


in_control = [ar1_noise(rng, (streams, length), phi) for phi in [0.0, PHI]]
after_shift = rng.standard_normal((streams, 400))
print(f"\n1. online CUSUM, k = {k} sd, {streams} streams per cell")
print("    false alarms per 1,000 points   mean samples to alarm, shift of")
print("h      iid noise   AR(1), phi 0.6      0.5 sd     1 sd     2 sd")
for h in [4.0, 8.0]:
    rates = [1000 * cusum_alarms(z, h).mean() for z in in_control]
    delays = []
    for shift in [0.5, 1.0, 2.0]:
        alarms = cusum_alarms(after_shift + shift, h)
        assert alarms.any(axis=1).all()
        delays.append(np.argmax(alarms, axis=1).mean() + 1)
    print(
        f"{h:<4.0f}{rates[0]:>12.2f}{rates[1]:>17.2f}"
        f"{delays[0]:>12.1f}{delays[1]:>9.1f}{delays[2]:>9.1f}"
    )

# 2. Offline: PELT must give the same segmentation as exhaustive optimal partitioning
x_iid = make_series(rng, 0.0)
print("\n2. PELT against exhaustive optimal partitioning (OP), iid series")
print("cost     n     same change points and cost   cost evaluations PELT / OP")
for x in [x_iid[100:400], x_iid]:
    var_iid = noise_scales(x)[0]
    for kind, beta in [("mean", 2 * np.log(len(x))), ("meanvar", 3 * np.log(len(x)))]:
        cost = segment_cost(x, kind, var_iid)
        cps_p, f_p, ev_p = pelt(cost, len(x), beta)
        cps_o, f_o, ev_o = pelt(cost, len(x), beta, prune=False)
        same = cps_p == cps_o and bool(np.isclose(f_p, f_o))
        print(f"{kind:<9}{len(x):<6}{same!s:<30}{ev_p:>9,} / {ev_o:,}")

# 3. One series, independent noise, BIC-like penalties
var_iid = noise_scales(x_iid)[0]
mean_cost = segment_cost(x_iid, "mean", var_iid)
rows = [
    ("binary segmentation, mean", binary_segmentation(mean_cost, N, 2 * log_n)),
    ("PELT, mean, 2 log n", pelt(mean_cost, N, 2 * log_n)[0]),
    ("PELT, mean+var, 3 log n", pelt(segment_cost(x_iid, "meanvar"), N, 3 * log_n)[0]),
]
print(f"\n3. the same series; noise sd from the MAD of differences: {var_iid**0.5:.2f}")
for name, cps in rows:
    print(f"{name:<27}{' '.join(map(str, cps))}")

# 4. The penalty sets the number of change points; AR(1) noise needs a larger one
reps, mults = 20, [1, 2, 4, 8, 16]
series = {phi: [make_series(rng, phi) for _ in range(reps)] for phi in [0.0, PHI]}
phi_hats = [noise_scales(x)[2] for x in series[PHI]]
print(f"\n4. PELT, mean cost: change points found, mean of {reps} series (true: 5)")
print(f"estimated phi on the AR(1) series: mean {np.mean(phi_hats):.2f} (true {PHI})")
print(
    "noise   variance in the cost     c log n, c =" + "".join(f"{c:>6}" for c in mults)
)
at_2_log_n = {}
for phi, scale in [(0.0, "iid"), (PHI, "iid"), (PHI, "long-run")]:
    counts, at_2_log_n[phi, scale] = np.zeros(len(mults)), []
    for x in series[phi]:
        var_iid, var_lr, _ = noise_scales(x)
        cost = segment_cost(x, "mean", var_iid if scale == "iid" else var_lr)
        found = [pelt(cost, N, c * log_n)[0] for c in mults]
        counts += [len(cps) for cps in found]
        at_2_log_n[phi, scale].append(found[mults.index(2)])
    label = f"{'iid' if phi == 0 else 'AR(1)':<8}{scale + ', MAD of differences':<29}"
    print(label + "".join(f"{v / reps:>6.1f}" for v in counts))

# 5. Precision and recall of the change points within +-TOL samples
print(f"\n5. precision and recall within +-{TOL} samples, pooled over {reps} series")
print("inflated: penalty x (1+phi)/(1-phi) with the estimated phi")
print(" " * 51 + "recall of each change point")
print("noise  method                     found  prec  recall  150  300  450  650  800")
for phi in [0.0, PHI]:
    results = {"PELT, mean, 2 log n": at_2_log_n[phi, "iid"]}
    if phi == 0:
        results["BinSeg, mean, 2 log n"] = [
            binary_segmentation(
                segment_cost(x, "mean", noise_scales(x)[0]), N, 2 * log_n
            )
            for x in series[phi]
        ]
    else:
        results["PELT, mean, long-run var"] = at_2_log_n[phi, "long-run"]
    results["PELT, mean+var, 3 log n"] = [
        pelt(segment_cost(x, "meanvar"), N, 3 * log_n)[0] for x in series[phi]
    ]
    if phi > 0:
        results["PELT, mean+var, inflated"] = [
            pelt(segment_cost(x, "meanvar"), N, 3 * log_n * (1 + p) / (1 - p))[0]
            for x, p in zip(series[phi], phi_hats)
        ]
    for name, all_cps in results.items():
        found = sum(len(cps) for cps in all_cps)
        hit = sum(matches(cps) for cps in all_cps)
        print(
            f"{'iid' if phi == 0 else 'AR(1)':<7}{name:<26}{found / reps:>6.1f}"
            f"{hit.sum() / max(found, 1):>6.2f}{hit.sum() / hit.size / reps:>8.2f}"
            + "".join(f"{v / reps:>5.2f}" for v in hit)
        )
