import itertools
import math

import numpy as np
import torch
from scipy.optimize import linprog
from scipy.special import comb
from scipy.stats import binomtest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(1)
# float64: a float32 run of the random-label fit differs across CPU kernels
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)
DELTA = 0.05


def vc_gap(h, n, delta=DELTA):
    """Vapnik's VC confidence term (Burges 1998, eq. 3): with probability 1 - delta,
    test error <= train error + vc_gap for every classifier in a class of VC
    dimension h < n."""
    return math.sqrt((h * (math.log(2 * n / h) + 1) - math.log(delta / 4)) / n)


# 1. Shattering. A labelling y of n points is realised by a half-space
# sign(w.x + b) iff the LP "find w, b with y_i (w.x_i + b) >= 1" is feasible.
def separable(X, y):
    n, d = X.shape
    A = -y[:, None] * np.hstack([X, np.ones((n, 1))])
    res = linprog(
        np.zeros(d + 1), A_ub=A, b_ub=-np.ones(n), bounds=[(None, None)] * (d + 1)
    )
    return res.status == 0


def realised(X):
    every = [np.array(s) for s in itertools.product([1, -1], repeat=len(X))]
    return [s for s in every if separable(X, s)], every


ok3, all3 = realised(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
ok4, all4 = realised(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
print("1. Labellings a line sign(w.x + b) realises in 2-D")
print(f"3 points (0,0) (1,0) (0,1): {len(ok3)} of {len(all3)}, shattered")
print(f"4 points (0,0) (1,0) (0,1) (1,1): {len(ok4)} of {len(all4)}; missing:")
for s in all4:
    if not any((s == r).all() for r in ok4):
        print("   ", " ".join("+" if v > 0 else "-" for v in s))
print("half-spaces in d dimensions, Gaussian points: realised / 2^n (Cover's count)")
print(" d      n = d + 1          n = d + 2")
for d in range(1, 6):
    row = f"{d:2d}"
    for n in (d + 1, d + 2):
        ok, every = realised(rng.standard_normal((n, d)))
        cover = 2 * sum(comb(n - 1, k, exact=True) for k in range(d + 1))
        row += f"   {len(ok):3d} / {len(every):3d} ({cover:3d})"
    print(row)

# 2. A linear classifier on d = 20 features (VC dimension 21): the VC bound next
# to the measured test - train gap. Labels from a fixed half-space, 10% flipped.
D, NOISE, REPEATS = 20, 0.1, 20
w_true = rng.standard_normal(D)


def sample(n):
    X = rng.standard_normal((n, D))
    y = (X @ w_true > 0).astype(int)
    return X, np.where(rng.random(n) < NOISE, 1 - y, y)


X_test, y_test = sample(20_000)
print()
print(f"2. Logistic regression, d = {D} (VC dimension {D + 1}), {NOISE:.0%} of labels")
print(f"flipped, {REPEATS} training sets per n, 20,000 test points, delta = {DELTA}")
print("     n  train err  test err  mean gap  max gap  VC gap term")
for n in (50, 200, 1000, 5000):
    train_err, test_err = [], []
    for _ in range(REPEATS):
        X, y = sample(n)
        model = LogisticRegression(max_iter=1000, tol=1e-8).fit(X, y)
        train_err.append(np.mean(model.predict(X) != y))
        test_err.append(np.mean(model.predict(X_test) != y_test))
    gap = np.array(test_err) - np.array(train_err)
    print(
        f"{n:6d}  {np.mean(train_err):9.3f}  {np.mean(test_err):8.3f}"
        f"  {gap.mean():8.3f}  {gap.max():7.3f}  {vc_gap(D + 1, n):11.3f}"
    )
n_05 = next(n for n in range(D + 2, 10**7) if vc_gap(D + 1, n) <= 0.05)
print(f"training examples for a VC gap term of 0.05 at h = {D + 1}: {n_05:,}")

# 3. A one-hidden-layer ReLU network with more hidden units than training
# examples, trained on real labels (odd vs even digit) and on random labels of
# the same images. A constant 1 appended to x gives the hidden biases.
X, digit = load_digits(return_X_y=True)
X = np.hstack([X / 16.0, np.ones((len(X), 1))])
N_TRAIN, WIDTH = 500, 512
order = rng.permutation(len(X))
train, test = order[:N_TRAIN], order[N_TRAIN:]
labels = {"real": digit % 2, "random": rng.integers(0, 2, len(X))}
Xt = torch.tensor(X)


def fit_mlp(y01, seed=0):
    """f(x) = w2 . relu(W1 x); full-batch Adam on the logistic loss until it is
    below 0.01. Returns the steps taken, the margins y f(x) of all images and the
    network's Lipschitz bound |W1|_2 |w2|_2."""
    torch.manual_seed(seed)
    y = torch.tensor(2.0 * y01 - 1.0)
    W1 = torch.randn(X.shape[1], WIDTH) * math.sqrt(2 / X.shape[1])
    w2 = torch.randn(WIDTH) / math.sqrt(WIDTH)
    W1.requires_grad_()
    w2.requires_grad_()
    opt = torch.optim.Adam([W1, w2], lr=0.01)

    def f(x):
        return torch.relu(x @ W1) @ w2

    steps = 0
    while True:
        loss = torch.nn.functional.softplus(-y[train] * f(Xt[train])).mean()
        if loss.item() < 0.01:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    with torch.no_grad():
        margin = (y * f(Xt)).numpy()
        lip = torch.linalg.matrix_norm(W1, 2).item() * w2.norm().item()
    return steps, margin, lip


n_weights = X.shape[1] * WIDTH + WIDTH
rms_x = np.sqrt(np.mean(np.sum(X[train] ** 2, axis=1)))
print()
print(f"3. ReLU network, {WIDTH} hidden units ({n_weights:,} weights), digits odd vs")
print(f"even, {N_TRAIN} training and {len(test):,} test images")
print(
    f"VC dimension >= {WIDTH} > n = {N_TRAIN}; VC gap term at h = n already "
    f"{vc_gap(N_TRAIN, N_TRAIN):.3f}"
)
print(
    "labels  steps  train acc  test acc    gap  Lip  gamma  Lip*rms|x|/(gamma*sqrt n)"
)
test_err = {}
for name, y01 in labels.items():
    steps, margin, lip = fit_mlp(y01)
    train_acc, test_acc = np.mean(margin[train] > 0), np.mean(margin[test] > 0)
    # gamma: the margin that 95% of the training images exceed
    gamma = np.quantile(margin[train], 0.05)
    test_err[name] = 1 - test_acc
    print(
        f"{name:6s}  {steps:5d}  {train_acc:9.3f}  {test_acc:8.3f}"
        f"  {train_acc - test_acc:5.3f}  {lip:3.0f}  {gamma:5.2f}"
        f"  {lip * rms_x / (gamma * math.sqrt(N_TRAIN)):25.2f}"
    )
    if name == "random":
        # random 0/1 labels are Rademacher signs sigma_i = 2 y_i - 1
        print(f"random signs: (1/n) sum sigma_i sign f(x_i) = {2 * train_acc - 1:.3f}")
        gap = train_acc - test_acc
        print(f"so a bound from (class, n, delta) alone must be >= {gap:.3f}")

# 4. What practice uses: a held-out test set, untouched during training.
m = len(test)
half = math.sqrt(math.log(2 / DELTA) / (2 * m))
print()
print(f"4. Held-out test set (m = {m:,}), 95% intervals for the test error")
for name, err in test_err.items():
    ci = binomtest(round(err * m), m).proportion_ci(0.95, method="exact")
    print(
        f"{name:6s} error {err:.3f} +- {half:.3f} (Hoeffding)"
        f"  exact binomial [{ci.low:.3f}, {ci.high:.3f}]"
    )
widths = [math.sqrt(math.log(2 / DELTA) / (2 * k)) for k in (m, 10_000, 100_000)]
print(
    f"Hoeffding half-width at m = {m:,} / 10,000 / 100,000: "
    + " / ".join(f"{w:.3f}" for w in widths)
)
