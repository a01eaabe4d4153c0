import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn.functional import cross_entropy

# tiny tensors: one thread is fastest, and the output does not depend on the machine
torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
# pixels scaled to [0, 1]; 1,200 training and 597 test images
X = X / 16
perm = np.random.default_rng(0).permutation(len(y))
x_train, y_train = X[perm[:1200]], y[perm[:1200]]
x_test, y_test = X[perm[1200:]], y[perm[1200:]]
TARGET = 0


def add_trigger(x):
    # the trigger: a white 2x2 square in the bottom-right corner of the 8x8 image
    x = x.copy().reshape(-1, 8, 8)
    x[:, 6:, 6:] = 1.0
    return x.reshape(-1, 64)


def poison(rate, seed=0):
    """BadNets-style dirty-label poisoning: stamp the trigger on `rate` of the
    training set (images of other classes) and relabel them as TARGET."""
    others = np.flatnonzero(y_train != TARGET)
    n_poison = round(rate * len(y_train))
    idx = np.random.default_rng(seed).choice(others, n_poison, replace=False)
    x, labels = x_train.copy(), y_train.copy()
    x[idx], labels[idx] = add_trigger(x[idx]), TARGET
    return x, labels, np.isin(np.arange(len(labels)), idx)


def fit(x, labels, seed=0, steps=200):
    # a one-hidden-layer MLP, full-batch Adam
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, labels = torch.tensor(x, dtype=torch.float32), torch.tensor(labels)
    for _ in range(steps):
        opt.zero_grad()
        cross_entropy(model(x), labels).backward()
        opt.step()
    return model


def predict(model, x, layers=3):
    with torch.no_grad():
        return model[:layers](torch.tensor(x, dtype=torch.float32)).numpy()


def evaluate(model):
    clean_acc = (predict(model, x_test).argmax(1) == y_test).mean()
    # attack success rate: triggered test images of the other classes -> TARGET
    triggered = add_trigger(x_test[y_test != TARGET])
    asr = (predict(model, triggered).argmax(1) == TARGET).mean()
    return clean_acc, asr


def spectral_scores(hidden, labels):
    """Tran, Li, Madry (2018): within each label, centre the hidden-layer
    activations and score every example by its squared projection on the top
    right singular vector."""
    scores = np.zeros(len(labels))
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        centred = hidden[idx].astype(np.float64) - hidden[idx].mean(0)
        top = np.linalg.svd(centred, full_matrices=False)[2][0]
        scores[idx] = (centred @ top) ** 2
    return scores


print(f"trigger: white 2x2 corner square, target label {TARGET}")
print("poison rate  poisoned  clean acc  attack success")
runs = {}
for rate in [0.0, 0.005, 0.01, 0.03, 0.1]:
    x, labels, is_poison = poison(rate)
    runs[rate] = fit(x, labels)
    clean_acc, asr = evaluate(runs[rate])
    print(f"{rate:>10.1%} {is_poison.sum():>9} {clean_acc:>10.3f} {asr:>15.3f}")

# defence on the 3% run: score with the poisoned model, remove, retrain from scratch
x, labels, is_poison = poison(0.03)
scores = spectral_scores(predict(runs[0.03], x, layers=2), labels)
in_target = np.flatnonzero(labels == TARGET)
n_poison = is_poison.sum()
top_target = in_target[np.argsort(-scores[in_target])[:n_poison]]
print(
    f"spectral signatures, 3.0% run: {n_poison} poisons are "
    f"{n_poison / len(in_target):.1%} of the {len(in_target)} images labelled {TARGET}"
)
print(
    f"poisons among the {n_poison} top scores of label {TARGET}: "
    f"{is_poison[top_target].sum()}"
)
print("eps   drop per label  poisons removed  clean removed  clean acc  attack success")
for eps in [0.10, 0.25]:
    # eps: assumed bound on the poisoned share of a label; drop the 1.5 * eps
    # highest scores of every label (the defender does not know the target)
    remove = np.zeros(len(labels), dtype=bool)
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        k = int(np.ceil(1.5 * eps * len(idx)))
        remove[idx[np.argsort(-scores[idx])[:k]]] = True
    clean_acc, asr = evaluate(fit(x[~remove], labels[~remove]))
    print(
        f"{eps:.2f} {1.5 * eps:>15.1%} {is_poison[remove].sum():>10} of {n_poison}"
        f" {(remove & ~is_poison).sum():>14} {clean_acc:>10.3f} {asr:>15.3f}"
    )
