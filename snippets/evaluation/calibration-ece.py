import numpy as np
import torch
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
X, y = make_classification(
    n_samples=4000,
    n_features=20,
    n_informative=10,
    n_classes=5,
    class_sep=1.0,
    random_state=0,
)
X_tr, X_rest, y_tr, y_rest = train_test_split(X, y, test_size=0.4, random_state=0)
X_val, X_te, y_val, y_te = train_test_split(
    X_rest, y_rest, test_size=0.5, random_state=0
)

# An over-parameterised MLP trained far past the point of fitting: the usual way to get
# overconfidence.
net = torch.nn.Sequential(
    torch.nn.Linear(20, 64),
    torch.nn.ReLU(),
    torch.nn.Linear(64, 64),
    torch.nn.ReLU(),
    torch.nn.Linear(64, 5),
).double()  # float64, so the printed digits do not depend on the number of threads
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
Xt, yt = torch.tensor(X_tr), torch.tensor(y_tr)
for _ in range(100):
    opt.zero_grad()
    torch.nn.functional.cross_entropy(net(Xt), yt).backward()
    opt.step()
with torch.no_grad():
    logits_val = net(torch.tensor(X_val)).numpy()
    logits_te = net(torch.tensor(X_te)).numpy()


def ece(probs, labels, n_bins=15):
    """Expected calibration error: |accuracy - confidence| per confidence bin, weighted
    by bin size.
    """
    conf, correct = probs.max(axis=1), probs.argmax(axis=1) == labels
    bins = np.minimum(
        (conf * n_bins).astype(int), n_bins - 1
    )  # equal-width bins on [0, 1]
    return sum(
        (bins == b).mean() * abs(correct[bins == b].mean() - conf[bins == b].mean())
        for b in range(n_bins)
        if (bins == b).any()
    )


def nll(logits, labels, T=1.0):
    return -log_softmax(logits / T, axis=1)[np.arange(len(labels)), labels].mean()


# Temperature scaling (Guo et al. 2017): one scalar T, fitted on the validation set by
# minimising NLL.
T = np.exp(
    minimize_scalar(
        lambda logT: nll(logits_val, y_val, np.exp(logT)),
        bounds=(-3, 3),
        method="bounded",
    ).x
)
before, after = softmax(logits_te, axis=1), softmax(logits_te / T, axis=1)

print(f"fitted temperature T = {T:.2f}")
print(f"{'test set':<20} {'accuracy':>8} {'NLL':>6} {'ECE':>6} {'mean confidence':>15}")
for name, p, t in [("before (T = 1)", before, 1.0), ("after scaling", after, T)]:
    acc = (p.argmax(1) == y_te).mean()
    print(
        f"{name:<20} {acc:>8.3f} {nll(logits_te, y_te, t):>6.3f} {ece(p, y_te):>6.3f} "
        f"{p.max(1).mean():>15.3f}"
    )

print("reliability diagram data (before scaling), 5 bins:")
conf, correct = before.max(1), before.argmax(1) == y_te
for lo in np.arange(0.0, 1.0, 0.2):
    inb = (conf > lo) & (conf <= lo + 0.2)
    if inb.any():
        print(
            f"  confidence ({lo:.1f}, {lo + 0.2:.1f}]: n={inb.sum():>4}  mean "
            f"confidence {conf[inb].mean():.3f}  accuracy {correct[inb].mean():.3f}"
        )
