import numpy as np

rng = np.random.default_rng(0)

# 1. One slot. Our advertiser values the impression at v; the highest rival bid D is
# the largest of 3 values drawn uniformly on [0, 1], so P(D < b) = b**3.
v, n = 0.8, 400_000
d = np.sort(rng.random((n, 3)).max(axis=1))
bids = np.round(np.arange(0.0, 1.001, 0.01), 2)
wins = np.searchsorted(d, bids)  # auctions won with each bid (D < bid)
paid = np.concatenate([[0.0], np.cumsum(d)])[wins]  # sum of D over those wins
# second price: pay the rival's bid D; first price: pay your own bid
u_second = (wins * v - paid) / n
u_first = wins * (v - bids) / n
at_v = np.flatnonzero(bids == v)[0]
print("1. one slot, value 0.80, highest rival bid = max of 3 U[0,1] values")
print("auction        best bid  utility at best  utility bidding v")
for name, u in (("second price", u_second), ("first price", u_first)):
    print(f"{name:<15}{bids[u.argmax()]:>8.2f}{u.max():>17.4f}{u[at_v]:>19.4f}")
# closed forms: E[(v - D)+] = v**4 / 4; (v - b) b**3 is largest at b = 3v/4
print(
    f"theory: second price bids {v:.2f}, utility {v**4 / 4:.4f}; "
    f"first price bids {0.75 * v:.2f}, utility {(v / 4) * (0.75 * v) ** 3:.4f}"
)

# 2. Myerson: two bidders with U[0,1] values. The virtual value v - (1 - F)/f = 2v - 1
# is zero at 0.5, the optimal reserve whatever the number of bidders.
vals = np.sort(rng.random((1_000_000, 2)), axis=1)
low, high = vals[:, 0], vals[:, 1]


def revenue(r):
    # second price with reserve r: no sale if both are below r, else max(second, r)
    return np.where(high < r, 0.0, np.maximum(low, r)).mean()


print("\n2. second price, 2 bidders with U[0,1] values")
print("reserve  revenue  theory  no sale  welfare")
for r, theory in ((0.0, 1 / 3), (0.5, 5 / 12)):
    no_sale = np.mean(high < r)
    welfare = np.where(high < r, 0.0, high).mean()
    print(f"{r:>7.2f}{revenue(r):>9.4f}{theory:>8.4f}{no_sale:>9.3f}{welfare:>9.4f}")
grid = np.round(np.arange(0.0, 1.0, 0.05), 2)
best = grid[np.argmax([revenue(r) for r in grid])]
print(f"revenue-maximising reserve on a 0.05 grid: {best:.2f}")

# 3. Three slots. P(click) = position CTR x the ad's own click factor q (its pCTR);
# ads are ranked by score = bid x q; prices are per click.
alpha = np.array([0.10, 0.08, 0.05, 0.0])  # position CTRs; 0 = no slot
value = np.array([5.0, 4.6, 3.0, 3.2, 1.0])  # value per click
q = np.array([1.0, 1.0, 1.2, 1.0, 1.0])
n_slots, GSP, VCG = 3, 0, 1


def payments(rivals, k):
    # expected payment per impression for taking slot k (0-based), given the other
    # ads' scores sorted high to low. GSP: the score just below, per click of slot k.
    # VCG: the value the ads below lose because you are there (each moves down one).
    r = np.append(rivals, np.zeros(n_slots))
    gsp = alpha[k] * r[k]
    vcg = sum((alpha[j] - alpha[j + 1]) * r[j] for j in range(k, n_slots))
    return gsp, vcg


def rivals_of(i, scores):
    return np.sort(np.delete(scores, i))[::-1]


def slot_of(i, scores):
    return int(np.sum(np.delete(scores, i) > scores[i]))


def revenue_at(scores, rule):
    return sum(
        payments(rivals_of(i, scores), slot_of(i, scores))[rule]
        for i in np.argsort(-scores)[:n_slots]
    )


print("\n3. three slots, position CTRs 0.10 / 0.08 / 0.05, everyone bids its value")
print("slot  ad  value  score  GSP $/click  VCG $/click")
truthful = value * q
for i in np.argsort(-truthful)[:n_slots]:
    k = slot_of(i, truthful)
    gsp, vcg = payments(rivals_of(i, truthful), k)
    clicks = alpha[k] * q[i]
    print(
        f"{k + 1:>4}{i:>4}{value[i]:>7.2f}{truthful[i]:>7.2f}"
        f"{gsp / clicks:>13.3f}{vcg / clicks:>13.3f}"
    )
print(
    f"revenue per impression, truthful bids: GSP {revenue_at(truthful, GSP):.3f}, "
    f"VCG {revenue_at(truthful, VCG):.3f}"
)
# ad 0's best reply to truthful rivals: a bid picks a slot (between two rival
# scores); utility = value of the clicks in that slot minus the payment
rivals = rivals_of(0, truthful)
print("ad 0 bids into  bid range     GSP utility  VCG utility")
for k in range(n_slots):
    gsp, vcg = payments(rivals, k)
    gain = alpha[k] * q[0] * value[0]
    lo = rivals[k] / q[0]
    span = f"above {lo:.2f}" if k == 0 else f"{lo:.2f} to {rivals[k - 1] / q[0]:.2f}"
    print(f"slot {k + 1:<10}{span:<13}{gain - gsp:>12.3f}{gain - vcg:>13.3f}")

# Edelman-Ostrovsky-Schwarz: the ad in slot k+1 bids the score at which GSP charges
# the ad in slot k its VCG payment. Check that no ad gains by moving to another slot.
order = np.argsort(-truthful)
eq = truthful.copy()
for k in range(n_slots):
    above = order[k]
    eq[order[k + 1]] = payments(rivals_of(above, truthful), k)[VCG] / alpha[k]
stable = True
for i in range(len(value)):
    k = slot_of(i, eq)
    now = 0.0
    if k < n_slots:
        now = alpha[k] * q[i] * value[i] - payments(rivals_of(i, eq), k)[GSP]
    for m in range(n_slots):
        alt = alpha[m] * q[i] * value[i] - payments(rivals_of(i, eq), m)[GSP]
        stable &= alt <= now + 1e-12
eq_bids = ", ".join(f"{b:.3f}" for b in eq[order[1:4]] / q[order[1:4]])
print(f"EOS equilibrium: ad 0 bids its value, ads 1-3 bid {eq_bids}")
print(
    f"  GSP revenue {revenue_at(eq, GSP):.3f} (VCG {revenue_at(truthful, VCG):.3f}), "
    f"no ad gains by moving: {stable}"
)

# 4. Miscalibration: one slot, per-click prices, 6 advertisers bidding their values.
# The platform ranks by bid x pCTR; clicks happen at the true CTR.
n_q = 100_000
vpc = np.array([2.0, 1.6, 1.4, 1.2, 1.0, 0.8])  # value (= bid) per click
base = np.array([0.020, 0.025, 0.030, 0.030, 0.035, 0.040])
ctr = base * np.exp(0.5 * rng.standard_normal((n_q, len(vpc))))
a = 2  # the advertiser whose pCTR is off
rows = np.arange(n_q)
print(f"\n4. one slot, 6 advertisers, ad {a}'s pCTR scaled; money per 1,000 queries")
print(
    "pCTR of ad 2  its win rate  its $/click  others' $/click  revenue  welfare"
    "  its surplus"
)
for f in (1.0, 1.5, 0.67):
    pctr = ctr.copy()
    pctr[:, a] *= f
    score = vpc * pctr
    first, second = np.argsort(-score, axis=1)[:, :2].T
    # price per click = runner-up's score / winner's pCTR, paid on true clicks
    cpc = score[rows, second] / pctr[rows, first]
    clicks = ctr[rows, first]
    pay = cpc * clicks
    value_won = vpc[first] * clicks
    mine = first == a
    print(
        f"{f:>11.2f}x{mine.mean():>13.3f}{pay[mine].sum() / clicks[mine].sum():>13.3f}"
        f"{pay[~mine].sum() / clicks[~mine].sum():>17.3f}"
        f"{pay.mean() * 1000:>9.2f}{value_won.mean() * 1000:>9.2f}"
        f"{((value_won - pay) * mine).mean() * 1000:>13.2f}"
    )
