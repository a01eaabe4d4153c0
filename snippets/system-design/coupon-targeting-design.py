import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier as GBC
from sklearn.ensemble import HistGradientBoostingRegressor as GBR

rng = np.random.default_rng(0)
# Arm 0 is no coupon; arms 1 and 2 are $5 and $15 off the next order.
COUPONS = np.array([0.0, 5.0, 15.0])


def customers(n):
    """Known ground truth. x0: past activity sets the purchase rate without a
    coupon; x1: price sensitivity; x2: basket size; x3 > 1.3: customers a coupon
    puts off (sleeping dogs); x4, x5: noise. A coupon works through the share of
    the basket it takes off, so $5 means little on a $200 basket."""
    x = rng.standard_normal((n, 6))
    sleeping_dog = x[:, 3] > 1.3
    base_logit = -1.7 + 1.3 * x[:, 0] - 0.3 * x[:, 1]
    sensitivity = np.where(sleeping_dog, -0.4, 1 / (1 + np.exp(-2 * x[:, 1])))
    basket = 80 * np.exp(0.5 * x[:, 2])
    discount_share = COUPONS / basket[:, None]
    logit = base_logit[:, None] + sensitivity[:, None] * 8 * discount_share**0.8
    # purchase probability per arm, and the margin of an order before any coupon
    return x, 1 / (1 + np.exp(-logit)), 0.3 * basket, sleeping_dog


def randomised_campaign(n):
    """A third of the customers get each arm at random; the outcome is the
    order's profit after the coupon it used (the margin varies around its mean)."""
    x, p, margin, _ = customers(n)
    arm = rng.integers(0, 3, n)
    bought = rng.random(n) < p[np.arange(n), arm]
    order_margin = margin * np.exp(0.3 * rng.standard_normal(n) - 0.045)
    profit = bought * (order_margin - COUPONS[arm])
    return x, arm, bought, order_margin, profit, p, margin


def incremental(p, margin):
    """Expected profit of each arm minus that of no coupon, and the expected
    discount paid (face value x redemption probability)."""
    profit = p * (margin[:, None] - COUPONS)
    return profit - profit[:, :1], p * COUPONS


# Training: per-arm purchase models (a T-learner over three arms) and one
# margin model fitted on the orders.
x, arm, bought, order_margin, *_ = randomised_campaign(150_000)
params = dict(max_depth=3, min_samples_leaf=100, random_state=0)
buy_models = [GBC(**params).fit(x[arm == k], bought[arm == k]) for k in range(3)]
margin_model = GBR(**params).fit(x[bought], order_margin[bought])


def predict(x):
    p = np.column_stack([m.predict_proba(x)[:, 1] for m in buy_models])
    return p, margin_model.predict(x)


def population(x, p_true, margin_true):
    """What a policy can use (a random draw, predictions) and the truth."""
    p_hat, margin_hat = predict(x)
    gain_hat, cost_hat = incremental(p_hat, margin_hat)
    gain_true, cost_true = incremental(p_true, margin_true)
    return dict(
        draw=rng.random(len(x)),
        buy_5=p_hat[:, 1],
        gain=gain_hat,
        cost=cost_hat,
        expected_profit=p_hat * (margin_hat[:, None] - COUPONS),
        true_gain=gain_true,
        true_cost=cost_true,
    )


def lagrangian_rule(gain, cost, budget, arms=(0, 1, 2)):
    """Per customer, the arm maximising gain - lam * cost, with lam found by
    bisection as the smallest value whose total expected cost fits the budget."""
    allowed = np.where(np.isin(np.arange(3), arms), 0.0, -np.inf)
    lo, hi = 0.0, 100.0
    for _ in range(60):
        lam = (lo + hi) / 2
        chosen = np.argmax(gain - lam * cost + allowed, axis=1)
        spend = cost[np.arange(len(gain)), chosen].sum()
        lo, hi = (lam, hi) if spend > budget else (lo, lam)
    return hi, lambda g, c: np.argmax(g - hi * c + allowed, axis=1)


def top_rule(score, cost, budget):
    """$5 coupons in order of score (skipping -inf) until the predicted discount
    reaches the budget; kept as a score threshold to apply to other customers."""
    order = np.argsort(-score, kind="stable")
    order = order[np.isfinite(score[order])]
    n_given = np.searchsorted(np.cumsum(cost[order, 1]), budget, side="right")
    threshold = score[order[n_given - 1]] if n_given else np.inf
    return lambda s: np.where(s >= threshold, 1, 0)


def positive_uplift_5(pop):
    return np.where(pop["gain"][:, 1] > 0, pop["gain"][:, 1], -np.inf)


def fit_policies(pop, budget):
    """Each policy fitted at a total budget on one population; each returns a
    function from any population to the arm of every customer."""
    random_5 = top_rule(pop["draw"], pop["cost"], budget)
    response_5 = top_rule(pop["buy_5"], pop["cost"], budget)
    uplift_5 = top_rule(positive_uplift_5(pop), pop["cost"], budget)
    _, lagrange_5 = lagrangian_rule(pop["gain"], pop["cost"], budget, arms=(0, 1))
    lam, lagrange = lagrangian_rule(pop["gain"], pop["cost"], budget)
    _, oracle = lagrangian_rule(pop["true_gain"], pop["true_cost"], budget)
    return lam, {
        "random customers, $5": lambda q: random_5(q["draw"]),
        "likeliest buyers, $5": lambda q: response_5(q["buy_5"]),
        "top predicted uplift, $5": lambda q: uplift_5(positive_uplift_5(q)),
        "Lagrangian, $5 only": lambda q: lagrange_5(q["gain"], q["cost"]),
        "Lagrangian, $5 or $15": lambda q: lagrange(q["gain"], q["cost"]),
        "oracle, $5 or $15": lambda q: oracle(q["true_gain"], q["true_cost"]),
    }


# Fresh customers: fit each policy at a budget, then score it with the truth.
n = 100_000
x, p, margin, sleeping_dog = customers(n)
fresh = population(x, p, margin)
sure_thing = p[:, 0] > 0.6
rows = np.arange(n)
print(f"{n:,} fresh customers; true values; profit in $ per 1,000 customers")
print(
    f"sure things (no-coupon purchase p > 0.6) {sure_thing.mean():.2f}, "
    f"sleeping dogs {sleeping_dog.mean():.2f}"
)
print(f"{'policy at $0.50 a customer':<26}  $5   $15  sure  sleeping  spend  profit")
value, lambdas = {}, {}
for budget in (0.25, 0.50, 1.00):
    lambdas[budget], rules = fit_policies(fresh, budget * n)
    for name, rule in rules.items():
        arms = rule(fresh)
        value[name, budget] = 1000 * fresh["true_gain"][rows, arms].mean()
        if budget == 0.50:
            given = arms > 0
            print(
                f"{name:<26}{np.mean(arms == 1):4.2f}{np.mean(arms == 2):6.2f}"
                f"{sure_thing[given].mean():6.2f}{sleeping_dog[given].mean():10.2f}"
                f"{fresh['true_cost'][rows, arms].mean():7.2f}"
                f"{value[name, budget]:8.0f}"
            )
            rules_at_50 = rules
print(f"{'budget per customer':<26}   $0.25   $0.50   $1.00")
for name in list(rules_at_50)[2:]:
    print(f"{name:<26}" + "".join(f"{value[name, b]:8.0f}" for b in lambdas))
print(f"{'lambda, $5 or $15':<26}" + "".join(f"{lambdas[b]:8.2f}" for b in lambdas))

# Off-policy check at $0.50: a second randomised campaign (propensity 1/3 per
# arm) estimates each rule's incremental profit without deploying it. IPS
# reweights the observed profits; doubly robust (DR) adds the models'
# prediction and reweights only their errors.
x, arm, _, _, observed_profit, p, margin = randomised_campaign(150_000)
held_out = population(x, p, margin)
rows = np.arange(len(x))


def estimates(arms):
    """Per-customer terms (x 1,000) of IPS and DR for the incremental profit of
    giving these arms instead of no coupon; their means estimate it."""
    followed, control = (arm == arms).astype(float), (arm == 0).astype(float)
    ips = 3 * observed_profit * (followed - control)
    residual = observed_profit - held_out["expected_profit"][rows, arm]
    dr = held_out["gain"][rows, arms] + 3 * residual * (followed - control)
    return 1000 * ips, 1000 * dr


def interval(terms):
    return terms.mean(), 1.96 * terms.std() / np.sqrt(len(terms))


print("held-out randomised campaign, 150,000 customers, the $0.50 rules")
print(f"{'policy':<26}{'IPS':>6}{'+/-':>5}{'DR':>7}{'+/-':>5}{'true':>7}  IPS covers")
terms, truths = {}, {}
for name, rule in rules_at_50.items():
    arms = rule(held_out)
    terms[name] = estimates(arms)
    (ips, ips_half), (dr, dr_half) = map(interval, terms[name])
    truth = truths[name] = 1000 * held_out["true_gain"][rows, arms].mean()
    print(
        f"{name:<26}{ips:6.0f}{ips_half:5.0f}{dr:7.0f}{dr_half:5.0f}{truth:7.0f}"
        f"  {abs(ips - truth) <= ips_half}"
    )
best, simple = "Lagrangian, $5 or $15", "top predicted uplift, $5"
(ips, ips_half), (dr, dr_half) = (
    interval(a - b) for a, b in zip(terms[best], terms[simple])
)
truth = truths[best] - truths[simple]
print(
    f"{'difference of those two':<26}{ips:6.0f}{ips_half:5.0f}{dr:7.0f}{dr_half:5.0f}"
    f"{truth:7.0f}  {abs(ips - truth) <= ips_half}"
)
