import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn.functional import cross_entropy

# tiny tensors: one thread is fastest, and the output does not depend on the machine
torch.set_num_threads(1)
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
# pixels scaled to [0, 1], so eps is a fraction of the full intensity range
X, y = torch.tensor(X / 16, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(y))
x_train, y_train = X[perm[:1200]], y[perm[:1200]]
x_test, y_test = X[perm[1200:]], y[perm[1200:]]


def input_grad(model, x, y):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(cross_entropy(model(x), y), x)[0]


def fgsm(model, x, y, eps):
    # one step of size eps along the sign of the input gradient
    return (x + eps * input_grad(model, x, y).sign()).clamp(0, 1)


def pgd(model, x, y, eps, steps):
    # random start in the eps-ball, then signed-gradient steps of 2.5 eps / steps,
    # each followed by projection back into the ball and into the valid pixel range
    x_adv = (x + eps * (2 * torch.rand_like(x) - 1)).clamp(0, 1)
    for _ in range(steps):
        x_adv = x_adv + 2.5 * eps / steps * input_grad(model, x_adv, y).sign()
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps).clamp(0, 1)
    return x_adv


def fit(train_eps=0.0, steps=120, lr=1e-2):
    """Full-batch Adam. With train_eps > 0, every step trains on PGD examples:
    the min-max problem."""
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        x = pgd(model, x_train, y_train, train_eps, 3) if train_eps else x_train
        opt.zero_grad()
        cross_entropy(model(x), y_train).backward()
        opt.step()
    return model


def accuracy(model, x):
    with torch.no_grad():
        return (model(x).argmax(1) == y_test).float().mean().item()


models = {"standard": fit(), "PGD-trained, eps 0.1": fit(train_eps=0.1)}
EPS = [0.1, 0.2, 0.5]
print(
    f"{'test accuracy':<21}{'clean':>6}"
    + "".join(f"{'FGSM':>6}{'PGD':>6}" for _ in EPS)
)
print(f"{'':<21}{'':>6}" + "".join(f"{f'eps {e}':>12}" for e in EPS))
linf = {}
for name, model in models.items():
    row = [accuracy(model, x_test)]
    for eps in EPS:
        x_pgd = pgd(model, x_test, y_test, eps, 20)
        row += [
            accuracy(model, fgsm(model, x_test, y_test, eps)),
            accuracy(model, x_pgd),
        ]
        linf.setdefault(eps, []).append((x_pgd - x_test).abs().amax(1).mean().item())
    print(f"{name:<21}" + "".join(f"{a:>6.3f}" for a in row))
print(
    "mean L-inf size of the PGD perturbations (both nets):",
    ", ".join(f"{sum(linf[e]) / len(linf[e]):.3f}" for e in EPS),
)
# black-box transfer: PGD examples made on the standard net, shown to other nets
x_transfer = pgd(models["standard"], x_test, y_test, 0.1, 20)
print("transfer of eps 0.1 PGD examples made on the standard net:")
print(
    f"  a second standard net {accuracy(fit(), x_transfer):.3f}, "
    f"PGD-trained {accuracy(models['PGD-trained, eps 0.1'], x_transfer):.3f}"
)
