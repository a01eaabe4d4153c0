import numpy as np

# One day in 144 control steps of 10 minutes.
STEPS = 144
HOURS = (np.arange(STEPS) + 0.5) / 6
# Traffic forecast: quiet at night, peak mid-afternoon; 100k auctions a day.
shape = 1 - 0.75 * np.cos(2 * np.pi * (HOURS - 3.5) / 24)
forecast = 100_000 * shape / shape.sum()
# The highest competing bid is highest in the morning and lowest late in the evening.
price_level = 1 + 0.4 * np.cos(2 * np.pi * (HOURS - 9) / 24)


def make_day(seed, traffic=1.0):
    """Auctions in time order: control step, hour, value to us, highest other bid."""
    rng = np.random.default_rng(seed)
    step = np.repeat(np.arange(STEPS), rng.poisson(forecast * traffic))
    hour = (step + np.sort(rng.random(step.size))) / 6
    pctr = 0.02 * np.exp(rng.normal(0, 0.6, step.size))
    # Value per impression = pCTR x value per click ($2).
    value = 2.0 * pctr
    # Rivals also like high-pCTR impressions, so their bids rise with pCTR.
    rival = 0.035 * price_level[step] * np.sqrt(pctr / 0.02)
    rival = rival * np.exp(rng.normal(0, 0.5, step.size))
    return step, hour, value, rival


def hindsight(value, price, budget):
    """LP optimum (fractional knapsack): buy in order of value/price until the
    budget is spent. Returns the value and the value/price of the marginal auction."""
    order = np.argsort(-value / price, kind="stable")
    v, p = value[order], price[order]
    cost = np.cumsum(p)
    k = np.searchsorted(cost, budget)
    part = (budget - (cost[k - 1] if k else 0.0)) / p[k]
    return v[:k].sum() + part * v[k], v[k] / p[k]


def run(day, budget, method, p0, lam0, plan=None, r=0.1, eta=0.3):
    """Second price: we win when our bid beats the highest other bid, and pay it.
    plan: expected share of the day's spend in each step (None: no feedback)."""
    step, hour, value, rival = day
    bounds = np.searchsorted(step, np.arange(STEPS + 1))
    coin = np.random.default_rng(7).random(step.size)
    left, won, spent_99 = budget, 0.0, None
    p, lam, lams = p0, lam0, []
    for k in range(STEPS):
        s = slice(bounds[k], bounds[k + 1])
        v, d = value[s], rival[s]
        if method == "no pacing":
            win = v > d
        elif method == "throttle":
            # Take part with probability p, bidding the full value.
            win = (coin[s] < p) & (v > d)
        else:
            # Bid shading: bid v / (1 + lambda) in every auction.
            win = v / (1 + lam) > d
        pay = np.where(win, d, 0.0)
        # Stop at the first auction the remaining budget cannot pay for.
        ok = np.cumsum(pay) <= left
        spend = pay[ok].sum()
        won += v[ok & win].sum()
        left -= spend
        if spent_99 is None and left < 0.01 * budget:
            paid = np.cumsum(pay[ok]) >= left + spend - 0.01 * budget
            spent_99 = hour[s][ok][np.argmax(paid)]
        lams.append(lam)
        if not ok.all():
            break
        if plan is None:
            continue
        # Target for this step: the budget left, spread over the rest of the plan.
        target = (left + spend) * plan[k] / plan[k:].sum()
        if method == "throttle":
            # LinkedIn-style: raise p when behind the target, lower it when ahead.
            p = min(1.0, p * (1 + r)) if spend < target else max(1e-3, p * (1 - r))
        elif method == "bid scaling":
            # Dual subgradient step on the budget constraint (normalised gap).
            lam = max(0.0, lam + eta * (spend - target) / target)
    return won, budget - left, spent_99, np.array(lams)


# Yesterday (same forecast, other random draws) sets the budget and warm starts.
y_step, y_hour, y_value, y_rival = make_day(seed=1)
unconstrained = y_rival[y_value > y_rival].sum()
budget = 0.25 * unconstrained
p0 = budget / unconstrained
_, ratio = hindsight(y_value, y_rival, budget)
lam0 = ratio - 1
# Two spend plans: proportional to forecast traffic, or to what yesterday's
# hindsight optimum spent in each hour.
traffic_plan = forecast / forecast.sum()
y_best = np.where(y_value / y_rival >= ratio, y_rival, 0.0)
hourly = np.bincount(y_step // 6, weights=y_best, minlength=24)
spend_plan = np.repeat(hourly / hourly.sum() / 6, 6)
print(f"budget {budget:.0f} = 25% of unconstrained spend {unconstrained:.0f}")
print(f"warm start from yesterday: p0 = {p0:.2f}, lambda0 = {lam0:.2f}")

methods = [
    ("no pacing (bid v)", "no pacing", None),
    ("throttle p, fixed", "throttle", None),
    ("throttle p, traffic plan", "throttle", traffic_plan),
    ("v/(1+lam), fixed lam", "bid scaling", None),
    ("v/(1+lam), traffic plan", "bid scaling", traffic_plan),
    ("v/(1+lam), spend plan", "bid scaling", spend_plan),
]
for title, traffic in [("as forecast", 1.0), ("30% above forecast", 1.3)]:
    day = make_day(seed=2, traffic=traffic)
    best, ratio = hindsight(day[2], day[3], budget)
    print(f"\ntraffic {title}: hindsight optimum lambda* = {ratio - 1:.2f}")
    print(f"{'method':24s} {'value/opt':>9s} {'spent':>6s} {'99% spent':>9s}", end="")
    print(f" {'cost/value':>10s} {'lambda 10-90%':>13s}")
    for name, method, plan in methods:
        won, spend, t99, lams = run(day, budget, method, p0, lam0, plan)
        when = f"{t99:8.1f}h" if t99 is not None else f"{'never':>9s}"
        lo, hi = np.percentile(lams, [10, 90])
        band = f"{lo:.2f}-{hi:.2f}" if method == "bid scaling" else "-"
        print(f"{name:24s} {won / best:9.3f} {spend / budget:6.3f} {when}", end="")
        print(f" {spend / won:10.3f} {band:>13s}")
    print(f"{'hindsight optimum':24s} {1:9.3f} {1:6.3f} {'-':>9s}", end="")
    print(f" {budget / best:10.3f} {ratio - 1:13.2f}")
