import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
N_TRAIN, N_TEST, DIM, BATCH = 4000, 4000, 10, 32
# training budgets: steps of BATCH examples, counted in epochs of N_TRAIN examples
BUDGETS = {"1/8 epoch": 0.125, "1/2 epoch": 0.5, "4 epochs": 4.0}
SEEDS = range(5)
START, FULL_AT = 0.2, 0.5  # pacing: 20% of the data at first, all of it by half-way


def true_logit(x):
    # a curved decision boundary in the first two of ten dimensions
    return 2.0 * (x[:, 0] + 0.8 * np.sin(2.0 * x[:, 1]))


def make_data(seed, flip):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_TRAIN + N_TEST, DIM))
    y = (true_logit(x) > 0).astype(np.float64)
    x_test, y_test = x[N_TRAIN:], y[N_TRAIN:]  # clean test labels
    x, y = x[:N_TRAIN], y[:N_TRAIN].copy()
    flipped = rng.random(N_TRAIN) < flip
    y[flipped] = 1 - y[flipped]
    # known difficulty: signed margin of the observed label under the true boundary;
    # far on the right side is easy, near the boundary is hard, flipped is hardest
    difficulty = -(2 * y - 1) * true_logit(x)
    # what you would have in practice: a teacher's loss on each observed label (here
    # a linear model fitted to the same noisy data, blind to the curved boundary)
    teacher = LogisticRegression(tol=1e-10, max_iter=1000).fit(x, y)
    p_label = teacher.predict_proba(x)[np.arange(N_TRAIN), y.astype(int)]
    return x, y, x_test, y_test, {"oracle": difficulty, "teacher": -np.log(p_label)}


def batches(strategy, steps, y, difficulty, rng):
    """Yield the index batches that a strategy feeds to SGD."""
    n = len(y)
    if strategy == "random shuffling":
        epochs = steps * BATCH // n + 1
        order = np.concatenate([rng.permutation(n) for _ in range(epochs)])
        for t in range(steps):
            yield order[t * BATCH : (t + 1) * BATCH]
        return
    if strategy == "sorted by class":
        # no shuffling: all of class 0, then all of class 1, epoch after epoch
        order = np.tile(np.argsort(y, kind="stable"), steps * BATCH // n + 1)
        for t in range(steps):
            yield order[t * BATCH : (t + 1) * BATCH]
        return
    ranking = {
        "curriculum": np.argsort(difficulty["oracle"], kind="stable"),
        "curriculum, teacher": np.argsort(difficulty["teacher"], kind="stable"),
        "anti-curriculum": np.argsort(-difficulty["oracle"], kind="stable"),
        "random pacing": rng.permutation(n),
    }[strategy]
    for t in range(steps):
        # linear pacing function: the share of the ranked data that may be sampled
        share = min(1.0, START + (1.0 - START) * t / (FULL_AT * steps))
        pool = ranking[: max(BATCH, int(share * n))]
        yield pool[rng.integers(len(pool), size=BATCH)]


def train_and_test(runs, epochs, datasets):
    """Train one MLP (DIM, 64, 1) per (strategy, seed) run, all runs at once: their
    weights are stacked along a first axis and each run sees only its own batches."""
    data = [datasets[seed] for _, seed in runs]
    params = []
    for _, seed in runs:
        torch.manual_seed(seed)  # the same initialisation for every strategy
        first, last = nn.Linear(DIM, 64), nn.Linear(64, 1)
        params.append([first.weight.T, first.bias, last.weight.T, last.bias])
    w1, b1, w2, b2 = (torch.stack(p).detach().requires_grad_() for p in zip(*params))
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=0.01)

    def mlp(x):  # x: (runs, examples, DIM) -> logits (runs, examples)
        hidden = torch.relu(x @ w1 + b1[:, None])
        return (hidden @ w2 + b2[:, None]).squeeze(2)

    x, y, x_test = (torch.from_numpy(np.stack([d[i] for d in data])) for i in (0, 1, 2))
    steps = int(epochs * N_TRAIN / BATCH)
    streams = [
        batches(strategy, steps, d[1], d[4], np.random.default_rng(seed + 100))
        for (strategy, seed), d in zip(runs, data)
    ]
    rows = torch.arange(len(runs))[:, None]
    for step_batches in zip(*streams):
        idx = torch.from_numpy(np.stack(step_batches))  # (runs, BATCH)
        loss = nn.functional.binary_cross_entropy_with_logits(
            mlp(x[rows, idx]), y[rows, idx], reduction="none"
        )
        opt.zero_grad()
        # summed over runs, so each run's gradient is that of its own mean loss
        loss.mean(1).sum().backward()
        opt.step()
    with torch.no_grad():
        pred = mlp(x_test) > 0
    return (pred.numpy() == (np.stack([d[3] for d in data]) > 0.5)).mean(1)


STRATEGIES = (
    "random shuffling",
    "curriculum",
    "curriculum, teacher",
    "anti-curriculum",
    "random pacing",
    "sorted by class",
)
runs = [(strategy, seed) for strategy in STRATEGIES for seed in SEEDS]
print(f"clean test accuracy, mean (sd) over {len(SEEDS)} seeds")
print(f"pacing: first {START:.0%} of the ranking at step 0, all of it from half-way")
for flip in (0.0, 0.2):
    datasets = [make_data(seed, flip) for seed in SEEDS]
    # accuracy[strategy, seed, budget]
    accuracy = np.stack(
        [train_and_test(runs, epochs, datasets) for epochs in BUDGETS.values()], 1
    ).reshape(len(STRATEGIES), len(SEEDS), len(BUDGETS))
    print(f"\n{flip:.0%} of training labels flipped")
    print(f"{'strategy':20}" + "".join(f"{name:>18}" for name in BUDGETS))
    for strategy, accs in zip(STRATEGIES, accuracy):
        row = f"{strategy:20}"
        for mean, sd in zip(accs.mean(0), accs.std(0, ddof=1)):
            row += f"{mean:>10.3f} ({sd:.3f})"
        print(row)
