import warnings
from itertools import combinations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

# silence shap's deprecation warnings, raised on import
warnings.filterwarnings("ignore")
import shap  # noqa: E402

# thousands of small predict calls: extra threads would only add overhead
threadpool_limits(limits=1)
NAMES = ["income", "debt", "dti", "history", "delinquencies", "age"]
INC, DEBT, DTI, HIST, DELQ, AGE = range(6)
ACTIONS = ["income", "debt", "wait"]
CUT = 0.20  # approve when the predicted probability of default (PD) is at most 0.20


def true_pd(X):
    # the simulation's real default risk; income and debt in $1,000s
    logit = (
        -1.9
        + 5 * (X[:, DEBT] / X[:, INC] - 0.3)
        + 0.5 * (X[:, DELQ] - 0.9)
        - 0.06 * (X[:, HIST] - 8)
        - 0.8 * np.log(X[:, INC] / 42)
        - 0.01 * (X[:, AGE] - 40)
    )
    return 1 / (1 + np.exp(-logit))


def simulate(n, rng):
    age = rng.uniform(21, 70, n)
    history = (age - 18) * rng.uniform(0.1, 1.0, n)
    z = 0.015 * (np.minimum(age, 55) - 35) + 0.4 * rng.standard_normal(n)
    income = 42 * np.exp(z)
    debt = income * rng.beta(2.5, 6.0, n)
    delinq = np.minimum(rng.poisson(0.9, n), 8)
    X = np.column_stack([income, debt, debt / income, history, delinq, age])
    return X, rng.random(n) < true_pd(X)


def train(seed):
    X, y = simulate(20_000, np.random.default_rng(seed))
    # risk may not rise with income or history, nor fall as debt, dti or
    # delinquencies rise; age is left free
    gbm = HistGradientBoostingClassifier(
        max_iter=100,
        max_leaf_nodes=8,
        monotonic_cst=[-1, 1, 1, -1, 1, 0],
        early_stopping=False,
        random_state=0,
    )
    return gbm.fit(X, y), X


def pd_of(rows, m=None):
    return (model if m is None else m).predict_proba(rows)[:, 1]


def add(x, a):
    # (a) and (b): every feature, dti included, moves on its own
    return x + a


def act(x, a):
    # (c): actions (raise income, pay down debt, wait); dti is recomputed, and
    # waiting lengthens the credit history and adds to the age
    rows = np.repeat(x[None], len(a), 0)
    rows[:, INC] += a[:, 0]
    rows[:, DEBT] += a[:, 1]
    rows[:, DTI] = rows[:, DEBT] / rows[:, INC]
    rows[:, HIST] += a[:, 2]
    rows[:, AGE] += a[:, 2]
    return rows


def recourse(x, signs, lo, hi, weight, scale, apply, pd_max):
    """Cheapest change of one or two inputs that brings the PD to pd_max or below.

    signs[k]: the direction input k may move (+1, -1, 2 for either, 0 fixed);
    lo, hi: bounds on each change; cost: sum of weight * |change| / scale.
    """
    whole = DELQ if apply is add else -1  # past delinquencies are counts
    steps = []
    for k, s in enumerate(signs):
        d = np.concatenate([STEPS, -STEPS]) * scale[k]
        d = np.clip(d[(np.sign(d) == s) | (s == 2)], lo[k], hi[k])
        d = np.round(d) if k == whole else d
        steps.append(np.unique(d[d != 0]))
    n = len(signs)
    cands = []
    for k in range(n):
        a = np.zeros((len(steps[k]), n))
        a[:, k] = steps[k]
        cands.append(a)
    for k, j in combinations(range(n), 2):
        dk, dj = np.meshgrid(steps[k], steps[j])
        a = np.zeros((dk.size, n))
        a[:, k], a[:, j] = dk.ravel(), dj.ravel()
        cands.append(a)
    cands = np.vstack(cands)
    cost = (weight * np.abs(cands) / scale).sum(1)
    ok = pd_of(apply(x, cands)) <= pd_max
    if not ok.any():
        return None
    best = cands[np.flatnonzero(ok)[np.argmin(cost[ok])]]
    # shrink each change in turn to the smallest that still passes
    for k in np.flatnonzero(best):
        if k != whole:
            trial = np.repeat(best[None], 41, 0)
            trial[:, k] = best[k] * np.linspace(0, 1, 41)
            best = trial[np.argmax(pd_of(apply(x, trial)) <= pd_max)]
    return best


model, X = train(0)
# Wachter et al.'s distance: L1, each feature divided by its median absolute deviation
MAD = np.median(np.abs(X - np.median(X, 0)), 0)
STEPS = np.geomspace(0.05, 4, 10)  # candidate step sizes, in MADs
LO, HI = np.quantile(X, 0.01, 0), np.quantile(X, 0.99, 0)
# per-feature costs for (b) and (c): a MAD of income is twice as hard as one of debt
W = np.array([2.0, 1, 1, 1, 0, 0])
MAD_C, W_C = MAD[[INC, DEBT, HIST]], W[[INC, DEBT, HIST]]
MARGINS = [0, 0.02, 0.05]

pool, default = simulate(20_000, np.random.default_rng(1))
pool_pd = pd_of(pool)
rejected = pool[pool_pd > CUT][:60]
print(
    f"model: AUC {roc_auc_score(default, pool_pd):.3f}, approves "
    f"{np.mean(pool_pd <= CUT):.3f} of new applicants; {len(rejected)} rejected ones"
)


def options_c(x, signs, pd_max=CUT):
    lo, hi = [0, -x[DEBT], 0], [0.4 * x[INC], 0, 4]
    return recourse(x, signs, lo, hi, W_C, MAD_C, act, pd_max)


results = []
for x in rejected:
    # (a) nearest: any feature may move within the data's 1st-99th percentiles; the
    # model is monotone, so only the helpful direction is searched (age: both)
    a = recourse(x, [1, -1, -1, 1, -1, 2], LO - x, HI - x, np.ones(6), MAD, add, CUT)
    # (b) actionable: age and delinquencies fixed, income up by at most 40%,
    # debt and dti only down, at most 4 more years of history
    lo, hi = [0, -x[DEBT], -x[DTI], 0, 0, 0], [0.4 * x[INC], 0, 0, 4, 0, 0]
    b = recourse(x, [1, -1, -1, 1, 0, 0], lo, hi, W, MAD, add, CUT)
    # (c) causal: the same limits, on actions, at several margins below the cut
    c = {m: options_c(x, [1, -1, 1], CUT - m) for m in MARGINS}
    results.append((x, a, b, c))


def describe(names, change):
    out = []
    for name, v in zip(names, change):
        if v and name in ("income", "debt"):
            out.append(f"{name} {'+' if v > 0 else '-'}${abs(v) * 1000:,.0f}")
        elif v and name == "dti":
            out.append(f"dti {v:+.4f}")
        elif v and name == "delinquencies":
            out.append(f"delinquencies {v:+.0f}")
        elif v:
            out.append(f"{name} {v:+.1f} y")
    return ", ".join(out)


def cost_a(a):
    return (np.abs(a) / MAD).sum()


def cost_b(b):
    return (W * np.abs(b) / MAD).sum()


def cost_c(c):
    return (W_C * np.abs(c) / MAD_C).sum()


explainer = shap.TreeExplainer(
    model, data=X[:200], feature_perturbation="interventional"
)
top = explainer.shap_values(rejected).argmax(1)  # largest push towards default
for i, (x, a, b, c) in enumerate(results[:3]):
    print(
        f"\napplicant {i + 1}: income ${x[INC] * 1000:,.0f}, debt "
        f"${x[DEBT] * 1000:,.0f}, dti {x[DTI]:.2f}, history {x[HIST]:.1f} y, "
        f"delinquencies {x[DELQ]:.0f}, age {x[AGE]:.0f}"
    )
    print(f"  PD {pd_of(x[None])[0]:.3f}; top SHAP feature: {NAMES[top[i]]}")
    lines = [
        ("(a) nearest", describe(NAMES, a), cost_a(a), add(x, a[None])),
        ("(b) actionable", describe(NAMES, b), cost_b(b), add(x, b[None])),
        ("(c) causal", describe(ACTIONS, c[0]), cost_c(c[0]), act(x, c[0][None])),
    ]
    for name, change, cost, moved in lines:
        print(f"  {name:15} {change:32} cost {cost:.2f}  PD {pd_of(moved)[0]:.3f}")
    pd_b_done = pd_of(act(x, b[None, [INC, DEBT, HIST]]))[0]
    print(f"      (b)'s changes done as actions: PD {pd_b_done:.3f}")
    one = [options_c(x, s) for s in ([1, 0, 0], [0, -1, 0], [0, 0, 1])]
    one = ["none" if o is None else describe(ACTIONS, o) for o in one]
    print(f"      one action only: {' | '.join(one)}")

A = [a for _, a, _, _ in results if a is not None]
B = [(x, b) for x, _, b, _ in results if b is not None]
C = [(x, c[0]) for x, _, _, c in results if c[0] is not None]
immutable = np.array([bool(a[AGE] or a[DELQ]) for a in A])
off_a = np.array([bool(a[[INC, DEBT, DTI]].any()) for a in A])
off_b = sum(bool(b[[INC, DEBT, DTI]].any()) for _, b in B)
done_b = sum(pd_of(act(x, b[None, [INC, DEBT, HIST]]))[0] <= CUT for x, b in B)
mean_a = np.mean([cost_a(a) for a in A])
mean_b = np.mean([cost_b(b) for _, b in B])
mean_c = np.mean([cost_c(c) for _, c in C])
label = f"{len(results)} rejected applicants"
print(f"\n{label:26}{'(a) nearest':>11}  {'(b) actionable':>14}  {'(c) causal':>10}")
print(f"recourse found            {len(A):11d}  {len(B):14d}  {len(C):10d}")
print(f"mean cost                 {mean_a:11.2f}  {mean_b:14.2f}  {mean_c:10.2f}")
print(f"changes age or delinq.    {immutable.sum():11d}  {0:14d}  {0:10d}")
print(f"dti != debt / income      {off_a.sum():11d}  {off_b:14d}  {0:10d}")
print(
    f"either of the two         {(immutable | off_a).sum():11d}  {off_b:14d}  {0:10d}"
)
print(f"approved, done as actions {'-':>11}  {done_b:14d}  {len(C):10d}")
print(f"top SHAP feature is delinquencies or age: {np.isin(top, [DELQ, AGE]).sum()}")

# retrain on three fresh samples: is the recourse still approved?
new_models = [train(seed)[0] for seed in (2, 3, 4)]
flips = [np.mean((pd_of(pool, m) <= CUT) != (pool_pd <= CUT)) for m in new_models]
print(f"\nretrained models change {min(flips):.3f}-{max(flips):.3f} of all decisions")
print("(c) aimed at PD  found  mean cost  true PD  approved by the retrained models")
for margin in MARGINS:
    got = [(x, c[margin]) for x, _, _, c in results if c[margin] is not None]
    moved = np.vstack([act(x, c[None]) for x, c in got])
    kept = [np.mean(pd_of(moved, m) <= CUT) for m in new_models]
    print(
        f"  <= {CUT - margin:.2f}        {len(got):5d}  "
        f"{np.mean([cost_c(c) for _, c in got]):9.2f}  {true_pd(moved).mean():7.3f}  "
        f"{np.mean(kept):.2f} ({min(kept):.2f}-{max(kept):.2f})"
    )
band = (pool_pd > CUT - 0.03) & (pool_pd <= CUT)
print(
    f"applicants scored {CUT - 0.03:.2f}-{CUT:.2f} as they are: mean PD "
    f"{pool_pd[band].mean():.3f}, true PD {true_pd(pool[band]).mean():.3f}"
)
print(
    f"the {len(rejected)} rejected as they are: true PD {true_pd(rejected).mean():.3f}"
)
