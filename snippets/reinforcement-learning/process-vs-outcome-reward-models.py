import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)
K = 6  # steps per solution
ROLLOUTS = 8  # Math-Shepherd-style completions per step
GUESS = 0.02  # chance that a chain which went wrong writes the right answer anyway


def make_problems(n):
    """A start value, K operands to add, and a per-problem step error rate."""
    start = rng.integers(0, 20, n)
    operands = rng.integers(-9, 10, (n, K))
    difficulty = rng.uniform(0.05, 0.45, n)
    answer = start + operands.sum(axis=1)
    # what a verifier can tell about the difficulty from the problem text
    hardness = difficulty + rng.normal(0.0, 0.05, n)
    return start, operands, difficulty, answer, hardness


def continue_chains(value, operands, difficulty, answer, first):
    """The simulated policy writes steps first..K-1 from the running value `value`.

    Each step adds the operand, but slips by 1 to 5 either way with a probability that
    grows with the operand's size; a chain that is off before its last step writes
    the right answer anyway with probability GUESS (a lucky guess).
    """
    n = len(value)
    values = np.zeros((n, K + 1), dtype=np.int64)
    values[:, first] = value
    partial = answer - operands[:, first:].sum(axis=1)
    for k in range(first, K):
        p_slip = np.minimum(difficulty * (0.5 + np.abs(operands[:, k]) / 9), 0.9)
        slip = rng.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5], n) * (
            rng.random(n) < p_slip
        )
        values[:, k + 1] = values[:, k] + operands[:, k] + slip
        if k == K - 1:
            off = values[:, k] != partial
            guess = off & (rng.random(n) < GUESS)
            values[guess, K] = answer[guess]
        partial = partial + operands[:, k]
    return values


def sample_solutions(problems, per_problem):
    start, operands, difficulty, answer, hardness = (
        np.repeat(a, per_problem, 0) for a in problems
    )
    values = continue_chains(start, operands, difficulty, answer, 0)
    step_ok = values[:, 1:] == values[:, :-1] + operands
    return dict(
        values=values,
        operands=operands,
        difficulty=difficulty,
        answer=answer,
        hardness=hardness,
        step_ok=step_ok,
        right=values[:, K] == answer,
    )


def step_features(sol):
    """What a verifier sees at each step, informative but noisy."""
    n = len(sol["answer"])
    residual = sol["values"][:, 1:] - sol["values"][:, :-1] - sol["operands"]
    check = np.abs(residual + rng.normal(0.0, 0.7, (n, K)))
    size = np.abs(sol["operands"]) / 9
    hardness = np.repeat(sol["hardness"][:, None], K, 1)
    position = np.tile(np.arange(1, K + 1) / K, (n, 1))
    # a PRM reads the whole prefix: the worst check so far is part of what it sees
    worst_so_far = np.maximum.accumulate(check, axis=1)
    return np.stack([check, check**2, worst_so_far, size, hardness, position], axis=2)


def fit(x, y):
    return LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(x, y)


def mc_step_labels(sol):
    """Hard MC estimate: a step is good if any of its completions reaches the answer."""
    n = len(sol["answer"])
    labels = np.zeros((n, K), dtype=int)
    labels[:, K - 1] = sol["right"]
    for k in range(1, K):
        reps = [
            np.repeat(a, ROLLOUTS, 0)
            for a in (
                sol["values"][:, k],
                sol["operands"],
                sol["difficulty"],
                sol["answer"],
            )
        ]
        final = continue_chains(*reps, first=k)[:, K]
        hit = (final == reps[3]).reshape(n, ROLLOUTS)
        labels[:, k - 1] = hit.any(axis=1)
    return labels


train = sample_solutions(make_problems(1500), 8)
test = sample_solutions(make_problems(1000), 64)
f_train, f_test = step_features(train), step_features(test)
F = f_train.shape[2]


def orm_input(f):
    """The ORM sees the same features, all steps at once, and one label per solution."""
    return f.reshape(len(f), -1)


orm = fit(orm_input(f_train), train["right"])
prm_true = fit(f_train.reshape(-1, F), train["step_ok"].ravel())
mc = mc_step_labels(train)
prm_mc = fit(f_train.reshape(-1, F), mc.ravel())

ok = train["step_ok"]
print(
    f"train: {len(ok)} solutions, right answer {train['right'].mean():.3f}, "
    f"right answer with a wrong step {(train['right'] & ~ok.all(1)).mean():.3f}"
)
# A correct step on a prefix that is still on track should be labelled good; MC labels
# it bad when the policy fails every completion from there, more often on hard problems.
start = train["answer"] - train["operands"].sum(1)
on_track = train["values"][:, :-1] == start[:, None] + np.hstack(
    [np.zeros((len(ok), 1), int), np.cumsum(train["operands"], 1)[:, :-1]]
)
hard = train["difficulty"][:, None] > np.quantile(train["difficulty"], 2 / 3)
easy = train["difficulty"][:, None] < np.quantile(train["difficulty"], 1 / 3)
bad = [1 - mc[ok & on_track & group].mean() for group in (easy, hard)]
print(
    f"MC labels: correct on-track steps labelled bad {1 - mc[ok & on_track].mean():.3f}"
    f" (easiest third {bad[0]:.3f}, hardest third {bad[1]:.3f})"
)
print(f"           wrong steps labelled good {mc[~ok].mean():.3f}")

orm_score = orm.predict_proba(orm_input(f_test))[:, 1]
step_true = prm_true.predict_proba(f_test.reshape(-1, F))[:, 1].reshape(-1, K)
step_mc = prm_mc.predict_proba(f_test.reshape(-1, F))[:, 1].reshape(-1, K)
ok_test = test["step_ok"].ravel()
print(
    f"step-level AUC on test steps: PRM true labels "
    f"{roc_auc_score(ok_test, step_true.ravel()):.3f}, PRM MC labels "
    f"{roc_auc_score(ok_test, step_mc.ravel()):.3f}"
)

scores = {"ORM": orm_score, "PRM true": step_true.min(1), "PRM MC": step_mc.min(1)}
right = test["right"].reshape(1000, 64)
false_pos = (test["right"] & ~test["step_ok"].all(1)).reshape(1000, 64)
answers = test["values"][:, K].reshape(1000, 64)


def majority(ans):
    _, first, counts = np.unique(ans, return_index=True, return_counts=True)
    best = np.flatnonzero(counts == counts.max())
    return first[best[np.argmin(first[best])]]


print("best-of-N: accuracy (share of picks with right answer but a wrong step)")
print("   N      oracle       majority            ORM       PRM true         PRM MC")
rows = np.arange(1000)
for n in [1, 2, 4, 8, 16, 32, 64]:
    picks = {"majority": np.array([majority(a[:n]) for a in answers])}
    for name, s in scores.items():
        picks[name] = s.reshape(1000, 64)[:, :n].argmax(1)
    cells = [f"{right[:, :n].any(1).mean():.3f}".rjust(11)]
    for name in ["majority", "ORM", "PRM true", "PRM MC"]:
        acc = right[rows, picks[name]].mean()
        fp = false_pos[rows, picks[name]].mean()
        cells.append(f"{acc:.3f} ({fp:.3f})".rjust(15))
    print(f"{n:4d}" + "".join(cells))

print("N=64, PRM score by aggregation: accuracy (right answer but a wrong step)")
print("aggregation        PRM true         PRM MC")
aggregations = {
    "min": lambda p: p.min(1),
    "product": lambda p: np.log(p).sum(1),
    "last step": lambda p: p[:, -1],
}
for name, aggregate in aggregations.items():
    cells = []
    for steps in (step_true, step_mc):
        pick = aggregate(steps).reshape(1000, 64).argmax(1)
        cells.append(
            f"{right[rows, pick].mean():.3f} ({false_pos[rows, pick].mean():.3f})"
        )
    print(f"{name:<11}" + "".join(c.rjust(15) for c in cells))
