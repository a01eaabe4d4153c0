import numpy as np

rng = np.random.default_rng(0)
# 400 SKUs, 360 days. A sale happens on a day with probability p; its size is
# 1 + negative binomial, so sizes are whole units with a per-SKU spread.
N, T, N_OBS = 400, 360, 40
INIT, START, TEST = 120, 200, 240  # init states; stock simulation; holdout
ALPHA, BETA = 0.1, 0.1  # smoothing: sizes, intervals and SES; TSB probability
LEAD, Z = 2, 1.28  # lead time in days (at least 1); safety factor
p = rng.uniform(0.05, 0.5, N)
mean_size = rng.uniform(2.0, 6.0, N)
shape = rng.choice([0.5, 5.0], N)  # negative binomial shape: lumpy or steady sizes
sizes = 1 + rng.negative_binomial(
    shape[:, None], (shape / (shape + mean_size - 1))[:, None], (N, T)
)
y = np.where(rng.random((N, T)) < p[:, None], sizes, 0).astype(float)
rate = p * mean_size  # true expected demand per day
# the first 40 SKUs become obsolete: demand stops for good on a day in 250-290
stop = np.full(N, T)
stop[:N_OBS] = rng.integers(250, 291, N_OBS)
y[np.arange(T)[None, :] >= stop[:, None]] = 0.0
regular = np.arange(N) >= N_OBS

# ADI / CV^2 classes (Syntetos, Boylan and Croston 2005) on days 0-239
hist = y[:, :TEST]
nz = hist > 0
adi = TEST / nz.sum(1)
size_mean = (hist * nz).sum(1) / nz.sum(1)
size_var = ((hist - size_mean[:, None]) ** 2 * nz).sum(1) / (nz.sum(1) - 1)
cv2 = size_var / size_mean**2
print(f"share of zero days {1 - nz.mean():.3f}; median ADI {np.median(adi):.2f}")
for name, m in [
    ("smooth", (adi < 1.32) & (cv2 < 0.49)),
    ("erratic", (adi < 1.32) & (cv2 >= 0.49)),
    ("intermittent", (adi >= 1.32) & (cv2 < 0.49)),
    ("lumpy", (adi >= 1.32) & (cv2 >= 0.49)),
]:
    print(f"  {name:<13}{m.sum():4d} SKUs")


# One-step-ahead forecasts: F[:, t] uses days before t only. States start from
# days 0-119 and are updated from day 120 on.
def forecasts():
    init = y[:, :INIT]
    inz = init > 0
    z = (init * inz).sum(1) / np.maximum(inz.sum(1), 1)  # size level
    n = INIT / np.maximum(inz.sum(1), 1)  # interval level (Croston)
    prob = inz.mean(1)  # probability level (TSB)
    ses = init.mean(1)
    last = np.array([np.flatnonzero(r)[-1] if r.any() else 0 for r in inz])
    since = INIT - 1 - last  # days since the last sale
    z_tsb = z.copy()
    F = {k: np.zeros((N, T)) for k in ["zero", "SES", "Croston", "SBA", "TSB"]}
    for t in range(INIT, T):
        F["SES"][:, t] = ses
        F["Croston"][:, t] = z / n
        F["SBA"][:, t] = (1 - ALPHA / 2) * z / n
        F["TSB"][:, t] = prob * z_tsb
        d = y[:, t]
        sale = d > 0
        since += 1
        ses += ALPHA * (d - ses)  # decays after every zero, jumps after a sale
        z = np.where(sale, z + ALPHA * (d - z), z)  # Croston: update on sales only
        n = np.where(sale, n + ALPHA * (since - n), n)
        since[sale] = 0
        prob += BETA * (sale - prob)  # TSB: probability updated every day
        z_tsb = np.where(sale, z_tsb + ALPHA * (d - z_tsb), z_tsb)
    return F


F = forecasts()


def order_up_to(f, z_factor):
    # Daily review, lost sales, orders arrive LEAD days later. Level =
    # forecast over LEAD+1 days + z * sqrt(VMR * that), VMR (variance-to-mean
    # ratio of daily demand) per SKU from days 0-239, the same for every method.
    vmr = hist.var(1) / hist.mean(1)
    level = np.ceil((LEAD + 1) * f + z_factor * np.sqrt(vmr[:, None] * (LEAD + 1) * f))
    stock = level[:, START].copy()
    arrive = np.zeros((N, T + LEAD + 1))  # arrive[:, t]: units arriving on day t
    sold = held = demand = 0.0
    for t in range(START, T):
        stock += arrive[:, t]
        on_order = arrive[:, t + 1 : t + LEAD + 1].sum(1)
        arrive[:, t + LEAD] += np.maximum(0.0, level[:, t] - stock - on_order)
        s = np.minimum(y[:, t], stock)
        stock -= s
        if t >= TEST:
            sold += s[regular].sum()
            demand += y[regular, t].sum()
            held += stock[regular].sum()
    return sold / demand, held / (regular.sum() * (T - TEST))


def stock_for_fill(f, target=0.95):
    lo, hi = 0.0, 8.0
    if order_up_to(f, hi)[0] < target:
        return None
    for _ in range(25):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if order_up_to(f, mid)[0] < target else (lo, mid)
    return order_up_to(f, hi)[1]


# accuracy on the 360 regular SKUs, days 240-359; scales from days 0-239
yt = y[regular, TEST:]
ytr = y[regular, :TEST]
mae_naive = np.array([np.abs(np.diff(r[np.flatnonzero(r)[0] :])).mean() for r in ytr])
mse_naive = np.array([(np.diff(r[np.flatnonzero(r)[0] :]) ** 2).mean() for r in ytr])
after_sale = y[regular, TEST - 1 : T - 1] > 0
print(f"mean demand per SKU-day {yt.mean():.3f}")
head = ["MASE", "RMSSE", "bias", "bias after sale", "fill rate", "stock"]
print(
    f"{'method':<8}" + "".join(f"{h:>{len(h) + 3}}" for h in head) + "  stock for 95%"
)
for name, f in F.items():
    e = f[regular, TEST:] - yt
    mase = (np.abs(e).mean(1) / mae_naive).mean()
    rmsse = np.sqrt((e**2).mean(1) / mse_naive).mean()
    bias = e.sum() / yt.sum()
    bias_sale = e[after_sale].sum() / yt[after_sale].sum()
    fill, held = order_up_to(f, Z)
    need = stock_for_fill(f)
    need_s = "never" if need is None else f"{need:.2f}"
    print(
        f"{name:<8}{mase:7.3f}{rmsse:8.3f}{bias:+7.3f}{bias_sale:+18.3f}"
        f"{fill:12.3f}{held:8.2f}{need_s:>15}"
    )

# the 40 SKUs whose demand stopped: forecasts after the stop, as a share of
# their true rate before it
print("obsolete SKUs, forecast as a share of the rate before the stop")
print(f"{'method':<8}{'mean after the stop':>21}{'30 days after':>15}")
for name in ["SES", "Croston", "SBA", "TSB"]:
    f = F[name][:N_OBS]
    mean_after = np.mean([f[i, stop[i] :].mean() / rate[i] for i in range(N_OBS)])
    at30 = np.mean([f[i, stop[i] + 30] / rate[i] for i in range(N_OBS)])
    print(f"{name:<8}{mean_after:21.3f}{at30:15.3f}")
