import numpy as np

rng = np.random.default_rng(0)

# Costs in minutes of the user's time: ASSUMPTIONS for illustration, not data.
# A question is cheap in a live chat and expensive when the user is away (the task
# waits); a wrong action costs what it takes to notice and repair it.
ASK_COST = {"live": 0.5, "async": 5.0}
WRONG_COST = {"read-only": 1.0, "reversible": 3.0, "irreversible": 60.0}
ACTION_MIX = {"read-only": 0.4, "reversible": 0.4, "irreversible": 0.2}
CONTEXT_MIX = {"live": 0.5, "async": 0.5}
# Each request has three candidate interpretations; p is the share of users who mean
# each one when they write it (the hidden intent is drawn from p).
SPLITS = {
    "clear": ([1.0, 0.0, 0.0], 0.5),
    "mild": ([0.85, 0.15, 0.0], 0.2),
    "two-way": ([0.55, 0.45, 0.0], 0.2),
    "three-way": ([0.40, 0.35, 0.25], 0.1),
}
K_MAX = 8


def pick(options, n):
    names = list(options)
    return rng.choice(len(names), n, p=list(options.values())), names


def make_tasks(n):
    kind, _ = pick({k: v[1] for k, v in SPLITS.items()}, n)
    p = np.array([v[0] for v in SPLITS.values()])[kind]
    intent = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    action, a_names = pick(ACTION_MIX, n)
    context, c_names = pick(CONTEXT_MIX, n)
    c_wrong = np.array([WRONG_COST[a] for a in a_names])[action]
    c_ask = np.array([ASK_COST[c] for c in c_names])[context]
    # The model sees the wording, not the intent: its plan distribution q is the
    # true split with noise, sharpened (temperature 0.5), so it is overconfident.
    z = (np.log(np.maximum(p, 0.02)) + rng.normal(0, 0.8, p.shape)) / 0.5
    q = np.exp(z - z.max(axis=1, keepdims=True))
    q /= q.sum(axis=1, keepdims=True)
    # K_MAX sampled plans per request; the agent with k samples uses the first k
    u = rng.random((n, K_MAX, 1))
    plans = (u > np.cumsum(q, axis=1)[:, None, :]).sum(axis=2)
    tie_break = rng.random((n, 3)) * 0.1
    return dict(
        kind=kind,
        p=p,
        intent=intent,
        irreversible=action == a_names.index("irreversible"),
        c_wrong=c_wrong,
        c_ask=c_ask,
        plans=plans,
        tie_break=tie_break,
    )


def vote(t, k):
    """Majority plan among the first k samples, and how many samples agree."""
    counts = np.stack([(t["plans"][:, :k] == i).sum(axis=1) for i in range(3)], 1)
    choice = np.argmax(counts + t["tie_break"], axis=1)
    return choice, counts.max(axis=1)


calib, test = make_tasks(20_000), make_tasks(20_000)
clear = test["kind"] == 0

# Calibration on labelled requests: how often is the majority plan wrong, given
# that m of k samples agreed? (Raw disagreement, 1 - m/k, is the uncalibrated signal.)
p_wrong_table = {}
for k in (1, 3, 8):
    choice, m = vote(calib, k)
    wrong = choice != calib["intent"]
    p_wrong_table[k] = {a: wrong[m == a].mean() for a in np.unique(m)}

print("k = 8 sampled plans: agreement vs how often the majority plan is wrong")
print("agree  share  raw P(wrong)  observed P(wrong)")
choice, m = vote(calib, 8)
for a in sorted(p_wrong_table[8], reverse=True):
    share = (m == a).mean()
    print(f"{a}/8  {share:7.3f}  {1 - a / 8:12.3f}  {p_wrong_table[8][a]:17.3f}")
agree_all = ", ".join(f"k={k} {p_wrong_table[k][k]:.3f}" for k in (1, 3, 8))
print(f"observed P(wrong) when all k samples agree: {agree_all}")


def evaluate(ask, choice):
    right = choice == test["intent"]
    cost = np.where(ask, test["c_ask"], np.where(right, 0.0, test["c_wrong"]))
    # after a question the agent acts on the user's answer, so it is right
    wrong = ~ask & ~right
    return (
        cost.mean(),
        ask.mean(),
        ask[clear].mean(),
        wrong[~clear].mean(),
        1000 * (wrong & test["irreversible"]).mean(),
        1 - wrong.mean(),
    )


rows = []
for k in (1, 3, 8):
    choice, m = vote(test, k)
    raw = 1 - m / k
    calibrated = np.array([p_wrong_table[k][a] for a in m])
    never = np.zeros(len(m), bool)
    rows.append((f"never ask, k={k}", never, choice))
    if k == 1:
        rows.append(("always ask", ~never, choice))
    rows.append((f"raw P(wrong) > 0.2, k={k}", raw > 0.2, choice))
    expected = calibrated * test["c_wrong"] > test["c_ask"]
    rows.append((f"expected cost, k={k}", expected, choice))
# The oracle knows the true split p (not the intent): the best any rule can do
choice, _ = vote(test, 8)
p_wrong_true = 1 - test["p"][np.arange(len(choice)), choice]
rows.append(
    ("oracle expected cost", p_wrong_true * test["c_wrong"] > test["c_ask"], choice)
)

print()
print(f"{len(test['intent']):,} requests, {clear.mean():.0%} of them clear")
header = (
    "policy                    cost  asks  asks on   wrong on  wrong irrev.  success"
)
print(header)
print("                          /task /task clear     ambiguous /1000 tasks")
for name, ask, choice in rows:
    cost, asks, asks_clear, wrong_amb, irrev, success = evaluate(ask, choice)
    print(
        f"{name:24s} {cost:5.2f} {asks:5.2f} {asks_clear:7.3f} {wrong_amb:9.3f}"
        f" {irrev:9.1f} {success:10.3f}"
    )

# A simulated user who answers every question at once makes asking look cheap:
# the same decisions, scored with a question costing 0.5 min in every context
sim_ask = np.full(len(test["c_ask"]), ASK_COST["live"])
print()
print("scored with an always-available simulated user (question = 0.5 min):")
for name, ask, choice in (rows[1], rows[-2]):
    right = choice == test["intent"]
    cost = np.where(ask, sim_ask, np.where(right, 0.0, test["c_wrong"]))
    print(f"  {name:22s} {cost.mean():5.2f} /task")
