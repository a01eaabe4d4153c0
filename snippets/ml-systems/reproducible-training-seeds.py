import math

import numpy as np
import torch
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# The knobs: one thread, deterministic kernels (on a GPU also
# torch.backends.cudnn.benchmark = False), and an explicit seed for each source of
# randomness. float64 leaves a margin so that another CPU's kernels do not move a
# printed accuracy.
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
torch.set_default_dtype(torch.float64)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=500, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
train_set = TensorDataset(
    torch.tensor(scaler.transform(X_train)), torch.tensor(y_train)
)
X_test_t = torch.tensor(scaler.transform(X_test))
y_test_t = torch.tensor(y_test)


def train(init_seed, order_seed, dropout_seed, weight_decay=0.0, epochs=15):
    # Weight init draws from the global generator, so seed it just before.
    torch.manual_seed(init_seed)
    model = nn.Sequential(
        nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10)
    )
    # Data order gets its own generator, so changing it touches nothing else.
    order = torch.Generator().manual_seed(order_seed)
    loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=order)
    # Dropout masks come from the global generator: reseed it for them.
    torch.manual_seed(dropout_seed)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=0.05, momentum=0.9, weight_decay=weight_decay
    )
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(X_test_t).argmax(1) == y_test_t).double().mean().item()
    return model, 100 * accuracy


def same_weights(a, b):
    return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


print(f"digits: {len(X_train)} train, {len(X_test)} test; MLP 64-64-10, 15 epochs")
print("(1) seeds:           init  order  dropout  test acc %  weights equal to run 1")
base, _ = train(0, 0, 0)
for name, seeds in [
    ("run 1", (0, 0, 0)),
    ("run 2, same seeds", (0, 0, 0)),
    ("other init seed", (1, 0, 0)),
    ("other data order", (0, 1, 0)),
    ("other dropout seed", (0, 0, 1)),
]:
    model, acc = train(*seeds)
    init, order, dropout = seeds
    print(
        f"{name:<21}{init:>4}{order:>7}{dropout:>9}{acc:>12.2f}  "
        f"{same_weights(model, base)}"
    )

n_seeds = 20
acc_a = np.array([train(s, s, s)[1] for s in range(n_seeds)])
acc_b = np.array([train(s, s, s, weight_decay=1e-5)[1] for s in range(n_seeds)])
print(f"\n(2) {n_seeds} seeds each; B = A + weight decay 1e-5")
print("config   mean    sd     min     max")
for name, acc in [("A", acc_a), ("B", acc_b)]:
    print(
        f"{name:<6}{acc.mean():>7.2f}{acc.std(ddof=1):>6.2f}"
        f"{acc.min():>8.2f}{acc.max():>8.2f}"
    )
print(f"best B seed minus A seed 0: {acc_b.max() - acc_a[0]:+.2f} points")
gaps = np.subtract.outer(acc_b, acc_a)
print(
    f"single runs, B - A over all {gaps.size} seed pairs: {gaps.min():+.2f} to "
    f"{gaps.max():+.2f}, |gap| >= 0.5 in {np.mean(abs(gaps) >= 0.5):.2f}"
)

diff = acc_b - acc_a
welch = stats.ttest_ind(acc_b, acc_a, equal_var=False)
paired = stats.ttest_rel(acc_b, acc_a)
print("B - A, 20 seeds each   mean   95% CI            p")
for name, test in [("unpaired (Welch)", welch), ("paired by seed", paired)]:
    low, high = test.confidence_interval(0.95)
    print(f"{name:<22}{diff.mean():+.3f}  [{low:+.3f}, {high:+.3f}]  {test.pvalue:.2f}")

# (3) Float addition is not associative: the same float32 numbers, summed one by
# one in different orders, give different low bits.
values = np.random.default_rng(0).standard_normal(100_000).astype(np.float32)
orders = {
    "as stored": values,
    "reversed": values[::-1],
    "sorted": np.sort(values),
    "shuffled": np.random.default_rng(1).permutation(values),
}
print("\n(3) sum of 100,000 float32 numbers, sequential, in four orders")
for name, v in orders.items():
    print(f"{name:<10} {np.cumsum(v, dtype=np.float32)[-1]:.9g}")
print(f"exact      {math.fsum(values.tolist()):.9g}")
