import copy

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xte, ytr, yte = map(
    torch.tensor, train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
)
calib = Xtr[torch.randperm(len(Xtr))[:512]]


def train(model, epochs, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        for i in torch.randperm(len(Xtr)).split(32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xtr[i]), ytr[i]).backward()
            opt.step()
    return model


def accuracy(model):
    with torch.no_grad():
        return (model(Xte).argmax(1) == yte).float().mean().item()


def n_params(model):
    return sum(p.numel() for p in model.parameters())


dense = torch.nn.Sequential(
    torch.nn.Linear(64, 256),
    torch.nn.ReLU(),
    torch.nn.Linear(256, 256),
    torch.nn.ReLU(),
    torch.nn.Linear(256, 10),
)
train(dense, epochs=20)
FACTORISED = [0, 2]


@torch.no_grad()
def layer_inputs(x):
    """Inputs that the original model feeds to each factorised layer."""
    return {0: x, 2: dense[1](dense[0](x))}


calib_in, test_in = layer_inputs(calib), layer_inputs(Xte)
W = {k: dense[k].weight.detach().double() for k in FACTORISED}


def balanced(U, S, Vt, r):
    # Split the singular values evenly between the two factors (as SVD-LLM does),
    # so neither factor is tiny while the other is huge when fine-tuning.
    root = S[:r].sqrt()
    return U[:, :r] * root, root[:, None] * Vt[:r]


def plain_svd(k, r):
    U, S, Vt = torch.linalg.svd(W[k], full_matrices=False)
    return balanced(U, S, Vt, r)


def whitened_svd(k, r):
    # Minimise ||X W^T - X W_r^T|| over rank-r W_r: with X^T X = L L^T, truncate
    # the SVD of W L, then map back with L^{-1}. A tiny ridge keeps L invertible
    # (dead ReLU units and always-blank pixels make X^T X singular).
    x = calib_in[k].double()
    gram = x.T @ x / len(x)
    gram += 1e-8 * gram.diagonal().mean() * torch.eye(len(gram), dtype=gram.dtype)
    L = torch.linalg.cholesky(gram)
    U, S, Vt = torch.linalg.svd(W[k] @ L, full_matrices=False)
    left, right = balanced(U, S, Vt, r)
    return left, torch.linalg.solve_triangular(L, right, upper=False, left=False)


def factorise(method, r):
    model = copy.deepcopy(dense)
    for k in FACTORISED:
        left, right = method(k, r)
        down = torch.nn.Linear(right.shape[1], r, bias=False)
        up = torch.nn.Linear(r, left.shape[0])
        down.weight.data = right.float()
        up.weight.data = left.float()
        up.bias.data = dense[k].bias.detach().clone()
        model[k] = torch.nn.Sequential(down, up)
    return model


@torch.no_grad()
def errors(model):
    w_err = w_ref = out_err = out_ref = 0.0
    for k in FACTORISED:
        down, up = model[k]
        W_r = (up.weight @ down.weight).double()
        w_err += (W[k] - W_r).square().sum().item()
        w_ref += W[k].square().sum().item()
        x = test_in[k].double()
        out_err += (x @ (W[k] - W_r).T).square().sum().item()
        out_ref += (x @ W[k].T).square().sum().item()
    return (w_err / w_ref) ** 0.5, (out_err / out_ref) ** 0.5


print(f"dense: {n_params(dense):,} params, test accuracy {accuracy(dense):.3f}")
print("share of squared singular values in the top k directions (layer 2)")
spectra = {
    "weight W": torch.linalg.svdvals(W[2]),
    "outputs XW^T": torch.linalg.svdvals(test_in[2].double() @ W[2].T),
}
ks = [1, 2, 4, 8, 16, 32, 64]
print(f"{'k':>13s}" + "".join(f"{k:>7d}" for k in ks))
for name, s in spectra.items():
    energy = (s**2).cumsum(0) / (s**2).sum()
    print(f"{name:>13s}" + "".join(f"{energy[k - 1].item():7.3f}" for k in ks))

print(
    f"{'rank':>4s} {'params':>6s} {'method':>8s} {'W err':>6s} {'out err':>7s} "
    f"{'acc':>5s} {'tuned':>5s}"
)
for r in [2, 4, 8, 16, 32]:
    for name, method in [("plain", plain_svd), ("whitened", whitened_svd)]:
        model = factorise(method, r)
        w_err, out_err = errors(model)
        acc = accuracy(model)
        torch.manual_seed(1)
        tuned = accuracy(train(model, epochs=3, lr=1e-4))
        kept = n_params(model) / n_params(dense)
        print(
            f"{r:4d} {kept:6.3f} {name:>8s} {w_err:6.3f} {out_err:7.3f} "
            f"{acc:5.3f} {tuned:5.3f}"
        )

# Check: the best rank-r approximation of the output matrix Y = X W^T is its own
# truncated SVD (Eckart-Young applied to Y), a lower bound no rank-r W_r can beat.
# The whitened solution should reach it on the calibration inputs.
gaps = []
for k in FACTORISED:
    x = calib_in[k].double()
    Y = x @ W[k].T
    s = torch.linalg.svdvals(Y)
    for r in [2, 4, 8, 16, 32]:
        bound = s[r:].square().sum().sqrt() / Y.norm()
        found = {}
        for name, method in [("plain", plain_svd), ("whitened", whitened_svd)]:
            left, right = method(k, r)
            found[name] = (Y - x @ (left @ right).T).norm() / Y.norm()
        gaps.append(abs(found["whitened"] / bound - 1).item())
        if (k, r) == (2, 8):
            print(
                f"layer 2, rank 8, calibration inputs, relative output error: "
                f"plain {found['plain']:.4f}, whitened {found['whitened']:.4f}, "
                f"bound {bound:.4f}"
            )
print(
    f"whitened error == bound at every layer and rank (within 1e-6): {max(gaps) < 1e-6}"
)
