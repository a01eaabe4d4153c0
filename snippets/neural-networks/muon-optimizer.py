# --8<-- [start:orthogonalise]
import torch
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from torch import nn

# A real momentum matrix: the first 128x128 hidden layer of an MLP on the digits dataset
# (ships with scikit-learn) after 50 steps of SGD with momentum 0.95, batches of 64.
X, y = load_digits(return_X_y=True)
X = torch.tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
y = torch.tensor(y)
torch.manual_seed(0)
net = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 10),
)  # fmt: skip
sgd = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.95)
gen = torch.Generator().manual_seed(0)
for _ in range(50):
    idx = torch.randint(0, len(X), (64,), generator=gen)
    sgd.zero_grad()
    nn.functional.cross_entropy(net(X[idx]), y[idx]).backward()
    sgd.step()
M = sgd.state[net[2].weight]["momentum_buffer"]


def newton_schulz(G, steps=5):
    """Approximate U V^T, where G = U S V^T, with Jordan's quintic iteration."""
    a, b, c = 3.4445, -4.7750, 2.0315
    X = G / G.norm()  # Frobenius norm >= largest singular value, so all are <= 1
    for _ in range(steps):
        A = X @ X.T
        # X X^T X = U S^3 V^T: every singular value s becomes a*s + b*s^3 + c*s^5
        X = a * X + (b * A + c * A @ A) @ X
    return X


U, S, Vh = torch.linalg.svd(M)
O = newton_schulz(M)
# O keeps M's singular vectors; the diagonal of U^T O V holds its singular values.
gain = (U.T @ O @ Vh.T).diagonal()
ranks = [1, 2, 4, 8, 16, 32, 64, 96, 120]
print("singular direction   " + "".join(f"{r:>8}" for r in ranks))
print("momentum, s / s_max  " + "".join(f"{S[r - 1] / S[0]:8.1e}" for r in ranks))
print("after Newton-Schulz  " + "".join(f"{gain[r - 1]:8.2f}" for r in ranks))
top = (S[:13] ** 2).sum() / (S**2).sum()
print(f"the top 13 of 128 directions hold {top:.1%} of the momentum's squared norm")


# Steepest descent under the spectral norm: among steps D with ||D||_2 <= 1, the
# first-order loss decrease <M, D> is largest for D = U V^T, where it equals sum(S).
def decrease(D):
    return ((M * D).sum() / torch.linalg.matrix_norm(D, ord=2) / S.sum()).item()


print("first-order decrease per unit spectral norm, as a share of the best:")
print(f"  momentum {decrease(M):.2f}, Newton-Schulz {decrease(O):.2f}, ", end="")
print(f"U V^T {decrease(U @ Vh):.2f}")

# torch.optim.Muon on the same matrix: no momentum, lr 1, no weight decay, so the
# step is minus its Newton-Schulz output (computed in bfloat16).
W = nn.Parameter(torch.zeros(128, 128))
muon = torch.optim.Muon([W], lr=1.0, weight_decay=0.0, momentum=0.0, nesterov=False)
W.grad = M.clone()
muon.step()
cos = nn.functional.cosine_similarity(-W.detach().flatten(), O.flatten(), dim=0)
print(f"torch.optim.Muon's step matches (cosine > 0.99): {cos.item() > 0.99}")
# --8<-- [end:orthogonalise]

# --8<-- [start:scale]
import torch
from torch import nn


def muon_update_rms(shape, adjust_lr_fn):
    """RMS of one torch.optim.Muon update at lr 1 (a random gradient, no momentum)."""
    W = nn.Parameter(torch.zeros(shape))
    opt = torch.optim.Muon(
        [W], lr=1.0, weight_decay=0.0, momentum=0.0, nesterov=False,
        adjust_lr_fn=adjust_lr_fn,
    )  # fmt: skip
    W.grad = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    opt.step()
    return W.detach().pow(2).mean().sqrt().item()


d = 128
shapes = {"d x d": (d, d), "4d x d": (4 * d, d), "d x 4d": (d, 4 * d)}
print(f"{'weight (out x in)':<18} {'original':>9} {'match_rms_adamw':>16}")
for name, shape in shapes.items():
    rms = [muon_update_rms(shape, fn) for fn in ("original", "match_rms_adamw")]
    print(f"{name:<18} {rms[0]:9.3f} {rms[1]:16.3f}")

# AdamW's update RMS at lr 1 when the gradients are pure noise
W = nn.Parameter(torch.zeros(d, d))
adamw = torch.optim.AdamW([W], lr=1.0, weight_decay=0.0)
gen = torch.Generator().manual_seed(1)
for step in range(1, 1001):
    before = W.detach().clone()
    W.grad = torch.randn(d, d, generator=gen)
    adamw.step()
    rms = (W.detach() - before).pow(2).mean().sqrt().item()
    if step in (1, 10, 1000):
        print(f"AdamW, noise gradients, step {step:<4}          {rms:16.3f}")
# --8<-- [end:scale]

# --8<-- [start:train]
import torch
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from torch import nn

X, y = load_digits(return_X_y=True)
X = torch.tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
y = torch.tensor(y)


def make_net():
    return nn.Sequential(
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )  # fmt: skip


def make_optimizers(net, use_muon, lr=3e-3, weight_decay=0.01):
    if not use_muon:
        return [torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)]
    # Muon gets the 2-D weights between hidden layers; the input layer, the output
    # layer and all biases stay on AdamW. With Moonshot's update scaling both use
    # AdamW's learning rate and weight decay.
    hidden = [net[2].weight, net[4].weight]
    rest = [p for p in net.parameters() if all(p is not h for h in hidden)]
    muon = torch.optim.Muon(
        hidden, lr=lr, weight_decay=weight_decay, adjust_lr_fn="match_rms_adamw"
    )
    return [muon, torch.optim.AdamW(rest, lr=lr, weight_decay=weight_decay)]


def state_size(opts):
    """Numbers the optimizers store: AdamW's exp_avg and exp_avg_sq, Muon's momentum."""
    return sum(
        t.numel()
        for o in opts
        for s in o.state.values()
        for key, t in s.items()
        if key != "step"
    )


checkpoints = [25, 50, 100, 200]
losses, state = {}, {}
for name, use_muon in [("AdamW", False), ("Muon + AdamW", True)]:
    losses[name] = torch.zeros(5, len(checkpoints))
    for seed in range(5):
        torch.manual_seed(seed)
        net = make_net()
        opts = make_optimizers(net, use_muon)
        gen = torch.Generator().manual_seed(seed)  # same batches for both optimizers
        for step in range(1, checkpoints[-1] + 1):
            idx = torch.randint(0, len(X), (64,), generator=gen)
            for opt in opts:
                opt.zero_grad()
            nn.functional.cross_entropy(net(X[idx]), y[idx]).backward()
            for opt in opts:
                opt.step()
            if step in checkpoints:
                with torch.no_grad():
                    loss = nn.functional.cross_entropy(net(X), y)
                losses[name][seed, checkpoints.index(step)] = loss
    state[name] = state_size(opts)

print("training loss, mean of 5 seeds " + "".join(f"{s:>8}" for s in checkpoints))
for name, values in losses.items():
    print(f"{name:<30} " + "".join(f"{v:8.2f}" for v in values.mean(0)))
lower = (losses["AdamW"] < losses["Muon + AdamW"]).all(0).tolist()
print(f"{'AdamW lower on every seed':<30} " + "".join(f"{b!s:>8}" for b in lower))
print(f"optimizer state: AdamW {state['AdamW']:,} numbers, ", end="")
print(f"Muon + AdamW {state['Muon + AdamW']:,}")
# --8<-- [end:train]
